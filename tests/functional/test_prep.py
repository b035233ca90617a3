"""The prep lane on the demo store two days before a meeting: who has not updated, a confidence
drop and a new blocker from an owner's Friday update, pace, actions past due, stale key results;
and `okr prep` as a person types it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

from okr_tui.domain.clock import FixedClock
from okr_tui.domain.models import CheckIn, Confidence
from okr_tui.domain.prep import prep_lane
from okr_tui.domain.progress import effective_check_ins
from okr_tui.store.store import OkrStore

FRIDAY = "2026-11-27T15:00:00Z"
COMING = date(2026, 11, 30)


def _sales(store: OkrStore):
    cycle = store.current_cycle()
    team = store.team_named("Sales")
    objectives = [o for o in store.objectives(cycle.id) if o.team_id == team.id]
    return cycle, objectives, store.key_results(cycle.id, objective_ids=[o.id for o in objectives])


def _lane(store: OkrStore, at: str):
    cycle, objectives, key_results = _sales(store)
    return prep_lane(
        cycle,
        objectives,
        key_results,
        store.check_ins(cycle.id),
        store.actions(cycle.id),
        FixedClock(at).now(),
    )


def test_a_friday_update_shapes_the_lane_of_the_coming_meeting(demo_store):
    store = OkrStore(demo_store.folder, FixedClock(FRIDAY))
    cycle, _, key_results = _sales(store)
    leads = next(kr for kr in key_results if kr.title.startswith("Increase qualified leads"))
    before = [c for c in effective_check_ins(store.check_ins(cycle.id)) if c.kr_id == leads.id][-1]
    store.add_check_in(
        CheckIn(
            cycle_id=cycle.id,
            kr_id=leads.id,
            meeting_date=COMING,
            value=171,
            confidence=Confidence.OFF_TRACK,
            blockers="CRM outage since Wednesday",
            author=leads.owner,
            recorded_at=store.clock.now(),
        )
    )
    lane = _lane(store, FRIDAY)
    assert lane.meeting == COMING
    assert {item.kr.id for item in lane.not_updated} == {kr.id for kr in key_results} - {leads.id}
    assert [(i.kr.id, i.said) for i in lane.confidence_drops] == [
        (leads.id, f"from {before.confidence.label} to off track")
    ]
    assert [(i.kr.id, i.said) for i in lane.new_blockers] == [
        (leads.id, "CRM outage since Wednesday")
    ]
    overdue = [
        a for a in store.actions(cycle.id) if not a.done and a.due and a.due < date(2026, 11, 27)
    ]
    sales_ids = {kr.id for kr in key_results}
    assert len(lane.overdue_actions) == len([a for a in overdue if a.kr_id in sales_ids]) >= 1
    assert all(item.said.endswith(")") is False for item in lane.behind_pace)
    assert lane.stale == []  # everyone checked in on 16 November: eleven days ago
    # A talk score per key result named in the lane (not counting "not updated").
    assert lane.talk_scores()[leads.id] >= 2


def test_a_value_read_from_its_source_is_named_apart_from_those_not_updated(demo_store):
    """okr pull records a value with no confidence: the lane says it came from its source and
    waits for a confidence, rather than counting it as updated or as not updated at all."""
    store = OkrStore(demo_store.folder, FixedClock(FRIDAY))
    cycle, _, key_results = _sales(store)
    leads = next(kr for kr in key_results if kr.title.startswith("Increase qualified leads"))
    store.add_check_in(
        CheckIn(
            cycle_id=cycle.id,
            kr_id=leads.id,
            meeting_date=COMING,
            value=171,
            confidence=None,
            author="source",
            recorded_at=store.clock.now(),
        )
    )
    lane = _lane(store, FRIDAY)
    assert [(i.kr.id, i.said) for i in lane.from_source] == [
        (leads.id, f"171 leads · owner {leads.owner}")
    ]
    assert leads.id not in {item.kr.id for item in lane.not_updated}
    assert lane.confidence_drops == []  # no confidence given: nothing dropped
    assert ("From a source, no confidence yet", 1) in lane.counts()


def test_two_weeks_without_a_check_in_is_stale(demo_store):
    lane = _lane(demo_store, "2026-12-04T15:00:00Z")
    _, _, key_results = _sales(demo_store)
    assert {item.kr.id for item in lane.stale} == {kr.id for kr in key_results}
    assert all(item.said == "last check-in 2026-11-16" for item in lane.stale)


def test_okr_prep_prints_the_lane_and_json(demo_store, tmp_path):
    env = {**os.environ, "OKR_HOME": str(tmp_path)}

    def okr(*args):
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "okr_tui",
                "--at",
                FRIDAY,
                "--db",
                str(demo_store.folder),
                *args,
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )

    text = okr("prep", "--team", "sales")
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("Prep for the 2026-11-30 meeting · Sales · 2026-Q4\n")
    assert "\nNot updated yet (3)\n" in text.stdout
    data = json.loads(okr("prep", "--json").stdout)
    assert data["meeting"] == "2026-11-30" and data["team"] == "All teams"
    titles = [section["title"] for section in data["sections"]]
    assert titles[0] == "Not updated yet" and titles[-1] == "Forecast and owner disagree"
    refused = okr("prep", "--team", "Legal")
    assert refused.returncode == 2 and "no team called 'Legal'" in refused.stderr


def _okr(demo_store, tmp_path, *args):
    env = {**os.environ, "OKR_HOME": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-m", "okr_tui", "--at", FRIDAY, "--db", str(demo_store.folder), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_okr_due_owner_lists_what_one_person_owes_the_coming_meeting(demo_store, tmp_path):
    from okr_tui.domain.people import same_person

    store = OkrStore(demo_store.folder, FixedClock(FRIDAY))
    cycle = store.current_cycle()
    dana = [kr for kr in store.key_results(cycle.id) if kr.is_active and kr.owner == "Dana"]
    assert len(dana) >= 2
    # Dana updates one of hers on Friday: it no longer shows as owed for Monday.
    store.add_check_in(
        CheckIn(
            cycle_id=cycle.id,
            kr_id=dana[0].id,
            meeting_date=COMING,
            value=dana[0].baseline,
            confidence=Confidence.AT_RISK,
            author="Dana",
            recorded_at=store.clock.now(),
        )
    )
    result = _okr(demo_store, tmp_path, "due", "--owner", " dana ", "--json")
    assert result.returncode == 0, result.stderr
    owed = json.loads(result.stdout)
    assert owed["owner"] == "Dana" and owed["meeting"] == "2026-11-30"
    assert [item["kr_id"] for item in owed["key_results"]] == [kr.id for kr in dana[1:]]
    overdue = [
        a
        for a in store.actions(cycle.id)
        if same_person(a.owner, "Dana") and not a.done and a.due and a.due < date(2026, 11, 27)
    ]
    assert [a["text"] for a in owed["overdue_actions"]] == [a.text for a in overdue]
    text = _okr(demo_store, tmp_path, "due", "--owner", "Dana")
    assert text.stdout.startswith("Dana owes the 2026-11-30 meeting of 2026-Q4:\n")
    typo = _okr(demo_store, tmp_path, "due", "--owner", "Dnaa")
    assert typo.returncode == 2 and "no key result of 2026-Q4 is owned by 'Dnaa'" in typo.stderr


def test_okr_list_owner_shows_only_that_person_s_key_results(demo_store, tmp_path):
    store = OkrStore(demo_store.folder, FixedClock(FRIDAY))
    cycle = store.current_cycle()
    gus = [kr for kr in store.key_results(cycle.id) if kr.owner == "Gus"]
    listed = _okr(demo_store, tmp_path, "list", "--owner", "GUS")
    assert listed.returncode == 0, listed.stderr
    ids = [line.split()[0] for line in listed.stdout.splitlines() if line.startswith("  kr-")]
    assert ids == [kr.id for kr in gus]
    nobody = _okr(demo_store, tmp_path, "list", "--owner", "Nobody")
    assert "No key result of 2026-Q4 is owned by 'Nobody'." in nobody.stdout


def test_needs_talk_first_walks_what_the_prep_lane_names_most_first(demo_store):
    from okr_tui.domain import board
    from okr_tui.domain.walkthrough import WalkOrder, walk_lines

    cycle = demo_store.current_cycle()
    lines = board.key_result_lines(
        cycle,
        demo_store.objectives(cycle.id),
        demo_store.key_results(cycle.id),
        demo_store.check_ins(cycle.id),
        demo_store.clock.now(),
    )
    plain = walk_lines(lines, None, WalkOrder.NEEDS_TALK)
    last = plain[-1].kr.id  # the one the pace and confidence alone put last
    ordered = walk_lines(lines, None, WalkOrder.NEEDS_TALK, talk_first={last: 3})
    assert ordered[0].kr.id == last
    assert [line.kr.id for line in ordered[1:]] == [line.kr.id for line in plain[:-1]]


async def test_the_walk_set_up_shows_the_prep_lane(demo_store, make_app):
    from screen_reading import screen_text

    from okr_tui.domain import board
    from okr_tui.domain.progress import Pace
    from okr_tui.screens.walk.walkthrough_setup import WalkthroughSetupScreen

    cycle = demo_store.current_cycle()
    lines = board.key_result_lines(
        cycle,
        demo_store.objectives(cycle.id),
        demo_store.key_results(cycle.id),
        demo_store.check_ins(cycle.id),
        demo_store.clock.now(),
    )
    behind = sum(1 for line in lines if line.pace.pace is Pace.BEHIND)
    assert behind  # the demo has key results behind pace in week 8
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, WalkthroughSetupScreen)
        shown = screen_text(app)
        assert "Prep lane: " in shown
        assert f"behind pace {behind}" in shown
