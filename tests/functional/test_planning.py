"""Planning: cycles, objectives and key results through the forms, retiring, and the plan check.

Each test presses the keys a person presses, then checks what the store holds and what the
screen shows.
"""

from __future__ import annotations

from datetime import date, time

from screen_reading import screen_text
from textual import events
from textual.screen import Screen
from textual.widgets import Input, Select
from waiting import settle

from okr_tui.domain.carry_over import suggested_cycle
from okr_tui.domain.models import (
    Cadence,
    Cycle,
    CycleState,
    KeyResult,
    KrType,
    Level,
    Objective,
    Status,
    Team,
)
from okr_tui.screens.plan.cycle_form import CycleFormScreen
from okr_tui.screens.plan.key_result_form import KeyResultFormScreen
from okr_tui.screens.plan.objective_form import ObjectiveFormScreen
from okr_tui.screens.plan.planning import PlanningScreen, PlanNode, RetireDialog
from okr_tui.store.store import OkrStore
from okr_tui.widgets.plan_check import PlanCheck
from tests.key_bursts import burst

HOSTILE = ("[bold]Grow[/]", "[@click=app.quit]x[/]", "50% [x]")


# --- helpers --------------------------------------------------------------------------------


async def fill(pilot, field_id: str, text: str, *, typed: bool = False) -> None:
    """Go to a field, clear it, then paste the text (or type it key by key with `typed`)."""
    field = pilot.app.screen.query_one(f"#{field_id}", Input)
    field.focus()
    await pilot.pause()
    await pilot.press("end", "ctrl+u")
    if text and typed:
        await pilot.press(*text)
    elif text:
        pilot.app.post_message(events.Paste(text))
    await pilot.pause()
    assert field.value == text


async def choose(pilot, select_id: str, value: object) -> None:
    """Open a Select (space: Enter saves the form), move to the option with this value, then
    pick it with Enter."""
    select = pilot.app.screen.query_one(f"#{select_id}", Select)
    values = [v for _, v in select._options]
    steps = values.index(value) - values.index(select.value)
    select.focus()
    await pilot.pause()
    await pilot.press("space")
    await pilot.pause()
    if steps:
        await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps))
    await pilot.press("enter")
    await pilot.pause()
    assert select.value == value


def tree_labels(screen: PlanningScreen) -> list[str]:
    labels = []

    def walk(node) -> None:
        for child in node.children:
            labels.append(child.label.plain)
            walk(child)

    walk(screen.plan_tree.root)
    return labels


def plan_check_text(screen: PlanningScreen) -> str:
    return str(screen.query_one("#plan-check-body").render())


def planned(store) -> tuple[Cycle, Team]:
    """A store with one team and an active cycle, nothing planned yet."""
    team = store.save_team(Team(name="Growth", members=["Amara", "Ben"]))
    cycle = store.save_cycle(
        Cycle(
            name="2026-Q4",
            start=date(2026, 10, 1),
            end=date(2026, 12, 31),
            timezone="Europe/Berlin",
            meeting_time=time(9, 30),
            state=CycleState.ACTIVE,
        )
    )
    return cycle, team


async def open_planning(pilot) -> PlanningScreen:
    await pilot.pause()
    await pilot.press("p")
    await settle(pilot, lambda: isinstance(pilot.app.screen, PlanningScreen))
    screen = pilot.app.screen
    assert isinstance(screen, PlanningScreen)
    return screen


async def move_to(pilot, screen: PlanningScreen, kind: PlanNode, item_id: str | None) -> None:
    """Walk the tree with the arrow keys until the cursor is on that node."""
    await pilot.pause()
    node = screen._find_node(screen.plan_tree.root, (kind, item_id))
    assert node is not None, f"no {kind} {item_id} in the tree"
    for _ in range(60):
        if screen.highlighted() == (kind, item_id):
            return
        await pilot.press("down" if node.line > screen.plan_tree.cursor_line else "up")
    raise AssertionError(f"could not reach {kind} {item_id}")


async def open_from_plan(
    pilot, kind: PlanNode, item_id: str | None, key: str
) -> tuple[PlanningScreen, Screen]:
    """Open planning, put the cursor on a node and press the key that opens a form or a dialog
    on it: the planning screen, and what the key opened once it is on top."""
    screen = await open_planning(pilot)
    await move_to(pilot, screen, kind, item_id)
    await pilot.press(key)
    await settle(pilot, lambda: pilot.app.screen is not screen)
    return screen, pilot.app.screen


