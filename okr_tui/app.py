"""OkrApp: owns the store and the clock, knows the cycle and team on screen, and routes actions.

Screens are imported inside the actions that open them, so start-up only pays for the first
screen. Every action here is also in the command palette (`get_system_commands`), and every
binding has an id so it can be remapped from the config file.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from typing import Any

from textual import events
from textual.actions import SkipAction
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.notifications import Notification
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import AwaitMount
from textual.worker import Worker, WorkerState

from okr_tui.domain.models import CheckIn, Cycle, KeyResult, Objective, Score, Team
from okr_tui.messages import ContextChanged, StoreChanged
from okr_tui.screens.base import OkrScreen, after_typed_keys, typed_keys_binding
from okr_tui.screens.typed_keys import keys_applied
from okr_tui.store.errors import StoreError
from okr_tui.store.store import OkrStore
from okr_tui.widgets.textual_compat import (
    dispatch_key,
    frames_dropped,
    start_with_theme,
    withdraw_toast,
    working_toast,
)

STORE_POLL_SECONDS = 2.0
START_UP_COLLECTOR_PAUSE = 3.0  # seconds: at the latest, the collector resumes then
SLOW_WORK = "slow-work"
"""The worker group of exports and notes: their results and failures are reported by the app."""
EXPORT_NAMES = {"json": "JSON", "md": "meeting notes", "csv": "CSV"}
# What the dashboard reads of a cycle switched to: checked before it is shown (and then ready).
FIRST_SCREEN_RECORDS = (Objective, KeyResult, CheckIn, Score)
# What is checked whole before the app starts, of the cycle it opens on; its check-ins are
# validated a key result at a time as screens read them, and the whole file is checked right
# after the first frame, in a worker (OkrApp.after_first_frame; issue 19).
OPENING_RECORDS = (Objective, KeyResult, Score)
FULL_CHECK = "full-check"
"""The worker group of the full check of the cycle file the app opened on."""
FULL_CHECK_AFTER = 0.1  # seconds after the first frame: the check waits for the screen to
# settle (about 40 M instructions for a large organisation's quarter); a save meanwhile
# does the check itself first (OkrStore.full_check_pending)
# A store file that cannot be read stays on screen until it can: the toast must not time out.
STORE_PROBLEM_SECONDS = 24 * 3600.0
# Slow work's "working" toast stays while the job runs (it is taken away when the job ends).
SLOW_WORK_SECONDS = 3600.0


class OkrApp(App[None]):
    """The okr-tui application."""

    # The dashboard's stylesheet (its CSS_PATH) is read with the app's: it is the first screen
    # of every start, and pushing a screen whose stylesheet is not loaded yet parses every
    # source again (issue 19: one of three full parses before the first frame).
    CSS_PATH = ["app.tcss", "screens/dashboard.tcss"]
    TITLE = "okr-tui"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="app.help", tooltip="Every key of this screen"),
        Binding(
            "f1", "help", "Help", show=False, id="app.help_f1", tooltip="Every key of this screen"
        ),
        # The pickers take the keys typed after the key that opens them ("ctrl+t ↓↓ ⏎ c").
        typed_keys_binding(
            "ctrl+t",
            "switch_team",
            "Team",
            id="app.switch_team",
            tooltip="Show one team, or all teams",
        ),
        typed_keys_binding(
            "ctrl+g",
            "switch_owner",
            "Owner",
            id="app.switch_owner",
            show=False,  # as ctrl+y: in help and the palette; the header says when it is on
            tooltip="My key results: show one owner's key results, or everyone's",
        ),
        typed_keys_binding(
            "ctrl+y",
            "switch_cycle",
            "Cycle",
            id="app.switch_cycle",
            show=False,
            tooltip="Show another cycle",
        ),
    ]

    cycle_id: reactive[str | None] = reactive(None, init=False)
    team_id: reactive[str | None] = reactive(None, init=False)
    owner: reactive[str | None] = reactive(None, init=False)
    """The owner filter ("My key results"): only this person's key results on the screens
    that list them; remembered in the config file when chosen here."""

    def __init__(
        self,
        store: OkrStore,
        *,
        theme: str | None = None,
        cursor_blink: bool = True,
        owner: str | None = None,
        served: bool = False,
    ) -> None:
        """`owner` (`okr --owner NAME`, a name that owns a key result): open on the walk of
        that person's key results, the dashboard filtered to them beneath it."""
        super().__init__()
        self._requested_owner = owner
        self.store = store
        # An `okr serve` browser tab: it runs no source on the host (okr pull).
        self.served = served
        self.cursor_blink = cursor_blink
        self.clock = store.clock
        self._requested_theme = theme
        self._settings_ok = True  # False: the file has problems, so never write over it
        self._remember_theme = False  # True once start-up has applied the theme
        self._store_problem_shown: str | None = None  # the unreadable file's message on screen
        self._working: dict[Worker[str], Notification] = {}  # slow work and its working toast
        self._froze_start_up = False  # True once resume_collector froze what start-up made
        # What waits for the first frame (call_after_first_frame); None once it is drawn.
        self._after_first_frame: list[Callable[[], object]] | None = []
        # The store problem that ended the app: the CLI prints it as its one line, status 2.
        self.store_error: StoreError | None = None
        self._full_check: Callable[[], None] | None = None
        self.opened_file_checked = False  # True once the full check after the first frame passed
        # Every save through this store tells every screen (one StoreChanged), and so does a
        # change another process made once the store has picked it up (check_store_on_disk).
        store.on_saved(self._store_saved)
        self._changes_told = store.changes_seen
        current = store.current_cycle()
        if current is not None:
            # A broken file is refused here, before anything is shown (the CLI prints it as
            # one line, status 2), rather than from inside the first screen; a bad check-in
            # the first screen does not read is found by the full check after it is drawn,
            # and reported the same way. No save reaches the file before that check passed.
            store.check_cycle_file(current.id, OPENING_RECORDS)
            self._full_check = store.full_check_pending(current.id)
        self.set_reactive(OkrApp.cycle_id, current.id if current else None)
        # The theme is chosen before the stylesheet is first parsed: set once the app runs, it
        # would parse every stylesheet a second time (textual_compat.start_with_theme).
        self._start_up_notes = self.set_up_settings_and_themes()

    # --- context --------------------------------------------------------------------

    @property
    def cycle(self) -> Cycle | None:
        if self.cycle_id is None:
            return None
        try:
            return self.store.cycle(self.cycle_id)
        except ValueError:
            return None

    @property
    def team(self) -> Team | None:
        return self.store.team_or_none(self.team_id)

    def tell_screens(self, message: Callable[[], Message]) -> None:
        """Tell every okr screen of the stack: the one on top gets `message()` and acts on it,
        the ones under it note that they must re-read when they are on top again
        (screens/base.py).

        Those are marked, not sent the message: a message wakes the screen under the top one
        (Textual counts it as visible), whose update then repaints the whole top screen. Under
        the walk that was a full repaint of the walk at every key result checked in."""
        top = self.screen
        for screen in self.screen_stack:
            if not isinstance(screen, OkrScreen):
                continue
            if screen is top:
                screen.post_message(message())
            else:
                screen.mark_stale()

    def _store_saved(self) -> None:
        """A save made through this app's store (store.on_saved): one StoreChanged for all."""
        self.tell_screens(StoreChanged)

    def watch_cycle_id(self) -> None:
        self.tell_screens(ContextChanged)

    def watch_team_id(self) -> None:
        self.tell_screens(ContextChanged)

    def watch_owner(self, owner: str | None) -> None:
        """Show the chosen owner's key results, and remember the choice on this machine."""
        self.tell_screens(ContextChanged)
        if not self.store.read_only and owner != self.settings.owner:
            self._remember("owner", owner, "Owner filter")

    def on_mount(self) -> None:
        for note in self._start_up_notes:
            self.notify(severity="warning", markup=False, **note)
        if not self.settings.cursor_blink:
            self.cursor_blink = False
        if self.settings.keymap:
            self.set_keymap(dict(self.settings.keymap))
        # --owner for this run, else the remembered filter; set before the first screen reads.
        self.set_reactive(OkrApp.owner, self._requested_owner or self.settings.owner)
        # A read-only viewer (an `okr serve` tab) writes nothing on the host: its theme is its own.
        self._remember_theme = not self.store.read_only
        if self.store.is_empty():
            from okr_tui.screens.welcome import WelcomeScreen

            self.push_screen(WelcomeScreen())
        else:
            self.open_dashboard()
            if self._requested_owner is not None:
                self.call_later(self.start_owner_walk)
        self.set_interval(STORE_POLL_SECONDS, self.check_store_on_disk)
        if not gc.isenabled():  # paused for start-up by `okr` (cli.run_app)
            # The first screen resumes it once it has loaded and been drawn (BaseScreen); this
            # is in case that screen never gets there.
            self.set_timer(START_UP_COLLECTOR_PAUSE, self.resume_collector)

    def call_after_first_frame(self, callback: Callable[[], object]) -> None:
        """Call `callback` once the app's first frame has been drawn, and after the refresh
        that follows. Not Textual's `call_after_refresh` alone: at start-up it runs its
        callbacks before any frame is drawn (the app mounts inside a batch, which draws
        nothing), so a worker started from one shared the interpreter with the first frame."""
        if self._after_first_frame is None:
            self.call_after_refresh(callback)
        else:
            self._after_first_frame.append(callback)

    def post_display_hook(self) -> None:
        """Textual calls this after each frame it draws, and after each it drops in a batch:
        the first outside the start-up batch is the first frame drawn."""
        if self._after_first_frame is None or frames_dropped(self):
            return
        waiting, self._after_first_frame = self._after_first_frame, None
        for callback in waiting:
            self.call_later(callback)

    def after_first_frame(self) -> None:
        """Once the first screen is drawn: the collector resumes, and the cycle file the app
        opened on is checked whole in a worker. A bad record there ends the app as one found
        before the start would (`_handle_exception`: the store's one line, status 2)."""
        self.resume_collector()
        check, self._full_check = self._full_check, None
        if check is not None:

            def check_then_freeze() -> None:
                check()
                if self._froze_start_up:
                    # The cycle's records it read stay for the session (the store's cache), like
                    # what start-up made: frozen out of the collector's walks too. Left in, each
                    # full collection walked them: 40-120 ms, in the middle of a walk (8q).
                    gc.freeze()
                self.opened_file_checked = True

            self.set_timer(
                FULL_CHECK_AFTER,
                lambda: self.run_worker(
                    check_then_freeze, name="full check", group=FULL_CHECK, thread=True
                ),
            )

    def resume_collector(self) -> None:
        """After the first frame: what start-up made stays (modules, classes, the store's
        models, the screens), so it is frozen out of the collector's walks, which resume."""
        if not gc.isenabled():
            gc.freeze()
            gc.enable()
            self._froze_start_up = True

    def set_up_settings_and_themes(self) -> list[dict[str, Any]]:
        """Read the config file, register the shipped and user themes, start on the theme:
        --theme, else the remembered one, else okr-dark. Problems are never fatal: they come
        back as notifications, shown once the app runs (on_mount)."""
        from okr_tui import config, theming

        self.settings, problems = config.load_settings()
        self._settings_ok = not problems
        notes: list[dict[str, Any]] = [
            {"message": problem, "title": "Config", "timeout": 10} for problem in problems
        ]
        themes, problems = theming.load_themes()
        for theme in themes.values():
            self.register_theme(theme)
        notes += [{"message": problem, "title": "Theme", "timeout": 10} for problem in problems]
        name = self._requested_theme or self.settings.theme or theming.DEFAULT_THEME
        if name not in self.available_themes:
            notes.append(
                {
                    "message": f"Unknown theme {name!r}; using the default. The palette's Theme "
                    "command lists them."
                }
            )
            name = (
                theming.DEFAULT_THEME
                if theming.DEFAULT_THEME in self.available_themes
                else theming.FALLBACK_THEME
            )
        start_with_theme(self, name)
        return notes

    def watch_theme(self, name: str) -> None:
        """Remember a theme chosen while the app runs (not the one applied at start-up)."""
        if not self._remember_theme or name == self.settings.theme:
            return
        self._remember("theme", name, "Theme")

    def _remember(self, name: str, value: object, what: str) -> None:
        """Write one setting into the config file (the theme, the owner filter)."""
        from okr_tui import config

        if not self._settings_ok:
            self.notify(
                f"{what} not remembered: the config file has problems (see the earlier message).",
                severity="warning",
            )
            return
        try:
            config.update_settings({name: value})
        except (OSError, ValueError) as error:
            self.notify(
                f"{what} not remembered: {error}", severity="warning", markup=False, timeout=8
            )
            return
        self.settings = self.settings.model_copy(update={name: value})

    @property
    def prep_panel_open(self) -> bool:
        """The dashboard's prep lane unfolded: the last choice, remembered in config.toml."""
        return self.settings.prep_panel

    def remember_prep_panel(self, is_open: bool) -> None:
        """Fold or unfold the prep lane for this run, and for the next ones when the config file
        can be written (not by a store opened for viewing, which writes nothing, nor over a
        config file with problems)."""
        self.settings = self.settings.model_copy(update={"prep_panel": is_open})
        if self.store.read_only or not self._settings_ok:
            return
        from okr_tui import config

        try:
            config.update_settings({"prep_panel": is_open})
        except (OSError, ValueError) as error:
            self.notify(
                f"Prep lane not remembered: {error}", severity="warning", markup=False, timeout=8
            )

    def open_dashboard(self) -> None:
        """Show the dashboard as the bottom screen, with the current cycle."""
        from okr_tui.screens.dashboard import DashboardScreen

        if self.cycle_id is None:
            current = self.store.current_cycle()
            self.cycle_id = current.id if current else None
        if any(isinstance(screen, DashboardScreen) for screen in self.screen_stack):
            while not isinstance(self.screen, DashboardScreen):
                self.pop_screen()
        elif len(self.screen_stack) > 1:
            while len(self.screen_stack) > 2:
                self.pop_screen()
            self.switch_screen(DashboardScreen())
        else:
            self.push_screen(DashboardScreen())

    def check_store_on_disk(self) -> None:
        """Another process (a second window, a script, a browser tab) may have saved, or a
        file may have become unreadable: then the screens keep what was last read, and the
        problem stays on screen until the file can be read again."""
        self.store.refresh()
        self.show_store_problem()
        # Counted by the store wherever it picked a change up: a screen's reads between two
        # polls may have taken it already, and the screens below must know too.
        if self.store.changes_seen != self._changes_told:
            self._changes_told = self.store.changes_seen
            self.tell_screens(lambda: StoreChanged(external=True))

    def show_store_problem(self) -> None:
        """Say which store file cannot be read and why, once, and when it can be again."""
        problem = self.store.problem
        message = str(problem) if problem is not None else None
        if message == self._store_problem_shown:
            return
        if self._store_problem_shown is not None:
            self.clear_notifications()  # the earlier problem's toast, which never times out
        if problem is not None:
            self.notify(
                f"{str(problem).rstrip('.')}. Showing what was last read from it; nothing is "
                "saved to it until it can be read again.",
                title="A store file cannot be read",
                severity="error",
                timeout=STORE_PROBLEM_SECONDS,
                markup=False,
            )
        else:
            self.notify("The store can be read again.", title="Store", timeout=5)
        self._store_problem_shown = message

    def _handle_exception(self, error: Exception) -> None:
        """A store file that cannot be read where no screen expected it (a cycle first opened,
        a record only now read) ends the app as the CLI would: one line naming the file, exit
        status 2, and no traceback, whose locals would print the store's contents."""
        cause: object = error
        for _ in range(5):  # through a worker's WorkerFailed, or an error raised from it
            if not isinstance(cause, BaseException) or isinstance(cause, StoreError):
                break
            cause = cause.__cause__ or getattr(cause, "error", None)
        if isinstance(cause, StoreError):
            self.store_error = cause
            self.exit(return_code=2)
            return
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        """Textual's crash report without the local variables: they hold the store's records
        (titles, notes, blockers), which must not land in a terminal log or a bug report."""
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(
            Segments(self.console.render(traceback, self.console.options))
        )
        self._close_messages_no_wait()

    # --- keys typed ahead ------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        """A text field's own editing keys (backspace, arrows, ctrl+w...) act in the order
        typed. Textual runs a widget's bindings only once the key has gone up to the app again,
        behind every key typed after it: "42⌫3⏎g" in one burst saved 423. Here such a key
        waits for the field to apply the keys before it, then acts, before the next is routed.
        Bindings with priority (a screen's Enter, ctrl+s) keep their precedence. Only on the
        screens that ask for it (the walk): the forms' fields have not been checked with it."""
        if (
            isinstance(event, events.Key)
            and not event.is_forwarded
            and not event.is_printable
            and await self._run_text_field_binding(event.key)
        ):
            return
        await super().on_event(event)

    async def _run_text_field_binding(self, key: str) -> bool:
        field = self.focused
        if field is None or not getattr(self.screen, "EDITING_KEYS_IN_ORDER", False):
            return False
        # By class name: importing TextArea here would load it at the first key.
        if not {"Input", "TextArea"} & {cls.__name__ for cls in type(field).__mro__}:
            return False
        active = self.screen.active_bindings.get(key)
        if active is None or active.node is not field or active.binding.priority:
            return False
        await keys_applied(field)
        if not active.enabled:
            return True  # as Textual does with a disabled binding: the key does nothing
        return await self.run_action(active.binding.action, field)

    # --- actions (keys and palette) -------------------------------------------------------

    def action_help(self) -> None:
        from okr_tui.screens.dialogs.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    @after_typed_keys
    def action_switch_team(self) -> AwaitMount:
        from okr_tui.screens.dialogs.picker import PickerScreen, Unfiltered

        choices: list[tuple[str | Unfiltered, str]] = [(Unfiltered.ALL_TEAMS, "All teams")]
        choices += [(team.id, team.name) for team in self.store.teams()]

        def chosen(team_id: str | Unfiltered) -> None:
            self.team_id = None if isinstance(team_id, Unfiltered) else team_id

        current = Unfiltered.ALL_TEAMS if self.team_id is None else self.team_id
        return self.push_screen(PickerScreen("Show which team?", choices, current, chosen))

    def key_result_owners(self) -> list[str]:
        """Who owns an active key result of the cycle on screen: the owner filter's choices."""
        from okr_tui.domain.people import owner_names

        cycle = self.cycle
        if cycle is None:
            return []
        return owner_names(kr.owner for kr in self.store.key_results(cycle.id) if kr.is_active)

    @after_typed_keys
    def action_switch_owner(self) -> AwaitMount:
        """ctrl+g: "My key results", one owner's key results on every screen that lists them,
        or everyone's."""
        from okr_tui.domain.people import same_person
        from okr_tui.screens.dialogs.picker import PickerScreen, Unfiltered

        owners = self.key_result_owners()
        if self.owner is not None and not any(same_person(self.owner, o) for o in owners):
            owners.append(self.owner)  # remembered, with no key result in this cycle
        choices: list[tuple[str | Unfiltered, str]] = [
            (Unfiltered.EVERYONE, "Everyone's key results")
        ]
        choices += [(owner, owner) for owner in owners]
        current: str | Unfiltered = next(
            (o for o in owners if self.owner and same_person(o, self.owner)), Unfiltered.EVERYONE
        )

        def chosen(owner: str | Unfiltered) -> None:
            self.owner = None if isinstance(owner, Unfiltered) else owner

        return self.push_screen(PickerScreen("Show whose key results?", choices, current, chosen))

    async def action_my_key_results(self) -> None:
        """The palette's "My key results": walk the chosen owner's key results (chosen first
        when no owner is), with the walk's keys; the updates go to the coming meeting."""
        if self.owner is not None:
            await self.start_owner_walk()
            return
        from okr_tui.screens.dialogs.picker import PickerScreen

        def chosen(owner: str) -> None:
            if owner:
                self.owner = owner
                self.call_later(self.start_owner_walk)

        await self.push_screen(
            PickerScreen(
                "Whose key results?",
                [(owner, owner) for owner in self.key_result_owners()],
                None,
                chosen,
            )
        )

    async def start_owner_walk(self) -> None:
        """The walk of the owner filter's key results, over the (filtered) dashboard."""
        if self.owner is None or not self._needs_cycle():
            return
        if self.store.read_only:
            self.notify(
                "This okr is open read-only: updates are given where the store is open for "
                "editing.",
                severity="warning",
            )
            return
        from okr_tui.domain.walkthrough import WalkSettings
        from okr_tui.screens.walk.walkthrough import WalkthroughScreen

        settings = WalkSettings(team_id=None, owner=self.owner, facilitator=self.owner)
        await self.push_screen(WalkthroughScreen(settings))

    @after_typed_keys
    def action_switch_cycle(self) -> AwaitMount:
        from textual.widgets import TextArea

        from okr_tui.screens.dialogs.picker import PickerScreen

        if isinstance(self.focused, TextArea):
            raise SkipAction()  # ctrl+y there is the text's redo

        choices = [
            (cycle.id, f"{cycle.name}  ({cycle.state.value})")
            for cycle in reversed(self.store.cycles())
        ]

        def chosen(cycle_id: str) -> None:
            try:
                self.store.check_cycle_file(cycle_id, FIRST_SCREEN_RECORDS)
            except StoreError as problem:  # stay on the cycle shown
                self.notify(
                    str(problem),
                    title="Cannot show that cycle",
                    severity="error",
                    markup=False,
                    timeout=10,
                )
                return
            self.cycle_id = cycle_id

        return self.push_screen(PickerScreen("Show which cycle?", choices, self.cycle_id, chosen))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "check_in" and self.store.read_only:
            return None  # off: the footer leaves it out, and the key says why (refusal)
        return True

    def refusal(self, action: str) -> str:
        """Why an app action is off now, for the key that asks for it and for help."""
        if action == "check_in" and self.store.read_only:
            return "this okr only views the store; check-ins are recorded where it is open"
        return ""

    async def _on_key(self, event: events.Key) -> None:
        """Textual's own handling (bindings, then `key_` methods), except that a key bound to
        an action that is off now says why instead of doing nothing: the footer leaves such
        keys out, and a facilitator who presses one anyway learns the reason. Follows
        `App._on_key` of the pinned Textual version."""
        event.prevent_default()  # in place of App._on_key, which would run the bindings again
        if await self._check_bindings(event.key):
            return
        if not self.explain_refused_key(event.key):
            await dispatch_key(self, event)

    def explain_refused_key(self, key: str) -> bool:
        """Notify why `key`'s action is off (its `check_action` said None); True if it did."""
        for namespace, bindings in self.screen._modal_binding_chain:
            for binding in bindings.key_to_bindings.get(key, ()):
                if self._check_action_state(binding.action, namespace) is not None:
                    continue
                target, name, _ = self._parse_action(binding.action, namespace)
                refusal = getattr(target, "refusal", None)
                reason = refusal(name) if refusal is not None else ""
                if reason:
                    what = binding.description or key
                    self.notify(f"{what}: not now, {reason}.", severity="warning", markup=False)
                    return True
        return False

    @after_typed_keys
    async def action_check_in(self) -> None:
        if not self._needs_cycle():
            return
        if self.store.read_only:  # from the command palette, which does not ask check_action
            self.notify(
                "This okr is open read-only: check-ins are recorded where the store is open "
                "for editing.",
                severity="warning",
            )
            return
        from okr_tui.screens.walk.walkthrough_setup import WalkthroughSetupScreen

        # Awaited: the keys typed after c (Enter to start) wait until the set-up is ready.
        await self.push_screen(WalkthroughSetupScreen())

    def action_plan(self) -> None:
        from okr_tui.screens.plan.planning import PlanningScreen

        self.push_screen(PlanningScreen())

    def action_alignment(self) -> None:
        """The alignment tree: company -> team -> personal objectives, rolled up."""
        if not self._needs_cycle():
            return
        from okr_tui.screens.plan.alignment import AlignmentScreen

        if not isinstance(self.screen, AlignmentScreen):
            self.push_screen(AlignmentScreen())

    def action_statistics(self) -> None:
        """Quarter statistics: scores, confidence, check-in discipline, quarter over quarter."""
        if not self._needs_cycle():
            return
        from okr_tui.screens.review_close.statistics import StatisticsScreen

        if not isinstance(self.screen, StatisticsScreen):
            self.push_screen(StatisticsScreen())

    def action_meeting_history(self) -> None:
        """The cycle's past meetings; Enter opens one as it was."""
        if not self._needs_cycle():
            return
        from okr_tui.screens.history.meeting_history import MeetingHistoryScreen

        if not isinstance(self.screen, MeetingHistoryScreen):
            self.push_screen(MeetingHistoryScreen())

    async def action_new_team(self) -> None:
        """Planning, then its team form: teams are planned where their objectives are."""
        from okr_tui.screens.plan.planning import PlanningScreen

        if not isinstance(self.screen, PlanningScreen):
            await self.push_screen(PlanningScreen())
        await self.screen.run_action("add_team")

    def action_review(self) -> None:
        if not self._needs_cycle():
            return
        from okr_tui.screens.review_close.review import ReviewScreen

        self.push_screen(ReviewScreen())

    def action_score(self) -> None:
        if not self._needs_cycle():
            return
        from okr_tui.screens.review_close.scoring import ScoringScreen

        self.push_screen(ScoringScreen())

    def action_present(self) -> None:
        """Presentation mode: one objective at a time, big, for the shared meeting screen."""
        if not self._needs_cycle():
            return
        from okr_tui.screens.walk.presentation import PresentationScreen

        if not isinstance(self.screen, PresentationScreen):
            self.push_screen(PresentationScreen())

    def action_export(self, file_format: str = "json", whole_store: bool = False) -> None:
        """Write an export into the exports folder, off the UI thread, and say where it went.
        `whole_store`: every cycle as JSON (a backup, as `okr export` writes it)."""
        cycle = self.cycle
        if cycle is None:
            self.notify("There is no cycle to export yet.", severity="warning")
            return
        if self.store.read_only:
            self.notify(
                "Read-only: this viewer writes no files. On the host, `okr export` writes one.",
                severity="warning",
                markup=False,
            )
            return
        folder, clock = self.store.folder, self.clock
        cycle_id = None if whole_store else cycle.id

        def export() -> str:
            from okr_tui.exchange.files import export_to_folder

            # A reader of its own: the screens' store may save (and change its caches) while
            # the export reads, and the export reads what is on disk.
            reader = OkrStore(folder, clock, read_only=True)
            return f"Exported to {export_to_folder(reader, cycle_id, file_format)}"

        what = "every cycle" if whole_store else cycle.name
        self.run_slow_work("Export", export, f"Exporting {what} ({EXPORT_NAMES[file_format]})…")

    def action_sync(self) -> None:
        """`okr sync` from the palette: commit, pull and merge, push, off the UI thread; the
        screens pick up what the pull brought with the store's poll."""
        from okr_tui.store import sync

        if self.store.read_only:
            self.notify("Read-only: this viewer cannot sync the store.", severity="warning")
            return
        if not sync.is_repository(self.store.folder):
            self.notify(
                "This store is not synced yet: run `okr sync --init REMOTE` once.",
                severity="warning",
                markup=False,
            )
            return
        folder, clock = self.store.folder, self.clock

        def run() -> str:
            # A store object of its own: its lock holds off this app's saves as any process's.
            result = sync.sync(OkrStore(folder, clock))
            said = [f"committed {result.committed.splitlines()[0]}" if result.committed else ""]
            said.append("pulled the remote's changes" if result.pulled else "")
            said.append("pushed" if result.pushed else "no remote to push to")
            return "Synced: " + ", ".join(part for part in said if part)

        self.run_slow_work("Sync", run, "Syncing with git…")

    def action_pull(self) -> None:
        """`okr pull` from the palette: read the sources that may run here, off the UI thread,
        with progress, and record the values for the coming meeting."""
        cycle = self.cycle
        if cycle is None:
            self.notify("There is no cycle to pull values into yet.", severity="warning")
            return
        if self.store.read_only or self.served:
            self.notify(
                "A shared tab runs no sources: run `okr pull` on the host.",
                severity="warning",
                markup=False,
            )
            return
        from okr_tui.pull import failure_line, pull

        folder, clock, cycle_id, team_id = self.store.folder, self.clock, cycle.id, self.team_id
        sources, timeout = dict(self.settings.sources), self.settings.source_timeout
        marks: set[int] = set()

        def progress(done: int, total: int) -> None:
            quarter = done * 4 // total if total >= 8 else 0
            if 0 < quarter < 4 and quarter not in marks:
                marks.add(quarter)
                self.call_from_thread(
                    self.notify, f"Read {done} of {total} sources…", title="Pull", timeout=3
                )

        def run() -> str:
            # A store object of its own: the screens' store may save meanwhile.
            store = OkrStore(folder, clock)
            result = pull(
                store,
                store.cycle(cycle_id),
                sources,
                now=clock.now(),
                timeout=timeout,
                team_id=team_id,
                on_progress=progress,
            )
            lines = [result.summary()]
            lines += [failure_line(reading) for reading in result.failed[:5]]
            if len(result.failed) > 5:
                lines.append(f"{len(result.failed) - 5} more: okr pull lists them all")
            self.call_from_thread(
                self.notify,
                "\n".join(lines),
                title="Pull",
                severity="warning" if result.failed else "information",
                markup=False,
                timeout=12,
            )
            self.call_from_thread(self.check_store_on_disk)
            return ""

        self.run_slow_work("Pull", run, "Pulling values from sources…")

    def run_slow_work(self, name: str, job: Callable[[], str], working: str) -> Worker[str]:
        """Run `job` (an export, meeting notes) in a thread, so the screen keeps answering keys.
        `working` ("Exporting 2026-Q4…") stays on screen as a toast while it runs; the message
        the job returns is shown when it is done, and a failure is reported in one place
        (`on_worker_state_changed`)."""
        toast = working_toast(self, working, f"{name} · working", SLOW_WORK_SECONDS)
        worker = self.run_worker(job, name=name, group=SLOW_WORK, thread=True, exit_on_error=False)
        # Its state changes are messages to this (the UI) thread: none is handled before this.
        self._working[worker] = toast
        return worker

    @property
    def slow_work_running(self) -> list[str]:
        """The names of the slow jobs still running (each shows its working toast)."""
        return [worker.name for worker in self._working]

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != SLOW_WORK:
            return
        ended = event.state in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED)
        if ended and (toast := self._working.pop(worker, None)) is not None:
            withdraw_toast(self, toast)
        if event.state is WorkerState.SUCCESS and worker.result:
            self.notify(worker.result, title=worker.name, markup=False, timeout=8)
        elif event.state is WorkerState.ERROR:
            error = worker.error
            reason = str(error) or type(error).__name__
            self.notify(
                f"{worker.name} failed: {reason}",
                title=worker.name,
                severity="error",
                markup=False,
                timeout=12,
            )

    def _needs_cycle(self) -> bool:
        if self.cycle is None:
            self.notify("Create a cycle first (planning: p).", severity="warning")
            return False
        return True

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Start check-in", "Walk through every key result for this meeting", self.action_check_in
        )
        yield SystemCommand(
            "Dashboard", "Objectives and key results of the cycle", self.open_dashboard
        )
        yield SystemCommand(
            "Plan", "Create and edit cycles, objectives and key results", self.action_plan
        )
        yield SystemCommand(
            "New team",
            "Add a team with its people and facilitator (in planning)",
            self.action_new_team,
        )
        yield SystemCommand(
            "Mid-quarter review", "Keep, adjust or retire key results", self.action_review
        )
        yield SystemCommand(
            "Score and retrospective", "End-of-cycle scores, close the cycle", self.action_score
        )
        yield SystemCommand(
            "Presentation mode",
            "One objective at a time, large, for the shared meeting screen",
            self.action_present,
        )
        yield SystemCommand(
            "Meeting history",
            "Past meetings: who came, who was missing, what was decided; open one as it was",
            self.action_meeting_history,
        )
        yield SystemCommand(
            "Alignment tree",
            "Company, team and personal objectives with progress and confidence rolled up",
            self.action_alignment,
        )
        yield SystemCommand(
            "Quarter statistics",
            "Scores by band, confidence and check-in discipline per team, quarter over quarter",
            self.action_statistics,
        )
        yield SystemCommand("Switch team", "Show one team, or all teams", self.action_switch_team)
        yield SystemCommand("Switch cycle", "Show another cycle", self.action_switch_cycle)
        yield SystemCommand(
            "Owner filter",
            "Only one owner's key results on every screen, or everyone's (ctrl+g)",
            self.action_switch_owner,
        )
        yield SystemCommand(
            "My key results",
            "Update the owner filter's key results for the coming meeting, one by one",
            self.action_my_key_results,
        )
        yield SystemCommand(
            "Export JSON", "Full export of this cycle", lambda: self.action_export("json")
        )
        yield SystemCommand(
            "Export every cycle (JSON)",
            "A backup of the whole store, as okr export writes it (okr import restores it)",
            lambda: self.action_export("json", whole_store=True),
        )
        yield SystemCommand(
            "Export meeting notes (Markdown)",
            "Notes of this cycle's meetings",
            lambda: self.action_export("md"),
        )
        yield SystemCommand(
            "Export check-ins (CSV)",
            "One row per check-in, for spreadsheets",
            lambda: self.action_export("csv"),
        )
        yield SystemCommand(
            "Sync with git",
            "Commit this store's changes, pull and merge the team's, push (okr sync)",
            self.action_sync,
        )
        yield SystemCommand(
            "Pull values from sources",
            "Read each key result's source and record the values for the coming meeting (okr pull)",
            self.action_pull,
        )
        yield SystemCommand("Help", "Every key of this screen", self.action_help)
        yield from super().get_system_commands(screen)
