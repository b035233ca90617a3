"""The dashboard's list: team headings, objectives, and their key results as selectable lines.

An OptionList renders only the lines on screen, so a 50-team organisation (600 key results)
opens and scrolls as fast as a small one; a widget per row took seconds to mount and a quarter
of a second per arrow key. Headings and objectives are disabled options: the cursor moves
between key results only.

Two more savings keep the first frame of a large organisation fast (benchmarks/run.py, start-up):
each line's text is built only when the line is first drawn (`BoardOption`), and its height is
known from its kind instead of measured, because the board never wraps (`nowrap` in
dashboard.tcss). OptionList measured every option by laying its text out: for 750 options that
was most of the board's cost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from textual.binding import Binding
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.visual import VisualType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from okr_tui.domain.board import KeyResultLine, ObjectiveBlock, PendingBlock
from okr_tui.domain.models import KrType, Objective
from okr_tui.domain.progress import format_value, value_text
from okr_tui.widgets.badges import (
    confidence_badge,
    confidence_trend,
    pace_badge,
    progress_bar,
    score_badge,
)

KR_PREFIX = "kr:"

# Lines each kind of option takes (the texts below hold this many lines; a test checks it).
TEAM_LINES = 1
OBJECTIVE_LINES = 3
KEY_RESULT_LINES = 2


def key_result_text(line: KeyResultLine, bar_width: int = 16) -> Content:
    kr = line.kr
    if kr.kr_type is KrType.MILESTONE:
        figures = value_text(kr, line.value)  # "done" / "not done", not "0 / 1"
    else:
        figures = f"{format_value(line.value, kr.unit)} / {format_value(kr.target, kr.unit)}"
    # "due" is this meeting's check-in; earlier meetings without one are "missed", as
    # `okr due` says: a key result checked in today read "6 due" for six missed meetings.
    missed = Content.styled(f"{line.missed_meetings} missed", "$warning")
    if not line.meeting_open:  # a closed cycle: no check-in is owed or done
        due_text = Content("")
    elif line.owes_this_meeting and not line.checked_in_this_meeting:
        due_text = Content.styled("1 due", "$warning")
        if line.missed_meetings:
            due_text = Content.assemble(due_text, " · ", missed)
    elif not line.owes_this_meeting and not line.checked_in_this_meeting:
        # Added after this meeting: the next one is its first, unless this was the last.
        owes = "due next meeting" if line.meeting_follows else "no meeting left this cycle"
        due_text = Content.styled(f"new: {owes}", "$text-muted")
    else:
        due_text = Content.styled("✓ done", "$success")
        if line.missed_meetings:
            due_text = Content.assemble(due_text, " · ", missed)
    return Content.assemble(
        "   ",
        Content(kr.title),
        "\n     ",
        progress_bar(line.progress, bar_width),
        f"  {figures}  ",
        confidence_badge(line.confidence),
        confidence_trend(line.confidence_change),
        "  ",
        pace_badge(line.pace.pace),
        "  ",
        due_text,
    )


def objective_text(block: ObjectiveBlock, parent: Objective | None) -> Content:
    objective = block.objective
    parts: list[Content | str] = [
        "\n ",
        Content.styled(objective.title, "bold"),
        Content.styled(f"  {objective.level.value} · {objective.kind.value}", "$text-muted"),
    ]
    if objective.owner:
        parts.append(Content.styled(f" · {objective.owner}", "$text-muted"))
    parts += ["\n   ", progress_bar(block.progress or 0.0, 16, "$accent"), "  score "]
    # The score it stands at (ObjectiveBlock.score), in its band (read by kind: committed
    # needs 1.0).
    parts += [score_badge(block.score, objective.kind), "  ", confidence_badge(block.confidence)]
    if parent is not None:
        parts.append(Content.styled("  ↳ aligns to: ", "$text-muted"))
        parts.append(Content(parent.title))
    return Content.assemble(*parts)


class BoardOption(Option):
    """An option whose text is built when it is first drawn, with its height known up front.

    Only the thirty-odd options on screen are ever built at start-up, not all 750.
    """

    def __init__(
        self,
        build: Callable[[], Content],
        height: int,
        id: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__("", id=id, disabled=disabled)
        self._build: Callable[[], Content] | None = build
        self.height = height

    @property
    def prompt(self) -> VisualType:
        if self._build is not None:
            self._prompt, self._build = self._build(), None
        return self._prompt


@dataclass(frozen=True)
class TeamSection:
    """One team's part of the board (team None: company objectives)."""

    name: str
    blocks: Sequence[ObjectiveBlock | PendingBlock]


