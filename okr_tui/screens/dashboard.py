"""The dashboard: objectives grouped by team, each key result with progress, confidence, pace."""

from __future__ import annotations

from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from okr_tui.domain import board, due
from okr_tui.domain.models import Cycle
from okr_tui.domain.progress import latest_given_scores
from okr_tui.screens.base import OkrScreen, typed_keys_binding
from okr_tui.widgets.cycle_header import CycleHeader
from okr_tui.widgets.key_footer import KeyFooter
from okr_tui.widgets.objective_board import ObjectiveBoard, TeamSection
from okr_tui.widgets.textual_compat import show


class DashboardScreen(OkrScreen):
    HELP_TITLE = "Dashboard"
    HELP_SUMMARY = "Objectives by team; up/down moves between key results, Enter opens one."
    CSS_PATH = "dashboard.tcss"
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

    def compose(self) -> ComposeResult:
        yield CycleHeader()
        yield Static(id="due")
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
        if cycle is not None:
            objectives = self.store.objectives(cycle.id)
            parents = {o.id: o for o in objectives}
            lines = board.key_result_lines(
                cycle,
                objectives,
                self.store.key_results(cycle.id),
                self.store.check_ins(cycle.id),
                now,
            )
            given = latest_given_scores(self.store.scores(cycle.id))
            blocks = board.objective_blocks(objectives, lines, given)
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
        objective_board.show(sections, parents)
        empty = self.query_one("#empty", Static)
        if cycle is None:
            empty.update(Content("No cycle yet. Press p to plan one."))
        elif not sections:
            empty.update(Content("No objectives in this cycle yet. Press p to plan."))
        empty.display = not sections
        objective_board.display = bool(sections)
        objective_board.focus()

    def _show_due(self, cycle: Cycle | None, now: datetime) -> None:
        """What the teams on screen owe besides check-ins (review, scoring, retrospective,
        overdue actions), from the same list as `okr due`; hidden when nothing is."""
        text = ""
        if cycle is not None:
            report = due.due_report_of(self.store, cycle, now)
            shown = None if self.team_id is None else [None, self.team_id]
            text = due.due_beyond_check_ins(report, shown)
        line = self.query_one("#due", Static)
        show(line, Content.assemble(("Due now: ", "bold"), text) if text else Content(""))
        line.display = bool(text)

    @on(ObjectiveBoard.Opened)
    def open_key_result(self, event: ObjectiveBoard.Opened) -> None:
        from okr_tui.screens.kr_detail import KeyResultDetailScreen

        self.app.push_screen(KeyResultDetailScreen(event.kr_id))
