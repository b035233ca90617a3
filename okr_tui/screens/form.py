"""The one form framework: `Form` (save, cancel, the keys typed ahead, the field it opens on),
with two layouts: `FormScreen` (labelled rows with an error line under each: the planning forms,
the late check-in) and `FormDialog` (a short dialog with its buttons: the reason, a new target).
The walk's park and action dialogs are `Form`s with their own layout.

A form saves nothing until every field is valid: `submit()` either returns the result to dismiss
with, or shows messages at the fields (from pydantic's `loc`, value parsing or store rules) and
returns None. Enter in a text field or on a Select, or ctrl+s, saves; escape leaves without
saving.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from rich.text import Text
from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static

from okr_tui.domain.validation import errors_of, field_message
from okr_tui.screens.base import after_typed_keys, move_focus, typed_keys_binding
from okr_tui.store.errors import RuleViolation, StoreError
from okr_tui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from okr_tui.store.store import OkrStore

ResultType = TypeVar("ResultType")


def options(choices: Iterable[tuple[str, object]]) -> list[tuple[Text, object]]:
    """Select options whose labels are shown exactly as typed (never read as markup)."""
    return [(Text(label), value) for label, value in choices]


def error_message(error: ErrorDetails) -> str:
    """One pydantic error as a short message a person can act on, under its field."""
    return field_message(error)


def validation_message(error: Exception) -> str:
    """The human part of an error, worded as the forms word it ("Value error, x" -> "x")."""
    if isinstance(error, ValidationError):
        return field_message(errors_of(error)[0])
    return str(error).removeprefix("Value error, ")


def located_error_message(error: ValidationError) -> str:
    """ "note: at most 2000 characters": the field, then what to fix (as the forms say it)."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ()))
    message = error_message(first)
    return f"{where}: {message}" if where else message


def validation_errors(
    error: ValidationError, fields: Iterable[str], fallback: str
) -> dict[str, str]:
    """Map each pydantic error to the form field it concerns (`loc`'s first part).

    Errors of the whole model (loc is empty, e.g. "baseline and target must differ") and of
    fields the form does not show go to `fallback`.
    """
    known = set(fields)
    result: dict[str, str] = {}
    for item in error.errors():
        loc = item.get("loc") or ()
        name = str(loc[0]) if loc and str(loc[0]) in known else fallback
        result.setdefault(name, error_message(item))
    return result


class Form(ModalScreen[ResultType]):
    """The one form framework: a modal that saves with Enter or ctrl+s once `submit()` returns
    a result (dismissed with it), and leaves with escape. Two layouts build on it:
    `FormScreen` (labelled rows, the planning forms) and `FormDialog` (a short dialog with its
    buttons).

    Enter, ctrl+s, Tab and shift+tab are priority bindings: they act once the keys typed
    before them are in the fields, before the keys after them are routed (typed_keys.py), so
    "42⇥g" typed at once puts 42 in one field and g in the next. Escape is not: it must still
    close an open Select first.
    """

    BINDINGS = [
        typed_keys_binding(
            "ctrl+s",
            "save",
            "Save",
            id="form.save",
            tooltip="Save when every field is valid",
        ),
        Binding("escape", "cancel", "Cancel", id="form.cancel", tooltip="Close without saving"),
        typed_keys_binding(
            "enter",
            "field_done",
            "Save",
            show=False,
            id="form.enter",
            tooltip="In a text field or on a Select: save when every field is valid",
        ),
        typed_keys_binding(
            "tab",
            "move_focus(1)",
            "Next field",
            show=False,
            id="form.next_field",
            tooltip="On to the next field",
        ),
        typed_keys_binding(
            "shift+tab",
            "move_focus(-1)",
            "Previous field",
            show=False,
            id="form.previous_field",
            tooltip="Back to the previous field",
        ),
    ]

    @property
    def store(self) -> OkrStore:
        """The app's store, which every form saves through."""
        return self.app.store  # type: ignore[attr-defined]

    def on_mount(self) -> None:
        if not getattr(self.app, "cursor_blink", True):
            for text_input in self.query(Input):
                text_input.cursor_blink = False
        first = self.first_field()
        if first is not None:
            # At once (not `focus()`, which waits a turn): keys typed right after the key that
            # opened the form (a burst, a paste) reach its first field.
            self.set_focus(first)

    def first_field(self) -> Widget | None:
        """The field the form opens on: the first one, unless a form says otherwise."""
        return next(iter(self.query("Input, Select")), None)

    def clear_errors(self) -> None:
        """Hide the messages of the last save, before the next one (a form's own layout)."""

    def submit(self) -> ResultType | None:
        """Validate (and save); the result to dismiss with, or None after showing errors."""
        raise NotImplementedError

    def save(self) -> None:
        """Dismiss with `submit()`'s result, if the fields give one."""
        self.clear_errors()
        result = self.submit()
        if result is not None:
            self.dismiss(result)

    @after_typed_keys
    async def action_save(self) -> None:
        self.save()

    @after_typed_keys
    async def action_field_done(self) -> None:
        """Enter in a text field or on a closed Select saves, as the form's hint says; in an
        open Select's list it picks the option (the list has the focus), and on a button it
        presses it. Space or the arrow keys open a Select."""
        if not isinstance(self.focused, Input | Select):
            raise SkipAction()
        await self.action_save()

    action_move_focus = move_focus

    def action_cancel(self) -> None:
        self.dismiss(None)