class BoardLines(Mapping[str, KeyResultLine]):
    """The board's key result lines by id, in board order; a line is worked out when it is
    first read (drawn, or looked up)."""

    def __init__(self, blocks: Sequence[PendingBlock]) -> None:
        self._where = {
            kr_id: (pending, index)
            for pending in blocks
            for index, kr_id in enumerate(pending.kr_ids)
        }

    def __getitem__(self, kr_id: str) -> KeyResultLine:
        pending, index = self._where[kr_id]
        return pending.block().lines[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)


def _objective_text(pending: PendingBlock, parent: Objective | None) -> Content:
    return objective_text(pending.block(), parent)


def _key_result_text(pending: PendingBlock, index: int) -> Content:
    return key_result_text(pending.block().lines[index])


class ObjectiveBoard(OptionList):
    """Posts `Opened` with a key result id when a key result line is chosen."""

    BINDINGS = [
        Binding("j", "cursor_down", "Next", show=False, id="board.next", tooltip="Next key result"),
        Binding(
            "k",
            "cursor_up",
            "Previous",
            show=False,
            id="board.previous",
            tooltip="Previous key result",
        ),
    ]

    @dataclass
    class Opened(Message):
        kr_id: str

    def show(self, sections: Sequence[TeamSection], parents: dict[str, Objective]) -> None:
        """Replace the lines, keeping the cursor on the same key result when it is still there."""
        kept = self.highlighted_kr_id
        options: list[Option | None] = []
        blocks: list[PendingBlock] = []
        for section in sections:
            if options:
                options.append(None)
            heading = partial(Content.styled, f" {section.name} ", "bold reverse")
            options.append(BoardOption(heading, TEAM_LINES, disabled=True))
            for block in section.blocks:
                pending = block if isinstance(block, PendingBlock) else PendingBlock.ready(block)
                blocks.append(pending)
                parent = parents.get(pending.objective.parent_id or "")
                build = partial(_objective_text, pending, parent)
                options.append(BoardOption(build, OBJECTIVE_LINES, disabled=True))
                options += [
                    BoardOption(
                        partial(_key_result_text, pending, index),
                        KEY_RESULT_LINES,
                        f"{KR_PREFIX}{kr_id}",
                    )
                    for index, kr_id in enumerate(pending.kr_ids)
                ]
        self.set_options(options)
        self.lines = BoardLines(blocks)
        if kept in self.lines:
            self.highlighted = self.get_option_index(f"{KR_PREFIX}{kept}")
        else:
            first = next((i for i, o in enumerate(self.options) if not o.disabled), None)
            self.highlighted = first

    def _update_lines(self) -> None:
        """OptionList's own version, with each option's height read from the option rather than
        measured by laying out its text (which would build every option's text too).

        Overrides a private method of the pinned Textual version; the snapshot and board tests
        fail if a Textual upgrade changes what it must do.
        """
        if not self.scrollable_content_region:
            return
        line_cache = self._line_cache
        lines = line_cache.lines
        next_index = lines[-1][0] + 1 if lines else 0
        width = self.scrollable_content_region.width - self._get_left_gutter_width()
        for index, option in enumerate(self.options[next_index:], next_index):
            line_cache.index_to_line[index] = len(lines)
            line_count = option.height + option._divider  # type: ignore[attr-defined]
            line_cache.heights[index] = line_count
            lines.extend((index, line_no) for line_no in range(line_count))
        last_divider = self.options and self.options[-1]._divider
        virtual_size = Size(width, len(lines) - (1 if last_divider else 0))
        if virtual_size != self.virtual_size:
            self.virtual_size = virtual_size
            self._scroll_update(virtual_size)

    @property
    def highlighted_kr_id(self) -> str | None:
        option = self.highlighted_option
        if option is None or not option.id or option.disabled:
            return None
        return option.id.removeprefix(KR_PREFIX)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id and event.option_id.startswith(KR_PREFIX):
            self.post_message(self.Opened(event.option_id.removeprefix(KR_PREFIX)))
