"""The footer of keys every screen shows: Textual's Footer, rebuilt only when its keys change.

Textual's Footer removes and mounts all its keys after every bindings change, and a focus move
is one: three rebuilds while the dashboard opens, two per walkthrough step, though the keys
shown are mostly the same. Each key it mounts also restyles itself twice (its `compact`
reactive adds and then removes a class). This footer compares the keys it would show with the
ones it shows and rebuilds only when they differ, and its keys start in the footer's style.
It looks exactly like Textual's Footer (the snapshot tests hold it to that); `compose` follows
Textual's Footer.compose, so compare the two when the pinned Textual version changes.

Textual's Footer lets keys run off the right edge, under the command palette's key (at 80
columns the dashboard showed "? Help  ^▏^p palette"). This one shows every key whole or not at
all: when they do not fit it goes compact (one space less per key), and when they still do not
fit it leaves out keys from the end of the row, the app's keys and then the screen's (Textual
lists the focused widget's keys first), except the help key: `?` lists every key of the screen
and `ctrl+p` every action, so a key left out is one keystroke away.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import groupby

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel, KeyGroup

ShownKey = tuple[Binding, bool, str]
"""A key as the footer shows it: the binding, whether it is enabled, its tooltip."""

Entry = tuple[Binding.Group | None, tuple[ShownKey, ...]]
"""One place in the footer: a key, or a group of keys with one label."""

KEPT_ACTIONS = frozenset({"help", "app.help"})
"""Keys the footer keeps while it leaves others out: help lists the ones it left out."""


class StillFooterKey(FooterKey):
    """A footer key created in its final style: Textual's FooterKey adds or removes its
    `-compact` class on mount (and restyles itself) even when nothing changes."""

    compact = reactive(False, init=False)

    def __init__(self, *args: object, compact: bool = False, classes: str = "", **kwargs: object):
        super().__init__(*args, classes=f"{classes} -compact" if compact else classes, **kwargs)
        self.set_reactive(StillFooterKey.compact, compact)


class KeyFooter(Footer):
    """Textual's Footer (non-compact, one key per action), rebuilt only when its keys change."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._shown: tuple[tuple[ShownKey, ...], ShownKey | None] | None = None

    def _keys(self) -> tuple[tuple[Entry, ...], ShownKey | None]:
        """The places of the footer, in order, and the command palette's key (None when hidden).

        One key per action (the first binding of it), and consecutive actions of one binding
        group share a place, as in Textual's Footer.
        """
        active = self.screen.active_bindings
        by_action: defaultdict[str, list[ShownKey]] = defaultdict(list)
        for _, binding, enabled, tooltip in active.values():
            # A key that is off now is left out (pressed, it says why: OkrApp._on_key).
            if binding.show and enabled:
                by_action[binding.action].append((binding, enabled, tooltip))
        entries: list[Entry] = []
        for group, grouped in groupby(by_action.values(), lambda shown: shown[0][0].group):
            firsts = tuple(shown[0] for shown in grouped)
            if group is not None and len(firsts) > 1:
                entries.append((group, firsts))
            else:
                entries.extend((None, (first,)) for first in firsts)
        palette = None
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            entry = active.get(self.app.COMMAND_PALETTE_BINDING)
            if entry is not None:
                _, binding, enabled, _ = entry
                palette = (binding, enabled, binding.tooltip or binding.description)
        return tuple(entries), palette

    def _fitted(self, width: int) -> tuple[bool, tuple[Entry, ...], ShownKey | None]:
        """What the footer shows in `width` columns: compact or not, the places, the palette's
        key. Every key is shown whole: compact when the full style does not fit, then without
        the places at the end of the row (help kept) until the rest fit."""
        entries, palette = self._keys()
        room = width - (self._palette_width(palette) if palette is not None else 0)
        for compact in (False, True):
            if sum(self._entry_width(entry, compact) for entry in entries) <= room:
                return compact, entries, palette
        kept = list(entries)
        for entry in reversed(entries):
            if sum(self._entry_width(place, True) for place in kept) <= room:
                break
            if not any(binding.action in KEPT_ACTIONS for binding, _, _ in entry[1]):
                kept.remove(entry)
        while kept and sum(self._entry_width(place, True) for place in kept) > room:
            kept.pop()  # too narrow even for help
        return True, tuple(kept), palette

    def _entry_width(self, entry: Entry, compact: bool) -> int:
        """Columns a place takes, from the styles of Textual's Footer and FooterKey."""
        group, keys = entry
        if group is not None:
            # A group's keys show no description and have a margin of one on each side; its
            # label has one on the right. (No binding of this app is in a group.)
            label = cell_len(group.description) + 1
            return sum(self._display_width(binding) + 2 for binding, _, _ in keys) + label
        binding = keys[0][0]
        display = self._display_width(binding)
        description = cell_len(binding.description)
        if compact:  # "k Description" and a margin of one on the right
            return display + (1 + description if description else 0) + 1
        return display + 2 + description + 1 if description else display  # " k Description "

    def _palette_width(self, palette: ShownKey) -> int:
        """The palette's key is compact in either footer ("^p palette"), with a border on the
        left, and a padding (full footer) or a margin (compact footer) of one on the right."""
        binding = palette[0]
        return self._display_width(binding) + 1 + cell_len(binding.description) + 2

    def _display_width(self, binding: Binding) -> int:
        return cell_len(self.app.get_key_display(binding))

    def _width(self) -> int:
        """The footer's width; before its first layout, the terminal's (it spans the screen)."""
        return self.size.width or self.app.size.width

    def compose(self) -> ComposeResult:
        """The same widgets Textual's Footer.compose yields for a non-compact footer.

        Textual's Footer shows no keys until the screen first reports its bindings, then mounts
        them all and lays the screen out again; this one shows the keys known when it is
        composed, and that report rebuilds them only if they changed.
        """
        self._shown = self._fitted(self._width())
        compact, entries, palette = self._shown
        self.set_reactive(Footer.compact, compact)
        self.set_class(compact, "-compact")
        self.styles.grid_size_columns = len(entries)
        for group, keys in entries:
            if group is not None:
                with KeyGroup(classes="-compact" if group.compact else ""):
                    for binding, enabled, tooltip in keys:
                        tooltip = tooltip or binding.description
                        yield self._key(
                            binding, enabled, tooltip, label="", classes="-grouped", compact=compact
                        )
                yield FooterLabel(group.description)
            else:
                for binding, enabled, tooltip in keys:
                    yield self._key(binding, enabled, tooltip, compact=compact)
        if palette is not None:
            binding, enabled, tooltip = palette
            # Textual's palette key is compact even in a non-compact footer.
            yield self._key(binding, enabled, tooltip, classes="-command-palette", compact=True)

    def _key(
        self,
        binding: Binding,
        enabled: bool,
        tooltip: str,
        *,
        label: str | None = None,
        classes: str = "",
        compact: bool = False,
    ) -> FooterKey:
        return StillFooterKey(
            binding.key,
            self.app.get_key_display(binding),
            binding.description if label is None else label,
            binding.action,
            disabled=not enabled,
            tooltip=tooltip,
            classes=classes,
            compact=compact,
        )

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    def on_resize(self, event: events.Resize) -> None:
        if self._shown is not None and self._fitted(event.size.width) != self._shown:
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if self.is_attached and self._fitted(self._width()) != self._shown:
            await self.recompose()
