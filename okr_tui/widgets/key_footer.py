"""The footer of keys every screen shows: one line, drawn by one widget.

It shows what Textual's Footer shows (the screen's keys, first binding of each action, the command
palette's key on the right) in the same style, but as a single widget: Footer mounts a widget
per key and rebuilds them after every change of bindings (a focus move is one), which cost about
110 M instructions of okr's start-up (benchmarks/instructions.py, 8q: 2,525 M with Footer's keys,
2,415 M without) and two rebuilds per walkthrough step. This one repaints only when the keys it
shows change, and uses no Textual internals.

Every key is shown whole or not at all: when the keys do not fit, the footer goes compact (one
space less per key), and when they still do not fit it leaves keys out from the end of the row,
the app's keys and then the screen's (the focused widget's keys come first), except the help
key: `?` lists every key of the screen and `ctrl+p` every action, so a key left out is one
keystroke away. A key whose action is off now (read-only, a closed cycle) is left out too:
pressed, it says why (OkrApp._on_key). A click on a key presses it; the mouse over a key
highlights it and shows its tooltip.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

KEPT_ACTIONS = frozenset({"help", "app.help"})
"""Keys the footer keeps while it leaves others out: help lists the ones it left out."""


class FooterEntry(NamedTuple):
    """One key the footer offers, as the screen reports it."""

    key: str
    display: str
    description: str
    action: str
    tooltip: str


class Placed(NamedTuple):
    """A key drawn in the footer: its columns and what pressing it does."""

    start: int
    end: int
    entry: FooterEntry


def entry_width(entry: FooterEntry, compact: bool) -> int:
    """Columns a key takes, its margin included: " k Description " in the full style, "k
    Description" and one column of margin in the compact one; a key without a description is
    its display alone (and the margin, compact)."""
    display, description = cell_len(entry.display), cell_len(entry.description)
    if compact:
        return display + (1 + description if description else 0) + 1
    return display + 2 + description + 1 if description else display


def palette_width(entry: FooterEntry) -> int:
    """The command palette's key: a border, "^p palette", one column on the right."""
    return 1 + cell_len(entry.display) + 1 + cell_len(entry.description) + 1


def fit(entries: list[FooterEntry], room: int) -> tuple[bool, list[FooterEntry]]:
    """Compact or not, and the keys shown in `room` columns: the full style if every key fits,
    else compact, leaving out keys from the end of the row (help kept) until the rest fit."""
    if sum(entry_width(entry, False) for entry in entries) <= room:
        return False, list(entries)
    kept = list(entries)
    for entry in reversed(entries):
        if sum(entry_width(e, True) for e in kept) <= room:
            break
        if entry.action not in KEPT_ACTIONS:
            kept.remove(entry)
    while kept and sum(entry_width(e, True) for e in kept) > room:
        kept.pop()  # too narrow even for help
    return True, kept


class KeyFooter(Widget, can_focus=False):
    """The keys of the screen on one line, every key shown whole."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "key-footer--key",
        "key-footer--description",
        "key-footer--hover",
        "key-footer--palette-border",
    }
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .key-footer--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
        .key-footer--palette-border {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._entries: tuple[FooterEntry, ...] = ()
        self._palette: FooterEntry | None = None
        self._placed: list[Placed] = []
        self._hover: FooterEntry | None = None
        self.compact = False  # drawn in the compact style (the keys did not fit in the full one)
        self.key_changes = 0  # times the keys to show changed (each one repaints the footer)

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self._read_keys(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen) -> None:
        """Repaint when the keys the footer shows change (not at every focus move)."""
        if screen is self.screen and self._read_keys(screen):
            self.refresh()

    def _read_keys(self, screen: Screen) -> bool:
        """The keys the screen reports now, as Footer lists them: the first binding of each
        action whose action is on, and the palette's. True when they changed."""
        palette_key = self.app.COMMAND_PALETTE_BINDING
        entries: dict[str, FooterEntry] = {}
        palette: FooterEntry | None = None
        for key, (_, binding, enabled, tooltip) in screen.active_bindings.items():
            entry = FooterEntry(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                tooltip or binding.tooltip or binding.description,
            )
            if key == palette_key and self.app.ENABLE_COMMAND_PALETTE:
                palette = entry
            elif binding.show and enabled and binding.action not in entries:
                entries[binding.action] = entry
        shown = tuple(entries.values())
        changed = (shown, palette) != (self._entries, self._palette)
        self._entries, self._palette = shown, palette
        self.key_changes += changed
        return changed

    @property
    def shown(self) -> list[FooterEntry]:
        """The keys drawn at the last paint, left to right (the palette's last)."""
        return [placed.entry for placed in self._placed]

    def columns(self, entry: FooterEntry) -> tuple[int, int]:
        """Where a shown key was drawn: its first column and the one after its last."""
        return next((p.start, p.end) for p in self._placed if p.entry == entry)

    def render(self) -> Text:
        width = self.size.width or self.app.size.width
        room = width - (palette_width(self._palette) if self._palette else 0)
        compact, shown = fit(list(self._entries), room)
        self.compact = compact
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        hover_style = self.get_component_rich_style("key-footer--hover")
        line = Text(no_wrap=True, overflow="crop", end="")
        self._placed = []

        def draw(entry: FooterEntry, compact: bool) -> None:
            start = line.cell_len
            if not entry.description:  # the key alone, as Footer draws it
                line.append(entry.display, key_style)
            elif compact:  # "k Description"
                line.append(entry.display, key_style)
                line.append(f" {entry.description}", description_style)
            else:  # " k Description "
                line.append(f" {entry.display} ", key_style)
                line.append(f"{entry.description} ", description_style)
            if entry == self._hover:
                line.stylize_before(hover_style, start, line.cell_len)
            self._placed.append(Placed(start, line.cell_len, entry))

        for entry in shown:
            draw(entry, compact)
            if compact:
                line.append(" ")  # the margin between compact keys
        if self._palette is not None:  # on the right, behind a border, always compact
            line.append(" " * max(width - line.cell_len - palette_width(self._palette), 0))
            line.append("▏", self.get_component_rich_style("key-footer--palette-border"))
            draw(self._palette, True)
            line.append(" ")
        line.stylize_before(self.rich_style)
        return line

    def _entry_at(self, x: int) -> FooterEntry | None:
        return next((p.entry for p in self._placed if p.start <= x < p.end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        entry = self._entry_at(event.x)
        if entry != self._hover:
            self._hover = entry
            self.tooltip = entry.tooltip if entry else None
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.tooltip = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """A click presses the key, as Footer's keys do."""
        entry = self._entry_at(event.x)
        if entry is not None:
            self.app.simulate_key(entry.key)
