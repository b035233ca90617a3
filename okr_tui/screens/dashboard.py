"""The dashboard: objectives grouped by team, each key result with progress, confidence, pace."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from okr_tui.domain import board, cadence, due, forecast
from okr_tui.domain.models import Action, Cycle, CycleState, KeyResult, Objective
from okr_tui.domain.people import owned_by
from okr_tui.domain.progress import Histories, LazyHistories, latest_given_scores
from okr_tui.screens.base import OkrScreen, typed_keys_binding
from okr_tui.widgets.cycle_header import CycleHeader
from okr_tui.widgets.key_footer import KeyFooter
from okr_tui.widgets.objective_board import ObjectiveBoard, TeamSection
from okr_tui.widgets.prep_panel import PrepPanel
from okr_tui.widgets.textual_compat import show

if TYPE_CHECKING:
    from okr_tui.domain.prep import PrepLane

PREP_LANE = "prep-lane"
"""The worker group of the dashboard's prep lane."""


def dashboard_prep_lane(
    cycle: Cycle,
    objectives: list[Objective],
    key_results: list[KeyResult],
    check_ins: Histories,
    actions: list[Action],
    now: datetime,
    team_id: str | None,
    owner: str | None,
) -> PrepLane:
    """The prep lane of the teams (one, with company objectives, or all) and owner on screen,
    from the same lines and forecasts the board shows. Pure: runs in a worker thread, which
    imports the prep lane's module (not start-up: issue 19)."""
    from okr_tui.domain.prep import prep_lane

    if isinstance(check_ins, LazyHistories):
        check_ins.load_all()  # every key result's: one read, not 600
    forecasts = forecast.forecasts((kr for kr in key_results if kr.is_active), cycle, check_ins)
    lines = board.key_result_lines(
        cycle, objectives, key_results, check_ins, now, forecasts=forecasts
    )
    shown = [
        line
        for line in lines
        if board.in_team_view(team_id, line.objective.team_id)
        and (owner is None or owned_by(line.kr.owner, owner))
    ]
    return prep_lane(
        cycle,
        [o for o in objectives if board.in_team_view(team_id, o.team_id)],
        [line.kr for line in shown],
        check_ins,
        actions,
        now,
        lines=shown,
        forecasts=forecasts,
    )


