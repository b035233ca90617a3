"""The meeting reviews instead of retyping: updates given before the meeting are walked, one key
accepts each (on the meeting's record, no new check-in), typing corrects it (a check-in typed
in the meeting), a walk resumes at the first key result not yet reviewed, and the summary, the
notes and the digest say what was updated before, changed in, or missing from the meeting."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_walkthrough import (
    MEETING,
    Keys,
    build_team,
    meeting_check_ins,
    section,
    shown,
    start_walk,
)
from textual.widgets import Input

from okr_tui.domain.clock import FixedClock
from okr_tui.domain.models import CheckIn, Confidence, Meeting
from okr_tui.domain.walkthrough import (
    is_reviewed,
    meeting_summary,
    reviewed_in_meeting,
    step_facts,
    summary_markdown,
)
from okr_tui.exchange.json_exchange import apply_import, read_import
from okr_tui.exchange.json_export import export_json
from okr_tui.screens.dashboard import DashboardScreen
from okr_tui.screens.walk.meeting_summary import MeetingSummaryScreen
from okr_tui.screens.walk.walkthrough import WalkthroughScreen
from okr_tui.store import merge
from okr_tui.store.errors import RuleViolation
from okr_tui.store.store import OkrStore
from tests.conftest import CLOCK_AT

FRIDAY = datetime(2026, 11, 20, 15, 5, tzinfo=UTC)  # 16:05 in Berlin, before Monday's meeting
LAST_WEEK = MEETING.replace(day=16)


def krs_in_order(store, cycle) -> list:
    objectives = {o.id: o.order for o in store.objectives(cycle.id)}
    return sorted(
        store.key_results(cycle.id), key=lambda kr: (objectives[kr.objective_id], kr.order)
    )


def update_before(store, cycle, kr, value: float, confidence=Confidence.ON_TRACK) -> CheckIn:
    """An owner's update for the coming meeting, as `okr checkin` files it."""
    return store.add_check_in(
        CheckIn(
            cycle_id=cycle.id,
            kr_id=kr.id,
            meeting_date=MEETING,
            value=value,
            confidence=confidence,
            note=f"update of {kr.title}",
            author="Dana",
            recorded_at=FRIDAY,
        )
    )


def last_week(store, cycle, kr, value: float) -> None:
    store.add_check_in(
        CheckIn(
            cycle_id=cycle.id,
            kr_id=kr.id,
            meeting_date=LAST_WEEK,
            value=value,
            confidence=Confidence.ON_TRACK,
            recorded_at=datetime(2026, 11, 16, 9, 0, tzinfo=UTC),
        )
    )


def updated_team(store, per_objective: int = 3):
    """One objective of `per_objective` key results, each checked in last week and updated by
    its owner before this meeting."""
    cycle = build_team(store, objectives=1, per_objective=per_objective)
    krs = krs_in_order(store, cycle)
    for number, kr in enumerate(krs):
        last_week(store, cycle, kr, 10 + number)
        update_before(store, cycle, kr, 20 + number)
    return cycle, krs


def the_record(store, cycle) -> Meeting:
    """The meeting's one record, as another process reads it from disk."""
    fresh = OkrStore(store.folder, store.clock)
    [record] = [m for m in fresh.meetings(cycle.id) if m.meeting_date == MEETING]
    return record


# --- the walk ---------------------------------------------------------------------------------


async def test_one_key_accepts_an_update_given_before_the_meeting(store, make_app):
    cycle, krs = updated_team(store)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        walk = await start_walk(keys)
        assert walk.current_kr_id == krs[0].id  # walked, not skipped as checked in
        notice = shown(walk, "#walk-notice")
        assert "This meeting's update: 20% (+10% since last meeting)" in notice
        assert "on track" in notice
        assert "by Dana · Fri 20 Nov 16:05 · given before the meeting" in notice
        assert "Last meeting (Mon 16 Nov)" in shown(walk, "#walk-last")
        assert "Enter accepts · typing corrects" in shown(walk, "#walk-preview")
        assert walk.query_one("#walk-note").value == "update of KR 1.1"
        await keys("enter")
        assert walk.current_kr_id == krs[1].id
        assert "1 of 3 reviewed" in shown(walk, "#walk-position")
        await keys("enter", "enter")
        summary = app.screen
        assert isinstance(summary, MeetingSummaryScreen)
        accepted = shown(summary, section("Updated before the meeting"))
        assert accepted.startswith("Updated before the meeting (3)")
        assert accepted.count("✓ accepted") == 3
        assert shown(summary, section("Changed in the meeting")).endswith("none")
        assert shown(summary, section("No update")).endswith("none")
        assert the_record(store, cycle).reviewed_kr_ids == [kr.id for kr in krs]
        await keys("enter")  # close the meeting
        assert isinstance(app.screen, DashboardScreen)
    assert keys.count == 2 + 3 + 1
    record = the_record(store, cycle)
    assert record.is_closed
    assert record.reviewed_kr_ids == [kr.id for kr in krs]
    check_ins = store.check_ins(cycle.id)
    assert len(check_ins) == 6  # last week's and the updates: nothing new
    assert not any(c.in_meeting for c in check_ins)
    assert sorted(record.check_in_ids) == sorted(c.id for c in meeting_check_ins(store, cycle.id))