def paying_customers_kr(store: OkrStore) -> tuple[str, KeyResult]:
    """The demo's "Reach 500 paying customers" key result (target 500) and its cycle id."""
    cycle = store.find_cycle("2026-Q4")
    kr = next(k for k in store.key_results(cycle.id) if k.title.startswith("Reach 500"))
    return cycle.id, kr


async def open_key_result_form(pilot, kr: KeyResult) -> tuple[PlanningScreen, KeyResultFormScreen]:
    """From the dashboard: planning, the cursor onto the key result, Enter opens its form."""
    screen, form = await open_from_plan(pilot, PlanNode.KEY_RESULT, kr.id, "enter")
    assert isinstance(form, KeyResultFormScreen)
    return screen, form


# --- cycles ---------------------------------------------------------------------------------


async def test_first_cycle_from_the_welcome_screen_opens_planning_with_it(store, make_app):
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, CycleFormScreen)
        # The clock is in 2026-Q4 and the store is empty: that quarter is offered.
        assert app.screen.query_one("#name", Input).value == "2026-Q4"
        await fill(pilot, "name", "Winter", typed=True)
        await fill(pilot, "end", "2027-01-31", typed=True)
        await fill(pilot, "timezone", "Asia/Tokyo", typed=True)
        await choose(pilot, "meeting_weekday", 1)
        await fill(pilot, "meeting_time", "10:15", typed=True)
        await choose(pilot, "cadence", Cadence.BIWEEKLY)
        await fill(pilot, "skipped_dates", "2026-12-29", typed=True)
        await pilot.press("ctrl+s")
        await pilot.pause()

        [cycle] = store.cycles()
        assert (cycle.name, cycle.start, cycle.end) == (
            "Winter",
            date(2026, 10, 1),
            date(2027, 1, 31),
        )
        assert cycle.timezone == "Asia/Tokyo"
        assert (cycle.meeting_weekday, cycle.meeting_time) == (1, time(10, 15))
        assert cycle.cadence is Cadence.BIWEEKLY
        assert cycle.skipped_dates == [date(2026, 12, 29)]
        assert cycle.state is CycleState.ACTIVE  # it runs today
        assert isinstance(app.screen, PlanningScreen)
        assert app.cycle_id == cycle.id
        note = str(app.screen.query_one("#plan-note").render())
        assert "2027-01-31" in note and "Asia/Tokyo" in note


async def test_cycle_form_shows_each_error_at_its_field_and_saves_nothing(store, make_app):
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        await fill(pilot, "name", "")
        await fill(pilot, "start", "2027-02-30")
        await fill(pilot, "timezone", "Mars/Base")
        await fill(pilot, "meeting_time", "25:00")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form
        errors = form.errors_shown
        assert errors["name"] == "required"
        assert "2027-02-30" in errors["start"]
        assert "Mars/Base" in errors["timezone"]
        assert "25:00" in errors["meeting_time"]
        assert form.query_one("#timezone-error").display
        assert store.cycles() == []

        # Dates in the wrong order and a skipped date that is not a meeting.
        await fill(pilot, "name", "2027-Q1")
        await fill(pilot, "start", "2027-03-31")
        await fill(pilot, "end", "2027-01-01")
        await fill(pilot, "timezone", "UTC")
        await fill(pilot, "meeting_time", "09:00")
        await pilot.press("enter")
        await pilot.pause()
        assert form.errors_shown == {"end": "the cycle must end after it starts"}
        await fill(pilot, "start", "2027-01-01")
        await fill(pilot, "end", "2027-03-31")
        await fill(pilot, "skipped_dates", "2027-01-05, oops")
        await pilot.press("enter")
        await pilot.pause()
        assert "oops" in form.errors_shown["skipped_dates"]
        await fill(pilot, "skipped_dates", "2027-01-05")
        await pilot.press("enter")
        await pilot.pause()
        assert form.errors_shown == {"skipped_dates": "2027-01-05 is not a meeting day"}
        assert store.cycles() == []

        await pilot.press("escape")
        await pilot.pause()
        assert store.cycles() == []
        assert not isinstance(app.screen, CycleFormScreen)


