"""When an action was done (`done_at`, store schema 3, export format 3): the summary of the
meeting it was ticked off in lists it."""

from __future__ import annotations

import json
from pathlib import Path

from test_walkthrough import MEETING, Keys, open_action_from_last_week, shown, walk_to

from okr_tui.domain.clock import FixedClock
from okr_tui.domain.walkthrough import meeting_summary
from okr_tui.exchange.json_exchange import apply_import, read_import
from okr_tui.exchange.json_export import FORMAT_VERSION, export_json
from okr_tui.screens.walk.meeting_summary import SECTION_TITLES, MeetingSummaryScreen
from okr_tui.store import migrations
from okr_tui.store.store import OkrStore
from tests.conftest import CLOCK_AT

DONE_SECTION = f"#summary-section-{SECTION_TITLES.index('Done this meeting')}"


def test_ticking_an_action_off_records_when(demo_store):
    kr, action = open_action_from_last_week(demo_store)
    [done] = demo_store.mark_actions_done(kr.cycle_id, {action.id})
    assert done.done and done.done_at == demo_store.clock.now()
    fresh = OkrStore(demo_store.folder, demo_store.clock)
    assert next(a for a in fresh.actions(kr.cycle_id) if a.id == action.id).done_at == (
        demo_store.clock.now()
    )


async def test_the_summary_lists_the_actions_ticked_off_in_this_meeting(
    demo_store, make_app, isolated_home
):
    """An action closed with ctrl+l left the summary: neither new nor still open, it was not
    said anywhere that it had been done."""
    kr, action = open_action_from_last_week(demo_store)
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        keys = Keys(pilot)
        await walk_to(keys, kr.id)
        await keys("ctrl+l", "space", "enter")  # tick it off
        await keys("ctrl+f")
        summary = app.screen
        assert isinstance(summary, MeetingSummaryScreen)
        section = shown(summary, DONE_SECTION)
        assert section.startswith("Done this meeting (1)")
        assert "Reach 500 paying customers: Ask [b]Legal[/] for the template" in section
        assert "Ask [b]Legal[/]" not in shown(summary, "#summary-section-7")  # not still open
        await keys("m")
    [notes] = (isolated_home / "data" / "exports").glob("meeting-*.md")
    done = notes.read_text(encoding="utf-8").split("## Done this meeting", 1)[1].split("##")[0]
    assert "- Reach 500 paying customers: Ask [b]Legal[/] for the template" in done


def test_an_action_done_at_an_earlier_meeting_is_not_listed_again(demo_store):
    kr, action = open_action_from_last_week(demo_store)
    last_week = OkrStore(demo_store.folder, FixedClock("2026-11-17T10:00:00Z"))
    last_week.mark_actions_done(kr.cycle_id, {action.id})
    cycle = demo_store.current_cycle()
    summary = meeting_summary(
        [kr],
        demo_store.check_ins(cycle.id),
        demo_store.actions(cycle.id),
        MEETING,
        team_name="Growth",
        cycle=cycle,
    )
    assert summary.done == ()
    assert summary.still_open == ()  # done: no longer open either


def test_a_schema_2_store_opens_with_its_done_actions_and_is_saved_as_schema_3(
    demo_store, tmp_path: Path
):
    """Store schema 3 added `done_at`; a file written by schema 2 (no such field) opens, its
    done actions have no moment, and the next save writes schema 3."""
    kr, action = open_action_from_last_week(demo_store)
    demo_store.mark_actions_done(kr.cycle_id, {action.id})
    path = demo_store.folder / "cycles" / f"{kr.cycle_id}.json"
    tables = json.loads(path.read_bytes())
    tables["meta"]["1"]["schema_version"] = 2
    for document in tables["actions"].values():
        document.pop("done_at", None)
    path.write_bytes(json.dumps(tables).encode())

    store = OkrStore(demo_store.folder, FixedClock(CLOCK_AT))
    old = next(a for a in store.actions(kr.cycle_id) if a.id == action.id)
    assert old.done and old.done_at is None
    store.save_action(old.model_copy(update={"text": "Ask Legal"}))
    saved = json.loads(path.read_bytes())
    assert saved["meta"]["1"]["schema_version"] == migrations.SCHEMA_VERSION == 4


def test_a_version_2_export_without_done_dates_still_imports(demo_store, tmp_path: Path):
    kr, action = open_action_from_last_week(demo_store)
    demo_store.mark_actions_done(kr.cycle_id, {action.id})
    document = json.loads(export_json(demo_store))
    assert document["version"] == FORMAT_VERSION == 4
    document["version"] = 2
    for cycle in document["cycles"]:
        for action in cycle["actions"]:
            action.pop("done_at", None)
    path = tmp_path / "old.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    target = OkrStore(tmp_path / "copy", FixedClock(CLOCK_AT))
    apply_import(target, read_import(path))
    q4 = target.find_cycle("2026-Q4")
    assert target.actions(q4.id)
    assert all(a.done_at is None for a in target.actions(q4.id))
