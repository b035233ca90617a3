"""F1 / ?: every key of the screen underneath, with what it does."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

DIALOG_WIDTH = 90
MIN_WHY_WIDTH = 20
MIN_DOES_WIDTH = 12


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
        rows: list[tuple[Text, Text, Text]] = []
        seen: set[tuple[str, str]] = set()
        for key, active in self._described.active_bindings.items():
            binding = active.binding
            if not binding.description or (binding.action, key) in seen:
                continue
            seen.add((binding.action, key))
            display = self.app.get_key_display(binding)
            rows.append((Text(display), Text(binding.description), Text(binding.tooltip or "")))
        table = self.query_one(DataTable)
        does, why = self._widths(rows)
        table.add_column("Key")
        table.add_column("Does", width=does)
        table.add_column("Why", width=why)
        for row in rows:
            table.add_row(*row, height=None)

    def _widths(self, rows: list[tuple[Text, Text, Text]]) -> tuple[int | None, int]:
        """Widths of the Does and Why columns: they wrap in what the dialog leaves beside the
        keys, so the table never scrolls sideways (a fixed Why column cut "shift+space" to
        "space", and at 80 columns the Why column was scrolled out of sight). Does keeps its
        natural width (None) when both fit."""
        dialog = min(DIALOG_WIDTH, self.app.size.width * 95 // 100)
        key = max((row[0].cell_len for row in rows), default=3)
        does = max((row[1].cell_len for row in rows), default=4)
        # The thick border and padding (4), the vertical scrollbar (2), a cell of padding
        # either side of each of the three columns (6).
        room = dialog - 4 - 2 - 6 - max(key, 3)
        if does + MIN_WHY_WIDTH <= room:
            return None, room - does
        does = max(MIN_DOES_WIDTH, room * 2 // 5)
        return does, max(MIN_WHY_WIDTH, room - does)

    def action_dismiss(self) -> None:
        self.dismiss()
