"""A walk picked up again skips what is checked in; its set-up remembers last week's people."""

from __future__ import annotations

from datetime import date

from test_walkthrough import MEETING, Keys, build_team, meeting_check_ins, start_walk
from textual.widgets import Input, SelectionList

from okr_tui.domain.models import CheckIn, Confidence, Meeting
from okr_tui.screens.walk.meeting_summary import MeetingSummaryScreen
from okr_tui.screens.walk.walkthrough import WalkthroughScreen
from okr_tui.screens.walk.walkthrough_setup import WalkthroughSetupScreen

LAST_WEEK = date(2026, 11, 16)


def check_in(store, cycle, kr_id: str, day: date = MEETING, *, in_meeting: bool = True) -> None:
    """A check-in typed in a walk of the meeting (another okr, a walk left earlier); with
    `in_meeting=False`, an update given before the meeting, which the walk still reviews."""
    store.add_check_in(
        CheckIn(
            cycle_id=cycle.id,
            kr_id=kr_id,
            meeting_date=day,
            value=5,
            confidence=Confidence.AT_RISK,
            note="checked in before",
            recorded_at=store.clock.now(),
            in_meeting=in_meeting,
        )
    )


async def test_a_resumed_walk_skips_the_key_results_already_checked_in(store, make_app):
    """Checked in from elsewhere (another okr's walk) before the walk resumed, KR 1.3 came
    up again after KR 1.2 was saved, and saving it again made a correction."""
    cycle = build_team(store, objectives=1, per_objective=5)
    krs = sorted(store.key_results(cycle.id), key=lambda kr: kr.order)
    for kr in (krs[0], krs[2], krs[3]):
        check_in(store, cycle, kr.id)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        walk = await start_walk(keys)
        assert walk.current_kr_id == krs[1].id
        await keys("ctrl+u", *"20", "enter", "g")
        assert walk.current_kr_id == krs[4].id  # 1.3 and 1.4 are done: on to 1.5
        await keys("ctrl+u", *"30", "enter", "g")
        assert isinstance(app.screen, MeetingSummaryScreen)  # every one done
    saved = {c.kr_id: c for c in meeting_check_ins(store, cycle.id)}
    assert [saved[kr.id].value for kr in krs] == [5, 20, 5, 5, 30]
    assert saved[krs[2].id].note == "checked in before"  # not corrected


async def test_a_walk_of_a_fully_checked_in_meeting_still_goes_step_by_step(store, make_app):
    cycle = build_team(store, objectives=1, per_objective=3)
    krs = sorted(store.key_results(cycle.id), key=lambda kr: kr.order)
    for kr in krs:
        check_in(store, cycle, kr.id)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        walk = await start_walk(keys)
        assert walk.current_kr_id == krs[0].id
        await keys("ctrl+u", *"7", "enter", "g")  # a correction: on to the next one
        assert walk.current_kr_id == krs[1].id


async def test_the_set_up_starts_from_who_was_at_the_teams_last_meeting(store, make_app):
    """The set-up ticked everyone and the team's facilitator every week: last week Cy was
    away, a guest (Dee, chief of staff) came and Bo ran the meeting."""
    cycle = build_team(store, objectives=1, per_objective=1)
    team = store.teams()[0]
    store.save_meeting(
        Meeting(
            cycle_id=cycle.id,
            team_id=team.id,
            meeting_date=LAST_WEEK,
            facilitator="Bo",
            attendees=["Ada", "Bo", "Dee"],
            closed_at=store.clock.now().subtract(days=7),
        )
    )
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        app.team_id = team.id
        await pilot.pause()
        keys = Keys(pilot)
        await keys("c")
        setup = app.screen
        assert isinstance(setup, WalkthroughSetupScreen)
        present = setup.query_one("#setup-present", SelectionList)
        names = [str(present.get_option_at_index(i).value) for i in range(present.option_count)]
        assert names == ["Ada", "Bo", "Cy", "Dee"]
        assert present.selected == ["Ada", "Bo", "Dee"]
        assert setup.query_one("#setup-facilitator", Input).value == "Bo"
        await keys("enter")
        walk = app.screen
        assert isinstance(walk, WalkthroughScreen)
        assert (walk.settings.attendees, walk.settings.facilitator) == (("Ada", "Bo", "Dee"), "Bo")


async def test_a_team_that_has_not_met_starts_with_everyone_and_its_facilitator(store, make_app):
    build_team(store, objectives=1, per_objective=1)
    team = store.teams()[0]
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        app.team_id = team.id
        await pilot.pause()
        await Keys(pilot)("c")
        present = app.screen.query_one("#setup-present", SelectionList)
        assert present.selected == ["Ada", "Bo", "Cy"]
        assert app.screen.query_one("#setup-facilitator", Input).value == "Ada"
