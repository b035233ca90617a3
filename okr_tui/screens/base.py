"""What every okr-tui screen shares: the store, the cycle and team on screen, and a refresh hook."""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import on
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from okr_tui.domain.board import in_team_view
from okr_tui.domain.models import CycleState
from okr_tui.messages import ContextChanged, StoreChanged
from okr_tui.screens.typed_keys import keys_applied
from okr_tui.widgets.textual_compat import frames_dropped

if TYPE_CHECKING:
    from okr_tui.app import OkrApp
    from okr_tui.domain.models import Cycle, KeyResult
    from okr_tui.store.store import OkrStore


Action = TypeVar("Action", bound=Callable[..., Any])

AFTER_TYPED_KEYS = "_okr_after_typed_keys"
"""Marks an action made with `after_typed_keys` (tests/functional/test_typed_keys.py checks every
binding)."""


TEXT_AREA_MODULE = "textual.widgets._text_area"
"""Where Textual defines TextArea (checked by tests/functional/test_typed_keys.py)."""


def text_field_types() -> tuple[type[Widget], ...]:
    """The widgets typed text goes to: Input, and TextArea once a screen has imported it (no
    TextArea can be on screen before). Importing TextArea here would add about 34 M
    instructions to start-up, which no start-up screen uses."""
    text_area = sys.modules.get(TEXT_AREA_MODULE)
    return (Input,) if text_area is None else (Input, text_area.TextArea)


def typed_keys_binding(
    key: str,
    action: str,
    description: str,
    *,
    id: str,
    tooltip: str,
    show: bool = True,
) -> Binding:
    """A key that acts on what was typed before it (save, move on, open a dialog).

    Bound the usual way, such a key reaches the screen only after the focused field has applied
    the keys typed after it ("42 ctrl+s 37" saved 4237). This binding has priority: the app
    runs its action as the key arrives, before it routes the next key. Its action must be made
    with `after_typed_keys`, which first lets the fields apply the keys typed before it."""
    return Binding(key, action, description, show=show, priority=True, id=id, tooltip=tooltip)


def after_typed_keys(action: Action) -> Action:
    """Run the action of a `typed_keys_binding` once the screen's text fields have applied the
    keys typed before its key; a dialog or screen it opens (returned or awaited inside) is
    mounted and focused before the keys typed after it are routed, so they reach its field."""

    @functools.wraps(action)
    async def run_after_typed_keys(self: DOMNode, *args: Any) -> None:
        screen = self if isinstance(self, Screen) else self.screen
        # The keys typed before this one wait in the queue of the widget that had the focus
        # when they were routed: a text field, or the focused list or button.
        # A walk over the screen's widgets, not `screen.query("Input, TextArea")`: matching
        # the selector against every widget cost a quarter of a millisecond a key.
        text_fields = text_field_types()
        fields: list[Widget | None] = [
            node for node in screen.walk_children(Widget) if isinstance(node, text_fields)
        ]
        fields.append(screen.focused)
        await keys_applied(*(field for field in dict.fromkeys(fields) if field is not None))
        result = action(self, *args)
        if inspect.isawaitable(result):
            await result

    setattr(run_after_typed_keys, AFTER_TYPED_KEYS, True)
    return run_after_typed_keys  # type: ignore[return-value]


@after_typed_keys
async def move_focus(screen: Screen[Any], step: int) -> None:
    """The action of a screen's Tab and shift+tab (`typed_keys_binding` to "move_focus(1)" and
    "move_focus(-1)"): the next or previous field, once the keys typed before are in it.
    A screen takes it as `action_move_focus = move_focus`."""
    if step > 0:
        screen.focus_next()  # set_focus underneath: immediate
    else:
        screen.focus_previous()