class FormScreen(Form[ResultType]):
    """A modal form: subclasses compose fields with `field()` and implement `submit()`."""

    DEFAULT_CSS = """
    FormScreen {
        align: center middle;
    }
    FormScreen > #form {
        width: 84;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    FormScreen #form-title {
        text-style: bold;
        padding-bottom: 1;
    }
    FormScreen .form-field {
        height: auto;
        margin-bottom: 1;
    }
    FormScreen .field-label {
        width: 20;
        padding-right: 1;
        color: $text-muted;
    }
    FormScreen .field-body {
        width: 1fr;
        height: auto;
    }
    FormScreen .field-error {
        width: 100%;
    }
    FormScreen .field-hint {
        color: $text-muted;
        height: auto;
    }
    FormScreen Input {
        background: $boost;
    }
    FormScreen Input:focus, FormScreen Select:focus > SelectCurrent {
        background: $primary 30%;
    }
    FormScreen .form-field.-has-error Input {
        background: $error 25%;
    }
    FormScreen #form-hint {
        color: $text-muted;
    }
    FormScreen #form-error {
        color: $error;
        height: auto;
    }
    """

    FORM_TITLE = "Form"
    HELP_TITLE = "Form"
    HELP_SUMMARY = "Enter or ctrl+s saves once every field is valid; escape cancels."

    def __init__(self) -> None:
        super().__init__()
        self._errors: dict[str, str] = {}
        self._errored_values: dict[str, object] = {}  # each field's value its message is about

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form"):
            yield Static(Content(self.form_title()), id="form-title")
            yield from self.compose_fields()
            yield Label("", id="form-error")
            yield Static(
                Content("Enter or ctrl+s saves · Esc cancels without saving"), id="form-hint"
            )
        yield KeyFooter()

    def form_title(self) -> str:
        return self.FORM_TITLE

    def compose_fields(self) -> ComposeResult:
        """Yield one `field()` per input."""
        yield from ()

    @staticmethod
    def field(name: str, label: str, widget: Widget, hint: str = "") -> Horizontal:
        """A row: the label, then the input with its hint and its (hidden) error line below."""
        error = Label("", classes="field-error", id=f"{name}-error")
        error.display = False
        body: list[Widget] = [widget, error]
        if hint:
            body.append(Static(Content(hint), classes="field-hint"))
        return Horizontal(
            Label(Content(label), classes="field-label"),
            Vertical(*body, classes="field-body"),
            classes="form-field",
            id=f"{name}-field",
        )

    @staticmethod
    def text_input(name: str, value: str = "", placeholder: str = "") -> Input:
        return Input(value, placeholder=placeholder, id=name, compact=True, select_on_focus=False)

    @staticmethod
    def number_input(name: str, value: str = "", placeholder: str = "") -> Input:
        """A short number field: its text is selected when the field gains the focus, so typing
        replaces it, as in the walkthrough's value field (Tab to a weight of 1, type 2: the weight
        is 2, not 12); an arrow key still moves the cursor to edit the number in place."""
        return Input(value, placeholder=placeholder, id=name, compact=True, select_on_focus=True)

    @staticmethod
    def select(name: str, choices: Iterable[tuple[str, object]], value: object) -> Select:
        return Select(options(choices), value=value, allow_blank=False, id=name, compact=True)

    def first_field(self) -> Widget | None:
        """The first field's input (not a widget of a field's hint)."""
        return next(iter(self.query(".field-body > Input, .field-body > Select")), None)

    # --- reading and reporting ------------------------------------------------------------

    def text(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value

    def choice(self, name: str) -> object:
        return self.query_one(f"#{name}", Select).value

    def clear_errors(self) -> None:
        for label in self.query(".field-error"):
            label.display = False
            if isinstance(label, Label):
                label.update("")
        for row in self.query(".form-field"):
            row.remove_class("-has-error")
        self.query_one("#form-error", Label).update("")
        self._errors = {}

    def show_errors(self, errors: dict[str, str]) -> None:
        """Messages at their fields (user text inside is shown as data); focus the first."""
        first: Widget | None = None
        for name, message in errors.items():
            # "form" is the form-wide line (its label is #form-error too, but it has no field).
            labels = self.query(f"#{name}-error") if name != "form" else None
            if not labels:
                self._errors["form"] = message
                self.query_one("#form-error", Label).update(Content(message))
                continue
            self._errors[name] = message
            field = self.query_one(f"#{name}")
            self._errored_values[name] = getattr(field, "value", None)
            label = labels.first(Label)
            label.update(Content(message))
            label.display = True
            self.query_one(f"#{name}-field").add_class("-has-error")
            if first is None:
                first = self.query_one(f"#{name}")
        if first is not None and first.focusable:
            first.focus()
            first.scroll_visible()

    def clear_field_errors(self, *names: str) -> None:
        """Hide the messages of these fields: they described values that have since changed."""
        for name in names:
            if self._errors.pop(name, None) is None:
                continue
            label = self.query_one(f"#{name}-error", Label)
            label.update("")
            label.display = False
            self.query_one(f"#{name}-field").remove_class("-has-error")

    @on(Input.Changed)
    @on(Select.Changed)
    def _field_changed(self, event: Input.Changed | Select.Changed) -> None:
        # Not while the field still holds the value the message is about: in a burst ("abc"
        # then ctrl+s) the Changed messages of its keys arrive after the save has shown it.
        name = event.control.id
        if name and getattr(event.control, "value", None) != self._errored_values.get(name):
            self.clear_field_errors(name)

    @property
    def errors_shown(self) -> dict[str, str]:
        """The messages currently shown, by field name ("form" for the form-wide line)."""
        return dict(self._errors)

    # --- saving ---------------------------------------------------------------------------

    def save_through(
        self,
        save: Callable[[], BaseModel],
        fields: Iterable[str],
        rule_field: Callable[[str], str] = lambda message: "form",
    ) -> str | None:
        """Run one store save and return the saved id; on a refusal show why, at the field
        `rule_field` picks from the message (else the form line), and return None."""
        try:
            return save().id  # type: ignore[attr-defined]
        except RuleViolation as error:
            self.show_errors({rule_field(str(error)): str(error)})
        except StoreError as error:
            self.show_errors({"form": f"Not saved: {error.problem}"})
        except ValidationError as error:
            self.show_errors(validation_errors(error, fields, fallback="form"))
        return None


class FormDialog(Form[ResultType]):
    """A short form over the screen, labels above the fields and its buttons below: Enter goes
    on to the next field and saves in the last, ctrl+s saves, escape cancels. Subclasses
    compose with `error_line()` under each field and `dialog_buttons()` last."""

    DEFAULT_CSS = """
    FormDialog { align: center middle; }
    FormDialog > Vertical {
        width: 72; max-width: 95%; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    FormDialog .form-title { text-style: bold; padding-bottom: 1; }
    FormDialog .form-note { color: $text-muted; }
    FormDialog Label { padding-top: 1; }
    FormDialog .buttons { height: auto; padding-top: 1; align-horizontal: right; }
    FormDialog .buttons Button { margin-left: 1; }
    """
    BINDINGS = [
        typed_keys_binding(
            "ctrl+s",
            "save",
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

    def show_error(self, field_id: str, message: str) -> None:
        error = self.query_one(f"#{field_id}-error", Static)
        error.update(Content(message))
        error.display = bool(message)

    def clear_errors(self) -> None:
        for error in self.query(".field-error"):
            error.display = False

    @after_typed_keys
    async def action_field_done(self) -> None:
        """Enter in a text field: on to the next one; in the last, save. Elsewhere (a button)
        Enter does what it does."""
        fields = list(self.query(Input))
        if self.focused not in fields:
            raise SkipAction()
        if self.focused is fields[-1]:
            self.save()
        else:
            self.focus_next()  # set_focus underneath: immediate

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()


def error_line(field_id: str) -> Static:
    """The (hidden) error line under a dialog's field."""
    error = Static("", id=f"{field_id}-error", classes="field-error")
    error.display = False
    return error


def dialog_buttons(save_label: str) -> Horizontal:
    return Horizontal(
        Button("Cancel", id="cancel"),
        Button(save_label, id="save", variant="primary"),
        classes="buttons",
    )
