"""The check-in walkthrough: set-up, steps, keystroke budget, resume, corrections, summary."""

from __future__ import annotations

import stat
from datetime import UTC, date, datetime, time

import pytest
from textual.widgets import Input, RadioButton, SelectionList

from okr_tui.domain import board, cadence
from okr_tui.domain.models import (
    Action,
    CheckIn,
    Confidence,
    Cycle,
    CycleState,
    KeyResult,
    KrType,
    Objective,
    Team,
)
from okr_tui.domain.progress import delta_text, effective_check_ins, value_text
from okr_tui.domain.walkthrough import (
    WalkOrder,
    field_text,
    meeting_summary,
    start_index,
    step_facts,
    summary_markdown,
    walk_lines,
)
from okr_tui.screens.dashboard import DashboardScreen
from okr_tui.screens.dialogs.action_dialog import ActionDialog
from okr_tui.screens.dialogs.open_actions_dialog import OpenActionsDialog
from okr_tui.screens.dialogs.park_dialog import ParkDialog
from okr_tui.screens.walk.meeting_summary import SECTION_TITLES, MeetingSummaryScreen
from okr_tui.screens.walk.walkthrough import WalkthroughScreen
from okr_tui.screens.walk.walkthrough_setup import WalkthroughSetupScreen, parse_timebox
from okr_tui.store.store import OkrStore
from okr_tui.widgets.key_footer import KeyFooter
from tests.key_bursts import burst
from tests.screen_reading import screen_text

MEETING = date(2026, 11, 23)
NASTY_OBJECTIVE = "[bold]Grow[/] 50% [x]"
NASTY_KR = "Cut costs [red]now[/] [@click=app.quit]x[/]"


# --- helpers --------------------------------------------------------------------------------


class Keys:
    """Presses keys through the pilot and counts every one of them."""

    def __init__(self, pilot) -> None:
        self.pilot = pilot
        self.count = 0

    async def __call__(self, *keys: str) -> None:
        self.count += len(keys)
        await self.pilot.press(*keys)
        await self.pilot.pause()

    async def type(self, text: str) -> None:
        await self(*list(text))


def shown(screen, selector: str) -> str:
    """The plain text a Static shows."""
    return str(screen.query_one(selector).content)


def section(title: str) -> str:
    """The selector of the summary's section of that title."""
    return f"#summary-section-{SECTION_TITLES.index(title)}"


def meeting_check_ins(store, cycle_id: str) -> list[CheckIn]:
    return [c for c in effective_check_ins(store.check_ins(cycle_id)) if c.meeting_date == MEETING]


def meeting_records(store, cycle_id: str, team_id: str | None) -> list:
    """That team's records of this meeting, as another process reads them from disk."""
    fresh = OkrStore(store.folder, store.clock)
    return [
        m for m in fresh.meetings(cycle_id) if m.meeting_date == MEETING and m.team_id == team_id
    ]


def lines_of(store, cycle) -> list[board.KeyResultLine]:
    return board.key_result_lines(
        cycle,
        store.objectives(cycle.id),
        store.key_results(cycle.id),
        store.check_ins(cycle.id),
        store.clock.now(),
    )


def build_team(store, *, objectives: int = 3, per_objective: int = 4, titles=None) -> Cycle:
    """A fresh store with one team, `objectives` x `per_objective` increase KRs (0 -> 100 %),
    and an active cycle around the clock's date (Mondays 09:30 Berlin)."""
    cycle = store.save_cycle(
        Cycle(
            name="2026-Q4",
            start=date(2026, 10, 1),
            end=date(2026, 12, 31),
            timezone="Europe/Berlin",
            meeting_weekday=0,
            meeting_time=time(9, 30),
            state=CycleState.ACTIVE,
        )
    )
    team = store.save_team(Team(name="Platform", members=["Ada", "Bo", "Cy"], facilitator="Ada"))
    for o in range(objectives):
        title = titles[0] if titles else f"Objective {o + 1}"
        objective = store.save_objective(
            Objective(cycle_id=cycle.id, team_id=team.id, title=title, order=o)
        )
        for k in range(per_objective):
            kr_title = titles[1] if titles else f"KR {o + 1}.{k + 1}"
            store.save_key_result(
                KeyResult(
                    cycle_id=cycle.id,
                    objective_id=objective.id,
                    title=kr_title,
                    unit="%",
                    baseline=0,
                    target=100,
                    order=k,
                )
            )
    return cycle


async def start_walk(keys: Keys) -> WalkthroughScreen:
    """From the dashboard: c opens the set-up, Enter starts with the defaults."""
    await keys("c")
    assert isinstance(keys.pilot.app.screen, WalkthroughSetupScreen)
    await keys("enter")
    screen = keys.pilot.app.screen
    assert isinstance(screen, WalkthroughScreen)
    return screen


# --- domain ---------------------------------------------------------------------------------


def test_start_index_is_the_first_open_key_result_or_the_first_when_all_are_done():
    assert start_index([True, True, False, False]) == 2
    assert start_index([False, True]) == 0
    assert start_index([True, True]) == 0
    assert start_index([]) == 0


def test_an_all_teams_walk_goes_team_by_team_as_the_dashboard_lists_them(demo_store):
    """An objective added later to the first team was walked after every other team's; the
    walk follows the dashboard: company objectives, then each team's in team order."""
    cycle = demo_store.current_cycle()
    first_team = demo_store.teams()[0]
    late = demo_store.save_objective(
        Objective(cycle_id=cycle.id, team_id=first_team.id, title="Added in week 8", order=9)
    )
    demo_store.save_key_result(
        KeyResult(cycle_id=cycle.id, objective_id=late.id, title="Late KR", baseline=0, target=10)
    )
    lines = lines_of(demo_store, cycle)
    team_order = [team.id for team in demo_store.teams()]
    walked = walk_lines(lines, None, WalkOrder.TEAM, team_order)
    teams_walked = [line.objective.team_id for line in walked]
    assert teams_walked == sorted(
        teams_walked, key=lambda t: -1 if t is None else team_order.index(t)
    )
    position = [line.kr.title for line in walked].index("Late KR")
    assert walked[position - 1].objective.team_id == first_team.id
    assert walked[position + 1].objective.team_id != first_team.id


