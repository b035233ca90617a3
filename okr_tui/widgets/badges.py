"""Small renderings shared by screens: confidence, score band, pace and progress bars.

Each pairs colour with a word or a shape, so meaning never rests on red/green alone, and each
returns `Content`, so user text passed in is never read as markup.
"""

from __future__ import annotations

from textual.content import Content

from okr_tui.domain.models import Confidence, ObjectiveKind
from okr_tui.domain.progress import Band, Pace, band

CONFIDENCE_SYMBOL = {confidence: confidence.symbol for confidence in Confidence}
CONFIDENCE_COLOUR = {
    Confidence.ON_TRACK: "success",
    Confidence.AT_RISK: "warning",
    Confidence.OFF_TRACK: "error",
}
"""The theme colour of each confidence: `$success` in a Content style; the theme's variable
`success` in the Rich Text of a table cell."""
BAND_COLOUR = {Band.GREEN: "success", Band.YELLOW: "warning", Band.RED: "error"}
"""The theme colour of each score band, as for confidence."""
CONFIDENCE_STYLE = {
    confidence: (CONFIDENCE_SYMBOL[confidence], f"${colour}")
    for confidence, colour in CONFIDENCE_COLOUR.items()
}
PACE_STYLE = {
    Pace.AHEAD: ("▲", "$success"),
    Pace.ON_TRACK: ("■", "$foreground"),
    Pace.BEHIND: ("▼", "$error"),
}
# Pace in words that cannot be read as a confidence: "■ on track" beside "● on track" left the
# room guessing which was which.
PACE_WORDS = {Pace.AHEAD: "ahead of pace", Pace.ON_TRACK: "on pace", Pace.BEHIND: "behind pace"}


def confidence_badge(confidence: Confidence | None) -> Content:
    if confidence is None:
        return Content.styled("– no check-in", "$text-muted")
    symbol, style = CONFIDENCE_STYLE[confidence]
    return Content.styled(f"{symbol} {confidence.label}", style)


def confidence_trend(change: int) -> Content:
    """↑ / ↓ next to a confidence that moved since the last meeting."""
    if change > 0:
        return Content.styled("↑", "$success")
    if change < 0:
        return Content.styled("↓", "$error")
    return Content("")


def pace_badge(pace: Pace) -> Content:
    symbol, style = PACE_STYLE[pace]
    return Content.styled(f"{symbol} {PACE_WORDS[pace]}", style)


def score_badge(score: float | None, kind: ObjectiveKind) -> Content:
    if score is None:
        return Content.styled("–", "$text-muted")
    score_band = band(score, kind)
    return Content.styled(f"{score_band.symbol} {score:.1f}", f"${BAND_COLOUR[score_band]}")


def progress_bar(fraction: float, width: int = 20, style: str = "$primary") -> Content:
    """A text bar that reads the same in any terminal and in an SVG snapshot."""
    fraction = min(1.0, max(0.0, fraction))
    filled = round(fraction * width)
    return Content.assemble(
        Content.styled("█" * filled, style),
        Content.styled("░" * (width - filled), "$text-muted"),
        f" {fraction * 100:3.0f}%",
    )