async def test_new_cycle_from_planning_defaults_to_the_next_quarter(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_planning(pilot)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CycleFormScreen)
        assert form.query_one("#name", Input).value == "2027-Q1"
        assert form.query_one("#start", Input).value == "2027-01-01"
        assert form.query_one("#end", Input).value == "2027-03-31"
        assert form.query_one("#timezone", Input).value == "Europe/Berlin"
        assert form.query_one("#meeting_time", Input).value == "09:30"
        assert form.query_one("#state", Select).value is CycleState.PLANNING
        await pilot.press("ctrl+s")
        await pilot.pause()
        created = demo_store.find_cycle("2027-Q1")
        assert created.timezone == "Europe/Berlin" and created.state is CycleState.PLANNING
        assert app.screen is screen
        assert app.cycle_id == created.id
        assert tree_labels(screen)[0].startswith("Company")


async def test_a_fiscal_year_set_in_the_cycle_form_names_the_next_quarter(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_planning(pilot)
        await pilot.press("e")
        await pilot.pause()
        await choose(pilot, "fiscal_start_month", 10)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert demo_store.find_cycle("2026-Q4").fiscal_start_month == 10
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CycleFormScreen)
        # A fiscal year from October: January to March 2027 is its second quarter of FY2027.
        assert form.query_one("#name", Input).value == "FY2027-Q2"
        assert form.query_one("#start", Input).value == "2027-01-01"
        assert form.query_one("#fiscal_start_month", Select).value == 10
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert demo_store.find_cycle("FY2027-Q2").fiscal_start_month == 10


async def test_a_new_cycle_that_overlaps_another_is_refused_at_its_start(demo_store, make_app):
    """A second cycle over the running quarter was accepted: which one was current, and what
    was due, then depended on which of the two the app picked."""
    before = demo_store.cycles()
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_planning(pilot)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        await fill(pilot, "start", "2026-12-14")  # 2026-Q4 runs to 2026-12-31
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert form.errors_shown == {
            "start": "falls within 2026-Q4 (2026-10-01 to 2026-12-31): start after 2026-12-31"
        }
        assert demo_store.cycles() == before
        await fill(pilot, "start", "2027-01-01")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is not form
        assert [c.name for c in demo_store.cycles()] == [c.name for c in before] + ["2027-Q1"]


async def test_an_edit_that_overlaps_a_neighbour_says_which_date_to_move(demo_store, make_app):
    q4 = demo_store.find_cycle("2026-Q4")
    demo_store.save_cycle(
        q4.model_copy(
            update={
                "id": "cycle-2027-q1",
                "name": "2027-Q1",
                "start": date(2027, 1, 4),
                "end": date(2027, 3, 31),
                "state": CycleState.PLANNING,
            }
        )
    )
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_planning(pilot)
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        await fill(pilot, "end", "2027-01-15")
        await pilot.press("enter")
        await pilot.pause()
        assert form.errors_shown == {
            "end": "reaches into 2027-Q1 (2027-01-04 to 2027-03-31): end before 2027-01-04"
        }
        assert demo_store.find_cycle("2026-Q4") == q4
        # 2026-Q3 is closed: it owes nothing any more, so its days do not block.
        await fill(pilot, "end", "2026-12-31")
        await fill(pilot, "start", "2026-09-28")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is not form
    assert demo_store.find_cycle("2026-Q4").start == date(2026, 9, 28)


def test_suggested_cycle_on_an_empty_store_is_the_quarter_of_today(store):
    cycle = suggested_cycle(store.cycles(), store.clock.now())
    assert (cycle.name, cycle.start, cycle.end) == (
        "2026-Q4",
        date(2026, 10, 1),
        date(2026, 12, 31),
    )
    assert cycle.timezone == "UTC" and cycle.state is CycleState.ACTIVE


async def test_editing_the_cycle_saves_the_new_meeting_time(demo_store, make_app):
    app = make_app(demo_store)
    cycle = demo_store.find_cycle("2026-Q4")
    async with app.run_test(size=(100, 30)) as pilot:
        await open_planning(pilot)
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CycleFormScreen)
        await fill(pilot, "name", "2026-Q3")
        await fill(pilot, "meeting_time", "11:00")
        await pilot.press("enter")
        await pilot.pause()
        assert form.errors_shown == {"name": "a cycle called '2026-Q3' already exists"}
        assert demo_store.cycle(cycle.id).meeting_time == time(9, 30)
        await fill(pilot, "name", "2026-Q4")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlanningScreen)
        assert demo_store.cycle(cycle.id).meeting_time == time(11, 0)
        assert demo_store.cycle(cycle.id).name == "2026-Q4"


