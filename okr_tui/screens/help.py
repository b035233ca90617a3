"""F1 / ?: every key of the screen underneath, with what it does."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

WHY_WIDTH = 48
"""Cells of the Why column: the dialog (90 wide) less the key, the action and the padding."""


class HelpScreen(ModalScreen[None]):
    """Lists the active bindings of the screen it was opened over."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical {
        width: 90; max-width: 95%; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    HelpScreen #help-title { text-style: bold; padding-bottom: 1; }
    HelpScreen DataTable { height: auto; max-height: 30; }
    """
    BINDINGS = [
        Binding(
            "escape,q,question_mark,f1", "dismiss", "Close", id="help.close", tooltip="Close help"
        ),
    ]

    def __init__(self, described: Screen) -> None:
        super().__init__()
        self._described = described

    def compose(self) -> ComposeResult:
        title = getattr(self._described, "HELP_TITLE", type(self._described).__name__)
        with Vertical():
            yield Static(Content(f"Keys: {title}"), id="help-title")
            if summary := getattr(self._described, "HELP_SUMMARY", ""):
                yield Static(Content(summary))
            yield DataTable(cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Key", "Does")
        # The reason wraps in a column that fits the dialog, rather than running past its edge.
        table.add_column("Why", width=WHY_WIDTH)
        seen: set[tuple[str, str]] = set()
        for key, active in self._described.active_bindings.items():
            binding = active.binding
            if not binding.description or (binding.action, key) in seen:
                continue
            seen.add((binding.action, key))
            display = self.app.get_key_display(binding)
            table.add_row(
                Text(display), Text(binding.description), Text(binding.tooltip or ""), height=None
            )

    def action_dismiss(self) -> None:
        self.dismiss()