def test_needs_talk_first_orders_by_the_largest_drop_or_gap(demo_store):
    cycle = demo_store.current_cycle()
    lines = lines_of(demo_store, cycle)
    ordered = walk_lines(lines, None, WalkOrder.NEEDS_TALK)
    scores = [line.needs_talk_score for line in ordered]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > scores[-1]
    assert {line.kr.id for line in ordered} == {line.kr.id for line in lines}
    # team order keeps the objective order
    assert walk_lines(lines, None) == lines


def test_walk_lines_of_one_team_leave_other_teams_and_company_out(demo_store):
    cycle = demo_store.current_cycle()
    sales = demo_store.team_named("Sales")
    lines = walk_lines(lines_of(demo_store, cycle), sales.id)
    assert len(lines) == 3
    assert {line.objective.team_id for line in lines} == {sales.id}


def test_step_facts_separate_last_meeting_from_this_one(demo_store, clock):
    cycle = demo_store.current_cycle()
    kr = demo_store.key_results(cycle.id)[0]
    before = step_facts(kr, demo_store.check_ins(cycle.id), MEETING)
    assert before.this_meeting is None
    assert before.last is not None and before.last.meeting_date == date(2026, 11, 16)
    assert before.before_last.meeting_date == date(2026, 11, 9)
    assert before.suggested_value == before.last.value
    demo_store.add_check_in(
        CheckIn(
            cycle_id=cycle.id,
            kr_id=kr.id,
            meeting_date=MEETING,
            value=before.last.value + 1,
            confidence=Confidence.OFF_TRACK,
            recorded_at=clock.now(),
        )
    )
    after = step_facts(kr, demo_store.check_ins(cycle.id), MEETING)
    assert after.last == before.last
    assert after.this_meeting is not None
    assert after.suggested_value == before.last.value + 1
    assert after.suggested_confidence is Confidence.OFF_TRACK


def test_summary_and_markdown_notes(demo_store, clock):
    cycle = demo_store.current_cycle()
    sales = demo_store.team_named("Sales")
    walked = [line.kr for line in walk_lines(lines_of(demo_store, cycle), sales.id)]
    first, second, third = walked
    last_value = step_facts(first, demo_store.check_ins(cycle.id), MEETING).last_value
    for kr, value, confidence, blockers in (
        (first, last_value + 7, Confidence.ON_TRACK, ""),
        (second, 40, Confidence.OFF_TRACK, "Legal queue"),
    ):
        demo_store.add_check_in(
            CheckIn(
                cycle_id=cycle.id,
                kr_id=kr.id,
                meeting_date=MEETING,
                value=value,
                confidence=confidence,
                blockers=blockers,
                recorded_at=clock.now(),
            )
        )
    action = demo_store.save_action(
        Action(
            cycle_id=cycle.id,
            kr_id=second.id,
            text="Book a second demo",
            owner="Gus",
            created_at=clock.now(),
            meeting_date=MEETING,
        )
    )
    summary = meeting_summary(
        walked,
        demo_store.check_ins(cycle.id),
        demo_store.actions(cycle.id),
        MEETING,
        team_name="Sales",
        facilitator="Elif",
        attendees=["Elif", "Gus"],
        parked_topics=["Pricing for partners"],
    )
    assert [m.kr.id for m in summary.moved][0] == first.id
    assert summary.moved[0].delta == pytest.approx(7)
    assert [kr.id for kr, _ in summary.off_track] == [second.id]
    assert [kr.id for kr in summary.missing] == [third.id]
    assert summary.blockers == ((second, "Legal queue"),)
    assert summary.action_ids == [action.id]
    assert len(summary.check_in_ids) == 2
    notes = summary_markdown(summary)
    assert notes.startswith("# Check-in 2026-11-23 · Sales")
    assert "+7 leads" in notes
    assert "Book a second demo · owner: Gus" in notes
    assert "- Pricing for partners" in notes
    assert "## No update\n\n- " + third.title in notes


def test_values_read_as_people_write_them(demo_store):
    cycle = demo_store.current_cycle()
    krs = demo_store.key_results(cycle.id)
    milestone = next(kr for kr in krs if kr.kr_type is KrType.MILESTONE)
    days = next(kr for kr in krs if kr.unit == "days")
    assert (field_text(0, milestone), field_text(1, milestone)) == ("not done", "done")
    assert value_text(milestone, 1) == "done"
    assert (delta_text(milestone, 1), delta_text(milestone, -1)) == ("now done", "no longer done")
    assert (field_text(33.5, days), value_text(days, 33.5)) == ("33.5", "33.5 days")
    assert (delta_text(days, -2), delta_text(days, 0)) == ("-2 days", "±0")


def test_timebox_minutes_are_whole_numbers():
    assert parse_timebox("") == 0
    assert parse_timebox("3") == 3
    for bad in ("-1", "1.5", "abc", "500"):
        with pytest.raises(ValueError):
            parse_timebox(bad)


# --- Pilot flows ----------------------------------------------------------------------------


async def test_a_complete_walk_of_the_sales_team_saves_every_key_result(demo_store, make_app):
    app = make_app(demo_store)
    cycle = demo_store.current_cycle()
    sales = demo_store.team_named("Sales")
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        await keys("c")
        assert isinstance(app.screen, WalkthroughSetupScreen)
        # From the Start button back to the team list, pick Sales, start with ctrl+s.
        await keys("shift+tab", "shift+tab", "shift+tab", "shift+tab", "shift+tab")
        await keys("down", "down", "enter")
        await keys("ctrl+s")
        screen = app.screen
        assert isinstance(screen, WalkthroughScreen)
        assert screen.settings.team_id == sales.id
        assert screen.settings.attendees == ("Elif", "Femi", "Gus", "Hana")
        assert screen.settings.facilitator == "Elif"
        assert "KR 1 of 3" in shown(screen, "#walk-position")
        first_kr = screen.line.kr
        assert first_kr.title == "Increase qualified leads per month from 120 to 200"
        assert app.focused is screen.query_one("#walk-value")

        await keys.type("170")
        await keys("enter", "g")
        assert "KR 2 of 3" in shown(screen, "#walk-position")
        await keys.type("44")
        await keys("tab")
        await keys.type("Two deals")
        await keys("tab")
        await keys.type("SE away")
        await keys("enter", "y")
        assert "KR 3 of 3" in shown(screen, "#walk-position")
        last_week = screen._facts.last.confidence
        await keys.type("33")
        await keys("enter", "enter")  # Enter keeps last week's confidence

        assert isinstance(app.screen, MeetingSummaryScreen)
        summary = app.screen.summary
        assert len(summary.checked_in) == 3 and not summary.missing
        assert "Blockers (1)" in shown(app.screen, section("Blockers"))
        await keys("enter")
        assert isinstance(app.screen, DashboardScreen)

    saved = {c.kr_id: c for c in meeting_check_ins(demo_store, cycle.id)}
    sales_lines = walk_lines(lines_of(demo_store, cycle), sales.id)
    assert set(saved) == {line.kr.id for line in sales_lines}
    by_title = {line.kr.title: saved[line.kr.id] for line in sales_lines}
    leads = by_title["Increase qualified leads per month from 120 to 200"]
    assert (leads.value, leads.confidence, leads.author) == (170, Confidence.ON_TRACK, "Elif")
    demo = by_title["Improve demo-to-proposal conversion from 35% to 50%"]
    assert (demo.value, demo.confidence) == (44, Confidence.AT_RISK)
    assert (demo.note, demo.blockers) == ("Two deals", "SE away")
    cycle_days = by_title["Reduce the average sales cycle from 42 days to 30 days"]
    assert (cycle_days.value, cycle_days.confidence) == (33, last_week)
    assert all(c.recorded_at == demo_store.clock.now() for c in saved.values())
    [meeting] = [m for m in demo_store.meetings(cycle.id) if m.meeting_date == MEETING]
    assert meeting.team_id == sales.id
    assert meeting.facilitator == "Elif"
    assert meeting.attendees == ["Elif", "Femi", "Gus", "Hana"]
    assert sorted(meeting.check_in_ids) == sorted(c.id for c in saved.values())
    assert meeting.is_closed