async def test_planning_without_a_cycle_offers_to_create_one(store, make_app):
    store.save_team(Team(name="Growth"))
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_planning(pilot)
        assert "No cycle yet" in str(screen.query_one("#plan-note").render())
        await pilot.press("o")
        await pilot.pause()
        assert app.screen is screen  # nothing to add an objective to
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        [cycle] = store.cycles()
        assert cycle.name == "2026-Q4" and app.cycle_id == cycle.id
        assert app.screen is screen
        assert "2026-10-01" in str(screen.query_one("#plan-note").render())


# --- objectives and key results -------------------------------------------------------------


async def test_add_an_objective_and_two_key_results(store, make_app):
    cycle, team = planned(store)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen, form = await open_from_plan(pilot, PlanNode.TEAM, team.id, "o")
        assert isinstance(app.screen, ObjectiveFormScreen)
        assert app.screen.query_one("#team_id", Select).value == team.id
        await fill(pilot, "title", "Onboard fast")
        await fill(pilot, "owner", "Amara")
        await pilot.press("enter")
        await pilot.pause()
        [objective] = store.objectives(cycle.id)
        assert (objective.title, objective.team_id, objective.owner) == (
            "Onboard fast",
            team.id,
            "Amara",
        )
        assert objective.level is Level.TEAM
        assert screen.highlighted() == (PlanNode.OBJECTIVE, objective.id)

        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, KeyResultFormScreen)
        await fill(pilot, "title", "Lift activation to 45%")
        await fill(pilot, "unit", "%")
        await fill(pilot, "baseline", "30")
        await fill(pilot, "target", "45")
        await pilot.press("enter")
        await pilot.pause()

        # The cursor now sits on the new key result: k adds another to the same objective.
        await pilot.press("k")
        await pilot.pause()
        await fill(pilot, "title", "Cut setup to 1 day")
        await choose(pilot, "kr_type", KrType.DECREASE)
        await fill(pilot, "unit", "days")
        await fill(pilot, "baseline", "3")
        await fill(pilot, "target", "1")
        await fill(pilot, "weight", "2")
        await pilot.press("ctrl+s")
        await pilot.pause()

        krs = {kr.title: kr for kr in store.key_results(cycle.id)}
        first = krs["Lift activation to 45%"]
        second = krs["Cut setup to 1 day"]
        assert (first.kr_type, first.unit, first.baseline, first.target) == (
            KrType.INCREASE,
            "%",
            30.0,
            45.0,
        )
        assert (second.kr_type, second.baseline, second.target, second.weight) == (
            KrType.DECREASE,
            3.0,
            1.0,
            2.0,
        )
        assert first.objective_id == second.objective_id == objective.id
        assert first.owner == "Amara"  # the objective's owner is offered
        labels = tree_labels(screen)
        assert any(label.startswith("Lift activation to 45%  30% → 45%") for label in labels)
        assert any("3 days → 1 days" in label for label in labels)
        # Two measurable key results: nothing to advise.
        assert screen.query_one(PlanCheck).advice == ()


async def test_milestone_hides_baseline_and_target(store, make_app):
    cycle, team = planned(store)
    objective = store.save_objective(Objective(cycle_id=cycle.id, team_id=team.id, title="Ship"))
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen, form = await open_from_plan(pilot, PlanNode.OBJECTIVE, objective.id, "k")
        await choose(pilot, "kr_type", KrType.MILESTONE)
        assert not form.query_one("#target-field").display
        await fill(pilot, "title", "Pricing page live")
        await pilot.press("ctrl+s")
        await pilot.pause()
        [kr] = store.key_results(cycle.id)
        assert (kr.kr_type, kr.baseline, kr.target) == (KrType.MILESTONE, 0.0, 1.0)


