"""A small modal list to pick one thing (a team, a cycle); user names shown as typed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


class PickerScreen(ModalScreen[object]):
    """Dismisses with the chosen value, or False when left with escape."""

    DEFAULT_CSS = """
    PickerScreen { align: center middle; }
    PickerScreen > Vertical {
        width: 60; height: auto; max-height: 80%; border: thick $primary;
        background: $surface; padding: 0 1;
    }
    PickerScreen OptionList { height: auto; max-height: 20; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="picker.cancel", tooltip="Keep as is")]

    def __init__(self, question: str, choices: list[tuple[object, str]], current: object) -> None:
        super().__init__()
        self._question = question
        self._choices = choices
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self._question))
            yield OptionList(
                *(Option(Content(label), id=str(i)) for i, (_, label) in enumerate(self._choices))
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        for index, (value, _) in enumerate(self._choices):
            if value == self._current:
                options.highlighted = index
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._choices[int(event.option.id or 0)][0])

    def action_cancel(self) -> None:
        self.dismiss(False)
