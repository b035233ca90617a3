"""The dialog that asks why: the required reason for retiring a key result or overriding a
score."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, Static

from okr_tui.domain.models import text_problem
from okr_tui.screens.form import FormDialog, dialog_buttons, error_line


class ReasonDialog(FormDialog[str]):
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

    def submit(self) -> str | None:
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            self.show_error("reason", "A reason is needed.")
            return None
        if problem := text_problem(reason):
            self.show_error("reason", f"The reason: {problem}.")
            return None
        return reason
