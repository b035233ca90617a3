"""Every user-visible name is nasty, and every screen shows it exactly as typed (issue 5).

One store where team names, members, the cycle, objectives, key results, units, check-in notes,
blockers and authors, actions, parked topics, retrospective items and audit reasons are all
markup (`[bold]…[/]`, a stray `[/`, `[@click=app.quit]…[/]`, `[$accent]`, `\\[x]`); then the
tests walk every screen with the keyboard (dashboard, key result detail, check-in set-up, a
step, meeting summary, planning and its forms, review and its modals, scoring and its reason
modal, retrospective, close-cycle modal, presentation, help, team and cycle pickers). On each
the app is still running and the literal strings are in what the screen shows: markup crashed
no widget, styled nothing, and no `[@click=app.quit]` quit the app.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from rich.cells import cell_len
from screen_reading import screen_text
from textual.widgets import DataTable, TextArea

from okr_tui.domain.models import (
    Action,
    CheckIn,
    Confidence,
    Cycle,
    CycleState,
    KeyResult,
    KrType,
    Level,
    Objective,
    ObjectiveKind,
    Retrospective,
    ReviewDecision,
    ReviewDecisionKind,
    Score,
    Team,
)
from okr_tui.screens.dashboard import DashboardScreen
from okr_tui.screens.dialogs.action_dialog import ActionDialog
from okr_tui.screens.dialogs.adjust_target_dialog import AdjustTargetDialog
from okr_tui.screens.dialogs.help import HelpScreen
from okr_tui.screens.dialogs.park_dialog import ParkDialog
from okr_tui.screens.dialogs.picker import PickerScreen
from okr_tui.screens.dialogs.reason_dialog import ReasonDialog
from okr_tui.screens.kr_detail import KeyResultDetailScreen
from okr_tui.screens.plan.cycle_form import CycleFormScreen
from okr_tui.screens.plan.key_result_form import KeyResultFormScreen
from okr_tui.screens.plan.objective_form import ObjectiveFormScreen
from okr_tui.screens.plan.planning import PlanningScreen, PlanNode, RetireDialog
from okr_tui.screens.review_close.close_cycle import CloseCycleDialog
from okr_tui.screens.review_close.retrospective import RetrospectiveScreen
from okr_tui.screens.review_close.review import ReviewScreen
from okr_tui.screens.review_close.scoring import ScoringScreen
from okr_tui.screens.walk.meeting_summary import MeetingSummaryScreen
from okr_tui.screens.walk.presentation import PresentationScreen
from okr_tui.screens.walk.walkthrough import WalkthroughScreen
from okr_tui.screens.walk.walkthrough_setup import WalkthroughSetupScreen
from okr_tui.widgets.objective_board import ObjectiveBoard

SIZE = (140, 50)  # tall enough that every list shows all its lines

TEAM_A = "[bold]Team[/]"
TEAM_B = "[@click=app.quit]Sales[/]"
MEMBERS_A = ("[red]Ann[/]", "[RED]Fay")
MEMBERS_B = ("[$accent]Bo", "Cy [/")
CYCLE = "Q4 [x]"
COMPANY = "[b]Company[/b] 50% [x]"
COMPANY_WHY = "[i]why[/i] it matters"
COMPANY_OWNER = "[link=x]Olu[/link]"
GROW = "Grow [/] fast"
GROW_OWNER = "[dim]Dee"
SELL = "[$warning]Sell[/] more"
SELL_OWNER = "Zed [/"
COSTS = "Cut [red]costs[/red] now"
COSTS_UNIT = "% [red]"
COSTS_OWNER = "[u]Uma[/u]"
DEALS = "Win [@click=app.bell]deals[/]"
DEALS_UNIT = "[b]$[/b]"
DEALS_OWNER = "[i]Ivo"
SHIP = "Ship [reverse]it[/]"
NOTE = "[blink]note[/] one"
BLOCKERS = "[u]legal[/u]"
AUTHOR = "\\[x] Eve"
ACTION = "[bold]Call[/] Acme"
ACTION_OWNER = "[@click=app.quit]Al[/]"
AUDIT_REASON = "[s]scope[/s]"
REVIEW_REASON = "[b]why[/b] adjust"
SCORE_REASON = "[i]luck"
RETRO = ("[green]pairing[/]", "[/]long meetings", "[$error]demos")
PARKED = "[yellow]pricing[/]"
TYPED_NOTE = "[on red]typed[/]"


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


@pytest.fixture
def nasty(store) -> dict[str, str]:
    """The nasty store; returns the ids the tests need by name."""
    team_a = store.save_team(Team(name=TEAM_A, members=list(MEMBERS_A), facilitator=MEMBERS_A[1]))
    team_b = store.save_team(Team(name=TEAM_B, members=list(MEMBERS_B), order=1))
    cycle = store.save_cycle(
        Cycle(
            name=CYCLE,
            start=date(2026, 10, 1),
            end=date(2026, 12, 31),
            timezone="Europe/Berlin",
            meeting_time=time(9, 30),
            state=CycleState.ACTIVE,
        )
    )
    company = store.save_objective(
        Objective(
            cycle_id=cycle.id,
            title=COMPANY,
            description=COMPANY_WHY,
            owner=COMPANY_OWNER,
            level=Level.COMPANY,
        )
    )
    grow = store.save_objective(
        Objective(
            cycle_id=cycle.id,
            team_id=team_a.id,
            title=GROW,
            owner=GROW_OWNER,
            kind=ObjectiveKind.ASPIRATIONAL,
            parent_id=company.id,
            order=1,
        )
    )
    sell = store.save_objective(
        Objective(
            cycle_id=cycle.id,
            team_id=team_b.id,
            title=SELL,
            owner=SELL_OWNER,
            parent_id=company.id,
            order=2,
        )
    )
    ship = store.save_key_result(
        KeyResult(cycle_id=cycle.id, objective_id=company.id, title=SHIP, kr_type=KrType.MILESTONE)
    )
    costs = store.save_key_result(
        KeyResult(
            cycle_id=cycle.id,
            objective_id=grow.id,
            title=COSTS,
            unit=COSTS_UNIT,
            owner=COSTS_OWNER,
            baseline=0,
            target=100,
        )
    )
    deals = store.save_key_result(
        KeyResult(
            cycle_id=cycle.id,
            objective_id=sell.id,
            title=DEALS,
            unit=DEALS_UNIT,
            owner=DEALS_OWNER,
            baseline=0,
            target=50,
        )
    )
    for kr, day, value, confidence in (
        (costs, date(2026, 11, 9), 20, Confidence.AT_RISK),
        (costs, date(2026, 11, 16), 30, Confidence.OFF_TRACK),
        (deals, date(2026, 11, 16), 10, Confidence.ON_TRACK),
    ):
        store.add_check_in(
            CheckIn(
                cycle_id=cycle.id,
                kr_id=kr.id,
                meeting_date=day,
                value=value,
                confidence=confidence,
                note=NOTE,
                blockers=BLOCKERS,
                author=AUTHOR,
                recorded_at=at(day),
            )
        )
    store.save_action(
        Action(
            cycle_id=cycle.id,
            kr_id=costs.id,
            text=ACTION,
            owner=ACTION_OWNER,
            due=date(2026, 11, 30),
            created_at=at(date(2026, 11, 23)),
            meeting_date=date(2026, 11, 23),  # this morning's meeting: the walk lists it
        )
    )
    # A moved target: the audit log keeps the reason and the author.
    store.save_key_result(
        costs.model_copy(update={"target": 120.0}), author=AUTHOR, reason=AUDIT_REASON
    )
    store.record_review_decision(
        ReviewDecision(
            cycle_id=cycle.id,
            kr_id=deals.id,
            decision=ReviewDecisionKind.ADJUST,
            new_target=60,
            reason=REVIEW_REASON,
            decided_at=at(date(2026, 11, 16)),
            author=AUTHOR,
        )
    )
    store.save_score(
        Score(
            cycle_id=cycle.id,
            kr_id=costs.id,
            suggested=0.3,
            given=0.5,
            reason=SCORE_REASON,
            scored_at=at(date(2026, 11, 20)),
        ),
        author=AUTHOR,
    )
    store.save_retrospective(
        Retrospective(
            cycle_id=cycle.id,
            keep_doing=[RETRO[0]],
            stop_doing=[RETRO[1]],
            start_doing=[RETRO[2]],
            written_at=at(date(2026, 11, 20)),
        )
    )
    return {"costs": costs.id, "deals": deals.id, "ship": ship.id, "cycle": cycle.id}


# --- reading the screen ---------------------------------------------------------------------


def assert_shows(app, screen_type: type, *texts: str) -> None:
    """The app runs, the screen is of this type, and each text is on it exactly as typed."""
    assert app.is_running and app.return_code is None, "the app crashed or quit"
    assert isinstance(app.screen, screen_type), app.screen
    shown = screen_text(app)
    missing = [text for text in texts if text not in shown]
    assert not missing, f"not shown as typed on {type(app.screen).__name__}: {missing}\n{shown}"


async def keys(pilot, *pressed: str) -> None:
    await pilot.press(*pressed)
    await pilot.pause()


# --- the screens ----------------------------------------------------------------------------


async def test_dashboard_detail_presentation_help_and_pickers(nasty, make_app, store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert_shows(
            app,
            DashboardScreen,
            CYCLE,
            TEAM_A,
            TEAM_B,
            COMPANY,
            COMPANY_OWNER,
            GROW,
            GROW_OWNER,
            SELL,
            SELL_OWNER,
            SHIP,
            COSTS,
            DEALS,
            f"/ 120 {COSTS_UNIT}",
            f"/ 60 {DEALS_UNIT}",
        )
        # A click on the team called "[@click=app.quit]Sales[/]" is a click on text: no action.
        row, line = next((n, t) for n, t in enumerate(screen_text(app).splitlines()) if TEAM_B in t)
        await pilot.click(offset=(cell_len(line[: line.index(TEAM_B)]) + 19, row))
        await pilot.pause()
        assert_shows(app, DashboardScreen, TEAM_B)
        # Down to the key result with the check-ins, Enter opens it.
        board = app.screen.query_one(ObjectiveBoard)
        for _ in range(5):
            if board.highlighted_kr_id == nasty["costs"]:
                break
            await keys(pilot, "down")
        assert board.highlighted_kr_id == nasty["costs"]
        await keys(pilot, "enter")
        assert_shows(
            app,
            KeyResultDetailScreen,
            CYCLE,
            GROW,
            COSTS,
            COSTS_UNIT,
            COSTS_OWNER,
            NOTE,
            BLOCKERS,
            AUTHOR,
            ACTION,
            ACTION_OWNER,
            AUDIT_REASON,
            SCORE_REASON,
        )
        await keys(pilot, "escape")

        await keys(pilot, "m")
        assert_shows(app, PresentationScreen, CYCLE, "Company", COMPANY, COMPANY_OWNER, SHIP)
        await keys(pilot, "right")
        assert_shows(app, PresentationScreen, TEAM_A, GROW, GROW_OWNER, COMPANY, COSTS, COSTS_OWNER)
        await keys(pilot, "right")
        assert_shows(
            app, PresentationScreen, TEAM_B, SELL, SELL_OWNER, DEALS, DEALS_OWNER, DEALS_UNIT
        )
        await keys(pilot, "escape")

        await keys(pilot, "question_mark")
        assert_shows(app, HelpScreen, "Keys: Dashboard")
        await keys(pilot, "escape")

        await keys(pilot, "ctrl+t")
        assert_shows(app, PickerScreen, "All teams", TEAM_A, TEAM_B)
        await keys(pilot, "down", "enter")  # show team A only
        assert_shows(app, DashboardScreen, TEAM_A, COMPANY, GROW, COSTS)
        assert SELL not in screen_text(app)
        await keys(pilot, "ctrl+y")
        assert_shows(app, PickerScreen, f"{CYCLE}  (active)")
        await keys(pilot, "escape")
        assert_shows(app, DashboardScreen, CYCLE, TEAM_A)


async def test_check_in_set_up_step_and_meeting_summary(nasty, make_app, store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await keys(pilot, "c")
        assert_shows(app, WalkthroughSetupScreen, CYCLE, TEAM_A, TEAM_B, *MEMBERS_A, *MEMBERS_B)
        await keys(pilot, "enter")
        walk = app.screen
        assert_shows(app, WalkthroughScreen, CYCLE, COMPANY, SHIP)
        while walk.current_kr_id != nasty["costs"]:
            await keys(pilot, "ctrl+n")
        assert_shows(
            app,
            WalkthroughScreen,
            GROW,
            COSTS,
            COSTS_OWNER,
            COSTS_UNIT,
            NOTE,
            BLOCKERS,
            ACTION,
            ACTION_OWNER,
        )
        await keys(pilot, "ctrl+o")
        assert_shows(app, ActionDialog, f"Next action for {COSTS}")
        await keys(pilot, "escape")
        # A check-in with a nasty note, typed; a nasty topic parked.
        await keys(pilot, "3", "5", "tab", *TYPED_NOTE, "enter", "3")
        assert walk.current_kr_id == nasty["deals"]
        assert_shows(app, WalkthroughScreen, SELL, DEALS, DEALS_OWNER, NOTE, BLOCKERS)
        await keys(pilot, "ctrl+r")
        assert isinstance(app.screen, ParkDialog)
        await keys(pilot, *PARKED, "enter")
        await keys(pilot, "ctrl+f")
        assert_shows(
            app,
            MeetingSummaryScreen,
            CYCLE,
            COSTS,
            TYPED_NOTE,
            DEALS,
            SHIP,
            PARKED,
            ACTION,
            ACTION_OWNER,
            ", ".join([*MEMBERS_A, *MEMBERS_B]),
        )
        await keys(pilot, "enter")  # close the meeting
        assert_shows(app, DashboardScreen, CYCLE, COSTS)
    [meeting] = store.meetings(nasty["cycle"])
    assert meeting.parked_topics == [PARKED]
    assert meeting.attendees == [*MEMBERS_A, *MEMBERS_B]
    [typed] = [c for c in store.check_ins(nasty["cycle"], nasty["costs"]) if c.note == TYPED_NOTE]
    assert typed.value == 35


async def test_planning_and_every_form(nasty, make_app, store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await keys(pilot, "p")
        planning = app.screen
        assert_shows(
            app,
            PlanningScreen,
            CYCLE,
            TEAM_A,
            TEAM_B,
            COMPANY,
            COMPANY_OWNER,
            GROW,
            GROW_OWNER,
            SELL,
            SELL_OWNER,
            SHIP,
            COSTS,
            COSTS_OWNER,
            f"0 {COSTS_UNIT} → 120 {COSTS_UNIT}",
            DEALS,
            DEALS_OWNER,
        )
        assert planning.highlighted() == (
            PlanNode.OBJECTIVE,
            store.objectives(nasty["cycle"])[0].id,
        )
        await keys(pilot, "enter")
        assert_shows(
            app,
            ObjectiveFormScreen,
            f"Edit objective: {COMPANY}",
            COMPANY,
            COMPANY_WHY,
            COMPANY_OWNER,
        )
        await keys(pilot, "escape")
        await keys(pilot, "down", "down", "down", "enter")  # Ship, team A, Grow
        assert_shows(
            app, ObjectiveFormScreen, f"Edit objective: {GROW}", GROW_OWNER, TEAM_A, COMPANY
        )
        await keys(pilot, "escape")
        await keys(pilot, "o")
        assert_shows(app, ObjectiveFormScreen, "New objective", TEAM_A)
        await keys(pilot, "escape")
        await keys(pilot, "k")
        assert_shows(app, KeyResultFormScreen, f"New key result for: {GROW}", GROW_OWNER)
        await keys(pilot, "escape")
        await keys(pilot, "down", "enter")  # Costs
        assert_shows(app, KeyResultFormScreen, f"Edit key result: {COSTS}", COSTS_UNIT, COSTS_OWNER)
        await keys(pilot, "escape")
        await keys(pilot, "x")
        assert_shows(app, RetireDialog, f"Retire key result: {COSTS}")
        await keys(pilot, "escape")
        await keys(pilot, "e")
        assert_shows(app, CycleFormScreen, f"Edit cycle {CYCLE}", CYCLE)
        await keys(pilot, "escape")
        assert_shows(app, PlanningScreen, COSTS)
        # Nothing changed by looking.
        assert store.key_result(nasty["cycle"], nasty["costs"]).title == COSTS


async def test_review_scoring_retrospective_and_close_cycle(nasty, make_app, store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await keys(pilot, "r")
        review = app.screen
        assert_shows(
            app,
            ReviewScreen,
            CYCLE,
            SHIP,
            COSTS,
            COSTS_OWNER,
            DEALS,
            DEALS_OWNER,
            REVIEW_REASON,
        )
        table = review.query_one(DataTable)
        while table.coordinate_to_cell_key(table.cursor_coordinate)[0].value != nasty["costs"]:
            await keys(pilot, "down")
        await keys(pilot, "a")
        assert_shows(app, AdjustTargetDialog, f"Adjust target: {COSTS}", f"120 {COSTS_UNIT}")
        await keys(pilot, "escape")
        await keys(pilot, "x")
        assert_shows(app, ReasonDialog, f"Retire: {COSTS}")
        await keys(pilot, "escape", "escape")

        await keys(pilot, "s")
        scoring = app.screen
        assert_shows(
            app, ScoringScreen, CYCLE, COMPANY, SHIP, GROW, COSTS, SELL, DEALS, SCORE_REASON
        )
        table = scoring.query_one(DataTable)
        while table.coordinate_to_cell_key(table.cursor_coordinate)[0].value != nasty["deals"]:
            await keys(pilot, "down")
        await keys(pilot, "right", "enter")  # a score off the suggestion asks why
        assert_shows(app, ReasonDialog, f"Score: {DEALS}")
        await keys(pilot, "escape")

        await keys(pilot, "t")
        assert_shows(app, RetrospectiveScreen, CYCLE, *RETRO)
        areas = {area.id: area.text for area in app.screen.query(TextArea)}
        assert areas == {"keep_doing": RETRO[0], "stop_doing": RETRO[1], "start_doing": RETRO[2]}
        await keys(pilot, "escape")

        await keys(pilot, "c")
        assert_shows(app, CloseCycleDialog, f"Close {CYCLE}?", COMPANY, SHIP, GROW, COSTS)
        await keys(pilot, "escape")
        assert_shows(app, ScoringScreen, COSTS)
    assert store.cycle(nasty["cycle"]).state is CycleState.ACTIVE
