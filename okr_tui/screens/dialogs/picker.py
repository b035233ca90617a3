"""A small modal list to pick one thing (a team, a cycle); user names shown as typed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum
from typing import Generic, TypeVar

from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from okr_tui.screens.base import after_typed_keys, typed_keys_binding

Choice = TypeVar("Choice")


class Unfiltered(Enum):
    """The choice that filters nothing, as a value of its own rather than None."""

    ALL_TEAMS = "all teams"
    EVERYONE = "everyone's key results"


class PickerScreen(ModalScreen[None], Generic[Choice]):
    """Calls `chosen` with the picked value, then closes; escape closes without a choice.
    `current` is highlighted first (None: nothing was chosen before).

    The choice takes effect before the keys typed after Enter are routed: "ctrl+t ↓↓↓ ⏎ c"
    typed at once starts the check-in of the team picked. (A result callback of the screen
    runs only once the app has no key left to route, after the "c".)"""

    DEFAULT_CSS = """
    PickerScreen { align: center middle; }
    PickerScreen > Vertical {
        width: 60; height: auto; max-height: 80%; border: thick $primary;
        background: $surface; padding: 0 1;
    }
    PickerScreen OptionList { height: auto; max-height: 20; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel", tooltip="Keep as is"),
        typed_keys_binding(
            "enter",
            "pick",
            "Choose",
            id="picker.choose",
            tooltip="Show the highlighted one",
        ),
        # The list's own arrow keys would act only once they have gone up to the app and back
        # (after every key typed with them), so "↓↓⏎" would pick the first choice: here they act
        # at once.
        *(
            typed_keys_binding(
                key,
                f"move('{move}')",
                description,
                show=False,
                id=f"picker.{move}",
                tooltip=description,
            )
            for key, move, description in (
                ("down", "cursor_down", "Next choice"),
                ("up", "cursor_up", "Previous choice"),
                ("home", "first", "First choice"),
                ("end", "last", "Last choice"),
                ("pagedown", "page_down", "A page down"),
                ("pageup", "page_up", "A page up"),
            )
        ),
    ]

    def __init__(
        self,
        question: str,
        choices: Sequence[tuple[Choice, str]],
        current: Choice | None,
        chosen: Callable[[Choice], object],
    ) -> None:
        super().__init__()
        self._question = question
        self._choices = choices
        self._current = current
        self._chosen = chosen

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
        self.set_focus(options)  # at once: the keys typed after the key that opened it

    @after_typed_keys
    def action_move(self, move: str) -> None:
        getattr(self.query_one(OptionList), f"action_{move}")()

    @after_typed_keys
    async def action_pick(self) -> None:
        """Enter, once the list has moved by the arrows typed before it."""
        highlighted = self.query_one(OptionList).highlighted
        if highlighted is not None:
            await self._pick(highlighted)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """A click on a choice (not awaited: this runs in the picker's own loop)."""
        self._pick(int(event.option.id or 0))

    def _pick(self, index: int) -> AwaitComplete:
        """Off the stack first, so the screen below is on top when the choice makes it
        re-read; the picker's removal is what the caller may await."""
        removed = self.app.pop_screen()
        self._chosen(self._choices[index][0])
        return removed

    def action_cancel(self) -> None:
        self.app.pop_screen()
