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

The forecast (domain/forecast.py) is a column at the right edge of each key result's and
objective's title line: "⇢ ✖ 0.3", the score the trend of the last meetings reaches by the
cycle's end, in its band, under a "⇢ forecast" heading on the team's line. It sits on the title
line because the figures line below is full at 80-100 columns (confidence, pace, due); a long
title gives way to it with an ellipsis. Its place depends on the board's width, so a line built
for one width is built again when the board is drawn at another (`BoardOption.prompt`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

from textual.binding import Binding
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.visual import VisualType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from okr_tui.domain.board import KeyResultLine, ObjectiveBlock, PendingBlock
from okr_tui.domain.models import KrType, Objective, ObjectiveKind
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

FORECAST_ARROW = "⇢ "
FORECAST_HEADING = "⇢ forecast"
MIN_TITLE_ROOM = 12
"""Below this many cells for the title, the forecast column is left out rather than leave a
title unreadable."""


def forecast_marker(score: float | None, kind: ObjectiveKind) -> Content | None:
    """ "⇢ ✖ 0.3": a forecast score in its band (the objective's kind decides the band)."""
    if score is None:
        return None
    return Content.assemble((FORECAST_ARROW, "$text-muted"), score_badge(score, kind))


def with_right_column(left: Content, right: Content | None, width: int) -> Content:
    """`left`, then `right` flush with the right edge of `width` cells; `left` ends in an
    ellipsis where it would reach `right`. Just `left` without a `right` or the room for it."""
    if right is None or width - right.cell_length - 2 < MIN_TITLE_ROOM:
        return left
    room = width - right.cell_length - 2
    if left.cell_length > room:
        left = left.truncate(room, ellipsis=True)
    return Content.assemble(left, " " * (width - left.cell_length - right.cell_length), right)


def key_result_text(line: KeyResultLine, bar_width: int = 16, width: int = 0) -> Content:
    """A key result's two lines; with `width` (the board's), its forecast at the right edge."""
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
    marker = forecast_marker(line.forecast.score if line.forecast else None, line.objective.kind)
    return Content.assemble(
        with_right_column(Content.assemble("   ", Content(kr.title)), marker, width),
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


def objective_text(block: ObjectiveBlock, parent: Objective | None, width: int = 0) -> Content:
    """An objective's three lines (a blank one first); with `width`, the forecast of its score
    (ObjectiveBlock.forecast_score) at the right edge of its title line."""
    objective = block.objective
    title: list[Content | str] = [
        " ",
        Content.styled(objective.title, "bold"),
        Content.styled(f"  {objective.level.value} · {objective.kind.value}", "$text-muted"),
    ]
    if objective.owner:
        title.append(Content.styled(f" · {objective.owner}", "$text-muted"))
    marker = forecast_marker(block.forecast_score, objective.kind)
    parts: list[Content | str] = ["\n", with_right_column(Content.assemble(*title), marker, width)]
    parts += ["\n   ", progress_bar(block.progress or 0.0, 16, "$accent"), "  score "]
    # The score it stands at (ObjectiveBlock.score), in its band (read by kind: committed
    # needs 1.0).
    parts += [score_badge(block.score, objective.kind), "  ", confidence_badge(block.confidence)]
    if parent is not None:
        parts.append(Content.styled("  ↳ aligns to: ", "$text-muted"))
        parts.append(Content(parent.title))
    return Content.assemble(*parts)


def _key_result_at(pending: PendingBlock, index: int, width: int) -> Content:
    return key_result_text(pending.block().lines[index], width=width)


def _objective_at(pending: PendingBlock, parent: Objective | None, width: int) -> Content:
    return objective_text(pending.block(), parent, width)


def _as_pending(block: ObjectiveBlock | PendingBlock) -> PendingBlock:
    return block if isinstance(block, PendingBlock) else PendingBlock.ready(block)


def team_heading_text(section: TeamSection, width: int = 0) -> Content:
    """The team's name; with `width`, the forecast column's heading when any of its key
    results has a forecast (which works out the team's blocks: only a heading drawn does)."""
    name = Content.styled(f" {section.name} ", "bold reverse")
    has_forecast = any(
        _as_pending(block).block().forecast_score is not None for block in section.blocks
    )
    heading = Content.styled(FORECAST_HEADING, "$text-muted") if has_forecast else None
    return with_right_column(name, heading, width)


class BoardOption(Option):
    """An option whose text is built when it is first drawn, with its height known up front.

    Only the thirty-odd options on screen are ever built at start-up, not all 750. `build`
    takes the board's width (the forecast column is flush right), and the text is built again
    when the board is drawn at another width.
    """

    def __init__(
        self,
        build: Callable[[int], Content],
        height: int,
        id: str | None = None,
        disabled: bool = False,
        width_of: Callable[[], int] = lambda: 0,
    ) -> None:
        super().__init__("", id=id, disabled=disabled)
        self._build = build
        self._built_for: int | None = None
        self._width_of = width_of
        self.height = height

    @property
    def built(self) -> bool:
        return self._built_for is not None

    @property
    def prompt(self) -> VisualType:
        width = self._width_of()
        if self._built_for != width:
            self._prompt, self._built_for = self._build(width), width
        return self._prompt


class TeamSection(NamedTuple):
    """One team's part of the board (team None: company objectives)."""

    # A NamedTuple, not a frozen dataclass: made at start-up, where a dataclass's generated
    # methods cost about 4 M instructions a type (issue 19).

    name: str
    blocks: Sequence[ObjectiveBlock | PendingBlock]


class BoardLines(Mapping[str, KeyResultLine]):
    """The board's key result lines by id, in board order; a line is worked out when it is
    first read (drawn, or looked up): see board.PendingBlock."""

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

    def _text_width(self) -> int:
        """The cells an option's text has (the forecast column ends there)."""
        region = self.scrollable_content_region
        return max(region.width - self._get_left_gutter_width(), 0) if region else 0

    def _on_resize(self) -> None:
        super()._on_resize()
        width = self._text_width()
        for option in self.options:
            if isinstance(option, BoardOption) and option.built and option._built_for != width:
                option._visual = None  # Option's cache of its prompt: read it again

    def show(self, sections: Sequence[TeamSection], parents: dict[str, Objective]) -> None:
        """Replace the lines, keeping the cursor on the same key result when it is still there."""
        kept = self.highlighted_kr_id
        options: list[Option | None] = []
        blocks: list[PendingBlock] = []
        for section in sections:
            if options:
                options.append(None)
            width_of = self._text_width
            heading = partial(team_heading_text, section)
            options.append(BoardOption(heading, TEAM_LINES, disabled=True, width_of=width_of))
            for block in section.blocks:
                pending = _as_pending(block)
                blocks.append(pending)
                parent = parents.get(pending.objective.parent_id or "")
                build = partial(_objective_at, pending, parent)
                options.append(
                    BoardOption(build, OBJECTIVE_LINES, disabled=True, width_of=width_of)
                )
                options += [
                    BoardOption(
                        partial(_key_result_at, pending, index),
                        KEY_RESULT_LINES,
                        f"{KR_PREFIX}{kr_id}",
                        width_of=width_of,
                    )
                    for index, kr_id in enumerate(pending.kr_ids)
                ]
        self.set_options(options)
        self.lines: Mapping[str, KeyResultLine] = BoardLines(blocks)
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
        region = self.scrollable_content_region  # worked out on each read: read it once
        if not region:
            return
        line_cache = self._line_cache
        lines = line_cache.lines
        next_index = lines[-1][0] + 1 if lines else 0
        width = region.width - self._get_left_gutter_width()
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
