"""The footer of keys every screen shows: Textual's Footer, rebuilt only when its keys change.

Textual's Footer removes and mounts all its keys after every bindings change, and a focus move
is one: two rebuilds per walkthrough step, though the keys shown are the same. This footer
compares the keys the screen reports with the ones it shows and lets Footer rebuild only when
they differ.

Textual's Footer also lets keys run off the right edge, under the command palette's key (at 80
columns the dashboard showed "? Help  ^▏^p palette"). This one shows every key whole or not at
all: when they do not fit it goes compact (one space less per key), and when they still do not
fit it hides keys from the end of the row, the app's keys and then the screen's (Textual lists
the focused widget's keys first), except the help key: `?` lists every key of the screen and
`ctrl+p` every action, so a key left out is one keystroke away. A key whose action is off now
(read-only, a closed cycle) is left out too: pressed, it says why (OkrApp._on_key).
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

from okr_tui.widgets.textual_compat import (
    FooterKey,
    FooterLabel,
    KeyGroup,
    compose_keys_at_once,
    footer_place_width,
    palette_key_width,
    set_key_style,
)

KEPT_ACTIONS = frozenset({"help", "app.help"})
"""Keys the footer keeps while it leaves others out: help lists the ones it left out."""

Place = tuple[Widget, ...]
"""One place in the footer: a key, or a group of keys and its label."""


class KeyFooter(Footer):
    """Textual's Footer, rebuilt only when its keys change, every key shown whole."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        compose_keys_at_once(self)
        self._shown: tuple[tuple[Binding, bool, str], ...] | None = None

    def bindings_changed(self, screen: Screen) -> None:
        """Footer's, unless the keys the footer shows stay the same."""
        keys = self._keys(screen)
        if keys == self._shown:
            return
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = keys  # what Footer rebuilds with, once the screen is refreshed
        super().bindings_changed(screen)

    def _keys(self, screen: Screen) -> tuple[tuple[Binding, bool, str], ...]:
        """The keys Footer.compose reads from the screen: the shown ones and the palette's."""
        palette = self.app.COMMAND_PALETTE_BINDING
        return tuple(
            (binding, enabled, tooltip)
            for key, (_, binding, enabled, tooltip) in screen.active_bindings.items()
            if binding.show or key == palette
        )

    def compose(self) -> ComposeResult:
        """Footer's keys, fitted to the footer's width before they are mounted."""
        self._shown = self._keys(self.screen)
        composed: list[Widget] = []
        for widget in super().compose():
            composed.append(widget)  # in order, a group's keys after the group
            yield widget
        off = self._off(composed)
        shown = [widget for widget in composed if widget not in off]
        compact, hidden = self._fit(shown, self.size.width or self.app.size.width)
        hidden |= off
        self.set_reactive(Footer.compact, compact)  # the keys take it when they are mounted
        self.set_class(compact, "-compact")
        for widget in composed:
            if isinstance(widget, FooterKey):  # the palette's key is compact in either style
                set_key_style(widget, compact or widget.has_class("-command-palette"))
        for widget in hidden:
            widget.display = False

    def on_resize(self, event: events.Resize) -> None:
        widgets: list[Widget] = []
        for child in self.children:
            widgets.append(child)
            if isinstance(child, KeyGroup):
                widgets.extend(child.children)
        off = self._off(widgets)
        compact, hidden = self._fit([w for w in widgets if w not in off], event.size.width)
        hidden |= off
        self.compact = compact
        for widget in widgets:
            shown = widget not in hidden
            if widget.display != shown and not widget.has_class("-grouped"):
                widget.display = shown

    @staticmethod
    def _off(widgets: list[Widget]) -> set[Widget]:
        """The keys whose action is off now (Footer shows them dimmed): left out."""
        return {
            widget
            for widget in widgets
            if isinstance(widget, FooterKey)
            and widget.has_class("-disabled")
            and not widget.has_class("-command-palette")
        }

    def _fit(self, widgets: list[Widget], width: int) -> tuple[bool, set[Widget]]:
        """Compact or not, and the widgets to hide, for every key to show whole in `width`
        columns: compact when the full style does not fit, then without the places at the end
        of the row (help kept) until the rest fit."""
        palette = [w for w in widgets if w.has_class("-command-palette")]
        room = width - sum(palette_key_width(key) for key in palette)  # type: ignore[arg-type,misc]
        places = self._places([w for w in widgets if w not in palette])

        def needs(kept: list[Place], compact: bool) -> int:
            return sum(footer_place_width(place, compact) for place in kept)

        if needs(places, False) <= room:
            return False, set()
        kept = list(places)
        for place in reversed(places):
            if needs(kept, True) <= room:
                break
            if not any(isinstance(w, FooterKey) and w.action in KEPT_ACTIONS for w in place):
                kept.remove(place)
        while kept and needs(kept, True) > room:
            kept.pop()  # too narrow even for help
        return True, {widget for place in places if place not in kept for widget in place}

    @staticmethod
    def _places(widgets: list[Widget]) -> list[Place]:
        """The footer's widgets as places: a group with its keys and its label, or a key."""
        places: list[Place] = []
        in_group = False
        for widget in widgets:
            if isinstance(widget, KeyGroup):
                places.append((widget,))
                in_group = True
            elif in_group and (widget.has_class("-grouped") or isinstance(widget, FooterLabel)):
                places[-1] = (*places[-1], widget)
                in_group = not isinstance(widget, FooterLabel)
            else:
                places.append((widget,))
                in_group = False
        return places
