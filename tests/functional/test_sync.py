"""The store synced through git: two clones and a bare remote on this machine, okr's merge
driver, the commit messages, what it cannot merge, and random histories on both clones."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okr_tui.domain.clock import FixedClock
from okr_tui.domain.models import CheckIn, Confidence
from okr_tui.domain.progress import effective_check_ins
from okr_tui.exchange.json_export import export_json
from okr_tui.store import merge, sync
from okr_tui.store.store import OkrStore

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="okr sync needs git")

CLOCK_AT = "2026-11-23T10:00:00Z"
MEETING = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commits need an author; a machine without a git identity (CI) has none."""
    for key, value in {
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }.items():
        monkeypatch.setenv(key, value)


def _bare_remote(where: Path) -> Path:
    remote = where / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    return remote


def _clones(demo_store: OkrStore, where: Path, minutes: int = 0) -> tuple[OkrStore, OkrStore]:
    """The demo store synced to a new bare remote (clone a), and a second machine joining it
    (clone b), each with its own clock."""
    remote = _bare_remote(where)
    a_folder, b_folder = where / "a", where / "b"
    shutil.copytree(demo_store.folder, a_folder)
    sync.init(a_folder, str(remote))
    a = OkrStore(a_folder, FixedClock(CLOCK_AT))
    sync.sync(a)
    sync.init(b_folder, str(remote))
    b = OkrStore(b_folder, FixedClock("2026-11-23T10:00:30Z"))
    return a, b


def _key_results(store: OkrStore) -> list:
    """The current cycle's key results in a fixed order (ids differ from run to run)."""
    cycle = store.current_cycle()
    return sorted(store.key_results(cycle.id), key=lambda kr: kr.title)


def _kr(store: OkrStore, title_start: str):
    return next(kr for kr in _key_results(store) if kr.title.startswith(title_start))


def _check_in(store: OkrStore, kr, value: float, author: str, second: int = 0) -> CheckIn:
    moment = store.clock.now().add(seconds=second)
    return store.add_check_in(
        CheckIn(
            cycle_id=kr.cycle_id,
            kr_id=kr.id,
            meeting_date=MEETING,
            value=value,
            confidence=Confidence.ON_TRACK,
            author=author,
            recorded_at=moment,
        )
    )


def _same(a: OkrStore, b: OkrStore) -> bool:
    a.refresh()
    b.refresh()
    return export_json(a) == export_json(b)


def test_a_teammate_joins_and_both_see_each_others_check_ins(demo_store, tmp_path):
    a, b = _clones(demo_store, tmp_path)
    assert _same(a, b)
    first = _kr(a, "Reach 500 paying customers")  # a company key result
    second = _kr(b, "Increase qualified leads")  # one of Sales
    _check_in(a, first, 400, "Ana")
    _check_in(b, second, 101, "Ben")
    assert sync.sync(a).pushed
    result = sync.sync(b)
    assert result.pulled and result.pushed
    assert result.committed == "Sales: 1 check-in for the 2026-11-23 meeting"
    sync.sync(a)
    assert _same(a, b)
    values = {
        c.kr_id: c.value
        for c in effective_check_ins(a.check_ins(first.cycle_id))
        if c.meeting_date == MEETING
    }
    assert values[first.id] == 400 and values[second.id] == 101


@pytest.mark.parametrize("order", list(itertools.permutations("ab")))
def test_two_check_ins_of_one_key_result_become_a_correction_chain(demo_store, tmp_path, order):
    a, b = _clones(demo_store, tmp_path)
    kr = _key_results(a)[0]
    early = _check_in(a, kr, 400, "Ana")  # 10:00:00
    late = _check_in(b, kr, 410, "Ben")  # 10:00:30, on the other machine
    clones = {"a": a, "b": b}
    for name in (*order, order[0]):
        sync.sync(clones[name])
    assert _same(a, b)
    stored = {c.id: c for c in a.check_ins(kr.cycle_id) if c.kr_id == kr.id}
    assert early.id in stored and late.id in stored  # both kept: append-only
    assert stored[late.id].supersedes == early.id
    [effective] = [c for c in effective_check_ins(stored.values()) if c.meeting_date == MEETING]
    assert effective.value == 410


def test_an_edit_on_both_sides_keeps_the_later_and_audits_the_other(demo_store, tmp_path):
    a, b = _clones(demo_store, tmp_path)
    kr_a = _key_results(a)[0]
    kr_b = _key_results(b)[0]
    a.save_key_result(kr_a.model_copy(update={"target": 520.0, "title": "Reach 520 customers"}))
    b.clock = FixedClock("2026-11-23T11:00:00Z")
    b.save_key_result(kr_b.model_copy(update={"target": 480.0, "owner": "Kai"}))
    sync.sync(a)
    sync.sync(b)
    sync.sync(a)
    assert _same(a, b)
    merged = a.key_result(kr_a.cycle_id, kr_a.id)
    assert merged.target == 480.0  # the later edit (11:00) wins the field both changed
    assert merged.title == "Reach 520 customers" and merged.owner == "Kai"  # the rest merges
    audit = [e for e in a.audit(kr_a.cycle_id, kr_a.id) if e.reason == merge.SYNC_REASON]
    assert [(e.field, e.old, e.new) for e in audit] == [("target", 520.0, 480.0)]


