"""The confidence row of a walkthrough step: single keys choose, and choosing saves."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from okr_tui.domain.models import Confidence
from okr_tui.widgets.badges import CONFIDENCE_STYLE
from okr_tui.widgets.updates import show

CONFIDENCE_KEYS = (
    (Confidence.ON_TRACK, "1"),
    (Confidence.AT_RISK, "2"),
    (Confidence.OFF_TRACK, "3"),
)


class ConfidencePicker(Static, can_focus=True):
    """The three confidence levels: one key chooses and saves; Enter saves the one shown."""

    BINDINGS = [
        Binding(
            "1,g",
            "choose('on_track')",
            "On track",
            id="walkthrough.on_track",
            tooltip="Confidence: on track (green)",
        ),
        Binding(
            "2,y",
            "choose('at_risk')",
            "At risk",
            id="walkthrough.at_risk",
            tooltip="Confidence: at risk (yellow)",
        ),
        Binding(
            "3,r",
            "choose('off_track')",
            "Off track",
            id="walkthrough.off_track",
            tooltip="Confidence: off track (red)",
        ),
        Binding(
            "enter",
            "keep",
            "Keep",
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
        Binding(
            "a",
            "screen.add_action",
            "Action",
            id="walkthrough.action_key",
            tooltip="Add a next action with an owner to this key result",
        ),
        Binding(
            "t",
            "screen.park_topic",
            "Park topic",
            id="walkthrough.park_key",
            tooltip="Park a topic to talk about after the walk",
        ),
    ]

    @dataclass
    class Chosen(Message):
        """A confidence was picked (or kept): the screen saves the check-in."""

        confidence: Confidence | None

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.confidence: Confidence | None = None
        # Set once a choice is posted, until the picker is focused again (the next step) or the
        # screen says the save did not happen: keys a fast typist sends right after the choice
        # ("g" then "37" for the next value) reach this picker before the screen has moved on,
        # and must not save the next key result with "3" as its confidence.
        self._chosen = False

    def set(self, confidence: Confidence | None) -> None:
        """Highlight `confidence` (last week's, or this meeting's when correcting)."""
        self.confidence = confidence
        show(self, self._text())

    def _text(self) -> Content:
        parts: list[Content | str] = []
        for confidence, key in CONFIDENCE_KEYS:
            symbol, style = CONFIDENCE_STYLE[confidence]
            label = f" {key} {symbol} {confidence.label} "
            if confidence is self.confidence:
                parts.append(Content.styled(label, f"bold reverse {style}"))
            else:
                parts.append(Content.styled(label, style))
            parts.append(" ")
        hint = " a key saves · Enter keeps highlighted"
        parts.append(Content.styled(hint, "$text-muted"))
        return Content.assemble(*parts)

    def action_choose(self, value: str) -> None:
        if self._chosen:
            return
        self.confidence = Confidence(value)
        self.update(self._text())
        self._post_choice()

    def action_keep(self) -> None:
        if not self._chosen:
            self._post_choice()

    def _post_choice(self) -> None:
        self._chosen = True
        self.post_message(self.Chosen(self.confidence))

    def ready(self) -> None:
        """Take a choice again: the screen did not move on (the save was refused)."""
        self._chosen = False

    def on_focus(self) -> None:
        self._chosen = False

    def action_move(self, step: int) -> None:
        levels = [confidence for confidence, _ in CONFIDENCE_KEYS]
        index = levels.index(self.confidence) if self.confidence in levels else -step
        self.confidence = levels[(index + step) % len(levels)]
        self.update(self._text())
