"""The footer of keys every screen shows: Textual's Footer, rebuilt only when its keys change.

Textual's Footer removes and mounts all its keys after every bindings change, and a focus move
is one: three rebuilds while the dashboard opens, two per walkthrough step, though the keys
shown are mostly the same. Each key it mounts also restyles itself twice (its `compact`
reactive adds and then removes a class). This footer compares the keys it would show with the
ones it shows and rebuilds only when they differ, and its keys start in the footer's style.
It looks exactly like Textual's Footer (the snapshot tests hold it to that); `compose` follows
Textual's Footer.compose, so compare the two when the pinned Textual version changes.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import groupby

from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel, KeyGroup

ShownKey = tuple[Binding, bool, str]
"""A key as the footer shows it: the binding, whether it is enabled, its tooltip."""


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

    def _keys(self) -> tuple[tuple[ShownKey, ...], ShownKey | None]:
        """The keys to show, in order, and the command palette's key (None when hidden)."""
        active = self.screen.active_bindings
        keys = tuple(
            (binding, enabled, tooltip)
            for (_, binding, enabled, tooltip) in active.values()
            if binding.show
        )
        palette = None
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            entry = active.get(self.app.COMMAND_PALETTE_BINDING)
            if entry is not None:
                _, binding, enabled, _ = entry
                palette = (binding, enabled, binding.tooltip or binding.description)
        return keys, palette

    def compose(self) -> ComposeResult:
        """The same widgets Textual's Footer.compose yields for a non-compact footer.

        Textual's Footer shows no keys until the screen first reports its bindings, then mounts
        them all and lays the screen out again; this one shows the keys known when it is
        composed, and that report rebuilds them only if they changed.
        """
        self._shown = self._keys()
        keys, palette = self._shown
        by_action: defaultdict[str, list[ShownKey]] = defaultdict(list)
        for binding, enabled, tooltip in keys:
            by_action[binding.action].append((binding, enabled, tooltip))
        self.styles.grid_size_columns = len(by_action)
        for group, grouped in groupby(by_action.values(), lambda shown: shown[0][0].group):
            actions = list(grouped)
            if group is not None and len(actions) > 1:
                with KeyGroup(classes="-compact" if group.compact else ""):
                    for binding, enabled, tooltip in (shown[0] for shown in actions):
                        tooltip = tooltip or binding.description
                        yield self._key(binding, enabled, tooltip, label="", classes="-grouped")
                yield FooterLabel(group.description)
            else:
                for binding, enabled, tooltip in (shown[0] for shown in actions):
                    yield self._key(binding, enabled, tooltip)
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

    async def _recompose_if_changed(self) -> None:
        if self.is_attached and self._keys() != self._shown:
            await self.recompose()
