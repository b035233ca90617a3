"""The dashboard's list: team headings, objectives, and their key results as selectable lines.

An OptionList renders only the lines on screen, so a 50-team organisation (600 key results)
opens and scrolls as fast as a small one; a widget per row took seconds to mount and a quarter
of a second per arrow key. Headings and objectives are disabled options: the cursor moves
between key results only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from okr_tui.domain.board import KeyResultLine, ObjectiveBlock
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


def key_result_text(line: KeyResultLine, bar_width: int = 16) -> Content:
    kr = line.kr
    if kr.kr_type is KrType.MILESTONE:
        figures = value_text(kr, line.value)  # "done" / "not done", not "0 / 1"
    else:
        figures = f"{format_value(line.value, kr.unit)} / {format_value(kr.target, kr.unit)}"
    due = line.due_count
    due_text = (
        Content.styled(f"{due} due", "$warning") if due else Content.styled("✓ done", "$success")
    )
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
    # The score it would get today, in its band (read by kind: committed needs 1.0).
    parts += [score_badge(block.score, objective.kind), "  ", confidence_badge(block.confidence)]
    if parent is not None:
        parts.append(Content.styled("  ↳ aligns to: ", "$text-muted"))
        parts.append(Content(parent.title))
    return Content.assemble(*parts)


@dataclass(frozen=True)
class TeamSection:
    """One team's part of the board (team None: company objectives)."""

    name: str
    blocks: Sequence[ObjectiveBlock]


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
        for section in sections:
            if options:
                options.append(None)
            options.append(
                Option(Content.styled(f" {section.name} ", "bold reverse"), disabled=True)
            )
            for block in section.blocks:
                parent = parents.get(block.objective.parent_id or "")
                options.append(Option(objective_text(block, parent), disabled=True))
                options += [
                    Option(key_result_text(line), id=f"{KR_PREFIX}{line.kr.id}")
                    for line in block.lines
                ]
        self.set_options(options)
        self.lines = {line.kr.id: line for s in sections for b in s.blocks for line in b.lines}
        if kept in self.lines:
            self.highlighted = self.get_option_index(f"{KR_PREFIX}{kept}")
        else:
            first = next((i for i, o in enumerate(self.options) if not o.disabled), None)
            self.highlighted = first

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
