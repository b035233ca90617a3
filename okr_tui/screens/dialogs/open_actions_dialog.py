"""The key result's open actions, to tick off the ones that are done.

An action agreed at one meeting is followed up at the next: the walk lists the key result's open
ones, and ctrl+l opens this dialog. Space ticks an action, Enter (or ctrl+s) marks the ticked ones
done (with none ticked, the highlighted one), escape changes nothing. Dismisses with the ids to
mark done, or None.
"""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection

from okr_tui.domain.cadence import day_text
from okr_tui.domain.models import Action
from okr_tui.screens.base import after_typed_keys, typed_keys_binding


def action_label(action: Action, today: date | None) -> Content:
    """ "Call Acme  Gus · due Mon 30 Nov · overdue": the text as typed, then who and when."""
    details = [action.owner] if action.owner else []
    if action.due is not None:
        details.append(f"due {day_text(action.due)}")
        if today is not None and action.due < today:
            details.append("overdue")
    if not details:
        return Content(action.text)
    return Content.assemble(Content(action.text), ("  " + " · ".join(details), "$text-muted"))


class OpenActionsDialog(ModalScreen[list[str] | None]):
    """`OpenActionsDialog(kr_title, actions, today)`: tick the actions that are done."""

    DEFAULT_CSS = """
    OpenActionsDialog { align: center middle; }
    OpenActionsDialog > Vertical {
        width: 100; max-width: 95%; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    OpenActionsDialog .dialog-title { text-style: bold; margin-bottom: 1; }
    OpenActionsDialog SelectionList { height: auto; max-height: 16; }
    OpenActionsDialog .muted { margin-top: 1; }
    """
    # Priority, as in the walk's other dialogs: each acts after the keys typed before it.
    BINDINGS = [
        typed_keys_binding(
            "enter,ctrl+s",
            "save",
            "Mark done",
            id="open_actions.save",
            tooltip="Mark the ticked actions done",
        ),
        typed_keys_binding(
            "escape",
            "cancel",
            "Cancel",
            id="open_actions.cancel",
            tooltip="Change nothing",
        ),
    ]

    def __init__(self, kr_title: str, actions: list[Action], today: date | None) -> None:
        super().__init__()
        self._kr_title = kr_title
        self._actions = actions
        self._today = today

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                Content.assemble(("Open actions of ", "bold"), (self._kr_title, "bold $accent")),
                classes="dialog-title",
            )
            yield SelectionList[str](
                *(
                    Selection(action_label(action, self._today), action.id)
                    for action in self._actions
                ),
                id="open-actions",
            )
            yield Static(
                Content(
                    "Space ticks what is done; Enter marks the ticked ones done (none ticked: "
                    "the highlighted one); escape changes nothing."
                ),
                classes="muted",
            )

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    @after_typed_keys
    def action_save(self) -> None:
        """The ticked actions; with none ticked, the highlighted one (ctrl+l, Enter closes the
        key result's only open action)."""
        actions = self.query_one(SelectionList)
        chosen = list(actions.selected)
        if not chosen and actions.highlighted is not None:
            chosen = [actions.get_option_at_index(actions.highlighted).value]
        self.dismiss(chosen)

    @after_typed_keys
    def action_cancel(self) -> None:
        self.dismiss(None)
