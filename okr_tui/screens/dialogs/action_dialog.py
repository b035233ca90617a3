"""A next action under the key result on screen: what, who, by when."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from pydantic import ValidationError
from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Static

from okr_tui.domain.models import Action
from okr_tui.screens.base import after_typed_keys, typed_keys_binding
from okr_tui.screens.form import Form, located_error_message


class ActionDialog(Form[Action]):
    """A next action under the key result on screen: what, who, by when."""

    DEFAULT_CSS = """
    ActionDialog { align: center middle; }
    ActionDialog > Vertical {
        width: 76; height: auto; border: thick $primary; background: $surface; padding: 0 1;
    }
    ActionDialog .dialog-title { text-style: bold; margin-bottom: 1; }
    ActionDialog Horizontal { height: 1; margin-bottom: 1; }
    ActionDialog Label { width: 10; color: $text-muted; }
    ActionDialog Input { width: 1fr; background: $boost; }
    ActionDialog Input:focus { background: $primary 30%; }
    """
    # Priority: each key acts before the keys after it are routed (see typed_keys.py), so in a
    # burst the letters after it neither land in a field nor get lost.
    BINDINGS = [
        typed_keys_binding(
            "escape",
            "cancel",
            "Cancel",
            id="action_dialog.cancel",
            tooltip="Add nothing",
        ),
        typed_keys_binding(
            "ctrl+s",
            "save",
            "Add",
            id="action_dialog.save",
            tooltip="Add this action",
        ),
        typed_keys_binding(
            "enter",
            "next_field",
            "Next",
            show=False,
            id="action_dialog.next",
            tooltip="On to the next field; on Due, add the action",
        ),
    ]

    def __init__(
        self,
        kr_title: str,
        make: Callable[[str, str, date | None], Action],
        people: tuple[str, ...],
        today: date | None = None,
    ) -> None:
        """`today`: the team's local date; a due date before it is refused."""
        super().__init__()
        self._kr_title = kr_title
        self._make = make
        self._people = people
        self._today = today
        self._refused: tuple[str, ...] | None = None  # the fields as the message found them

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                Content.assemble(("Next action for ", "bold"), (self._kr_title, "bold $accent")),
                classes="dialog-title",
            )
            with Horizontal():
                yield Label("What")
                yield Input(id="action-text", compact=True, placeholder="the next step")
            with Horizontal():
                yield Label("Owner")
                yield Input(
                    id="action-owner",
                    compact=True,
                    placeholder="who does it",
                    suggester=SuggestFromList(self._people, case_sensitive=False),
                )
            with Horizontal():
                yield Label("Due")
                yield Input(id="action-due", compact=True, placeholder="YYYY-MM-DD (optional)")
            yield Static("", id="action-error", classes="field-error")
            yield Static(
                Content("Enter moves on; Enter on Due (or ctrl+s) adds it; escape cancels."),
                classes="muted",
            )

    @after_typed_keys
    async def action_next_field(self) -> None:
        """Enter: on to the next field; on the last one (Due), add the action."""
        fields = list(self.query(Input))
        if self.focused not in fields:
            raise SkipAction()
        index = fields.index(self.focused)
        if index == len(fields) - 1:
            self.save()
        else:
            self.set_focus(fields[index + 1])

    def submit(self) -> Action | None:
        text = self.query_one("#action-text", Input).value.strip()
        if not text:
            self._refuse("Say what the next step is.")
            self.query_one("#action-text", Input).focus()
            return None
        due_text = self.query_one("#action-due", Input).value.strip()
        due = None
        if due_text:
            try:
                due = date.fromisoformat(due_text)
            except ValueError:
                self._refuse(f"{due_text!r} is not a date: use YYYY-MM-DD")
                self.query_one("#action-due", Input).focus()
                return None
            if self._today is not None and due < self._today:
                self._refuse(
                    f"{due.isoformat()} is in the past: an action is due from today "
                    f"({self._today.isoformat()}) on"
                )
                self.query_one("#action-due", Input).focus()
                return None
        try:
            action = self._make(text, self.query_one("#action-owner", Input).value.strip(), due)
        except ValidationError as problem:
            self._refuse(located_error_message(problem))
            return None
        return action

    def _typed(self) -> tuple[str, ...]:
        return tuple(field.value for field in self.query(Input))

    def _refuse(self, message: str) -> None:
        self.query_one("#action-error", Static).update(Content(message))
        self._refused = self._typed()

    @on(Input.Changed)
    def _typed_again(self) -> None:
        """The message goes once a field changes from what it was about (not on the Changed
        messages of keys typed before the save, which arrive after it in a burst)."""
        if self._refused is not None and self._typed() != self._refused:
            self._refused = None
            self.query_one("#action-error", Static).update(Content(""))

    @after_typed_keys
    def action_cancel(self) -> None:
        self.dismiss(None)
