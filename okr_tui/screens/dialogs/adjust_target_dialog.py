"""Mid-quarter review: a new target for a key result, and why (kept in its audit history)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, Static

from okr_tui.domain.models import (
    KeyResult,
    text_problem,
)
from okr_tui.domain.progress import format_value, retitled
from okr_tui.domain.values import ValueInputError, parse_number
from okr_tui.screens.base import after_typed_keys
from okr_tui.screens.form import FormDialog, dialog_buttons, error_line, validation_message


class AdjustTargetDialog(FormDialog[tuple[float, str, str]]):
    """A new target, why, and the title to go with it; dismisses with (new_target, reason,
    title) or None.

    A title that states the target ("Reach 500 paying customers") goes stale when the target
    changes: the title field follows the typed target ("Reach 480 paying customers") until the
    facilitator edits it. Enter in the reason saves, as it did before the title was offered.
    """

    def __init__(self, kr: KeyResult) -> None:
        super().__init__()
        self._kr = kr
        self._suggested = kr.title  # what the title field holds while it follows the target

    def compose(self) -> ComposeResult:
        kr = self._kr
        with Vertical():
            yield Static(
                Content.assemble("Adjust target: ", (kr.title, "bold")), classes="form-title"
            )
            yield Static(
                Content(
                    f"{kr.kr_type.label} · baseline {format_value(kr.baseline, kr.unit)}"
                    f" · current target {format_value(kr.target, kr.unit)}"
                ),
                classes="form-note",
            )
            yield Label("New target")
            yield Input(id="target", placeholder=format_value(kr.target, kr.unit))
            yield error_line("target")
            yield Label("Reason (required)")
            yield Input(id="reason", placeholder="Why change it?")
            yield error_line("reason")
            yield Label("Title (follows the new target; edit it to say it your way)")
            yield Input(kr.title, id="title")
            yield error_line("title")
            yield dialog_buttons("Adjust")

    @on(Input.Changed, "#target")
    def _follow_target(self, event: Input.Changed) -> None:
        title = self.query_one("#title", Input)
        if title.value != self._suggested:
            return  # edited by hand: left as typed
        try:
            target = parse_number(event.value, self._kr.unit)
        except ValueInputError:
            target = self._kr.target
        self._suggested = retitled(self._kr.title, self._kr.target, target)
        title.value = self._suggested

    @after_typed_keys
    async def action_field_done(self) -> None:
        """Enter in the reason saves (the title after it is pre-filled); elsewhere as usual."""
        if self.focused is self.query_one("#reason", Input):
            self.save()
            return
        await super().action_field_done()

    def submit(self) -> tuple[float, str, str] | None:
        kr = self._kr
        valid = True
        target: float | None = None
        try:
            target = parse_number(self.query_one("#target", Input).value, kr.unit)
        except ValueInputError as error:
            self.show_error("target", str(error))
            valid = False
        if target is not None:
            if target == kr.target:
                self.show_error("target", "That is the current target; enter a new one.")
                valid = False
            else:
                try:
                    KeyResult.model_validate({**kr.model_dump(), "target": target})
                except ValueError as error:
                    self.show_error("target", validation_message(error))
                    valid = False
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            self.show_error("reason", "A reason is needed to change a target.")
            valid = False
        elif problem := text_problem(reason):
            self.show_error("reason", f"The reason: {problem}.")
            valid = False
        title = self.query_one("#title", Input).value.strip()
        if target is not None and title != kr.title:
            try:
                KeyResult.model_validate({**kr.model_dump(), "title": title})
            except ValueError as error:
                self.show_error("title", f"The title: {validation_message(error)}.")
                valid = False
        if valid and target is not None:
            return (target, reason, title)
        return None


# --- the screen ---------------------------------------------------------------------------
