"""F1 / ?: every key of the screen underneath, with what it does and its id for `[keymap]`."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.dom import DOMNode
from textual.events import Resize
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from okr_tui.screens.base import after_typed_keys

DIALOG_WIDTH = 90
MIN_WHY_WIDTH = 20
MIN_DOES_WIDTH = 12
# The dialog's frame: a thick border above and below; the title's line and its padding.
FRAME_LINES = 2
TITLE_LINES = 2


@dataclass
class HelpRow:
    """One action of the screen: its keys, what it does, why, its id, and why not now."""

    keys: list[str]
    does: str
    why: str
    binding_id: str
    refused: str  # "" when the key works now

    def cells(self) -> tuple[Text, Text, Text]:
        why = Text(self.why)
        if self.refused:
            why.append(f"{chr(10) if self.why else ''}not now: {self.refused}", style="italic")
        if self.binding_id:
            why.append(f"{chr(10) if why.plain else ''}id {self.binding_id}", style="dim")
        return Text(", ".join(self.keys)), Text(self.does), why


def declared_order(namespace: DOMNode, binding: Binding) -> int:
    """Where the binding is declared in its class (and then its base classes): a key remapped
    in `[keymap]` keeps its place in the list rather than moving to the end."""
    ids = [
        getattr(declared, "id", None)
        for cls in type(namespace).__mro__
        for declared in getattr(cls, "BINDINGS", [])
    ]
    return ids.index(binding.id) if binding.id in ids else len(ids)


class HelpScreen(ModalScreen[None]):
    """Lists the bindings of the screen it was opened over: the screen's own keys first, then
    its widgets' and the app's, and last the generic keys of Textual's widgets (text editing,
    table and list movement). Each row shows the binding's id, which `[keymap]` takes."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical {
        width: 90; max-width: 95%; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    HelpScreen #help-title { text-style: bold; padding-bottom: 1; }
    HelpScreen DataTable { height: auto; }
    """
    BINDINGS = [
        Binding(
            "escape,q,question_mark,f1", "dismiss", "Close", id="help.close", tooltip="Close help"
        ),
        Binding(
            "end",
            "last_key",
            "Last key",
            show=False,
            priority=True,  # the table's own End stopped short of rows of several lines
            id="help.end",
            tooltip="Scroll to the last key",
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
                yield Static(Content(summary), id="help-summary")
            yield DataTable(cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        rows = [row.cells() for row in self.help_rows()]
        table = self.query_one(DataTable)
        does, why = self._widths(rows)
        table.add_column("Key")
        table.add_column("Does", width=does)
        table.add_column(Text("Why · id for [keymap]"), width=why)
        for row in rows:
            table.add_row(*row, height=None)
        self._fit_height()

    def on_resize(self, event: Resize) -> None:
        self._fit_height()

    def _rank(self, namespace: DOMNode, binding: Binding) -> int:
        """Where a binding's row goes: the screen's own keys, then its widgets', then the
        app's, then the generic keys Textual gives every screen and widget (which have no id:
        every binding of okr-tui has one)."""
        if not binding.id:
            return 3
        if namespace is self._described:
            return 0
        return 2 if namespace is self.app else 1

    def help_rows(self) -> list[HelpRow]:
        """One row per action of the screen underneath, its keys together ("m, f5")."""
        described = self._described
        by_action: dict[tuple[int, str], tuple[tuple[int, int], HelpRow]] = {}
        for active in described.active_bindings.values():
            binding = active.binding
            if not binding.description:
                continue
            namespace = active.node
            place = (id(namespace), binding.action)
            display = self.app.get_key_display(binding)
            if place in by_action:
                rank, row = by_action[place]
                if display not in row.keys:
                    row.keys.append(display)
                if binding.id and not row.binding_id:  # k beside Textual's own up: ours names it
                    row.binding_id, row.why = binding.id, binding.tooltip or row.why
                    rank = (self._rank(namespace, binding), declared_order(namespace, binding))
                    by_action[place] = (rank, row)
                continue
            refused = ""
            if not active.enabled:
                refusal = getattr(described, "refusal", None)
                refused = refusal(binding.action) if refusal is not None else ""
            row = HelpRow(
                [display], binding.description, binding.tooltip or "", binding.id or "", refused
            )
            rank = (self._rank(namespace, binding), declared_order(namespace, binding))
            by_action[place] = (rank, row)
        ranked = sorted(by_action.values(), key=lambda ranked_row: ranked_row[0])
        return [row for _, row in ranked]

    def _dialog_width(self) -> int:
        return min(DIALOG_WIDTH, self.app.size.width * 95 // 100)

    def _fit_height(self) -> None:
        """The table gets the lines the dialog has left under its title and summary, so it
        scrolls to its last row (taller, the dialog cut it off and PageDown stopped short)."""
        dialog_lines = self.app.size.height * 90 // 100
        summary_lines = 0
        if summary := getattr(self._described, "HELP_SUMMARY", ""):
            summary_lines = len(Content(summary).wrap(self._dialog_width() - 4))
        room = dialog_lines - FRAME_LINES - TITLE_LINES - summary_lines
        self.query_one(DataTable).styles.max_height = max(3, room)

    def _widths(self, rows: list[tuple[Text, Text, Text]]) -> tuple[int | None, int]:
        """Widths of the Does and Why columns: they wrap in what the dialog leaves beside the
        keys, so the table never scrolls sideways. Does keeps its natural width (None) when
        both fit."""
        dialog = self._dialog_width()
        key = max((row[0].cell_len for row in rows), default=3)
        does = max((row[1].cell_len for row in rows), default=4)
        # The thick border and padding (4), the vertical scrollbar (2), a cell of padding
        # either side of each of the three columns (6).
        room = dialog - 4 - 2 - 6 - max(key, 3)
        if does + MIN_WHY_WIDTH <= room:
            return None, room - does
        does = max(MIN_DOES_WIDTH, room * 2 // 5)
        return does, max(MIN_WHY_WIDTH, room - does)

    @after_typed_keys
    def action_last_key(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            table.move_cursor(row=table.row_count - 1, animate=False)
            table.call_after_refresh(table.scroll_end, animate=False)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss()
