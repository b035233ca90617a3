"""A key result's confidence at every meeting of the cycle, one symbol per meeting.

Each level has its own shape as well as its colour (● on track, ◐ at risk, ○ off track), and a
legend with the words is always shown, so colour never carries the meaning alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from textual.content import Content
from textual.widgets import Static

from okr_tui.domain.models import Confidence
from okr_tui.widgets.badges import CONFIDENCE_STYLE, confidence_badge

MISSING = "–"
UPCOMING = "·"


@dataclass(frozen=True)
class ConfidencePoint:
    meeting: date
    confidence: Confidence | None
    upcoming: bool


def confidence_history_text(points: Sequence[ConfidencePoint]) -> Content:
    """Two lines: the symbols meeting by meeting with the latest word, then the legend."""
    parts: list[Content | str | tuple[str, str]] = [("Confidence ", "bold")]
    for point in points:
        if point.confidence is not None:
            symbol, style = CONFIDENCE_STYLE[point.confidence]
            parts.append((symbol, style))
        elif point.upcoming:
            parts.append((UPCOMING, "$text-muted"))
        else:
            parts.append((MISSING, "$text-muted"))
        parts.append(" ")
    latest = next((p for p in reversed(points) if p.confidence is not None), None)
    parts.append("  latest: ")
    if latest is None:
        parts.append(confidence_badge(None))
    else:
        parts.append(confidence_badge(latest.confidence))
        parts.append((f" ({latest.meeting.day} {latest.meeting.strftime('%b')})", "$text-muted"))
    parts.append("\n")
    for confidence in Confidence:
        parts.append(confidence_badge(confidence))
        parts.append("  ")
    parts.append((f"{MISSING} no check-in  {UPCOMING} upcoming", "$text-muted"))
    return Content.assemble(*parts)


class ConfidenceHistory(Static):
    """Shows `confidence_history_text`; the screen calls `show()` with the points."""

    DEFAULT_CSS = """
    ConfidenceHistory {
        height: auto;
    }
    """

    def show(self, points: Sequence[ConfidencePoint]) -> None:
        self.update(confidence_history_text(points))