class DashboardScreen(OkrScreen):
    HELP_TITLE = "Dashboard"
    HELP_SUMMARY = "Objectives by team; up/down moves between key results, Enter opens one."
    CSS_PATH = "dashboard.tcss"
    FILTERS_OWNER = True
    BINDINGS = [
        typed_keys_binding(
            "c",
            "app.check_in",
            "Check-in",
            id="dashboard.check_in",
            tooltip="Start the weekly check-in walkthrough",
        ),
        Binding(
            "p",
            "app.plan",
            "Plan",
            id="dashboard.plan",
            tooltip="Edit the cycle, objectives and key results",
        ),
        Binding(
            "r",
            "app.review",
            "Review",
            id="dashboard.review",
            tooltip="Mid-quarter review: keep, adjust or retire key results",
        ),
        Binding(
            "s",
            "app.score",
            "Score",
            id="dashboard.score",
            tooltip="End-of-cycle scoring and retrospective",
        ),
        Binding(
            "m,f5",
            "app.present",
            "Present",
            id="dashboard.present",
            tooltip="Presentation mode: one objective at a time, for the shared meeting screen",
        ),
        Binding(
            "l",
            "toggle_prep_lane",
            "Prep lane",
            show=False,  # its line above the board shows the key, and the footer is full at 80
            id="dashboard.prep_lane",
            tooltip="Unfold or fold the prep lane: what to raise at the coming meeting",
        ),
        # Out of the footer, so that at 80 columns it still shows every other key (q, ^t):
        # help (?) and the palette list it.
        Binding(
            "h",
            "app.meeting_history",
            "History",
            show=False,
            id="dashboard.meeting_history",
            tooltip="Past meetings: people, check-ins, decisions; Enter opens one as it was",
        ),
        Binding("q", "app.quit", "Quit", id="dashboard.quit", tooltip="Leave okr-tui"),
        Binding("escape", "back", "Back", show=False, id="screen.back", tooltip="Home screen"),
    ]

    # The board takes the focus from the start: Textual's own choice, the first focusable widget
    # (the prep lane's scroll), passed it on to the board once loaded, restyling both (2% of
    # the instructions to the first frame: 55 M of 2,416 M at 8q).
    AUTO_FOCUS = "#board"

    def compose(self) -> ComposeResult:
        yield CycleHeader()
        yield Static(id="due")
        yield PrepPanel(id="prep")
        yield Static(id="empty")
        yield ObjectiveBoard(id="board")
        yield KeyFooter()

    def action_back(self) -> None:
        """The dashboard is home: escape does nothing here."""

    def reload(self) -> None:
        cycle = self.cycle
        team = self.okr_app.team
        now = self.okr_app.clock.now()
        self.query_one(CycleHeader).show(
            cycle, team.name if team else None, now, self.store.read_only
        )
        self._show_due(cycle, now)
        objective_board = self.query_one(ObjectiveBoard)
        sections: list[TeamSection] = []
        parents = {}
        self._lane_generation = getattr(self, "_lane_generation", 0) + 1
        self._lane_worker: Worker[PrepLane] | None = None  # the one whose lane is shown
        self._lane: PrepLane | None = None
        self._lane_meeting: date | None = None
        if cycle is not None:
            objectives = self.store.objectives(cycle.id)
            parents = {o.id: o for o in objectives}
            key_results = self.store.key_results(cycle.id)
            # Sorted once for all; each key result's check-ins read (and validated) when the
            # board first draws it (LazyHistories), the rest by the prep lane's worker.
            check_ins = self.store.check_in_histories(cycle.id)
            given = latest_given_scores(self.store.scores(cycle.id))
            # Each objective's lines (progress, pace, forecast) are worked out when the board
            # first draws them: a dozen of 600 key results in the first frame (issue 19).
            blocks = board.pending_blocks(
                cycle, objectives, key_results, check_ins, now, given, owner=self.owner_filter()
            )
            blocks_of_team: dict[str | None, list] = {}
            for block in blocks:
                blocks_of_team.setdefault(block.objective.team_id, []).append(block)
            groups: list[tuple[str, str | None]] = [("Company", None)]
            groups += [(t.name, t.id) for t in self.store.teams()]
            for name, team_id in groups:
                if not self.shows_team(team_id):
                    continue
                team_blocks = blocks_of_team.get(team_id, [])
                if team_blocks:
                    sections.append(TeamSection(name, team_blocks))
            self._work_out_prep_lane(cycle, objectives, key_results, check_ins, now)
        objective_board.show(sections, parents)
        self._show_prep_lane()
        empty = self.query_one("#empty", Static)
        if cycle is None:
            empty.update(Content("No cycle yet. Press p to plan one."))
        elif not sections and (owner := self.owner_filter()) is not None:
            empty.update(
                Content.assemble(
                    "No key result of ",
                    (owner, "bold"),
                    " in this cycle. ctrl+g shows everyone's.",
                )
            )
        elif not sections:
            empty.update(Content("No objectives in this cycle yet. Press p to plan."))
        empty.display = not sections
        objective_board.display = bool(sections)
        objective_board.focus()

    def _work_out_prep_lane(
        self,
        cycle: Cycle,
        objectives: list[Objective],
        key_results: list[KeyResult],
        check_ins: Histories,
        now: datetime,
    ) -> None:
        """The prep lane needs every key result's line and forecast (600 in a large
        organisation, where the board draws a dozen), so it is worked out in a worker once
        the screen is drawn; its line says "working out…" meanwhile (issue 19). No lane when
        the cycle has no meeting to prepare (closed, or past its last)."""
        coming = cadence.update_meeting(cycle, now)
        if coming is None or cycle.state is CycleState.CLOSED:
            return
        self._lane_meeting = coming.date()
        team_id, owner = self.team_id, self.owner_filter()
        actions = self.store.actions(cycle.id)
        generation = self._lane_generation

        def work_out() -> PrepLane:
            return dashboard_prep_lane(
                cycle, objectives, key_results, check_ins, actions, now, team_id, owner
            )

        def start() -> None:
            if generation == self._lane_generation:
                self._lane_worker = self.run_worker(
                    work_out,
                    name="prep lane",
                    group=PREP_LANE,
                    exclusive=True,
                    thread=True,
                    exit_on_error=False,
                )

        # Not while the first frame is being drawn: the worker would share the interpreter
        # with it (issue 19).
        self.okr_app.call_after_first_frame(start)

    @on(Worker.StateChanged)
    def _prep_lane_worked_out(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != PREP_LANE:
            return
        event.stop()
        if worker is not self._lane_worker:
            return  # an older reload's lane, or its failure, says nothing of the lane shown
        if event.state is WorkerState.SUCCESS and worker.result is not None:
            self._lane = worker.result
            self._show_prep_lane()
        elif event.state is WorkerState.ERROR:
            error = worker.error
            self._lane_meeting = None  # nothing to show: the line hides
            self._show_prep_lane()
            self.notify(
                f"The prep lane could not be worked out: {str(error) or type(error).__name__}",
                severity="error",
                markup=False,
            )

    def _show_prep_lane(self) -> None:
        panel = self.query_one(PrepPanel)
        lane = getattr(self, "_lane", None)
        meeting = getattr(self, "_lane_meeting", None)
        if lane is None and meeting is not None:
            panel.show_working_out(meeting, self.okr_app.prep_panel_open, self._prep_key())
        else:
            panel.show(lane, self.okr_app.prep_panel_open, self._prep_key())

    def _prep_key(self) -> str:
        """The key that folds the lane, as the keymap may have set it."""
        for binding in self._bindings.key_to_bindings.values():
            for one in binding:
                if one.id == "dashboard.prep_lane":
                    return self.app.get_key_display(one)
        return "l"

    def on_resize(self) -> None:
        if self.is_mounted:
            self._show_prep_lane()  # its list takes a share of the screen's height

    def action_toggle_prep_lane(self) -> None:
        """l: unfold or fold the prep lane; remembered (config.toml) for the next start."""
        self.okr_app.remember_prep_panel(not self.okr_app.prep_panel_open)
        self._show_prep_lane()

    @on(PrepPanel.Toggled)
    def _prep_lane_clicked(self) -> None:
        self.action_toggle_prep_lane()

    def _show_due(self, cycle: Cycle | None, now: datetime) -> None:
        """What the teams on screen owe besides check-ins (review, scoring, retrospective,
        overdue actions), from the same list as `okr due`; hidden when nothing is."""
        text = ""
        if cycle is not None:
            report = due.due_report_of(self.store, cycle, now, check_ins_due=False)
            shown = None if self.team_id is None else [None, self.team_id]
            text = due.due_beyond_check_ins(report, shown)
        line = self.query_one("#due", Static)
        show(line, Content.assemble(("Due now: ", "bold"), text) if text else Content(""))
        line.display = bool(text)

    @on(ObjectiveBoard.Opened)
    def open_key_result(self, event: ObjectiveBoard.Opened) -> None:
        from okr_tui.screens.kr_detail import KeyResultDetailScreen

        self.app.push_screen(KeyResultDetailScreen(event.kr_id))
