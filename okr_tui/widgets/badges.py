"""Small renderings shared by screens: confidence, score band, pace and progress bars.

Each pairs colour with a word or a shape, so meaning never rests on red/green alone, and each
returns `Content`, so user text passed in is never read as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

from okr_tui.domain.models import Confidence, ObjectiveKind
from okr_tui.domain.progress import Band, Pace, band

if TYPE_CHECKING:
    from textual.app import App

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
PACE_COLOUR = {Pace.AHEAD: "success", Pace.ON_TRACK: "", Pace.BEHIND: "error"}
"""The theme colour of each pace; on pace keeps the text's own colour."""
PACE_SYMBOL = {Pace.AHEAD: "▲", Pace.ON_TRACK: "■", Pace.BEHIND: "▼"}
PACE_STYLE = {pace: (PACE_SYMBOL[pace], f"${PACE_COLOUR[pace] or 'foreground'}") for pace in Pace}
# Pace in words that cannot be read as a confidence: "on track" would say the same of pace and of
# confidence, side by side on one line.
PACE_WORDS = {Pace.AHEAD: "ahead of pace", Pace.ON_TRACK: "on pace", Pace.BEHIND: "behind pace"}

_FALLBACK_COLOURS = {"success": "green", "warning": "yellow", "error": "red", "accent": "cyan"}


def theme_style(app: App, name: str, extra: str = "") -> str:
    """A Rich style using the theme's colour `name` (success, warning, error, accent), for
    DataTable and Tree cells, which take Rich Text rather than Textual Content."""
    if not name:
        return extra
    colour = app.theme_variables.get(name, _FALLBACK_COLOURS.get(name, ""))
    if not colour.startswith("#"):
        colour = _FALLBACK_COLOURS.get(name, "")
    return f"{extra} {colour}".strip()


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
