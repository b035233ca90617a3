"""One key result on the dashboard: title, progress bar, value / target, confidence, pace, due."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from okr_tui.domain.board import KeyResultLine
from okr_tui.domain.models import KrType
from okr_tui.domain.progress import format_value
from okr_tui.exchange.reports import value_text
from okr_tui.widgets.badges import confidence_badge, confidence_trend, pace_badge, progress_bar


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
        Content(kr.title),
        "\n  ",
        progress_bar(line.progress, bar_width),
        f"  {figures}  ",
        confidence_badge(line.confidence),
        confidence_trend(line.confidence_change),
        "  ",
        pace_badge(line.pace.pace),
        "  ",
        due_text,
    )


class KeyResultRow(Static, can_focus=True):
    """Focusable, so up/down walks the key results and Enter opens one."""

    BINDINGS = [
        Binding(
            "enter",
            "open",
            "Details",
            id="kr_row.open",
            tooltip="Every check-in, the chart and the audit log of this key result",
        ),
    ]

    @dataclass
    class Opened(Message):
        kr_id: str

    def __init__(self, line: KeyResultLine, **kwargs) -> None:
        super().__init__(key_result_text(line), **kwargs)
        self.line = line

    def action_open(self) -> None:
        self.post_message(self.Opened(self.line.kr.id))