async def test_typing_into_a_number_field_replaces_what_it_holds(store, make_app):
    """Tab to the baseline (0) and the weight (1) and type: the typed number replaces the one
    shown (the weight read 12 after tabbing in and typing 2)."""
    cycle, team = planned(store)
    objective = store.save_objective(
        Objective(cycle_id=cycle.id, team_id=team.id, title="Onboard fast", owner="Amara")
    )
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen, form = await open_from_plan(pilot, PlanNode.OBJECTIVE, objective.id, "k")
        assert isinstance(app.screen, KeyResultFormScreen)
        await pilot.press(*"Lift activation", "tab", "tab", "%", "tab")
        assert app.screen.focused.id == "baseline"
        await pilot.press("3", "0", "tab", "4", "5", "tab", "tab")
        assert app.screen.focused.id == "weight"
        await pilot.press("2")
        assert [
            app.screen.query_one(f"#{name}", Input).value for name in ("baseline", "weight")
        ] == [
            "30",
            "2",
        ]
        await pilot.press("left", "1")  # an arrow still edits in place
        assert app.screen.query_one("#weight", Input).value == "12"
        await pilot.press("backspace", "enter")
        await pilot.pause()
    [kr] = store.key_results(cycle.id)
    assert (kr.title, kr.unit, kr.baseline, kr.target, kr.weight) == (
        "Lift activation",
        "%",
        30.0,
        45.0,
        2.0,
    )


async def test_key_result_form_refuses_bad_input_at_the_field(store, make_app):
    cycle, team = planned(store)
    objective = store.save_objective(Objective(cycle_id=cycle.id, team_id=team.id, title="Grow"))
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen, form = await open_from_plan(pilot, PlanNode.OBJECTIVE, objective.id, "k")
        await fill(pilot, "target", "abc")
        await pilot.press("enter")
        await pilot.pause()
        assert form.errors_shown == {"title": "required", "target": "'abc' is not a number"}
        assert form.query_one("#title-error").display
        assert form.query_one("#target-field").has_class("-has-error")
        assert store.key_results(cycle.id) == []

        await fill(pilot, "title", "Grow revenue to 10k")
        await fill(pilot, "baseline", "10")
        await fill(pilot, "target", "10")
        await pilot.press("enter")
        await pilot.pause()
        assert form.errors_shown == {"target": "baseline and target must differ"}
        assert not form.query_one("#title-error").display
        await fill(pilot, "target", "1,5")
        await pilot.press("enter")
        await pilot.pause()
        assert "use a dot for decimals" in form.errors_shown["target"]
        assert store.key_results(cycle.id) == []

        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert store.key_results(cycle.id) == []


async def test_a_message_goes_once_its_field_changes(store, make_app):
    """A message describes what was saved: after the type went back from "decrease" to
    "increase", the form still said "a 'decrease' key result needs a target below its
    baseline" until the next save."""
    cycle, team = planned(store)
    objective = store.save_objective(Objective(cycle_id=cycle.id, team_id=team.id, title="Grow"))
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen, form = await open_from_plan(pilot, PlanNode.OBJECTIVE, objective.id, "k")
        await fill(pilot, "baseline", "30")
        await fill(pilot, "target", "45")
        await fill(pilot, "weight", "0")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert set(form.errors_shown) == {"title", "weight"}
        await fill(pilot, "title", "Lift activation", typed=True)
        assert set(form.errors_shown) == {"weight"}  # untouched: still true
        assert not form.query_one("#title-error").display
        await fill(pilot, "weight", "1")
        await choose(pilot, "kr_type", KrType.DECREASE)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert form.errors_shown == {
            "target": "a 'decrease' key result needs a target below its baseline"
        }
        await choose(pilot, "kr_type", KrType.INCREASE)
        assert form.errors_shown == {}
        assert not form.query_one("#target-error").display
        assert not form.query_one("#target-field").has_class("-has-error")
        # Typed in one burst with the save, a wrong value keeps its message: the Changed
        # messages of its keys arrive after the save has shown it (they wiped it, and nothing
        # said why the form stayed open).
        form.query_one("#weight", Input).focus()
        await pilot.press("end", "ctrl+u")
        burst(app, *"0.0", "ctrl+s")
        await pilot.pause()
        assert form.errors_shown == {"weight": "input should be greater than 0"}
        assert form.query_one("#weight-error").display
        await fill(pilot, "weight", "1")
        assert form.errors_shown == {}
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        [kr] = store.key_results(cycle.id)
        assert (kr.title, kr.kr_type, kr.baseline, kr.target) == (
            "Lift activation",
            KrType.INCREASE,
            30.0,
            45.0,
        )