async def test_typing_over_an_update_corrects_it_as_the_meeting(store, make_app):
    cycle, krs = updated_team(store)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        await keys("c")
        app.screen.query_one("#setup-facilitator", Input).value = "Femi"
        await keys("enter")
        walk = app.screen
        assert isinstance(walk, WalkthroughScreen)
        await keys.type("25")  # the value is selected: typing replaces it
        assert "Enter accepts" not in shown(walk, "#walk-preview")
        await keys("enter", "2")  # at risk: saves and moves on
        assert walk.current_kr_id == krs[1].id
        await keys("ctrl+f")
        summary = app.screen
        assert isinstance(summary, MeetingSummaryScreen)
        changed = shown(summary, section("Changed in the meeting"))
        assert changed.startswith("Changed in the meeting (1)")
        assert "KR 1.1  25%  (the update said 20%, on track)" in changed
        before = shown(summary, section("Updated before the meeting"))
        assert before.startswith("Updated before the meeting (2)")
        assert before.count("not reviewed") == 2
    saved = {c.kr_id: c for c in meeting_check_ins(store, cycle.id)}
    correction = saved[krs[0].id]
    assert (correction.value, correction.confidence) == (25, Confidence.AT_RISK)
    assert correction.in_meeting
    assert correction.author == "Femi"  # the facilitator: the meeting changed it, not Dana
    assert correction.note == "update of KR 1.1"  # the update's note, kept in its field
    update = next(c for c in store.check_ins(cycle.id) if c.id == correction.supersedes)
    assert (update.value, update.author, update.in_meeting) == (20, "Dana", False)
    assert not any(
        m.reviewed_kr_ids for m in OkrStore(store.folder, store.clock).meetings(cycle.id)
    )


async def test_a_save_that_changes_nothing_accepts_instead_of_correcting(store, make_app):
    """Tab down to the confidence and Enter (or the same level's key): the same update again
    is no correction."""
    cycle, krs = updated_team(store, per_objective=2)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        walk = await start_walk(keys)
        await keys("tab", "tab", "tab", "enter")
        assert walk.current_kr_id == krs[1].id
        await keys("tab", "tab", "tab", "1")  # on track, as the update said
        assert isinstance(app.screen, MeetingSummaryScreen)
    assert len(store.check_ins(cycle.id)) == 4
    assert the_record(store, cycle).reviewed_kr_ids == [krs[0].id, krs[1].id]


async def test_a_resumed_walk_starts_at_the_first_key_result_not_yet_reviewed(store, make_app):
    cycle, krs = updated_team(store, per_objective=4)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        walk = await start_walk(keys)
        await keys("enter")  # accept KR 1.1
        await keys.type("31")  # correct KR 1.2
        await keys("enter", "g")
        assert walk.current_kr_id == krs[2].id
        await keys("escape")
        assert isinstance(app.screen, DashboardScreen)

        walk = await start_walk(keys)
        assert isinstance(walk, WalkthroughScreen)
        assert walk.current_kr_id == krs[2].id
        assert "KR 3 of 4  · 2 of 4 reviewed" in shown(walk, "#walk-position")
        await keys("enter")  # accept KR 1.3: on to KR 1.4
        assert walk.current_kr_id == krs[3].id
        await keys("ctrl+b", "ctrl+b")  # back to the accepted KR 1.2: it says so
        assert walk.current_kr_id == krs[1].id
        assert "Already checked in for this meeting" in shown(walk, "#walk-notice")
        await keys("ctrl+b")
        assert "✓ accepted" in shown(walk, "#walk-notice")
        await keys("enter")  # accepted already: on to the one still open, KR 1.4
        assert walk.current_kr_id == krs[3].id
    assert the_record(store, cycle).reviewed_kr_ids == [krs[0].id, krs[2].id]