async def test_twelve_key_results_take_at_most_60_keystrokes(store, make_app):
    cycle = build_team(store)
    app = make_app(store)
    confidences = ["g", "y", "r", "1", "2", "3"]
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        screen = await start_walk(keys)
        walk = screen.query_one("#walk")
        for step in range(12):
            assert f"KR {step + 1} of 12" in shown(screen, "#walk-position")
            # Every step fits 100x30: the last row sits inside the walk area, above the footer.
            for widget in walk.query("*"):
                if widget.display and widget.region.height:
                    assert walk.region.contains_region(widget.region), widget
            await keys.type(str(10 + step))
            await keys("enter", confidences[step % 6])
        assert isinstance(app.screen, MeetingSummaryScreen)
        await keys("enter")  # close the meeting
        assert isinstance(app.screen, DashboardScreen)
        assert keys.count <= 60, keys.count
        assert keys.count == 1 + 1 + 12 * 4 + 1

    saved = meeting_check_ins(store, cycle.id)
    assert len(saved) == 12
    order = {line.kr.id: index for index, line in enumerate(lines_of(store, cycle))}
    values = [c.value for c in sorted(saved, key=lambda c: order[c.kr_id])]
    assert values == [10 + step for step in range(12)]
    levels = {"g": "on_track", "1": "on_track", "y": "at_risk", "2": "at_risk"}
    expected = [levels.get(confidences[s % 6], "off_track") for s in range(12)]
    assert [c.confidence.value for c in sorted(saved, key=lambda c: order[c.kr_id])] == expected
    [meeting] = store.meetings(cycle.id)
    assert len(meeting.check_in_ids) == 12


async def test_leaving_halfway_keeps_what_was_saved_and_starting_again_resumes(
    demo_store, make_app
):
    app = make_app(demo_store)
    cycle = demo_store.current_cycle()
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        screen = await start_walk(keys)
        walked = list(screen.order)
        for value in ("105", "420", "40"):
            await keys.type(value)
            await keys("enter", "1")
        await keys("escape")
        assert isinstance(app.screen, DashboardScreen)
        assert {c.kr_id for c in meeting_check_ins(demo_store, cycle.id)} == set(walked[:3])
        assert demo_store.meetings(cycle.id)[-1].meeting_date != MEETING

        screen = await start_walk(keys)
        assert screen.current_kr_id == walked[3]
        assert "KR 4 of 9" in shown(screen, "#walk-position")
        assert "3 of 9 reviewed" in shown(screen, "#walk-position")


async def test_a_walk_where_everything_is_checked_in_opens_at_the_first(store, make_app, clock):
    """Every key result checked in in this meeting already (a walk finished before): the walk
    opens at the first, and saving a change corrects it."""
    cycle = build_team(store, objectives=1, per_objective=2)
    for kr in store.key_results(cycle.id):
        store.add_check_in(
            CheckIn(
                cycle_id=cycle.id,
                kr_id=kr.id,
                meeting_date=MEETING,
                value=5,
                confidence=Confidence.AT_RISK,
                recorded_at=clock.now(),
                in_meeting=True,
            )
        )
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_walk(Keys(pilot))
        assert screen.index == 0
        assert "correction" in shown(screen, "#walk-notice")


async def test_the_footer_keeps_its_keys_through_a_step(demo_store, make_app):
    """Value, note, confidence, next key result: the footer keeps the same keys all along, not
    repainted, with help as F1 (the confidence keys are on the confidence row). It changed its
    keys with each focus move, twice a key result, and each change rebuilt the footer."""
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        keys = Keys(pilot)
        screen = await start_walk(keys)
        await keys("ctrl+n")  # past the first key result, where Back is greyed out
        footer = screen.query_one(KeyFooter)
        changes = footer.key_changes
        assert [entry.key for entry in footer.shown] == [
            "escape", "ctrl+s", "ctrl+n", "ctrl+b", "ctrl+o", "ctrl+r", "ctrl+f", "f1", "ctrl+t",
            "ctrl+p",
        ]  # fmt: skip
        first = screen.current_kr_id
        await keys("tab")  # the note
        assert footer.key_changes == changes
        await keys("enter")  # the confidence
        assert screen.focused is screen.query_one("#walk-confidence")
        assert footer.key_changes == changes
        await keys("g")  # saves, and the next key result's value has the focus
        assert screen.current_kr_id != first
        assert footer.key_changes == changes
        await keys("enter", "f1")  # from the confidence too, F1 opens the help
        assert type(app.screen).__name__ == "HelpScreen"


async def test_a_milestone_takes_done_and_skipping_saves_nothing(demo_store, make_app):
    app = make_app(demo_store)
    cycle = demo_store.current_cycle()
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        screen = await start_walk(keys)
        while screen.line.kr.kr_type is not KrType.MILESTONE:
            await keys("ctrl+n")
        kr_id = screen.current_kr_id
        assert screen.query_one("#walk-value").value == "not done"
        await keys.type("done")
        await keys("enter", "g")
    saved = meeting_check_ins(demo_store, cycle.id)
    assert [(c.kr_id, c.value) for c in saved] == [(kr_id, 1.0)]