async def test_objective_form_needs_a_title(store, make_app):
    cycle, _team = planned(store)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_planning(pilot)
        await pilot.press("o")
        await pilot.pause()
        form = app.screen
        await fill(pilot, "title", "   ")
        await pilot.press("enter")
        await pilot.pause()
        assert form.errors_shown == {"title": "required"}
        assert store.objectives(cycle.id) == []


async def test_editing_a_target_keeps_old_new_and_reason_in_the_audit(demo_store, make_app):
    cycle_id, kr = paying_customers_kr(demo_store)
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen, form = await open_key_result_form(pilot, kr)
        assert form.query_one("#target", Input).value == "500"
        await fill(pilot, "target", "450")
        await fill(pilot, "reason", "Two enterprise deals slipped to Q1")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert demo_store.key_result(cycle_id, kr.id).target == 450.0
        [entry] = [e for e in demo_store.audit(cycle_id, kr.id) if e.field == "target"]
        assert (entry.old, entry.new) == (500.0, 450.0)
        assert entry.reason == "Two enterprise deals slipped to Q1"
        assert screen.highlighted() == (PlanNode.KEY_RESULT, kr.id)


async def test_keys_typed_after_enter_in_a_form_stay_out_of_what_it_saves(demo_store, make_app):
    """ "Slipped⏎12" in one burst: Enter saves the reason as typed before it; the "12" after it
    reached the field before the save read it ("Slipped12")."""
    cycle_id, kr = paying_customers_kr(demo_store)
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen, _ = await open_key_result_form(pilot, kr)
        await fill(pilot, "target", "450")
        await fill(pilot, "reason", "")
        burst(app, *"Slipped", "enter", "1", "2")
        for _ in range(3):
            await pilot.pause()
        assert app.screen is screen
        [entry] = [e for e in demo_store.audit(cycle_id, kr.id) if e.field == "target"]
        assert (entry.new, entry.reason) == (450.0, "Slipped")


async def test_an_edit_is_refused_when_the_key_result_changed_elsewhere_meanwhile(
    demo_store, make_app
):
    """While the form is open, someone else (another okr window, the CLI) changes the key
    result: saving says so at the form and keeps their change instead of undoing it."""
    cycle_id, kr = paying_customers_kr(demo_store)
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        _, form = await open_key_result_form(pilot, kr)
        other_process = OkrStore(demo_store.folder, demo_store.clock)
        other_process.save_key_result(kr.model_copy(update={"owner": "Bo"}))
        await fill(pilot, "target", "450")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form  # still open, nothing lost
        assert "changed elsewhere since you opened it" in form.errors_shown["form"]
        assert "changed elsewhere" in screen_text(app)
        stored = OkrStore(demo_store.folder, demo_store.clock).key_result(cycle_id, kr.id)
        assert (stored.owner, stored.target) == ("Bo", 500.0)


async def test_a_save_the_disk_refuses_keeps_the_form_open_with_the_reason(
    demo_store, make_app, monkeypatch
):
    from okr_tui.store.errors import StoreError

    _, kr = paying_customers_kr(demo_store)

    def disk_full(*args, **kwargs):
        raise StoreError(demo_store.folder, "could not be saved (No space left on device)")

    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        _, form = await open_key_result_form(pilot, kr)
        monkeypatch.setattr(demo_store, "save_key_result", disk_full)
        await fill(pilot, "target", "450")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form
        assert form.errors_shown == {
            "form": "Not saved: could not be saved (No space left on device)"
        }
        assert "No space left on device" in screen_text(app)


