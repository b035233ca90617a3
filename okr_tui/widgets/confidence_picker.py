"""The confidence row of a walkthrough step: single keys choose, and choosing saves."""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from okr_tui.domain.models import Confidence
from okr_tui.screens.base import typed_keys_binding
from okr_tui.widgets.badges import CONFIDENCE_STYLE
from okr_tui.widgets.textual_compat import show

HINTS = (" a key saves · Enter keeps highlighted", "key saves · ⏎ keeps")
"""After the three levels, the longest that fits: the full hint at 100 columns, the short one at
80 (the full one ran off the row there, "a key saves ·"); narrower, none (the footer shows the
keys, and Enter as "⏎ Keep")."""

CONFIDENCE_KEYS = (
    (Confidence.ON_TRACK, "1"),
    (Confidence.AT_RISK, "2"),
    (Confidence.OFF_TRACK, "3"),
)


class ConfidencePicker(Static, can_focus=True):
    """The three confidence levels: one key chooses and saves; Enter saves the one shown.

    The keys that save are priority bindings to the screen's actions, so the save and the move
    to the next key result happen while the key is being routed, before the next key is: a fast
    "g37" saves on track and types 37 into the next value. (Through the picker's own bindings
    and a message, "3" and "7" reached the picker before the screen had moved on.)
    """

    # None of these is in the footer: the picker's own row lists 1/2/3 and Enter, and ctrl+o /
    # ctrl+r (Action, Park) are there already. Shown, they made the footer change its keys each
    # time the focus moved between the value and the confidence, twice a key result, and every
    # change rebuilt and laid out the footer: it jumped on the shared screen, and cost more CPU
    # than the step's save and redraw together.
    BINDINGS = [
        typed_keys_binding(
            "1,g",
            "screen.confidence('on_track')",
            "On track",
            show=False,
            id="walkthrough.on_track",
            tooltip="Confidence: on track (green)",
        ),
        typed_keys_binding(
            "2,y",
            "screen.confidence('at_risk')",
            "At risk",
            show=False,
            id="walkthrough.at_risk",
            tooltip="Confidence: at risk (yellow)",
        ),
        typed_keys_binding(
            "3,r",
            "screen.confidence('off_track')",
            "Off track",
            show=False,
            id="walkthrough.off_track",
            tooltip="Confidence: off track (red)",
        ),
        typed_keys_binding(
            "enter",
            "screen.keep_confidence",
            "Keep",
            show=False,
            id="walkthrough.keep_confidence",
            tooltip="Keep the confidence shown (last week's) and save",
        ),
        Binding(
            "left",
            "move(-1)",
            "Previous level",
            show=False,
            id="walkthrough.confidence_left",
            tooltip="Highlight the previous confidence level",
        ),
        Binding(
            "right",
            "move(1)",
            "Next level",
            show=False,
            id="walkthrough.confidence_right",
            tooltip="Highlight the next confidence level",
        ),
        typed_keys_binding(
            "a",
            "screen.add_action",
            "Action",
            show=False,
            id="walkthrough.action_key",
            tooltip="Add a next action with an owner to this key result",
        ),
        typed_keys_binding(
            "t",
            "screen.park_topic",
            "Park topic",
            show=False,
            id="walkthrough.park_key",
            tooltip="Park a topic to talk about after the walk",
        ),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.confidence: Confidence | None = None

    def set(self, confidence: Confidence | None) -> None:
        """Highlight `confidence` (last week's, this meeting's when correcting, or a key's)."""
        self.confidence = confidence
        show(self, self._text(self.content_size.width))

    def on_resize(self, event: events.Resize) -> None:
        show(self, self._text(self.content_size.width))

    def _text(self, width: int) -> Content:
        """The three levels and the longest hint that fits `width` (0: not laid out yet)."""
        parts: list[Content | str] = []
        for confidence, key in CONFIDENCE_KEYS:
            symbol, style = CONFIDENCE_STYLE[confidence]
            label = f" {key} {symbol} {confidence.label} "
            if confidence is self.confidence:
                parts.append(Content.styled(label, f"bold reverse {style}"))
            else:
                parts.append(Content.styled(label, style))
            parts.append(" ")
        levels = Content.assemble(*parts)
        for hint in HINTS:
            if not width or levels.cell_length + cell_len(hint) <= width:
                return Content.assemble(levels, Content.styled(hint, "$text-muted"))
        return levels.rstrip()

    def action_move(self, step: int) -> None:
        levels = [confidence for confidence, _ in CONFIDENCE_KEYS]
        index = levels.index(self.confidence) if self.confidence in levels else -step
        self.set(levels[(index + step) % len(levels)])