async def test_checking_in_again_records_a_correction(demo_store, make_app):
    app = make_app(demo_store)
    cycle = demo_store.current_cycle()
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        screen = await start_walk(keys)
        kr_id = screen.current_kr_id
        await keys.type("104")
        await keys("enter", "y")
        assert screen.index == 1
        await keys("ctrl+b")  # back to the first key result
        assert screen.current_kr_id == kr_id
        assert "correction" in shown(screen, "#walk-notice")
        assert screen.query_one("#walk-value").value == "104"
        await keys.type("106")
        await keys("enter", "g")

    same_meeting = [c for c in demo_store.check_ins(cycle.id, kr_id) if c.meeting_date == MEETING]
    assert len(same_meeting) == 2
    first, correction = same_meeting
    assert correction.supersedes == first.id
    assert (first.value, correction.value) == (104, 106)
    [effective] = [c for c in meeting_check_ins(demo_store, cycle.id) if c.kr_id == kr_id]
    assert (effective.value, effective.confidence) == (106, Confidence.ON_TRACK)


@pytest.mark.parametrize("typed", ["abc", "1,5", "nan"])
async def test_a_bad_value_shows_at_the_field_and_saves_nothing(demo_store, make_app, typed):
    app = make_app(demo_store)
    cycle = demo_store.current_cycle()
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        screen = await start_walk(keys)
        await keys.type(typed)
        await keys("enter")
        error = shown(screen, "#walk-value-error")
        assert error, "the value field shows why"
        assert app.focused is screen.query_one("#walk-value")
        await keys("ctrl+s")  # saving anyway is refused too
        assert shown(screen, "#walk-value-error") == error
        assert screen.index == 0
    assert meeting_check_ins(demo_store, cycle.id) == []


async def test_clicking_start_opens_the_walk_and_the_app_keeps_taking_keys(demo_store, make_app):
    """The Start button clicked with the mouse (in a browser tab of `okr serve`, say): the walk
    opens and takes the keys typed next. Awaiting the switch from the button's handler froze
    the app: the walk showed, no key was handled again, and the app could not exit."""
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        await keys("c")
        assert isinstance(app.screen, WalkthroughSetupScreen)
        await pilot.click("#setup-start")
        await pilot.pause()
        walk = app.screen
        assert isinstance(walk, WalkthroughScreen)
        await keys("4", "2")
        assert walk.query_one("#walk-value", Input).value == "42"
        await keys("escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_a_team_chosen_on_the_dashboard_fills_the_set_up_with_its_people(
    demo_store, make_app
):
    """Filtered to Sales (ctrl+t), c opens the set-up with Sales' people present and its
    facilitator: it ticked all eight people of both teams and left no facilitator, and the
    meeting was stored so."""

    app = make_app(demo_store)
    sales = demo_store.team_named("Sales")
    async with app.run_test(size=(100, 30)) as pilot:
        app.team_id = sales.id
        await pilot.pause()
        keys = Keys(pilot)
        await keys("c")
        setup = app.screen
        assert isinstance(setup, WalkthroughSetupScreen)
        present = setup.query_one("#setup-present", SelectionList)
        assert present.selected == list(sales.members)
        assert setup.query_one("#setup-facilitator", Input).value == sales.facilitator
        assert "Sales" in shown(setup, "#setup-title") + screen_text(app).splitlines()[0]
        await keys("enter")
        walk = app.screen
        assert isinstance(walk, WalkthroughScreen)
        assert walk.settings.attendees == tuple(sales.members)
        assert walk.settings.facilitator == sales.facilitator


async def test_an_unticked_person_shows_an_empty_box(demo_store, make_app):
    """Ticked and unticked people both showed an X, told apart only by its colour: hard to
    read on a projector. An unticked box now draws its X in the box's own colour."""

    def box_of(present: SelectionList, row: int):
        """The X segment of a row: (its colour, its background)."""
        segment = next(s for s in present.render_line(row) if s.text == "X")
        return segment.style.color, segment.style.bgcolor

    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        await keys("c")
        present = app.screen.query_one("#setup-present", SelectionList)
        present.focus()
        await keys("home", "space")
        first, second = (present.get_option_at_index(i).value for i in (0, 1))
        assert first not in present.selected and second in present.selected
        unticked, ticked = box_of(present, 0), box_of(present, 1)
        assert unticked[0] == unticked[1]  # invisible X: an empty box
        assert ticked[0] != ticked[1]
        # The same for the team and order radio buttons: only the chosen one shows its dot.
        for button in app.screen.query(RadioButton):
            dot = next(s for s in button.render_line(0) if s.text == "●")
            assert (dot.style.color != dot.style.bgcolor) is button.value, button.label
        assert sum(button.value for button in app.screen.query(RadioButton)) == 2