class OkrScreen(Screen[None]):
    """A full screen that reads through the store and re-reads when the data or context changes.

    Subclasses implement `reload()`; it runs on mount, when the cycle, team or owner filter
    changes, when another process saved, and when the screen comes back to the top after the
    store changed (`StoreChanged`, one message for every save) or the filters did meanwhile. A
    screen shows its own saves itself: the store's message does not reload the screen on top
    for a save made in this app, and a screen below re-reads once, when it is on top again,
    rather than at every save (the dashboard under the walk would work out its prep lane and
    forecasts for every key result checked in).
    """

    _stale = False
    """The store or the filters changed while another screen was on top: re-read on resume."""

    BINDINGS = [
        Binding(
            "escape", "back", "Back", id="screen.back", tooltip="Return to the previous screen"
        ),
    ]
    EDITING_KEYS_IN_ORDER: ClassVar[bool] = False
    """True: a text field's own editing keys (backspace, arrows) act in the order typed, before
    the keys after them are routed (OkrApp.on_event); the walk has it."""
    FILTERS_OWNER: ClassVar[bool] = False
    """True: the screen lists only the owner filter's key results when one is set, and its
    header says so ("Owner: Dana"); screens of the whole plan (planning, alignment) do not."""

    def _compositor_refresh(self) -> None:
        """No frame while the app holds a batch (its start-up mount), which would drop it
        (textual_compat, piece 5): the screen stays dirty, and its first refresh after the
        batch draws it."""
        if frames_dropped(self.app):
            return
        super()._compositor_refresh()

    @property
    def okr_app(self) -> OkrApp:
        return self.app  # type: ignore[return-value]

    @property
    def store(self) -> OkrStore:
        return self.okr_app.store

    @property
    def cycle(self) -> Cycle | None:
        return self.okr_app.cycle

    @property
    def team_id(self) -> str | None:
        return self.okr_app.team_id

    def read_only_reason(self) -> str:
        """Why nothing on screen can change ("" when it can): a closed cycle, or a store opened
        for viewing (`--read-only`, a tab of `okr serve`), which used to refuse only at save."""
        cycle = self.cycle
        if cycle is not None and cycle.state is CycleState.CLOSED:
            return "this cycle is closed"
        if self.store.read_only:
            return "this okr only views the store"
        return ""

    def refusal(self, action: str) -> str:
        """Why `action` is off now (its `check_action` said None), which the key says when
        pressed and help lists; the footer leaves the key out. Screens refine it."""
        return self.read_only_reason()

    def shows_team(self, team_id: str | None) -> bool:
        """The team filter: one team's objectives, and company objectives stay in view."""
        return in_team_view(self.team_id, team_id)

    def owner_filter(self) -> str | None:
        """Whose key results this screen lists (None: everyone's); the header shows it."""
        return self.okr_app.owner if self.FILTERS_OWNER else None

    def shows_owner(self, kr_owner: str) -> bool:
        """The owner filter: only the chosen person's key results (see `owner_filter`)."""
        from okr_tui.domain.people import owned_by

        return owned_by(kr_owner, self.owner_filter())

    def reload(self) -> Awaitable[None] | None:
        """Re-read what the screen shows from the store (may be async)."""

    async def _reload(self) -> None:
        if self.app.return_code is not None:
            # The app is on its way out (a key typed right after "q" opened this screen):
            # its widgets may never be composed, and there is nothing to show.
            return
        from okr_tui.store.errors import StoreError

        self._stale = False
        try:
            result = self.reload()
            if inspect.isawaitable(result):
                await result
        except StoreError as problem:
            # A file or record read for the first time here cannot be read: say which and
            # what is wrong, and keep running on what could be read.
            self.notify(
                f"{str(problem).rstrip('.')}. This screen shows only what could be read.",
                title="A store file cannot be read",
                severity="error",
                markup=False,
                timeout=10,
            )

    async def on_mount(self) -> None:
        if not self.okr_app.cursor_blink:
            for text_input in self.query(Input):
                text_input.cursor_blink = False
        await self._reload()
        # Once the first screen is drawn: the collector (paused by `okr`, cli.run_app) resumes
        # and the cycle file is checked whole (OkrApp.after_first_frame).
        self.okr_app.call_after_first_frame(self.okr_app.after_first_frame)

    def tick_off_actions(
        self, cycle: Cycle, kr: KeyResult, redraw: Callable[[], object]
    ) -> Awaitable[object] | None:
        """The dialog of the key result's open actions (ctrl+l in the walk, d on its detail):
        the ticked ones are marked done in one save, then `redraw` shows it. With none open it
        says so and returns None; else the dialog's push, to await where keys may follow."""
        from okr_tui.domain import cadence
        from okr_tui.screens.dialogs.open_actions_dialog import OpenActionsDialog
        from okr_tui.store.errors import RuleViolation, StoreError

        open_actions = [a for a in self.store.actions(cycle.id, kr.id) if not a.done]
        if not open_actions:
            self.notify("No open actions for this key result.", timeout=3)
            return None

        def done(action_ids: list[str] | None) -> None:
            try:
                self.store.mark_actions_done(cycle.id, set(action_ids or ()))
            except (RuleViolation, StoreError) as problem:
                self.notify(str(problem), severity="error", markup=False)
            redraw()

        today = cadence.local_time(cycle, self.okr_app.clock.now()).date()
        return self.app.push_screen(OpenActionsDialog(kr.title, open_actions, today), done)

    def on_screen_suspend(self) -> None:
        self._covered = True

    async def on_screen_resume(self) -> None:
        """Re-read when coming back from another screen if the store or the filters changed
        meanwhile; not on the first show, which the mount handler has just loaded (that second
        load doubled start-up time), nor after a dialog or help that changed nothing."""
        if self.is_mounted and getattr(self, "_covered", False):
            self._covered = False
            if self._stale:
                await self._reload()

    @property
    def _on_top(self) -> bool:
        return self.is_attached and self.app.screen is self

    def mark_stale(self) -> None:
        """The store or the filters changed while this screen is under another: it re-reads
        once, when it is on top again (OkrApp.tell_screens)."""
        self._stale = True

    @on(StoreChanged)
    async def _store_changed(self, message: StoreChanged) -> None:
        if not self._on_top:
            self.mark_stale()  # covered since it was posted: re-read once, when on top again
        elif message.external:
            await self._reload()
            self.notify("Updated with changes saved elsewhere.", timeout=3)
        # A save made in this app on this screen: it has shown it already.

    @on(ContextChanged)
    async def _context_changed(self) -> None:
        if self._on_top:
            await self._reload()
        else:
            self.mark_stale()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