async def test_the_set_up_says_how_many_updates_wait_for_review(store, make_app):
    updated_team(store)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        status = shown(app.screen, "#setup-status")
        assert "3 key results to check in for this meeting." in status
        assert "3 updated before the meeting: Enter accepts an update" in status


# --- the summary, the notes and the digest ------------------------------------------------


def test_the_summary_and_notes_separate_before_in_and_missing(store):
    cycle = build_team(store, objectives=1, per_objective=4)
    accepted, passed, corrected, missing = krs_in_order(store, cycle)
    for kr in (accepted, passed, corrected, missing):
        last_week(store, cycle, kr, 10)
    for kr in (accepted, passed, corrected):
        update_before(store, cycle, kr, 20)
    store.add_check_in(
        CheckIn(
            cycle_id=cycle.id,
            kr_id=corrected.id,
            meeting_date=MEETING,
            value=15,
            confidence=Confidence.AT_RISK,
            author="Ada",
            recorded_at=store.clock.now(),
            in_meeting=True,
        )
    )
    check_ins = store.check_ins(cycle.id)
    walked = [accepted, passed, corrected, missing]
    assert reviewed_in_meeting([kr.id for kr in walked], check_ins, MEETING, [accepted.id]) == {
        accepted.id,
        corrected.id,
    }
    facts = step_facts(passed, check_ins, MEETING)
    assert facts.update_before is not None and not is_reviewed(passed.id, facts.this_meeting, ())
    assert step_facts(corrected, check_ins, MEETING).update_before is None

    summary = meeting_summary(
        walked, check_ins, [], MEETING, team_name="Platform", reviewed_kr_ids=[accepted.id]
    )
    assert [(u.kr.id, u.reviewed) for u in summary.updated_before] == [
        (accepted.id, True),
        (passed.id, False),
    ]
    [changed] = summary.changed
    assert (changed.kr.id, changed.check_in.value) == (corrected.id, 15)
    assert changed.corrected is not None and changed.corrected.value == 20
    assert summary.missing == (missing,)

    notes = summary_markdown(summary)
    assert notes.index("## Updated before the meeting") < notes.index("## Changed in the meeting")
    assert notes.index("## Changed in the meeting") < notes.index("## No update")
    assert "- KR 1.1: 20%, on track · by Dana · accepted in the meeting" in notes
    assert "- KR 1.2: 20%, on track · by Dana · not reviewed" in notes
    assert "- KR 1.3: 15%, at risk (the update said 20%, on track)" in notes
    assert "## No update\n\n- KR 1.4\n" in notes


def test_the_digest_reads_what_the_meeting_accepted(store):
    from okr_tui.exchange.digest import build_digest, digest_sections

    cycle, krs = updated_team(store, per_objective=2)
    team = store.teams()[0]
    store.mark_reviewed(cycle.id, team.id, MEETING, krs[0].id, facilitator="Ada")
    sections = dict(digest_sections(build_digest(store, cycle, team, MEETING)))
    assert sections["Updated before the meeting"] == [
        "KR 1.1: 20%, on track · by Dana · accepted in the meeting",
        "KR 1.2: 21%, on track · by Dana · not reviewed",
    ]
    assert sections["Changed in the meeting"] == []
    assert sections["No update"] == []


# --- the record ---------------------------------------------------------------------------


def test_the_record_keeps_what_was_accepted_once_and_joins_a_closed_record(store):
    cycle, krs = updated_team(store, per_objective=2)
    team = store.teams()[0]
    first = store.mark_reviewed(
        cycle.id, team.id, MEETING, krs[0].id, facilitator="Ada", attendees=["Ada", "Bo"]
    )
    assert (first.facilitator, first.attendees, first.reviewed_kr_ids) == (
        "Ada",
        ["Ada", "Bo"],
        [krs[0].id],
    )
    assert store.mark_reviewed(cycle.id, team.id, MEETING, krs[0].id) == first  # once
    store.save_meeting(first.model_copy(update={"closed_at": store.clock.now()}), amend_closed=True)
    again = store.mark_reviewed(cycle.id, team.id, MEETING, krs[1].id)
    assert again.id == first.id and again.is_closed  # a walk after closing joins the record
    assert the_record(store, cycle).reviewed_kr_ids == [krs[0].id, krs[1].id]
    with pytest.raises(RuleViolation, match="no key result"):
        store.mark_reviewed(cycle.id, team.id, MEETING, "kr-nope")
    with pytest.raises(RuleViolation, match="not a check-in meeting"):
        store.mark_reviewed(cycle.id, team.id, MEETING.replace(day=24), krs[0].id)


