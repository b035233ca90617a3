"""Park a topic that would derail a walkthrough step, to talk about after the walk."""

from __future__ import annotations

from pydantic import TypeAdapter, ValidationError
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Static

from okr_tui.domain.models import Text
from okr_tui.screens.base import after_typed_keys, typed_keys_binding
from okr_tui.screens.form import Form, error_message

_TOPIC = TypeAdapter(Text)  # a parked topic is stored as the meeting's Text


class ParkDialog(Form[str]):
    """A topic that would derail the step: noted now, talked about after the walk."""

    DEFAULT_CSS = """
    ParkDialog { align: center middle; }
    ParkDialog > Vertical {
        width: 76; height: auto; border: thick $primary; background: $surface; padding: 0 1;
    }
    ParkDialog .dialog-title { text-style: bold; margin-bottom: 1; }
    ParkDialog Input { background: $boost; margin-bottom: 1; }
    ParkDialog Input:focus { background: $primary 30%; }
    """
    # Priority: each key acts before the keys after it are routed (see typed_keys.py), so
    # "topic⏎42" in one burst parks "topic" and the 42 reaches the walk (the Input's Submitted
    # message would come after the 42 was typed into the topic).
    BINDINGS = [
        typed_keys_binding(
            "escape",
            "cancel",
            "Cancel",
            id="park_dialog.cancel",
            tooltip="Park nothing",
        ),
        typed_keys_binding(
            "enter",
            "park",
            "Park",
            show=False,
            id="park_dialog.park",
            tooltip="Park the topic typed",
        ),
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content("Park a topic for after the walk"), classes="dialog-title")
            yield Input(id="park-text", compact=True, placeholder="the topic")
            yield Static("", id="park-error", classes="field-error")
            yield Static(Content("Enter parks it; escape cancels."), classes="muted")

    @after_typed_keys
    async def action_park(self) -> None:
        self.save()

    def submit(self) -> str | None:
        topic = self.query_one(Input)
        text = " ".join(topic.value.split())
        error = self.query_one("#park-error", Static)
        if not text:
            error.update(Content("Type the topic to park."))
            return None
        try:  # the meeting's own rules, here at the field: a bad topic would stop it closing
            text = _TOPIC.validate_python(text)
        except ValidationError as problem:
            error.update(Content(error_message(problem.errors()[0])))
            return None
        return text

    @after_typed_keys
    def action_cancel(self) -> None:
        self.dismiss(None)
