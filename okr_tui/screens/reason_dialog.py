"""Dialogs that ask why: the shared form frame, and the required reason for retiring a key result
or overriding a score."""

from __future__ import annotations

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from okr_tui.domain.models import (
    text_problem,
)
from okr_tui.screens.base import after_typed_keys, typed_keys_binding


class FormModal(ModalScreen):
    """A small form over the screen: Enter in the last field or ctrl+s saves, escape cancels."""

    DEFAULT_CSS = """
    FormModal { align: center middle; }
    FormModal > Vertical {
        width: 72; max-width: 95%; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    FormModal .form-title { text-style: bold; padding-bottom: 1; }
    FormModal .form-note { color: $text-muted; }
    FormModal Label { padding-top: 1; }
    FormModal .buttons { height: auto; padding-top: 1; align-horizontal: right; }
    FormModal .buttons Button { margin-left: 1; }
    """
    # Enter and ctrl+s are priority bindings: they read the fields once the keys typed before
    # them are applied, before the keys after them are routed into a field (typed_keys.py).
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel", tooltip="Close without saving"),
        typed_keys_binding(
            "ctrl+s",
            "save_typed",
            "Save",
            id="form.save",
            tooltip="Save this form",
        ),
        typed_keys_binding(
            "enter",
            "field_done",
            "Next",
            show=False,
            id="form.enter",
            tooltip="On to the next field; in the last one, save",
        ),
    ]

    def on_mount(self) -> None:
        if not getattr(self.app, "cursor_blink", True):
            for field in self.query(Input):
                field.cursor_blink = False
        # set_focus, not focus(): focus() is deferred, and keys already on their way must find
        # the field focused.
        self.set_focus(self.query(Input).first())

    def show_error(self, field_id: str, message: str) -> None:
        error = self.query_one(f"#{field_id}-error", Static)
        error.update(Content(message))
        error.display = bool(message)

    def clear_errors(self) -> None:
        for error in self.query(".field-error"):
            error.display = False

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_submit(self) -> None:
        raise NotImplementedError

    @after_typed_keys
    async def action_save_typed(self) -> None:
        self.action_submit()

    @after_typed_keys
    async def action_field_done(self) -> None:
        """Enter in a text field: on to the next one; in the last, save. Elsewhere (a button)
        Enter does what it does."""
        fields = list(self.query(Input))
        if self.focused not in fields:
            raise SkipAction()
        if self.focused is fields[-1]:
            self.action_submit()
        else:
            self.focus_next()  # set_focus underneath: immediate

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()


def error_line(field_id: str) -> Static:
    error = Static("", id=f"{field_id}-error", classes="field-error")
    error.display = False
    return error


def dialog_buttons(save_label: str) -> Horizontal:
    return Horizontal(
        Button("Cancel", id="cancel"),
        Button(save_label, id="save", variant="primary"),
        classes="buttons",
    )


class ReasonModal(FormModal):
    """Asks why (retiring a key result, overriding a score); dismisses with the reason or None.

    The reason is required: an empty one shows an error at the field and nothing is returned.
    """

    def __init__(self, title: str, prompt: str, save_label: str, initial: str = "") -> None:
        super().__init__()
        self._title = title
        self._prompt = prompt
        self._save_label = save_label
        self._initial = initial

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self._title), classes="form-title")
            yield Static(Content(self._prompt), classes="form-note")
            yield Label("Reason (required)")
            yield Input(self._initial, id="reason", placeholder="Why?")
            yield error_line("reason")
            yield dialog_buttons(self._save_label)

    def action_submit(self) -> None:
        self.clear_errors()
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            self.show_error("reason", "A reason is needed.")
            return
        if problem := text_problem(reason):
            self.show_error("reason", f"The reason: {problem}.")
            return
        self.dismiss(reason)