def test_what_was_accepted_survives_an_export_and_import(store, tmp_path):
    cycle, krs = updated_team(store, per_objective=2)
    store.mark_reviewed(cycle.id, store.teams()[0].id, MEETING, krs[1].id)
    exported = export_json(store)
    document = json.loads(exported)
    [meeting] = document["cycles"][0]["meetings"]
    assert meeting["reviewed_kr_ids"] == [krs[1].id]
    path = tmp_path / "export.json"
    path.write_text(exported, encoding="utf-8")
    target = OkrStore(tmp_path / "copy", FixedClock(CLOCK_AT))
    apply_import(target, read_import(path))
    assert export_json(target) == exported

    meeting["reviewed_kr_ids"] = ["kr-gone"]  # an import checks what it names
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(Exception, match="reviewed_kr_ids"):
        read_import(path)


def test_two_machines_accepting_different_updates_keep_both():
    meeting = {
        "id": "mtg-1",
        "cycle_id": "cycle-1",
        "team_id": None,
        "meeting_date": "2026-11-23",
        "reviewed_kr_ids": [],
    }
    file = {"meta": {"1": {"kind": "cycle", "schema_version": 4}}}
    base = {**file, "meetings": {"1": meeting}}
    ours = {**file, "meetings": {"1": {**meeting, "reviewed_kr_ids": ["kr-1"]}}}
    theirs = {**file, "meetings": {"1": {**meeting, "reviewed_kr_ids": ["kr-2", "kr-1"]}}}
    merged = merge.merge_tables("cycle.json", base, ours, theirs)
    assert merged["meetings"]["1"]["reviewed_kr_ids"] == ["kr-1", "kr-2"]


# --- the keystroke target, in a real terminal ---------------------------------------------


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_twelve_updated_key_results_take_at_most_sixteen_keys_in_a_real_terminal(tmp_path):
    """3 objectives x 4 key results, all 12 updated through `okr checkin` before the meeting:
    from the dashboard to the stored meeting record in 15 keys (c, Enter, one Enter per key
    result, Enter to close), nothing typed twice, no new check-in."""
    from test_tmux_smoke import _wait_for

    okr = Path(sys.executable).parent / "okr"
    if not okr.exists():
        pytest.skip("the okr entry point is not installed beside this Python")
    folder = tmp_path / "store"
    # Planned that Friday morning, before the owners' updates (--at refuses a check-in for a
    # key result from before it was added).
    store = OkrStore(folder, FixedClock("2026-11-20T09:00:00Z"))
    cycle = build_team(store, objectives=3, per_objective=4)
    krs = krs_in_order(store, cycle)
    env = {**os.environ, "OKR_HOME": str(tmp_path / "home")}
    for number, kr in enumerate(krs):
        subprocess.run(
            [
                str(okr), "--db", str(folder), "--at", "2026-11-20T16:05",
                "checkin", "--kr", kr.id, "--value", str(10 + number),
                "--confidence", "on track", "--author", "Dana",
            ],
            check=True, capture_output=True, timeout=60, env=env,
        )  # fmt: skip
    updates = OkrStore(folder, FixedClock(CLOCK_AT)).check_ins(cycle.id)
    assert {c.meeting_date for c in updates} == {MEETING} and len(updates) == 12

    tmux = ["tmux", "-L", f"walk-accept-{os.getpid()}"]  # a server of its own
    command = (
        f"env OKR_HOME={tmp_path / 'home'} TERM=xterm-256color "
        f"{okr} --db {folder} --at 2026-11-23T10:00Z"
    )
    sent: list[str] = []

    def send(*keys: str) -> None:
        sent.extend(keys)
        subprocess.run([*tmux, "send-keys", "-t", "walk", *keys], check=True, timeout=10)

    try:
        subprocess.run(
            [*tmux, "new-session", "-d", "-s", "walk", "-x", "100", "-y", "30", command],
            check=True,
            timeout=10,
        )
        _wait_for(tmux, "c Check-in", 60)
        send("c", "Enter")
        _wait_for(tmux, "This meeting's update", 60)
        send(*["Enter"] * 12)
        _wait_for(tmux, "Updated before the meeting (12)", 60)
        send("Enter")  # close the meeting
        _wait_for(tmux, "Meeting of 2026-11-23 closed", 60)
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True, timeout=10)

    assert len(sent) == 15 <= 16
    fresh = OkrStore(folder, FixedClock(CLOCK_AT))
    [record] = fresh.meetings(cycle.id)
    assert record.is_closed
    assert record.reviewed_kr_ids == [kr.id for kr in krs]
    assert sorted(c.id for c in fresh.check_ins(cycle.id)) == sorted(c.id for c in updates)
