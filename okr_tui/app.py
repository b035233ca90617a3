"""OkrApp: owns the store and the clock, knows the cycle and team on screen, and routes actions.

Screens are imported inside the actions that open them, so start-up only pays for the first
screen. Every action here is also in the command palette (`get_system_commands`), and every
binding has an id so it can be remapped from the config file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from textual import events
from textual._dispatch_key import dispatch_key
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from okr_tui.config import default_settings
from okr_tui.domain.models import Cycle, Team
from okr_tui.messages import ContextChanged, StoreChanged
from okr_tui.store.store import OkrStore

STORE_POLL_SECONDS = 2.0


class OkrApp(App[None]):
    """The okr-tui application."""

    CSS_PATH = "app.tcss"
    TITLE = "okr-tui"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="app.help", tooltip="Every key of this screen"),
        Binding(
            "f1", "help", "Help", show=False, id="app.help_f1", tooltip="Every key of this screen"
        ),
        Binding(
            "ctrl+t",
            "switch_team",
            "Team",
            id="app.switch_team",
            tooltip="Show one team, or all teams",
        ),
        Binding(
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

    def __init__(
        self, store: OkrStore, *, theme: str | None = None, cursor_blink: bool = True
    ) -> None:
        super().__init__()
        self.store = store
        self.cursor_blink = cursor_blink
        self.clock = store.clock
        self._requested_theme = theme
        self.settings = default_settings()  # read from the config file in on_mount
        self._settings_ok = True  # False: the file has problems, so never write over it
        self._remember_theme = False  # True once start-up has applied the theme
        current = store.current_cycle()
        self.set_reactive(OkrApp.cycle_id, current.id if current else None)

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
        if self.team_id is None:
            return None
        return next((t for t in self.store.teams() if t.id == self.team_id), None)

    def watch_cycle_id(self) -> None:
        self.screen.post_message(ContextChanged())

    def watch_team_id(self) -> None:
        self.screen.post_message(ContextChanged())

    def on_mount(self) -> None:
        self.set_up_settings_and_themes()
        if self.store.is_empty():
            from okr_tui.screens.welcome import WelcomeScreen

            self.push_screen(WelcomeScreen())
        else:
            self.open_dashboard()
        self.set_interval(STORE_POLL_SECONDS, self.check_store_on_disk)
        if os.environ.get("OKR_EXIT_AFTER_FIRST_FRAME"):
            self.call_later(self._exit_after_first_frame, self.screen)

    async def _exit_after_first_frame(self, screen: Screen) -> None:
        """Benchmarks (benchmarks/run.py): quit once the first screen has finished loading
        (its async mount, with the dashboard's reload, has returned) and has been painted."""
        await screen._mounted_event.wait()
        self.call_after_refresh(self.call_after_refresh, self.exit)

    def set_up_settings_and_themes(self) -> None:
        """Read the config file, register the shipped and user themes, apply the theme:
        --theme, else the remembered one, else okr-dark. Problems are shown, never fatal."""
        from okr_tui import config, theming

        self.settings, problems = config.load_settings()
        self._settings_ok = not problems
        for problem in problems:
            self.notify(problem, title="Config", severity="warning", markup=False, timeout=10)
        if not self.settings.cursor_blink:
            self.cursor_blink = False
        if self.settings.keymap:
            self.set_keymap(dict(self.settings.keymap))
        themes, problems = theming.load_themes()
        for theme in themes.values():
            self.register_theme(theme)
        for problem in problems:
            self.notify(problem, title="Theme", severity="warning", markup=False, timeout=10)
        self.apply_theme_name(self._requested_theme or self.settings.theme or theming.DEFAULT_THEME)
        self._remember_theme = True

    def apply_theme_name(self, name: str) -> None:
        from okr_tui.theming import DEFAULT_THEME, FALLBACK_THEME

        if name in self.available_themes:
            self.theme = name
            return
        self.notify(
            f"Unknown theme {name!r}; using the default. The palette's Theme command lists them.",
            severity="warning",
            markup=False,
        )
        self.theme = DEFAULT_THEME if DEFAULT_THEME in self.available_themes else FALLBACK_THEME

    def watch_theme(self, name: str) -> None:
        """Remember a theme chosen while the app runs (not the one applied at start-up)."""
        if not self._remember_theme or name == self.settings.theme:
            return
        from okr_tui import config

        if not self._settings_ok:
            self.notify(
                "Theme not remembered: the config file has problems (see the earlier message).",
                severity="warning",
            )
            return
        settings = self.settings.model_copy(update={"theme": name})
        try:
            config.save_settings(settings)
        except OSError as error:
            self.notify(
                f"Theme not remembered: {error}", severity="warning", markup=False, timeout=8
            )
            return
        self.settings = settings

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
        """Another process (a second window, a script, a browser tab) may have saved."""
        if self.store.refresh():
            self.screen.post_message(StoreChanged(external=True))

    # --- actions (keys and palette) -------------------------------------------------------

    def action_help(self) -> None:
        from okr_tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    def action_switch_team(self) -> None:
        from okr_tui.screens.picker import PickerScreen

        choices: list[tuple[str | None, str]] = [(None, "All teams")]
        choices += [(team.id, team.name) for team in self.store.teams()]

        def chosen(team_id: str | None | bool) -> None:
            if team_id is not False:
                self.team_id = team_id  # type: ignore[assignment]

        self.push_screen(PickerScreen("Show which team?", choices, self.team_id), chosen)

    def action_switch_cycle(self) -> None:
        from okr_tui.screens.picker import PickerScreen

        choices = [
            (cycle.id, f"{cycle.name}  ({cycle.state.value})")
            for cycle in reversed(self.store.cycles())
        ]

        def chosen(cycle_id: str | None | bool) -> None:
            if cycle_id:
                self.cycle_id = cycle_id  # type: ignore[assignment]

        self.push_screen(PickerScreen("Show which cycle?", choices, self.cycle_id), chosen)

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
        from okr_tui.screens.walkthrough_setup import WalkthroughSetupScreen

        # Awaited: the keys typed after c (Enter to start) wait until the set-up is ready.
        await self.push_screen(WalkthroughSetupScreen())

    def action_plan(self) -> None:
        from okr_tui.screens.planning import PlanningScreen

        self.push_screen(PlanningScreen())

    async def action_new_team(self) -> None:
        """Planning, then its team form: teams are planned where their objectives are."""
        from okr_tui.screens.planning import PlanningScreen

        if not isinstance(self.screen, PlanningScreen):
            await self.push_screen(PlanningScreen())
        await self.screen.run_action("add_team")

    def action_review(self) -> None:
        if not self._needs_cycle():
            return
        from okr_tui.screens.review import ReviewScreen

        self.push_screen(ReviewScreen())

    def action_score(self) -> None:
        if not self._needs_cycle():
            return
        from okr_tui.screens.scoring import ScoringScreen

        self.push_screen(ScoringScreen())

    def action_present(self) -> None:
        """Presentation mode: one objective at a time, big, for the shared meeting screen."""
        if not self._needs_cycle():
            return
        from okr_tui.screens.presentation import PresentationScreen

        if not isinstance(self.screen, PresentationScreen):
            self.push_screen(PresentationScreen())

    def action_export(self, file_format: str = "json") -> None:
        """Write an export into the exports folder and say where it went."""
        from okr_tui.exchange.files import export_to_folder

        cycle = self.cycle
        if cycle is None:
            self.notify("There is no cycle to export yet.", severity="warning")
            return
        try:
            path = export_to_folder(self.store, cycle.id, file_format)
        except OSError as error:
            self.notify(f"Export failed: {error}", severity="error", markup=False)
            return
        self.notify(f"Exported to {path}", title="Export", markup=False, timeout=8)

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
        yield SystemCommand("Switch team", "Show one team, or all teams", self.action_switch_team)
        yield SystemCommand("Switch cycle", "Show another cycle", self.action_switch_cycle)
        yield SystemCommand(
            "Export JSON", "Full export of this cycle", lambda: self.action_export("json")
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
        yield SystemCommand("Help", "Every key of this screen", self.action_help)
        yield from super().get_system_commands(screen)