async def test_an_action_and_a_parked_topic_reach_the_store_and_the_meeting(demo_store, make_app):
    app = make_app(demo_store)
    cycle = demo_store.current_cycle()
    sales = demo_store.team_named("Sales")
    async with app.run_test(size=(100, 30)) as pilot:
        app.team_id = sales.id
        await pilot.pause()
        keys = Keys(pilot)
        screen = await start_walk(keys)
        kr_id = screen.current_kr_id
        await keys("ctrl+o")
        assert isinstance(app.screen, ActionDialog)
        await keys.type("Call Acme")
        await keys("enter")
        await keys.type("Gus")
        await keys("enter")
        await keys.type("2026-11-3")  # not a date yet
        await keys("enter")
        assert "not a date" in shown(app.screen, "#action-error")
        await keys("0")  # changed: the message goes
        assert shown(app.screen, "#action-error") == ""
        await keys("backspace", "backspace")
        await keys.type("20")  # last Friday
        await keys("enter")
        assert shown(app.screen, "#action-error") == (
            "2026-11-20 is in the past: an action is due from today (2026-11-23) on"
        )
        await keys("backspace", "backspace")
        await keys.type("30")
        await keys("enter")
        assert app.screen is screen
        assert "Call Acme (Gus, due Mon 30 Nov)" in shown(screen, "#walk-extras")
        # From the confidence step, t parks a topic (a text field would take the letter).
        await keys("enter")
        assert app.focused is screen.query_one("#walk-confidence")
        await keys("t")
        assert isinstance(app.screen, ParkDialog)
        await keys.type("Partner pricing")
        await keys("enter")
        assert screen.parked_topics == ["Partner pricing"]
        await keys("ctrl+r")
        await keys.type("Hiring plan")
        await keys("enter")
        assert "Parked topics: 2" in shown(screen, "#walk-extras")
        await keys("ctrl+f")
        summary = app.screen
        assert isinstance(summary, MeetingSummaryScreen)
        assert "Call Acme" in shown(summary, section("New actions"))
        assert "Partner pricing" in shown(summary, section("Parked topics"))
        await keys("enter")

    [action] = demo_store.actions(cycle.id, kr_id)[-1:]
    assert (action.text, action.owner, action.due) == ("Call Acme", "Gus", date(2026, 11, 30))
    assert action.meeting_date == MEETING
    [meeting] = [m for m in demo_store.meetings(cycle.id) if m.meeting_date == MEETING]
    assert meeting.action_ids == [action.id]
    assert meeting.parked_topics == ["Partner pricing", "Hiring plan"]
    assert meeting.check_in_ids == []


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_actions_and_parked_topics_stay_on_screen(demo_store, make_app, size):
    """At 80x24 the Actions and Parked topics lines fell below the footer: nothing showed
    that an action had been added. Short screens close the fields up."""
    app = make_app(demo_store)
    async with app.run_test(size=size) as pilot:
        keys = Keys(pilot)
        screen = await start_walk(keys)
        await keys("ctrl+o")
        await keys.type("Call Acme")
        await keys("ctrl+s", "ctrl+r")
        await keys.type("Pricing")
        await keys("enter")
        extras = screen.query_one("#walk-extras")
        footer_top = screen.query_one(KeyFooter).region.y
        assert extras.region.height == 2 and extras.region.bottom <= footer_top
        shown = screen_text(app)
        assert "Actions: Call Acme" in shown and "Parked topics: 1" in shown


@pytest.mark.parametrize(
    ("size", "hint"),
    [((80, 24), "key saves · ⏎ keeps"), ((100, 30), "a key saves · Enter keeps highlighted")],
)
async def test_the_confidence_hint_fits_its_row(demo_store, make_app, size, hint):
    """At 80 columns the hint ran off the confidence row ("a key saves ·"): a shorter one fits
    there, the full one at 100."""
    app = make_app(demo_store)
    async with app.run_test(size=size) as pilot:
        await start_walk(Keys(pilot))
        [row] = [line for line in screen_text(app).splitlines() if "Confidence   1 ●" in line]
        assert row.split("3 ○ off track")[1].strip() == hint
        await pilot.resize_terminal(70, 24)  # narrower still: the levels alone
        await pilot.pause()
        [row] = [line for line in screen_text(app).splitlines() if "Confidence   1 ●" in line]
        assert row.split("3 ○ off track")[1].strip() == ""


async def test_an_action_typed_in_one_burst_fills_each_field(demo_store, make_app):
    """ "ctrl+o Call Acme⏎Gus⏎2026-11-30⏎" sent at once: the letters after ctrl+o wait for the
    dialog (they went into the walk's value field), and each Enter moves on before the next
    letters are routed, so the owner and the date do not end up in the text of the action."""
    app = make_app(demo_store)
    cycle = demo_store.current_cycle()
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        screen = await start_walk(keys)
        kr_id = screen.current_kr_id
        value_before = screen.query_one("#walk-value", Input).value
        burst(app, "ctrl+o", *"Call Acme", "enter", *"Gus", "enter", *"2026-11-30", "enter")
        for _ in range(4):
            await pilot.pause()
        assert app.screen is screen
        assert screen.query_one("#walk-value", Input).value == value_before
    [action] = demo_store.actions(cycle.id, kr_id)[-1:]
    assert (action.text, action.owner, action.due) == ("Call Acme", "Gus", date(2026, 11, 30))


async def test_keys_after_ctrl_s_in_the_action_dialog_reach_the_walk(demo_store, make_app):
    """ "ctrl+o Call Acme ctrl+s 42" at once: ctrl+s adds "Call Acme" (not "Call Acme42") and
    the 42 after it reaches the walk's value field."""
    app = make_app(demo_store)
    cycle = demo_store.current_cycle()
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        screen = await start_walk(keys)
        kr_id = screen.current_kr_id
        burst(app, "ctrl+o", *"Call Acme", "ctrl+s", "4", "2")
        for _ in range(4):
            await pilot.pause()
        assert app.screen is screen
        assert screen.query_one("#walk-value", Input).value == "42"
    [action] = demo_store.actions(cycle.id, kr_id)[-1:]
    assert action.text == "Call Acme"


async def test_a_topic_parked_in_one_burst_and_the_value_after_it_land_apart(demo_store, make_app):
    """ "ctrl+r Pricing⏎42" at once: the topic reaches the park dialog, not the value field, and
    the 42 after its Enter reaches the walk's value, not the end of the topic."""
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        screen = await start_walk(keys)
        burst(app, "ctrl+r", *"Pricing", "enter", "4", "2")
        for _ in range(4):
            await pilot.pause()
        assert app.screen is screen
        assert screen.parked_topics == ["Pricing"]
        assert screen.query_one("#walk-value", Input).value == "42"


async def test_parked_topics_survive_leaving_the_walk_and_close_into_one_meeting_record(
    demo_store, make_app
):
    """A topic is stored as it is parked (in the meeting's open record): leaving the walk, or
    an app that stops, loses none; walking again picks the topics up, and closing the meeting
    completes that record rather than adding a second one."""
    cycle = demo_store.current_cycle()
    sales = demo_store.team_named("Sales")

    def records() -> list:
        return meeting_records(demo_store, cycle.id, sales.id)

    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        app.team_id = sales.id
        await pilot.pause()
        keys = Keys(pilot)
        screen = await start_walk(keys)
        await keys("ctrl+r")
        await keys.type("Partner pricing")
        await keys("enter")
        [record] = records()
        assert (record.parked_topics, record.is_closed) == (["Partner pricing"], False)
        await keys("escape")  # leave the walk
        assert isinstance(app.screen, DashboardScreen)

    app = make_app(OkrStore(demo_store.folder, demo_store.clock))  # the app started again
    async with app.run_test(size=(100, 30)) as pilot:
        app.team_id = sales.id
        await pilot.pause()
        keys = Keys(pilot)
        screen = await start_walk(keys)
        assert screen.parked_topics == ["Partner pricing"]
        assert "Parked topics: 1" in shown(screen, "#walk-extras")
        await keys("ctrl+r")
        await keys.type("Hiring plan")
        await keys("enter")
        await keys("ctrl+f")
        assert isinstance(app.screen, MeetingSummaryScreen)
        await keys("enter")  # close the meeting

    [record] = records()
    assert record.is_closed
    assert record.parked_topics == ["Partner pricing", "Hiring plan"]