def test_what_the_driver_cannot_decide_stops_the_sync_and_loses_nothing(demo_store, tmp_path):
    a, b = _clones(demo_store, tmp_path)
    team_a, team_b = a.teams()[0], b.teams()[0]
    a.save_team(team_a.model_copy(update={"facilitator": "Ana"}), expected=team_a)
    b.save_team(team_b.model_copy(update={"facilitator": "Ben"}), expected=team_b)
    sync.sync(a)
    with pytest.raises(sync.SyncError) as stopped:
        sync.sync(b)
    message = str(stopped.value)
    assert "okr.json changed on both sides" in message
    assert "teams record" in message and "facilitator was changed on both sides" in message
    assert "Nothing is lost" in message
    # git's usual conflict state: ours in the folder, theirs in the index, nothing written over.
    conflicted = subprocess.run(
        ["git", "-C", str(b.folder), "diff", "--name-only", "--diff-filter=U"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert conflicted == ["okr.json"]
    theirs = subprocess.run(
        ["git", "-C", str(b.folder), "show", ":3:okr.json"], capture_output=True, check=True
    ).stdout
    assert b'"facilitator":"Ana"' in theirs
    assert OkrStore(b.folder).team(team_b.id).facilitator == "Ben"
    with pytest.raises(sync.SyncError, match="still unresolved"):
        sync.sync(b)


def test_a_merge_that_would_break_a_store_rule_stops_the_sync(demo_store, tmp_path):
    """Two machines each add a team called Design: the merged root file would hold two teams
    of one name, which the store refuses on every other way in, so the sync stops."""
    from okr_tui.domain.models import Team

    a, b = _clones(demo_store, tmp_path)
    a.save_team(Team(name="Design", order=10))
    b.save_team(Team(name="design", order=10))
    sync.sync(a)
    with pytest.raises(sync.SyncError) as stopped:
        sync.sync(b)
    message = str(stopped.value).casefold()
    assert 'the merge would break a rule: there is already a team called "design"' in message
    assert [t.name for t in OkrStore(b.folder).teams() if t.name.casefold() == "design"] == [
        "design"
    ]


def test_a_diff_of_the_store_reads_as_records(demo_store, tmp_path):
    a, _ = _clones(demo_store, tmp_path)
    _check_in(a, _key_results(a)[0], 432, "Ana")
    diff = subprocess.run(
        ["git", "-C", str(a.folder), "diff"], capture_output=True, text=True, check=True
    ).stdout
    assert '+      "value": 432.0' in diff
    assert '+      "author": "Ana",' in diff


def test_without_git_okr_sync_says_so_in_one_line(demo_store, tmp_path):
    env = {**os.environ, "PATH": str(tmp_path / "empty-bin"), "OKR_HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "okr_tui", "--db", str(demo_store.folder), "sync"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 2
    assert (
        result.stderr == "okr: okr sync needs git, which is not installed (e.g. apt install git)\n"
    )


def test_a_folder_with_its_own_store_does_not_join_another(demo_store, tmp_path):
    a, _ = _clones(demo_store, tmp_path)
    other = tmp_path / "other"
    shutil.copytree(demo_store.folder, other)
    with pytest.raises(sync.SyncError, match="remote already holds a store, and so does this"):
        sync.init(other, str(tmp_path / "remote.git"))


# --- the merge itself, on tables --------------------------------------------------------------


def _file(**tables) -> dict:
    return {"meta": {"1": {"kind": "root", "schema_version": 2}}, **tables}


def test_fields_merge_one_by_one_and_lists_are_joined():
    team = {"id": "team-1", "name": "Sales", "members": ["Ana"], "facilitator": "", "order": 0}
    base = _file(teams={"1": team}, cycles={})
    ours = _file(teams={"1": {**team, "members": ["Ana", "Ben"]}}, cycles={})
    theirs = _file(teams={"1": {**team, "members": ["Ana", "Cy"], "facilitator": "Ana"}}, cycles={})
    merged = merge.merge_tables("okr.json", base, ours, theirs)
    assert merged["teams"]["1"]["members"] == ["Ana", "Ben", "Cy"]
    assert merged["teams"]["1"]["facilitator"] == "Ana"


def test_records_added_on_both_sides_never_share_a_number():
    team = {"id": "team-1", "name": "Sales", "members": [], "facilitator": "", "order": 0}
    base = _file(teams={"1": team}, cycles={})
    ours = _file(teams={"1": team, "2": {**team, "id": "team-2", "name": "Ops"}}, cycles={})
    theirs = _file(teams={"1": team, "2": {**team, "id": "team-3", "name": "Legal"}}, cycles={})
    merged = merge.merge_tables("okr.json", base, ours, theirs)
    assert {n: t["id"] for n, t in merged["teams"].items()} == {
        "1": "team-1",
        "2": "team-2",
        "3": "team-3",
    }


def test_a_merge_that_would_not_validate_is_refused():
    team = {"id": "team-1", "name": "Sales", "members": [], "facilitator": "", "order": 0}
    broken = {**team, "id": "team-2", "order": "first"}
    with pytest.raises(merge.MergeConflict, match="the merged teams would not be valid"):
        merge.merge_tables(
            "okr.json",
            _file(teams={}, cycles={}),
            _file(teams={"1": team}, cycles={}),
            _file(teams={"1": broken}, cycles={}),
        )


def test_a_newer_schema_is_not_merged():
    newer = {"meta": {"1": {"kind": "root", "schema_version": 999}}, "teams": {}, "cycles": {}}
    with pytest.raises(merge.MergeConflict, match="newer okr-tui"):
        merge.merge_tables(
            "okr.json", _file(teams={}, cycles={}), _file(teams={}, cycles={}), newer
        )


# --- random histories ---------------------------------------------------------------------------

STEP = st.one_of(
    st.tuples(st.just("check-in"), st.sampled_from("ab"), st.integers(0, 3), st.integers(0, 999)),
    st.tuples(st.just("sync"), st.sampled_from("ab"), st.just(0), st.just(0)),
)


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=st.lists(STEP, min_size=2, max_size=7))
def test_random_histories_end_identical_with_every_check_in_on_both_sides(
    demo_store, tmp_path_factory, history
):
    a, b = _clones(demo_store, tmp_path_factory.mktemp("sync"))
    clones = {"a": a, "b": b}
    made: list[str] = []
    tick = itertools.count()
    for action, name, kr_index, value in history:
        store = clones[name]
        if action == "check-in":
            store.clock = FixedClock(date(2026, 11, 23).isoformat() + "T10:00:00Z")
            kr = _key_results(store)[kr_index]
            moment = store.clock.now() + timedelta(seconds=next(tick))
            made.append(
                store.add_check_in(
                    CheckIn(
                        cycle_id=kr.cycle_id,
                        kr_id=kr.id,
                        meeting_date=MEETING,
                        value=value,
                        confidence=Confidence.AT_RISK,
                        author=name,
                        recorded_at=moment,
                    )
                ).id
            )
        else:
            sync.sync(store)
    for name in "abab":
        sync.sync(clones[name])
    assert _same(a, b)
    cycle_id = a.current_cycle().id
    for store in (a, b):
        ids = {c.id for c in store.check_ins(cycle_id)}
        assert set(made) <= ids
        # One effective check-in per key result and meeting, whatever the history.
        effective = [
            c for c in effective_check_ins(store.check_ins(cycle_id)) if c.meeting_date == MEETING
        ]
        assert len(effective) == len({c.kr_id for c in effective})
    assert json.loads(export_json(a))  # the merged store exports (and so validates)


async def test_the_palette_syncs_off_the_ui_thread_and_reports(demo_store, tmp_path, make_app):
    a, b = _clones(demo_store, tmp_path)
    kr = _kr(b, "Increase qualified leads")
    made = _check_in(b, kr, 188, "Ben")
    sync.sync(b)
    app = make_app(a)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p", *"Sync with git")
        await pilot.pause()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert "Synced: pulled the remote's changes, pushed" in said
    a.refresh()
    assert made.id in {c.id for c in a.check_ins(kr.cycle_id)}


async def test_the_palette_sync_says_how_to_set_it_up(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p", *"Sync with git")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert "This store is not synced yet: run `okr sync --init REMOTE` once." in said


def test_a_source_and_a_value_read_from_it_travel_through_a_sync(demo_store, tmp_path):
    """One machine sets a key result's source and pulls a value (no confidence); the other
    edits the same key result meanwhile: the merge keeps both, and the check-in stays
    without a confidence (it runs nowhere else until trusted there: test_pull_cli)."""
    from okr_tui.domain.sources import CommandSource

    a, b = _clones(demo_store, tmp_path)
    kr_a, kr_b = _kr(a, "Reach 500"), _kr(b, "Reach 500")
    source = CommandSource(argv=[sys.executable, "-c", "print(420)"])
    a.save_key_result(kr_a.model_copy(update={"source": source}), expected=kr_a)
    [pulled] = a.add_check_ins(
        kr_a.cycle_id,
        [
            CheckIn(
                cycle_id=kr_a.cycle_id,
                kr_id=kr_a.id,
                meeting_date=MEETING,
                value=420,
                confidence=None,
                author="source",
                recorded_at=a.clock.now(),
            )
        ],
    )
    b.save_key_result(kr_b.model_copy(update={"owner": "Kai"}), expected=kr_b)
    sync.sync(a)
    sync.sync(b)
    sync.sync(a)
    assert _same(a, b)
    merged = b.key_result(kr_b.cycle_id, kr_b.id)
    assert (merged.source, merged.owner) == (source, "Kai")
    [arrived] = [c for c in b.check_ins(kr_b.cycle_id, kr_b.id) if c.id == pulled.id]
    assert (arrived.value, arrived.confidence, arrived.author) == (420.0, None, "source")