async def test_retire_a_key_result_with_a_reason(demo_store, make_app, clock):
    cycle_id, kr = paying_customers_kr(demo_store)
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen, form = await open_from_plan(pilot, PlanNode.KEY_RESULT, kr.id, "x")
        assert isinstance(form, RetireDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert "reason" in form.errors_shown
        assert demo_store.key_result(cycle_id, kr.id).status is Status.ACTIVE
        await pilot.press(*"Merged into NRR")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        retired = demo_store.key_result(cycle_id, kr.id)
        assert retired.status is Status.RETIRED
        assert retired.retired_reason == "Merged into NRR"
        assert retired.retired_at == clock.now()
        [entry] = [e for e in demo_store.audit(cycle_id, kr.id) if e.field == "status"]
        assert (entry.old, entry.new, entry.reason) == ("active", "retired", "Merged into NRR")
        label = next(lb for lb in tree_labels(screen) if lb.startswith("Reach 500"))
        assert label.endswith("retired")
        # Retiring twice asks nothing.
        await pilot.press("x")
        await pilot.pause()
        assert app.screen is screen


async def test_retire_an_objective(demo_store, make_app):
    cycle = demo_store.find_cycle("2026-Q4")
    objective = next(o for o in demo_store.objectives(cycle.id) if o.team_id is None)
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen, form = await open_from_plan(pilot, PlanNode.OBJECTIVE, objective.id, "x")
        await pilot.press(*"Folded into the Growth objective", "enter")
        await pilot.pause()
        saved = next(o for o in demo_store.objectives(cycle.id) if o.id == objective.id)
        assert saved.status is Status.RETIRED
        assert saved.retired_reason == "Folded into the Growth objective"


async def test_a_closed_cycle_is_read_only(demo_store, make_app):
    closed = demo_store.find_cycle("2026-Q3")
    before = demo_store.objectives(closed.id)
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.cycle_id = closed.id
        screen = await open_planning(pilot)
        assert "is closed" in str(screen.query_one("#plan-note").render())
        assert tree_labels(screen)  # the old plan is still shown
        for key in ("o", "k", "x", "e", "enter"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen, key
        assert demo_store.objectives(closed.id) == before


async def test_team_filter_narrows_the_plan(demo_store, make_app):
    sales = demo_store.team_named("Sales")
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_planning(pilot)
        app.team_id = sales.id
        await pilot.pause()
        teams = [label for label in tree_labels(screen) if label in ("Company", "Growth", "Sales")]
        assert teams == ["Company", "Sales"]
        assert not any(label.startswith("Increase activation") for label in tree_labels(screen))


# --- plan check -----------------------------------------------------------------------------


async def test_plan_check_lists_an_activity_and_a_crowded_team(store, make_app):
    cycle, team = planned(store)
    objectives = [
        store.save_objective(Objective(cycle_id=cycle.id, team_id=team.id, title=f"Goal {n}"))
        for n in range(1, 5)
    ]
    store.save_key_result(
        KeyResult(
            cycle_id=cycle.id,
            objective_id=objectives[0].id,
            title="Publish 10 blog posts",
            target=10,
        )
    )
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_planning(pilot)
        text = plan_check_text(screen)
        assert "Growth: 4 active objectives" in text
        assert '"Publish 10 blog posts": this reads like an output; which outcome' in text
        assert '"Goal 2" has 0 active key results' in text

        # Advice never blocks: a fifth objective still saves.
        await move_to(pilot, screen, PlanNode.TEAM, team.id)
        await pilot.press("o")
        await pilot.pause()
        await fill(pilot, "title", "Goal 5")
        await pilot.press("enter")
        await pilot.pause()
        assert len(store.objectives(cycle.id)) == 5
        assert "Growth: 5 active objectives" in plan_check_text(screen)


# --- user text is data ----------------------------------------------------------------------


async def test_hostile_titles_are_stored_and_shown_as_typed(store, make_app):
    bold, click, brackets = HOSTILE
    cycle, team = planned(store)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_planning(pilot)
        # A company objective, a key result under it, and a team objective aligned to it.
        await pilot.press("o")
        await pilot.pause()
        await fill(pilot, "title", bold, typed=True)
        await pilot.press("enter")
        await pilot.pause()
        [company] = store.objectives(cycle.id)
        assert company.title == bold and company.level is Level.COMPANY

        await pilot.press("k")
        await pilot.pause()
        assert bold in str(app.screen.query_one("#form-title").render())
        await fill(pilot, "title", click, typed=True)
        await fill(pilot, "target", "5")
        await pilot.press("enter")
        await pilot.pause()
        [kr] = store.key_results(cycle.id)
        assert kr.title == click

        await move_to(pilot, screen, PlanNode.TEAM, team.id)
        await pilot.press("o")
        await pilot.pause()
        await choose(pilot, "parent_id", company.id)
        await fill(pilot, "title", brackets, typed=True)
        await pilot.press("enter")
        await pilot.pause()
        aligned = next(o for o in store.objectives(cycle.id) if o.team_id == team.id)
        assert (aligned.title, aligned.parent_id) == (brackets, company.id)

        labels = tree_labels(screen)
        for title in HOSTILE:
            assert sum(label.startswith(f"{title}  ") for label in labels) == 1, title
        advice = plan_check_text(screen)
        assert f'"{click}" has no number in it' in advice
        assert f'"{brackets}" has 0 active key results' in advice
        assert f'"{bold}" has 1 active key result' in advice

        # The edit form (with the parent Select) and the retire form show them as typed.
        await move_to(pilot, screen, PlanNode.OBJECTIVE, aligned.id)
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert brackets in str(form.query_one("#form-title").render())
        assert bold in str(form.query_one("#parent_id").query_one("#label").render())
        await pilot.press("escape")
        await pilot.pause()
        await move_to(pilot, screen, PlanNode.KEY_RESULT, kr.id)
        await pilot.press("x")
        await pilot.pause()
        assert click in str(app.screen.query_one("#form-title").render())
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running and app.screen is screen


def board_line_after(shown: str, title: str) -> str:
    """The dashboard line under a key result's title: its bar, figures and what it owes."""
    lines = shown.splitlines()
    index = next(i for i, line in enumerate(lines) if title in line)
    return lines[index + 1]


async def test_a_key_result_added_mid_cycle_owes_only_the_meetings_since(store, clock, make_app):
    """A key result added in week 8 showed "8 due": every earlier meeting counted as missed."""
    cycle, team = planned(store)
    objective = store.save_objective(Objective(cycle_id=cycle.id, team_id=team.id, title="Grow"))
    store.save_key_result(
        KeyResult(
            cycle_id=cycle.id,
            objective_id=objective.id,
            title="Planned with the quarter",
            created_at="2026-09-30T12:00:00Z",
        )
    )
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, form = await open_from_plan(pilot, PlanNode.OBJECTIVE, objective.id, "k")
        await fill(pilot, "title", "Added at the meeting")
        await fill(pilot, "baseline", "30")
        await fill(pilot, "target", "45")
        await pilot.press("ctrl+s")
        await pilot.pause()
        # The next day (Tuesday), another one: its first check-in is due next Monday.
        clock.advance(days=1)
        await pilot.press("k")
        await pilot.pause()
        await fill(pilot, "title", "Added the day after")
        await fill(pilot, "baseline", "30")
        await fill(pilot, "target", "45")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        shown = screen_text(app)

    krs = {kr.title: kr for kr in store.key_results(cycle.id)}
    assert krs["Added at the meeting"].created_at == clock.now().subtract(days=1)
    assert krs["Added the day after"].created_at == clock.now()
    assert "1 due · 7 missed" in board_line_after(shown, "Planned with the quarter")
    assert "1 due" in board_line_after(shown, "Added at the meeting")
    assert "new: due next meeting" in board_line_after(shown, "Added the day after")


async def test_a_key_result_added_after_the_last_meeting_is_not_due_at_a_next_one(
    store, clock, make_app
):
    """It read "new: due next meeting" though the cycle had no meeting left."""
    cycle, team = planned(store)
    objective = store.save_objective(Objective(cycle_id=cycle.id, team_id=team.id, title="Grow"))
    for title, added in (
        ("Added before the last meeting", "2026-12-22T10:00:00Z"),  # owes Mon 28 Dec
        ("Added after the last meeting", "2026-12-29T10:00:00Z"),  # the cycle ends Thu 31 Dec
    ):
        clock.set(added)
        store.save_key_result(
            KeyResult(cycle_id=cycle.id, objective_id=objective.id, title=title, target=10)
        )
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        shown = screen_text(app)
    assert "1 due" in board_line_after(shown, "Added before the last meeting")
    line = board_line_after(shown, "Added after the last meeting")
    assert "new: no meeting left this cycle" in line and "next meeting" not in line


def test_editing_a_key_result_keeps_the_day_it_was_added(store, clock):
    cycle, team = planned(store)
    objective = store.save_objective(Objective(cycle_id=cycle.id, team_id=team.id, title="Grow"))
    kr = store.save_key_result(
        KeyResult(cycle_id=cycle.id, objective_id=objective.id, title="Lift activation")
    )
    assert kr.created_at == clock.now()
    clock.advance(days=9)
    # An editor that builds the key result afresh from its fields (no stamp) keeps the stored one.
    fields = kr.model_dump(exclude={"created_at"}) | {"title": "Lift activation to 45%"}
    edited = store.save_key_result(KeyResult(**fields), expected=kr)
    assert edited.created_at == kr.created_at
    assert store.key_result(cycle.id, kr.id).created_at == kr.created_at