async def test_walking_a_closed_meeting_again_adds_to_its_record(demo_store, make_app):
    """After closing, walking the same meeting again added a second record for the day: the
    export listed the attendees twice, and the second lacked the first walk's parked topics.
    The record stays closed throughout: a walk left halfway does not leave it open."""
    cycle = demo_store.current_cycle()
    sales = demo_store.team_named("Sales")
    absent, *present = sales.members

    def records() -> list:
        return meeting_records(demo_store, cycle.id, sales.id)

    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        app.team_id = sales.id
        await pilot.pause()
        keys = Keys(pilot)
        await keys("c")
        setup = app.screen
        setup.query_one("#setup-present", SelectionList).focus()
        await keys("home", "space")  # the first member is not there this time
        setup.query_one("#setup-facilitator", Input).focus()
        await keys("enter")
        assert isinstance(app.screen, WalkthroughScreen)
        await keys("ctrl+r")
        await keys.type("Partner pricing")
        await keys("enter", "ctrl+f", "enter")  # park, finish, close
        assert isinstance(app.screen, DashboardScreen)
        [first] = records()
        assert first.is_closed and first.attendees == present

        # Looking at the walk and leaving it changes nothing.
        await keys("c", "enter", "escape")
        assert records() == [first]

        # A walk that parks a topic and is left: the topic joins the record, still closed.
        await keys("c")
        status = shown(app.screen, "#setup-status")
        assert (
            "This meeting was closed on Mon 23 Nov at 11:00: what this walk adds joins its "
            "record." in status
        )
        await keys("enter")
        walk = app.screen
        assert isinstance(walk, WalkthroughScreen)
        assert walk.parked_topics == ["Partner pricing"]
        await keys("ctrl+r")
        await keys.type("Hiring plan")
        await keys("enter", "escape")
        [record] = records()
        assert record.parked_topics == ["Partner pricing", "Hiring plan"]
        assert record.closed_at == first.closed_at

        # Walked again and closed: the same record, with this walk's people too (the set-up
        # starts from the people of the record: the one who was not there arrives now).
        demo_store.clock.advance(hours=2)
        await keys("c")
        present_list = app.screen.query_one("#setup-present", SelectionList)
        assert absent not in present_list.selected
        present_list.focus()
        await keys("home", "space")
        app.screen.query_one("#setup-facilitator", Input).focus()
        await keys("enter")
        assert app.screen.parked_topics == ["Partner pricing", "Hiring plan"]
        await keys("ctrl+f")
        summary = app.screen
        assert isinstance(summary, MeetingSummaryScreen)
        assert ", ".join([*present, absent]) in shown(summary, "#summary-people")
        await keys("enter")
        assert isinstance(app.screen, DashboardScreen)

    [record] = records()
    assert record.id == first.id and record.is_closed
    assert record.closed_at == demo_store.clock.now()  # closed again, later
    assert record.parked_topics == ["Partner pricing", "Hiring plan"]
    assert record.attendees == [*present, absent]


async def test_needs_talk_first_opens_at_the_key_result_most_in_trouble(demo_store, make_app):
    app = make_app(demo_store)
    cycle = demo_store.current_cycle()
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        await keys("c")
        # Start button -> timebox -> facilitator -> present -> order list.
        await keys("shift+tab", "shift+tab", "shift+tab", "shift+tab")
        await keys("down", "enter", "ctrl+s")
        screen = app.screen
        assert isinstance(screen, WalkthroughScreen)
        assert screen.settings.order is WalkOrder.NEEDS_TALK
        lines = {line.kr.id: line for line in lines_of(demo_store, cycle)}
        # First what the prep lane names most (its agenda), then the largest drop or gap.
        from okr_tui.domain.prep import prep_lane

        lane = prep_lane(
            cycle,
            demo_store.objectives(cycle.id),
            demo_store.key_results(cycle.id),
            demo_store.check_ins(cycle.id),
            demo_store.actions(cycle.id),
            demo_store.clock.now(),
        )
        named = lane.talk_scores()
        ranks = [(named.get(kr_id, 0), lines[kr_id].needs_talk_score) for kr_id in screen.order]
        assert ranks == sorted(ranks, reverse=True)
        first = lines[screen.order[0]]
        assert first.pace.pace.value == "behind" or first.confidence is Confidence.OFF_TRACK
        assert screen.order != [line.kr.id for line in lines_of(demo_store, cycle)]
        assert first.kr.title in shown(screen, "#walk-kr")


async def test_titles_with_markup_show_as_typed_on_a_step(store, make_app):
    build_team(store, objectives=1, per_objective=1, titles=(NASTY_OBJECTIVE, NASTY_KR))
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        screen = await start_walk(keys)
        assert NASTY_OBJECTIVE in shown(screen, "#walk-objective")
        assert NASTY_KR in shown(screen, "#walk-kr")
        await keys("ctrl+o")
        assert NASTY_KR in shown(app.screen, ".dialog-title")
        await keys("escape", "ctrl+f")
        assert NASTY_KR in shown(app.screen, section("No update"))
        assert app.is_running


