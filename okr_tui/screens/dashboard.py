"""The dashboard: objectives grouped by team, each key result with progress, confidence, pace."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Static

from okr_tui.domain import board
from okr_tui.domain.models import Objective
from okr_tui.screens.base import OkrScreen
from okr_tui.widgets.badges import confidence_badge, progress_bar
from okr_tui.widgets.cycle_header import CycleHeader
from okr_tui.widgets.key_result_row import KeyResultRow


def objective_text(block: board.ObjectiveBlock, parent: Objective | None) -> Content:
    objective = block.objective
    parts: list = [
        Content.styled(objective.title, "bold"),
        Content.styled(f"  {objective.level.value} · {objective.kind.value}", "$text-muted"),
    ]
    if objective.owner:
        parts.append(Content.styled(f" · {objective.owner}", "$text-muted"))
    parts.append("\n  ")
    parts.append(progress_bar(block.progress or 0.0, 16, "$accent"))
    parts.append("  ")
    parts.append(confidence_badge(block.confidence))
    if parent is not None:
        parts.append(Content.styled("  ↳ aligns to: ", "$text-muted"))
        parts.append(Content(parent.title))
    return Content.assemble(*parts)


class DashboardScreen(OkrScreen):
    HELP_TITLE = "Dashboard"
    HELP_SUMMARY = "Objectives by team; up/down moves between key results, Enter opens one."
    CSS_PATH = "dashboard.tcss"
    BINDINGS = [
        Binding(
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
            "down,j",
            "app.focus_next",
            "Next",
            show=False,
            id="dashboard.next",
            tooltip="Next key result",
        ),
        Binding(
            "up,k",
            "app.focus_previous",
            "Previous",
            show=False,
            id="dashboard.previous",
            tooltip="Previous key result",
        ),
        Binding(
            "m,f5",
            "app.present",
            "Present",
            id="dashboard.present",
            tooltip="Presentation mode: one objective at a time, for the shared meeting screen",
        ),
        Binding("q", "app.quit", "Quit", id="dashboard.quit", tooltip="Leave okr-tui"),
    ]

    def compose(self) -> ComposeResult:
        yield CycleHeader()
        yield VerticalScroll(id="board")
        yield Footer()

    def action_back(self) -> None:
        """The dashboard is home: escape does nothing here."""

    async def reload(self) -> None:
        cycle = self.cycle
        team = self.okr_app.team
        now = self.okr_app.clock.now()
        self.query_one(CycleHeader).show(
            cycle, team.name if team else None, now, self.store.read_only
        )
        container = self.query_one("#board", VerticalScroll)
        focused_kr = self.focused.line.kr.id if isinstance(self.focused, KeyResultRow) else None
        await container.remove_children()
        if cycle is None:
            await container.mount(
                Static(Content("No cycle yet. Press p to plan one."), classes="empty")
            )
            return
        objectives = self.store.objectives(cycle.id)
        lines = board.key_result_lines(
            cycle,
            objectives,
            self.store.key_results(cycle.id),
            self.store.check_ins(cycle.id),
            now,
        )
        blocks = board.objective_blocks(objectives, lines)
        by_id = {o.id: o for o in objectives}
        teams = self.store.teams()
        groups: list[tuple[str, str | None]] = [("Company", None)]
        groups += [(t.name, t.id) for t in teams]
        widgets = []
        for name, team_id in groups:
            if self.team_id is not None and team_id not in (None, self.team_id):
                continue
            team_blocks = [b for b in blocks if b.objective.team_id == team_id]
            if not team_blocks:
                continue
            widgets.append(Static(Content.styled(name, "bold"), classes="team-title"))
            for block in team_blocks:
                parent = by_id.get(block.objective.parent_id or "")
                widgets.append(Static(objective_text(block, parent), classes="objective"))
                for line in block.lines:
                    widgets.append(KeyResultRow(line, classes="key-result", id=f"row-{line.kr.id}"))
        if not widgets:
            widgets.append(
                Static(
                    Content("No objectives in this cycle yet. Press p to plan."), classes="empty"
                )
            )
        await container.mount_all(widgets)
        rows = list(container.query(KeyResultRow))
        if rows:
            target = next((r for r in rows if r.line.kr.id == focused_kr), rows[0])
            self.call_after_refresh(target.focus)

    @on(KeyResultRow.Opened)
    def open_key_result(self, event: KeyResultRow.Opened) -> None:
        from okr_tui.screens.kr_detail import KeyResultDetailScreen

        self.app.push_screen(KeyResultDetailScreen(event.kr_id))