async def test_time_box_shows_a_countdown(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        await keys("c", "shift+tab", "backspace", "2", "enter")
        screen = app.screen
        assert isinstance(screen, WalkthroughScreen)
        assert screen.settings.timebox_minutes == 2
        assert shown(screen, "#walk-countdown").endswith("left")
        assert "2:00" in shown(screen, "#walk-countdown") or "1:5" in shown(
            screen, "#walk-countdown"
        )


async def test_summary_saves_meeting_notes_without_overwriting(demo_store, make_app, isolated_home):
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        await start_walk(keys)
        await keys.type("107")
        await keys("enter", "g", "ctrl+f")
        assert isinstance(app.screen, MeetingSummaryScreen)
        await keys("m")
        await keys("m")
        await app.workers.wait_for_complete()  # the notes are written off the UI thread
        await pilot.pause()
        folder = isolated_home / "data" / "exports"
        said = [n.message for n in app._notifications]
        assert f"Meeting notes saved to {folder / 'meeting-2026-11-23-2.md'}" in said
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["meeting-2026-11-23-2.md", "meeting-2026-11-23.md"]
    notes = (folder / "meeting-2026-11-23.md").read_text(encoding="utf-8")
    assert "Increase net revenue retention from 98% to 110%" in notes
    assert "## No update" in notes
    # Notes hold the meeting's blockers: readable by their owner only, as the store's files.
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {0o600}


def test_current_meeting_of_the_fixtures_is_the_one_the_tests_expect(demo_store):
    cycle = demo_store.current_cycle()
    assert cadence.current_meeting(cycle, demo_store.clock.now()).date() == MEETING


async def test_keys_typed_in_one_burst_land_where_a_person_means_them(store, make_app):
    """A fast typist (or a pasted "42⏎g") sends keys before the screen catches up: Enter in the
    value field must move on before the next key arrives, so "g" picks the confidence instead
    of ending up in the value."""
    cycle = build_team(store, objectives=1, per_objective=2)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        await keys(*[])
        screen = await start_walk(keys)
        first = screen.line.kr.id
        burst(app, "4", "2", "enter", "g")
        await pilot.pause()
        await pilot.pause()
        saved = [c for c in meeting_check_ins(store, cycle.id) if c.kr_id == first]
        assert [(c.value, c.confidence) for c in saved] == [(42.0, Confidence.ON_TRACK)]


async def test_keys_typed_right_after_a_confidence_key_go_into_the_next_value(store, make_app):
    """ "g" then "37" in one burst: "g" saves on track and moves on before the next key is
    routed, so "37" replaces the next key result's suggested value instead of reaching the
    confidence row (where "3" would mean off track)."""
    cycle = build_team(store, objectives=1, per_objective=2)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        await keys(*[])
        screen = await start_walk(keys)
        first = screen.line.kr.id
        burst(app, "4", "2", "enter")
        await pilot.pause()
        burst(app, "g", "3", "7")
        await pilot.pause()
        await pilot.pause()
        saved = meeting_check_ins(store, cycle.id)
        assert [(c.kr_id, c.value, c.confidence) for c in saved] == [
            (first, 42.0, Confidence.ON_TRACK)
        ]
        assert screen.current_kr_id != first
        assert screen.query_one("#walk-value", Input).value == "37"
        await keys("enter", "2")
        second = [c for c in meeting_check_ins(store, cycle.id) if c.kr_id != first]
        assert [(c.value, c.confidence) for c in second] == [(37.0, Confidence.AT_RISK)]


async def test_a_check_in_typed_from_the_dashboard_in_one_burst_saves_the_first_step(
    demo_store, make_app
):
    """ "c⏎42⏎g" at once from the dashboard: c opens the set-up, Enter starts the walk, and the
    value and confidence reach its first step (they reached the dashboard and the set-up before
    those screens were ready, and nothing was saved)."""
    cycle = demo_store.current_cycle()
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        burst(app, "c", "enter", "4", "2", "enter", "g")
        for _ in range(4):
            await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WalkthroughScreen)
        first = screen.order[0]
        assert screen.current_kr_id != first
    saved = [(c.kr_id, c.value, c.confidence) for c in meeting_check_ins(demo_store, cycle.id)]
    assert saved == [(first, 42.0, Confidence.ON_TRACK)]


@pytest.mark.parametrize("typed", ["1,5", "abc"])
async def test_a_bad_value_typed_in_one_burst_shows_its_error(demo_store, make_app, typed):
    """ "1,5⏎" at once: Enter shows why the value does not read, and the messages of the keys
    typed before it, handled after it, do not wipe the error off (Enter seemed to do nothing)."""
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        screen = await start_walk(keys)
        screen.query_one("#walk-value", Input).value = ""
        await pilot.pause()
        burst(app, *typed, "enter")
        for _ in range(3):
            await pilot.pause()
        assert screen.query_one("#walk-value", Input).value == typed
        assert repr(typed) in shown(screen, "#walk-value-error")
        await keys("backspace")  # typing again clears it
        assert shown(screen, "#walk-value-error") == ""


async def test_a_note_typed_after_tab_in_one_burst_reaches_the_note(demo_store, make_app):
    """ "42⇥Pricing" at once: Tab moves to the note before the letters after it are routed (they
    reached the value field, and the note stayed empty)."""
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        screen = await start_walk(keys)
        burst(app, "4", "2", "tab", *"Pricing", "tab", *"Legal", "shift+tab")
        for _ in range(3):
            await pilot.pause()
        assert screen.query_one("#walk-value", Input).value == "42"
        assert screen.query_one("#walk-note", Input).value == "Pricing"
        assert screen.query_one("#walk-blockers", Input).value == "Legal"
        assert app.focused is screen.query_one("#walk-note")  # shift+tab goes back


@pytest.mark.parametrize("step_key", ["ctrl+s", "ctrl+n"])
async def test_keys_typed_after_save_or_skip_go_to_the_next_key_result(
    demo_store, make_app, step_key
):
    """ "42 ctrl+s 37" in one burst saves 42 and types 37 into the next key result (it saved
    4237: the keys after ctrl+s reached the value field before the save read it); after ctrl+n
    (skip) the 37 reaches the next key result too, and nothing is saved. (The demo's steps
    show last week's confidence, so ctrl+s saves with it.)"""
    cycle = demo_store.current_cycle()
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        screen = await start_walk(keys)
        first = screen.current_kr_id
        burst(app, "4", "2", step_key, "3", "7")
        for _ in range(3):
            await pilot.pause()
        assert screen.current_kr_id != first
        assert screen.query_one("#walk-value", Input).value == "37"
        saved = [(c.kr_id, c.value) for c in meeting_check_ins(demo_store, cycle.id)]
        assert saved == ([(first, 42.0)] if step_key == "ctrl+s" else [])


async def test_a_whole_walk_typed_in_one_burst_saves_every_key_result(store, make_app):
    """A facilitator who knows the numbers types the walk without waiting for the screen:
    value, Enter, confidence key, for each key result, all in one burst."""
    cycle = build_team(store, objectives=1, per_objective=3)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        await keys(*[])
        screen = await start_walk(keys)
        order = list(screen.order)
        burst(app, "1", "2", "enter", "g", "7", "enter", "y", "3", "0", "enter", "r")
        for _ in range(6):
            await pilot.pause()
        saved = {c.kr_id: (c.value, c.confidence) for c in meeting_check_ins(store, cycle.id)}
        assert saved == {
            order[0]: (12.0, Confidence.ON_TRACK),
            order[1]: (7.0, Confidence.AT_RISK),
            order[2]: (30.0, Confidence.OFF_TRACK),
        }


async def test_a_refused_save_stays_on_its_key_result_and_the_confidence_key_works_again(
    store, make_app, monkeypatch
):
    """A save the disk refuses (full, gone) shows the error on the step; once the cause is gone,
    the same confidence key saves it (the confidence row takes a choice again)."""
    from okr_tui.store.errors import StoreError

    cycle = build_team(store, objectives=1, per_objective=2)
    app = make_app(store)
    real_add = store.add_check_in

    def disk_full(check_in):
        raise StoreError(store.folder, "could not be saved (No space left on device)")

    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        screen = await start_walk(keys)
        first = screen.current_kr_id
        monkeypatch.setattr(store, "add_check_in", disk_full)
        await keys("4", "2", "enter", "g")
        assert screen.current_kr_id == first
        assert "No space left on device" in str(screen.query_one("#walk-form-error").content)
        assert meeting_check_ins(store, cycle.id) == []
        monkeypatch.setattr(store, "add_check_in", real_add)
        await keys("g")
        saved = meeting_check_ins(store, cycle.id)
        assert [(c.kr_id, c.value, c.confidence) for c in saved] == [
            (first, 42.0, Confidence.ON_TRACK)
        ]
        assert screen.current_kr_id != first


def test_counts_of_one_key_result_read_in_the_singular():
    from okr_tui.domain.walkthrough import MeetingSummary, summary_markdown

    summary = MeetingSummary(
        meeting_date=date(2026, 11, 23),
        team_name="Sales",
        facilitator="",
        attendees=(),
        walked=1,
        checked_in=(),
        moved=(),
        at_risk=(),
        off_track=(),
        missing=(),
        blockers=(),
        actions=(),
    )
    assert "Checked in: 0 of 1 key result\n" in summary_markdown(summary)  # not "1 key results"


def open_action_from_last_week(store, text: str = "Ask [b]Legal[/] for the template"):
    """An open action agreed at the meeting before this one, due before today."""
    cycle = store.current_cycle()
    kr = next(k for k in store.key_results(cycle.id) if k.title.startswith("Reach 500"))
    return kr, store.save_action(
        Action(
            cycle_id=cycle.id, kr_id=kr.id, text=text, owner="Dana", due=date(2026, 11, 20),
            created_at=datetime(2026, 11, 16, 9, 0, tzinfo=UTC), meeting_date=date(2026, 11, 16),
        )
    )  # fmt: skip


async def walk_to(keys: Keys, kr_id: str) -> WalkthroughScreen:
    """Start the walk from the dashboard and skip to this key result."""
    screen = await start_walk(keys)
    while screen.current_kr_id != kr_id:
        await keys("ctrl+n")
    return screen


async def test_an_open_action_of_an_earlier_meeting_is_followed_up_and_ticked_off(
    demo_store, make_app
):
    kr, action = open_action_from_last_week(demo_store)
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        keys = Keys(pilot)
        screen = await walk_to(keys, kr.id)
        extras = shown(screen, "#walk-extras")
        assert "Open actions (ctrl+l ticks off): Ask [b]Legal[/] for the template" in extras
        assert "Dana · due Fri 20 Nov · overdue" in extras
        await keys("ctrl+l")
        dialog = app.screen
        assert isinstance(dialog, OpenActionsDialog)
        assert "Ask [b]Legal[/] for the template" in screen_text(app)  # as typed, not markup
        await keys("space", "enter")
        assert app.screen is screen
        assert next(a for a in demo_store.actions(kr.cycle_id) if a.id == action.id).done
        assert "Open actions" not in shown(screen, "#walk-extras")
        # The walk goes on where it was: the value field has the keys typed next.
        await keys("ctrl+u", *"431", "enter", "g")
    saved = [c for c in meeting_check_ins(demo_store, kr.cycle_id) if c.kr_id == kr.id]
    assert [c.value for c in saved] == [431.0]


async def test_the_summary_lists_the_actions_still_open_from_earlier(
    demo_store, make_app, isolated_home
):
    kr, action = open_action_from_last_week(demo_store)
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        keys = Keys(pilot)
        await walk_to(keys, kr.id)
        await keys("ctrl+f")
        summary = app.screen
        assert isinstance(summary, MeetingSummaryScreen)
        still_open = shown(summary, section("Still open from earlier"))
        assert still_open.startswith("Still open from earlier (")
        assert "Reach 500 paying customers: Ask [b]Legal[/] for the template" in still_open
        assert "New actions  none" in shown(summary, section("New actions"))  # not a new one
        await keys("m")  # the Markdown notes say it too
        await app.workers.wait_for_complete()
    [notes] = (isolated_home / "data" / "exports").glob("meeting-*.md")
    text = notes.read_text(encoding="utf-8")
    still_open = text.split("## Still open from earlier", 1)[1].split("##", 1)[0]
    assert "- Reach 500 paying customers: Ask [b]Legal[/] for the template" in still_open


async def test_enter_with_nothing_ticked_marks_the_highlighted_action_done(demo_store, make_app):
    kr, action = open_action_from_last_week(demo_store)
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        keys = Keys(pilot)
        screen = await walk_to(keys, kr.id)
        await keys("ctrl+l", "enter")
        assert app.screen is screen
    assert next(a for a in demo_store.actions(kr.cycle_id) if a.id == action.id).done


async def test_escape_in_the_open_actions_dialog_changes_nothing(demo_store, make_app):
    kr, action = open_action_from_last_week(demo_store)
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        keys = Keys(pilot)
        screen = await walk_to(keys, kr.id)
        await keys("ctrl+l", "space", "escape")
        assert app.screen is screen
        assert "Open actions" in shown(screen, "#walk-extras")
    assert not next(a for a in demo_store.actions(kr.cycle_id) if a.id == action.id).done


async def test_ctrl_l_without_open_actions_says_so_and_opens_nothing(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        keys = Keys(pilot)
        screen = await start_walk(keys)
        kr_id = screen.current_kr_id
        assert not [a for a in demo_store.actions(screen.cycle.id, kr_id) if not a.done]
        await keys("ctrl+l")
        assert app.screen is screen
        assert "No open actions for this key result." in [n.message for n in app._notifications]
