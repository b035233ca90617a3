"""OkrStore: models in, the same models out, rules enforced, and a failed save changes nothing.

Every test runs on the fixed clock of conftest (2026-11-23T10:00Z, week 8 of 2026-Q4).
"""

from __future__ import annotations

import errno
import json
import os
import stat
from datetime import date, time
from pathlib import Path

import orjson
import pytest
from filelock import FileLock

from okr_tui.domain.clock import FixedClock
from okr_tui.domain.models import (
    Action,
    AuditEntry,
    CheckIn,
    Confidence,
    Cycle,
    CycleState,
    KeyResult,
    KrType,
    Meeting,
    Objective,
    Retrospective,
    Review,
    ReviewDecision,
    ReviewDecisionKind,
    Score,
    Status,
    Team,
)
from okr_tui.store import migrations, storage
from okr_tui.store.errors import RuleViolation, StoreError
from okr_tui.store.layout import CYCLE_TABLES
from okr_tui.store.store import OkrStore

CLOCK_AT = "2026-11-23T10:00:00Z"
NOW = FixedClock(CLOCK_AT).now()
MONDAY = date(2026, 11, 23)  # the current meeting of 2026-Q4
LAST_MONDAY = date(2026, 11, 16)


def _cycle(**changes) -> Cycle:
    fields = {
        "id": "cycle-q4",
        "name": "2026-Q4",
        "start": date(2026, 10, 1),
        "end": date(2026, 12, 31),
        "timezone": "Europe/Berlin",
        "meeting_weekday": 0,
        "meeting_time": time(9, 30),
        "state": CycleState.ACTIVE,
    }
    return Cycle(**{**fields, **changes})


def _check_in(kr_id: str = "kr-signups", day: date = MONDAY, value: float = 40, **changes):
    fields = {
        "cycle_id": "cycle-q4",
        "kr_id": kr_id,
        "meeting_date": day,
        "value": value,
        "confidence": Confidence.AT_RISK,
        "recorded_at": NOW,
    }
    return CheckIn(**{**fields, **changes})


@pytest.fixture
def planned(store: OkrStore) -> OkrStore:
    """A team, the active 2026-Q4 cycle, one objective and two key results; no check-ins."""
    store.save_team(Team(id="team-growth", name="Growth", members=["Ana", "Bo"]))
    store.save_cycle(_cycle())
    store.save_objective(
        Objective(id="obj-grow", cycle_id="cycle-q4", team_id="team-growth", title="Grow")
    )
    store.save_key_result(
        KeyResult(
            id="kr-signups",
            cycle_id="cycle-q4",
            objective_id="obj-grow",
            title="Signups from 100 to 200",
            baseline=100,
            target=200,
        )
    )
    store.save_key_result(
        KeyResult(
            id="kr-launch",
            cycle_id="cycle-q4",
            objective_id="obj-grow",
            title="Launch the checklist",
            kr_type=KrType.MILESTONE,
            order=1,
        )
    )
    return store


def _reopen(store: OkrStore) -> OkrStore:
    """The same folder as a new process would see it."""
    return OkrStore(store.folder, FixedClock(CLOCK_AT))


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


# --- round trips ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "q4_state", "expected"),
    [
        ("2026-12-14T10:00:00Z", CycleState.ACTIVE, "2026-Q4"),
        ("2026-12-14T10:00:00Z", CycleState.CLOSED, "2027-Q1"),  # closed early: on to the next
        ("2027-01-02T10:00:00Z", CycleState.ACTIVE, "2026-Q4"),  # still to score and close
        ("2027-01-02T10:00:00Z", CycleState.CLOSED, "2027-Q1"),  # between the two
        ("2027-01-06T10:00:00Z", CycleState.CLOSED, "2027-Q1"),
    ],
)
def test_the_current_cycle_moves_on_once_the_one_in_progress_is_closed(
    tmp_path: Path, at: str, q4_state: CycleState, expected: str
) -> None:
    store = OkrStore(tmp_path / "store", FixedClock(at))
    store.save_cycle(_cycle(state=q4_state))
    store.save_cycle(
        _cycle(
            id="cycle-q1",
            name="2027-Q1",
            start=date(2027, 1, 4),
            end=date(2027, 3, 31),
            state=CycleState.PLANNING,
        )
    )
    assert store.current_cycle().name == expected


def test_a_cycle_may_not_overlap_another(store: OkrStore) -> None:
    store.save_cycle(_cycle())
    with pytest.raises(RuleViolation, match=r"overlap 2026-Q4 \(2026-10-01 to 2026-12-31\)"):
        store.save_cycle(
            _cycle(id="cycle-x", name="Winter", start=date(2026, 12, 31), end=date(2027, 1, 31))
        )
    store.save_cycle(_cycle(end=date(2026, 12, 20)))  # editing a cycle is no overlap with itself
    store.save_cycle(
        _cycle(id="cycle-x", name="Winter", start=date(2026, 12, 21), end=date(2027, 1, 31))
    )
    assert [c.name for c in store.cycles()] == ["2026-Q4", "Winter"]


def test_the_days_a_cycle_closed_early_left_can_be_planned(store: OkrStore) -> None:
    """Closed on 23 November, 2026-Q4 still ran to 31 December on paper: the next cycle
    could not start before January, although the close said it ended Q4 early."""
    store.save_cycle(_cycle())
    store.close_cycle("cycle-q4")
    sprint = store.save_cycle(
        _cycle(id="cycle-x", name="December sprint", start=date(2026, 11, 30))
    )
    store.clock.set("2026-12-02T10:00:00Z")
    assert store.current_cycle() == sprint  # the open one, not the closed one it overlaps
    with pytest.raises(RuleViolation, match="overlap December sprint"):
        store.save_cycle(_cycle(id="cycle-y", name="Another", start=date(2026, 12, 14)))


def test_teams_and_cycles_round_trip(store: OkrStore) -> None:
    team = store.save_team(Team(name="Growth", members=["Ana"], facilitator="Ana", order=2))
    other = store.save_team(Team(name="Sales", order=1))
    q4 = store.save_cycle(_cycle(skipped_dates=[date(2026, 12, 28)]))
    q3 = store.save_cycle(
        _cycle(id="cycle-q3", name="2026-Q3", start=date(2026, 7, 1), end=date(2026, 9, 30))
    )

    for reader in (store, _reopen(store)):
        assert reader.teams() == [other, team]
        assert reader.team(team.id) == team
        assert reader.cycles() == [q3, q4]
        assert reader.cycle("cycle-q4") == q4
        assert reader.find_cycle("2026-Q3") == q3
        assert reader.find_cycle("cycle-q3") == q3
        assert reader.current_cycle() == q4
        assert not reader.is_empty()

    with pytest.raises(RuleViolation, match="no team"):
        store.team("team-nope")
    assert store.team_or_none(team.id) == team
    assert store.team_or_none("team-nope") is None and store.team_or_none(None) is None
    with pytest.raises(RuleViolation, match="no cycle called 'Q9'"):
        store.find_cycle("Q9")
    with pytest.raises(RuleViolation, match="already exists"):
        store.save_cycle(_cycle(id="cycle-other"))


def test_objectives_and_key_results_round_trip(planned: OkrStore) -> None:
    company = planned.save_objective(
        Objective(cycle_id="cycle-q4", title="Be loved", level="company", order=-1)
    )
    aligned = planned.save_objective(
        planned.objectives("cycle-q4")[1].model_copy(update={"parent_id": company.id})
    )
    kr = planned.key_result("cycle-q4", "kr-signups")

    for reader in (planned, _reopen(planned)):
        assert reader.objectives("cycle-q4") == [company, aligned]
        assert [k.id for k in reader.key_results("cycle-q4")] == ["kr-signups", "kr-launch"]
        assert reader.key_results("cycle-q4", company.id) == []
        assert reader.key_result("cycle-q4", "kr-signups") == kr
        assert reader.find_key_result("kr-si") == kr
        assert reader.find_key_result("kr-signups") == kr

    with pytest.raises(RuleViolation, match="matches several key results"):
        planned.find_key_result("kr-")
    with pytest.raises(RuleViolation, match="no objective with id 'obj-nope'"):
        planned.save_key_result(kr.model_copy(update={"id": "kr-x", "objective_id": "obj-nope"}))
    with pytest.raises(RuleViolation, match="loop"):
        planned.save_objective(company.model_copy(update={"parent_id": aligned.id}))


def test_check_ins_meetings_and_actions_round_trip(planned: OkrStore) -> None:
    first = planned.add_check_in(_check_in(day=LAST_MONDAY, value=120, note="ok", author="Ana"))
    second = planned.add_check_in(_check_in(value=130, confidence_score=5, blockers="legal"))
    launch = planned.add_check_in(_check_in("kr-launch", value=1, confidence=Confidence.ON_TRACK))
    action = planned.save_action(
        Action(cycle_id="cycle-q4", kr_id="kr-signups", text="Call legal", created_at=NOW)
    )
    meeting = planned.save_meeting(
        Meeting(
            cycle_id="cycle-q4",
            meeting_date=MONDAY,
            attendees=["Ana"],
            check_in_ids=[second.id, launch.id],
            action_ids=[action.id],
            decisions=["ship it"],
        )
    )

    for reader in (planned, _reopen(planned)):
        assert reader.check_ins("cycle-q4") == [first, second, launch]
        assert reader.check_ins("cycle-q4", "kr-signups") == [first, second]
        assert reader.check_ins("cycle-q4", kr_ids={"kr-launch"}) == [launch]
        assert reader.check_ins("cycle-q4", kr_ids=["kr-signups", "kr-launch"]) == [
            first,
            second,
            launch,
        ]
        assert reader.actions("cycle-q4") == [action]
        assert reader.actions("cycle-q4", "kr-launch") == []
        assert reader.meetings("cycle-q4") == [meeting]
    assert first.supersedes is None and second.supersedes is None

    closed = planned.save_meeting(meeting.model_copy(update={"closed_at": NOW}))
    with pytest.raises(RuleViolation, match="meeting is closed"):
        planned.save_meeting(closed.model_copy(update={"notes": "changed afterwards"}))
    assert _reopen(planned).meetings("cycle-q4") == [closed]


def test_review_scores_and_retrospectives_round_trip(planned: OkrStore) -> None:
    keep = ReviewDecision(
        cycle_id="cycle-q4", kr_id="kr-launch", decision=ReviewDecisionKind.KEEP, decided_at=NOW
    )
    adjust = ReviewDecision(
        cycle_id="cycle-q4",
        kr_id="kr-signups",
        decision=ReviewDecisionKind.ADJUST,
        new_target=180,
        reason="market shrank",
        decided_at=NOW,
        author="Ana",
    )
    assert planned.record_review_decision(keep).target == 1.0
    adjusted = planned.record_review_decision(adjust)
    review = planned.complete_review(
        Review(cycle_id="cycle-q4", team_id="team-growth", completed_at=NOW)
    )
    score = planned.save_score(
        Score(cycle_id="cycle-q4", kr_id="kr-signups", suggested=0.7, given=0.7, scored_at=NOW)
    )
    retro = planned.save_retrospective(
        Retrospective(
            cycle_id="cycle-q4", team_id="team-growth", keep_doing=["demos"], written_at=NOW
        )
    )

    assert adjusted.target == 180
    for reader in (planned, _reopen(planned)):
        decisions = reader.review_decisions("cycle-q4")
        assert [d.id for d in decisions] == [keep.id, adjust.id]
        assert next(d for d in decisions if d.id == adjust.id).old_target == 200
        assert reader.key_result("cycle-q4", "kr-signups") == adjusted
        assert reader.reviews("cycle-q4") == [review]
        assert reader.scores("cycle-q4") == [score]
        assert reader.retrospectives("cycle-q4") == [retro]

    # Scoring again replaces the score (same id), and a second retrospective replaces the first.
    rescored = planned.save_score(
        Score(
            cycle_id="cycle-q4",
            kr_id="kr-signups",
            suggested=0.7,
            given=0.5,
            reason="late",
            scored_at=NOW,
        )
    )
    again = planned.save_retrospective(
        Retrospective(cycle_id="cycle-q4", team_id="team-growth", stop_doing=["x"], written_at=NOW)
    )
    reopened = _reopen(planned)
    assert reopened.scores("cycle-q4") == [rescored] and rescored.id == score.id
    assert reopened.retrospectives("cycle-q4") == [again] and again.id == retro.id


def test_cycle_documents_hold_every_table_as_stored(planned: OkrStore) -> None:
    """What the export reads: every table of the cycle, as the documents saved."""
    check_in = planned.add_check_in(_check_in())
    documents = _reopen(planned).cycle_documents("cycle-q4")

    assert set(documents) == set(CYCLE_TABLES.values())
    assert documents["check_ins"] == [check_in.model_dump(mode="json")]
    assert sorted(kr["id"] for kr in documents["key_results"]) == ["kr-launch", "kr-signups"]
    assert [o["id"] for o in documents["objectives"]] == ["obj-grow"]
    assert {entry["field"] for entry in documents["audit"]} == {"created"}


def test_cycle_documents_are_read_from_disk_as_they_are_now(planned: OkrStore) -> None:
    """The export reads each cycle fresh: another process's check-in shows, and a new cycle's
    file (made with the cycle) is empty and left as it is."""
    before = planned.cycle_documents("cycle-q4")
    check_in = _reopen(planned).add_check_in(_check_in())

    assert before["check_ins"] == []
    assert planned.cycle_documents("cycle-q4")["check_ins"] == [check_in.model_dump(mode="json")]
    planned.save_cycle(
        _cycle(id="cycle-q1", name="2027-Q1", start=date(2027, 1, 4), end=date(2027, 3, 31))
    )
    new_file = planned.folder / "cycles" / "cycle-q1.json"
    written = new_file.read_bytes(), new_file.stat().st_mtime_ns
    assert planned.cycle_documents("cycle-q1") == {table: [] for table in CYCLE_TABLES.values()}
    assert (new_file.read_bytes(), new_file.stat().st_mtime_ns) == written
    with pytest.raises(RuleViolation, match="no cycle"):
        planned.cycle_documents("cycle-missing")


# --- files on disk ----------------------------------------------------------------------------


def test_files_are_private_to_their_owner(planned: OkrStore) -> None:
    planned.add_check_in(_check_in())
    folder = planned.folder

    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "cycles").stat().st_mode) == 0o700
    files = [folder / "okr.json", folder / "cycles" / "cycle-q4.json", folder / ".lock"]
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_every_file_carries_the_schema_meta(planned: OkrStore) -> None:
    root = json.loads((planned.folder / "okr.json").read_bytes())
    cycle_file = json.loads((planned.folder / "cycles" / "cycle-q4.json").read_bytes())

    assert root["meta"] == {
        "1": {
            "schema_version": migrations.SCHEMA_VERSION,
            "kind": "root",
            "every_cycle_has_a_file": True,
        }
    }
    assert cycle_file["meta"] == {
        "1": {
            "schema_version": migrations.SCHEMA_VERSION,
            "kind": "cycle",
            "cycle_id": "cycle-q4",
        }
    }
    assert sorted(root) == ["cycles", "meta", "teams"]


def test_check_ins_of_some_key_results_list_as_the_whole_cycle_does(planned: OkrStore) -> None:
    """Looked up by key result (the walkthrough's way), check-ins come in the same order as in
    the cycle's full list, ties on the same moment included, before and after a save."""

    def both() -> tuple[list[CheckIn], list[CheckIn]]:
        wanted = {"kr-signups", "kr-launch"}
        everything = [c for c in planned.check_ins("cycle-q4") if c.kr_id in wanted]
        return planned.check_ins("cycle-q4", kr_ids=wanted), everything

    planned.add_check_in(_check_in("kr-launch", value=1, confidence=Confidence.ON_TRACK))
    planned.add_check_in(_check_in(value=130))  # the same moment as the one above
    looked_up, everything = both()
    assert looked_up == everything and len(looked_up) == 2
    correction = planned.add_check_in(_check_in("kr-launch", value=0))
    looked_up, everything = both()
    assert looked_up == everything and looked_up[-1] == correction
    assert planned.check_ins("cycle-q4", "kr-launch", kr_ids={"kr-signups"}) == []
    assert _reopen(planned).check_ins("cycle-q4", kr_ids={"kr-launch"}) == [
        c for c in everything if c.kr_id == "kr-launch"
    ]


def test_key_results_of_some_objectives_follow_edits_and_new_objectives(planned: OkrStore) -> None:
    """Looked up by objective (a team's walk), key results stay in step with saves."""
    assert planned.key_results("cycle-q4", objective_ids={"obj-grow"}) == planned.key_results(
        "cycle-q4"
    )
    planned.save_objective(Objective(id="obj-keep", cycle_id="cycle-q4", title="Keep"))
    kept = planned.save_key_result(
        KeyResult(id="kr-churn", cycle_id="cycle-q4", objective_id="obj-keep", title="Churn")
    )
    signups = planned.key_result("cycle-q4", "kr-signups")
    moved = planned.save_key_result(signups.model_copy(update={"objective_id": "obj-keep"}))
    assert planned.key_results("cycle-q4", objective_ids={"obj-keep"}) == [kept, moved]
    assert [kr.id for kr in planned.key_results("cycle-q4", "obj-grow")] == ["kr-launch"]
    assert planned.key_results("cycle-q4", objective_ids=set()) == []


def test_a_check_in_rewrites_only_its_cycle_file(planned: OkrStore) -> None:
    planned.save_cycle(
        _cycle(id="cycle-q3", name="2026-Q3", start=date(2026, 7, 1), end=date(2026, 9, 30))
    )
    planned.save_objective(Objective(id="obj-old", cycle_id="cycle-q3", title="Old"))
    before = _files(planned.folder)

    planned.add_check_in(_check_in())

    after = _files(planned.folder)
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {os.path.join("cycles", "cycle-q4.json")}


def test_what_a_save_writes_is_all_of_memory_table_by_table(
    planned: OkrStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save re-encodes only the tables that changed; the file must still hold every change,
    sorted as a full encoding would write it, through single and multi-table writes, a failed
    save and a reload."""
    path = planned.folder / "cycles" / "cycle-q4.json"

    def agrees() -> None:
        written = path.read_bytes()
        assert written == orjson.dumps(orjson.loads(written), option=orjson.OPT_SORT_KEYS)
        assert _reopen(planned).cycle_documents("cycle-q4") == planned.cycle_documents("cycle-q4")

    planned.add_check_in(_check_in())
    agrees()
    kr = planned.key_result("cycle-q4", "kr-signups")
    planned.save_key_result(kr.model_copy(update={"target": 300}), reason="bigger")
    agrees()
    monkeypatch.setattr(storage, "write_atomically", _no_space)
    with pytest.raises(StoreError):
        planned.save_action(
            Action(cycle_id="cycle-q4", kr_id=kr.id, text="Call legal", created_at=NOW)
        )
    monkeypatch.undo()
    agrees()
    planned.record_review_decision(
        ReviewDecision(
            cycle_id="cycle-q4",
            kr_id=kr.id,
            decision=ReviewDecisionKind.ADJUST,
            new_target=250,
            reason="smaller market",
            decided_at=NOW,
        )
    )
    agrees()
    other = _reopen(planned)  # another process saves into a table this one leaves alone
    action = other.save_action(
        Action(cycle_id="cycle-q4", kr_id=kr.id, text="Call legal", created_at=NOW)
    )
    planned.add_check_in(_check_in(value=160))
    agrees()
    assert _reopen(planned).actions("cycle-q4") == [action]


def test_a_save_re_encodes_only_the_pieces_of_the_documents_it_touched(
    planned: OkrStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A check-in save encodes the new check-in's piece of the table, not the whole table, and
    the file is still byte for byte the full sorted encoding: across ids that grow a digit
    (which reorders them as text: "10" sorts before "9"), corrections and a failed save."""
    path = planned.folder / "cycles" / "cycle-q4.json"
    encoded: list[int] = []
    real_dumps = storage.orjson.dumps

    def counting_dumps(value, *args, **kwargs):
        out = real_dumps(value, *args, **kwargs)
        encoded.append(len(out))
        return out

    def agrees() -> None:
        written = path.read_bytes()
        assert written == orjson.dumps(orjson.loads(written), option=orjson.OPT_SORT_KEYS)

    planned.add_check_in(_check_in())
    monkeypatch.setattr(storage.orjson, "dumps", counting_dumps)
    for week in range(8):
        for kr_id in ("kr-signups", "kr-launch"):
            for value in (10, 20):  # the second corrects the first
                day = date.fromordinal(MONDAY.toordinal() - 7 * week)
                planned.add_check_in(_check_in(kr_id, day, value=value + week))
                agrees()
    table = orjson.loads(path.read_bytes())["check_ins"]
    assert len(table) == 33 and "10" in table and "9" in table
    whole = len(orjson.dumps(table))
    encoded.clear()
    planned.add_check_in(_check_in("kr-launch", value=99))
    assert encoded and max(encoded) < whole / 2  # a piece, not the table
    agrees()
    monkeypatch.setattr(storage, "write_atomically", _no_space)
    with pytest.raises(StoreError):
        planned.add_check_in(_check_in("kr-launch", value=98))
    monkeypatch.undo()
    planned.add_check_in(_check_in("kr-launch", value=97))
    agrees()
    by_id = sorted(planned.check_ins("cycle-q4"), key=lambda c: c.id)
    assert sorted(_reopen(planned).check_ins("cycle-q4"), key=lambda c: c.id) == by_id


@pytest.mark.parametrize("seed", range(4))
def test_pieces_of_a_table_join_to_its_sorted_encoding(seed: int) -> None:
    """Whatever is added, changed or removed, the pieces kept up to date join to exactly what
    encoding the whole table sorted writes."""
    import random

    rng = random.Random(seed)
    for _ in range(40):
        raw = {str(i): {"id": f"x{i}", "n": {"b": 1, "a": [i]}} for i in range(rng.randint(1, 300))}
        raw.pop("0")
        pieces = storage._EncodedTable(raw, pieces=rng.random() < 0.5)
        next_id = max(map(int, raw), default=0) + 1
        for step in range(40):
            touched = set()
            for _ in range(rng.randint(1, 4)):
                roll = rng.random()
                if roll < 0.5 or not raw:
                    key = str(next_id)
                    next_id += rng.choice([1, 1, 9, 900])
                    raw[key] = {"id": key, "step": step}
                elif roll < 0.7:
                    key = rng.choice(list(raw))
                    del raw[key]
                else:
                    key = rng.choice(list(raw))
                    raw[key]["step"] = -step
                touched.add(key)
            if not pieces.keeps_up_with(raw, touched):
                pieces = storage._EncodedTable(raw, pieces=rng.random() < 0.5)
            assert b"".join(pieces.parts()) == orjson.dumps(raw, option=orjson.OPT_SORT_KEYS)



def test_a_document_added_and_removed_in_one_save_under_a_new_prefix_leaves_the_pieces_whole():
    """Its piece was never encoded: the pieces still join to the sorted encoding (this raised
    a bare KeyError in the save)."""
    raw = {f"a{n:02d}": {"n": n} for n in range(50)}
    pieces = storage._EncodedTable(raw, pieces=True)
    raw["b00"] = {"n": -1}
    del raw["b00"]
    assert pieces.keeps_up_with(raw, {"b00"})
    assert b"".join(pieces.parts()) == orjson.dumps(raw, option=orjson.OPT_SORT_KEYS)

# --- audit --------------------------------------------------------------------------------------


def test_key_result_and_objective_edits_are_audited(planned: OkrStore) -> None:
    kr = planned.key_result("cycle-q4", "kr-signups")
    planned.save_key_result(
        kr.model_copy(update={"target": 250, "title": "Signups to 250"}),
        author="Ana",
        reason="a better quarter than planned",
    )
    # Saving without a change adds no entry.
    planned.save_key_result(planned.key_result("cycle-q4", "kr-signups"), reason="no change")
    objective = planned.objectives("cycle-q4")[0]
    planned.save_objective(objective.model_copy(update={"owner": "Bo"}), reason="Bo leads now")

    entries = _reopen(planned).audit("cycle-q4", "kr-signups")
    reason = "a better quarter than planned"
    assert [(e.field, e.old, e.new, e.reason, e.author) for e in entries] == [
        ("created", None, "Signups from 100 to 200", "", ""),
        ("title", "Signups from 100 to 200", "Signups to 250", reason, "Ana"),
        ("target", 200.0, 250.0, reason, "Ana"),
    ]
    assert all(e.at == NOW for e in entries)
    objective_entries = planned.audit("cycle-q4", objective.id)
    assert [(e.field, e.old, e.new, e.reason) for e in objective_entries] == [
        ("created", None, "Grow", ""),
        ("owner", "", "Bo", "Bo leads now"),
    ]


def test_an_edit_over_a_change_made_elsewhere_is_refused_and_saves_nothing(
    planned: OkrStore,
) -> None:
    """Two okr processes on one store: an edit based on the key result as it was read is
    refused once the other process changed it, instead of silently undoing that change."""
    opened = planned.key_result("cycle-q4", "kr-signups")
    objective = planned.objectives("cycle-q4")[0]
    elsewhere = _reopen(planned)  # another process
    elsewhere.save_key_result(opened.model_copy(update={"target": 300}), author="Bo")
    elsewhere.save_objective(objective.model_copy(update={"owner": "Bo"}))

    with pytest.raises(RuleViolation, match="changed elsewhere since you opened it"):
        planned.save_key_result(opened.model_copy(update={"owner": "Ana"}), expected=opened)
    with pytest.raises(RuleViolation, match="objective was changed elsewhere"):
        planned.save_objective(objective.model_copy(update={"title": "x"}), expected=objective)

    reopened = _reopen(planned)
    assert reopened.key_result("cycle-q4", "kr-signups").target == 300
    assert reopened.key_result("cycle-q4", "kr-signups").owner == opened.owner
    assert reopened.objectives("cycle-q4")[0].title == "Grow"
    # Read again, the same edit saves.
    current = planned.key_result("cycle-q4", "kr-signups")
    planned.save_key_result(current.model_copy(update={"owner": "Ana"}), expected=current)
    assert _reopen(planned).key_result("cycle-q4", "kr-signups").owner == "Ana"


def test_a_review_decision_keeps_a_change_saved_elsewhere_just_before_it(
    planned: OkrStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key result a decision changes is read under the lock: an owner change another
    process saves while the facilitator confirms the new target is not undone by it."""
    elsewhere = _reopen(planned)  # another process
    taking_the_lock = planned._writing

    def another_save_first(*files):
        current = elsewhere.key_result("cycle-q4", "kr-signups")
        elsewhere.save_key_result(current.model_copy(update={"owner": "Bo"}), author="Bo")
        return taking_the_lock(*files)

    monkeypatch.setattr(planned, "_writing", another_save_first)
    adjusted = planned.record_review_decision(
        ReviewDecision(
            cycle_id="cycle-q4",
            kr_id="kr-signups",
            decision=ReviewDecisionKind.ADJUST,
            new_target=180,
            reason="market shrank",
            decided_at=NOW,
        )
    )

    stored = _reopen(planned).key_result("cycle-q4", "kr-signups")
    assert (stored.owner, stored.target) == ("Bo", 180) == (adjusted.owner, adjusted.target)


def test_a_review_decision_audits_the_key_result_change(planned: OkrStore) -> None:
    planned.record_review_decision(
        ReviewDecision(
            cycle_id="cycle-q4",
            kr_id="kr-launch",
            decision=ReviewDecisionKind.RETIRE,
            reason="vendor does it",
            decided_at=NOW,
            author="Bo",
        )
    )
    entries = planned.audit("cycle-q4", "kr-launch")
    changed = {(e.field, e.old, e.new, e.reason, e.author) for e in entries[1:]}
    assert changed == {
        ("status", "active", "retired", "vendor does it", "Bo"),
        ("retired_reason", "", "vendor does it", "vendor does it", "Bo"),
    }


# --- check-in rules -----------------------------------------------------------------------------


def test_a_meeting_record_lives_in_the_store_under_its_lock(planned: OkrStore) -> None:
    """Parking a topic, accepting an update and closing the meeting each read the record under
    the lock: closing after another okr parked a topic and accepted an update keeps both (the
    screens used to copy the record they had read and save the copy over them)."""
    walk = planned.park_topic(
        "cycle-q4", "team-growth", MONDAY, "Pricing page", facilitator="Ana", attendees=["Ana"]
    )
    elsewhere = _reopen(planned)  # another process, meanwhile
    elsewhere.park_topic("cycle-q4", "team-growth", MONDAY, "Hiring plan")
    elsewhere.mark_reviewed("cycle-q4", "team-growth", MONDAY, "kr-signups")

    closed = planned.close_meeting(
        "cycle-q4",
        "team-growth",
        MONDAY,
        facilitator="",
        attendees=["Ana", "Bo"],
        check_in_ids=[],
        action_ids=[],
        parked_topics=["Pricing page", "Budget"],
    )

    [stored] = _reopen(planned).meetings("cycle-q4")
    assert stored == closed and stored.id == walk.id
    assert stored.parked_topics == ["Pricing page", "Hiring plan", "Budget"]
    assert stored.reviewed_kr_ids == ["kr-signups"]
    assert (stored.facilitator, stored.attendees, stored.closed_at) == ("Ana", ["Ana", "Bo"], NOW)
    # A topic parked after the close joins the closed record, which stays closed.
    again = planned.park_topic("cycle-q4", "team-growth", MONDAY, "Later")
    assert again.id == walk.id and again.closed_at == NOW and again.parked_topics[-1] == "Later"
    with pytest.raises(RuleViolation, match="not a check-in meeting"):
        planned.park_topic("cycle-q4", "team-growth", date(2026, 11, 24), "A Tuesday")


def test_a_second_check_in_for_the_same_meeting_corrects_the_first(planned: OkrStore) -> None:
    first = planned.add_check_in(_check_in(value=120))
    second = planned.add_check_in(_check_in(value=125))
    third = planned.add_check_in(_check_in(value=126))
    other_meeting = planned.add_check_in(_check_in(day=LAST_MONDAY, value=110))
    other_kr = planned.add_check_in(_check_in("kr-launch", value=0))

    assert first.supersedes is None
    assert second.supersedes == first.id
    assert third.supersedes == second.id
    assert other_meeting.supersedes is None
    assert other_kr.supersedes is None
    stored = {ci.id: ci for ci in _reopen(planned).check_ins("cycle-q4")}
    assert stored[third.id].supersedes == second.id
    assert len(stored) == 5  # append-only: the corrected ones are kept

    with pytest.raises(RuleViolation, match="already saved"):
        planned.add_check_in(third.model_copy(update={"supersedes": None}))


def _retire_launch(store: OkrStore) -> None:
    kr = store.key_result("cycle-q4", "kr-launch")
    store.save_key_result(
        kr.model_copy(update={"status": Status.RETIRED, "retired_reason": "dropped"}),
        reason="dropped",
    )


@pytest.mark.parametrize(
    ("make_check_in", "message"),
    [
        (lambda: _check_in("kr-launch", value=1), "retired; it takes no check-ins"),
        (lambda: _check_in(day=date(2026, 11, 17)), "2026-11-17 is not a check-in meeting"),
        (lambda: _check_in(day=date(2027, 1, 4)), "not a check-in meeting of 2026-Q4"),
        (lambda: _check_in("kr-nope"), "no key result with id 'kr-nope'"),
        (lambda: _check_in(cycle_id="cycle-nope"), "no cycle with id 'cycle-nope'"),
    ],
    ids=["retired key result", "not a meeting day", "after the cycle", "unknown kr", "no cycle"],
)
def test_a_refused_check_in_writes_nothing(planned: OkrStore, make_check_in, message: str) -> None:
    _retire_launch(planned)
    before = _files(planned.folder)

    with pytest.raises(RuleViolation, match=message):
        planned.add_check_in(make_check_in())

    assert _files(planned.folder) == before
    assert planned.check_ins("cycle-q4") == []


def test_key_results_carried_into_a_cycle_begun_already_owe_from_the_close(
    planned: OkrStore,
) -> None:
    """Q4 scored and closed on 20 January, into the Q1 that began on the 4th: the carried key
    results owed the meetings of 4 and 11 January, held before they existed ("3 due")."""
    from okr_tui.domain import board

    q1 = planned.save_cycle(
        _cycle(id="cycle-q1", name="2027-Q1", start=date(2027, 1, 4), end=date(2027, 3, 31))
    )
    planned.clock.set("2027-01-20T10:00:00Z")
    objective = Objective(id="obj-grow-2", cycle_id=q1.id, title="Grow", team_id="team-growth")
    carried = KeyResult(cycle_id=q1.id, objective_id=objective.id, title="Signups", target=10)
    planned.close_cycle("cycle-q4", carry_into=q1, objectives=[objective], key_results=[carried])
    [stored] = _reopen(planned).key_results(q1.id)
    assert stored.created_at == planned.clock.now()
    [line] = board.key_result_lines(q1, [objective], [stored], [], planned.clock.now())
    assert (line.missed_meetings, line.due_count) == (0, 0)  # Monday the 18th was before


def test_a_closed_cycle_is_read_only(planned: OkrStore) -> None:
    check_in = planned.add_check_in(_check_in())
    next_cycle = _cycle(
        id="cycle-q1", name="2027-Q1", start=date(2027, 1, 1), end=date(2027, 3, 31)
    )
    carried = Objective(id="obj-grow-2", cycle_id="cycle-q1", title="Grow", team_id="team-growth")
    closed = planned.close_cycle("cycle-q4", carry_into=next_cycle, objectives=[carried])
    assert closed.state is CycleState.CLOSED
    assert _reopen(planned).objectives("cycle-q1") == [carried]
    audit = planned.audit("cycle-q1")
    assert [(e.field, e.reason) for e in audit] == [("created", "carried over from 2026-Q4")]
    before = _files(planned.folder)
    kr = planned.key_result("cycle-q4", "kr-signups")
    objective = planned.objectives("cycle-q4")[0]

    attempts = {
        "check-in": lambda: planned.add_check_in(_check_in(value=150)),
        "key result": lambda: planned.save_key_result(kr.model_copy(update={"target": 300})),
        "objective": lambda: planned.save_objective(objective.model_copy(update={"title": "X"})),
        "action": lambda: planned.save_action(
            Action(cycle_id="cycle-q4", kr_id=kr.id, text="late", created_at=NOW)
        ),
        "meeting": lambda: planned.save_meeting(Meeting(cycle_id="cycle-q4", meeting_date=MONDAY)),
        "score": lambda: planned.save_score(
            Score(cycle_id="cycle-q4", kr_id=kr.id, suggested=0.3, given=0.3, scored_at=NOW)
        ),
        "retrospective": lambda: planned.save_retrospective(
            Retrospective(cycle_id="cycle-q4", written_at=NOW)
        ),
        "review": lambda: planned.complete_review(Review(cycle_id="cycle-q4", completed_at=NOW)),
        "reopen": lambda: planned.save_cycle(closed.model_copy(update={"state": "active"})),
        "close again": lambda: planned.close_cycle("cycle-q4"),
    }
    for name, attempt in attempts.items():
        with pytest.raises(RuleViolation):
            attempt()
        assert _files(planned.folder) == before, name

    reader = _reopen(planned)
    assert reader.check_ins("cycle-q4") == [check_in]
    assert reader.key_result("cycle-q4", kr.id) == kr
    with pytest.raises(RuleViolation, match="open cycle"):
        reader.find_key_result("kr-signups")


# --- schema versions ----------------------------------------------------------------------------


def test_a_cycle_file_from_a_newer_version_is_refused_and_left_alone(planned: OkrStore) -> None:
    path = planned.folder / "cycles" / "cycle-q4.json"
    data = json.loads(path.read_bytes())
    data["meta"]["1"]["schema_version"] = migrations.SCHEMA_VERSION + 1
    path.write_bytes(json.dumps(data).encode())
    before = path.read_bytes(), path.stat().st_mtime_ns

    store = _reopen(planned)  # the root file is fine: the store opens
    with pytest.raises(StoreError) as raised:
        store.check_ins("cycle-q4")

    assert str(path) in str(raised.value)
    assert f"newer okr-tui (schema {migrations.SCHEMA_VERSION + 1}" in str(raised.value)
    with pytest.raises(StoreError):
        store.add_check_in(_check_in())
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def _write_version_0_root(folder: Path) -> Path:
    """A root file as a made-up okr-tui 0 wrote it: teams had a `title`, not a `name`."""
    folder.mkdir()
    path = folder / "okr.json"
    path.write_bytes(
        json.dumps(
            {
                "meta": {"1": {"kind": "root", "schema_version": 0}},
                "teams": {"1": {"id": "team-old", "title": "Growth"}},
                "cycles": {},
            }
        ).encode()
    )
    return path


def _upgrade_0_to_1(tables: dict) -> dict:
    for team in tables["teams"].values():
        team["name"] = team.pop("title")
    return tables


def test_an_older_file_is_upgraded_in_memory_and_saved_on_the_next_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 1)
    monkeypatch.setattr(migrations, "UPGRADES", {0: _upgrade_0_to_1})
    path = _write_version_0_root(tmp_path / "store")
    before = path.read_bytes()

    store = OkrStore(tmp_path / "store", FixedClock(CLOCK_AT))

    assert [team.name for team in store.teams()] == ["Growth"]
    assert path.read_bytes() == before  # reading never writes
    store.save_team(Team(name="Sales"))
    saved = json.loads(path.read_bytes())
    assert saved["meta"]["1"]["schema_version"] == 1
    assert sorted(team["name"] for team in saved["teams"].values()) == ["Growth", "Sales"]


def test_a_schema_bump_runs_the_registered_upgrade(
    planned: OkrStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SCHEMA_VERSION raised by one with an upgrade to it: today's files are read as the next
    version."""
    seen: list[str] = []
    today = migrations.SCHEMA_VERSION

    def upgrade(tables: dict) -> dict:
        seen.append(tables["meta"]["1"]["kind"])
        return tables

    monkeypatch.setattr(migrations, "SCHEMA_VERSION", today + 1)
    monkeypatch.setattr(migrations, "UPGRADES", {today: upgrade})
    before = _files(planned.folder)

    store = _reopen(planned)
    assert store.key_result("cycle-q4", "kr-signups").target == 200

    assert sorted(seen) == ["cycle", "root"]
    assert _files(planned.folder) == before
    store.add_check_in(_check_in())
    cycle_file = json.loads((planned.folder / "cycles" / "cycle-q4.json").read_bytes())
    assert cycle_file["meta"]["1"]["schema_version"] == today + 1


def test_a_version_1_store_opens_and_is_saved_at_the_current_version(planned: OkrStore) -> None:
    """Key results gained `created_at` in schema 2, actions `done_at` in schema 3; a version-1
    file needs no rewrite."""
    path = planned.folder / "cycles" / "cycle-q4.json"
    tables = json.loads(path.read_bytes())
    tables["meta"]["1"]["schema_version"] = 1
    path.write_bytes(json.dumps(tables).encode())
    store = _reopen(planned)
    assert store.key_result("cycle-q4", "kr-signups").created_at is not None
    store.add_check_in(_check_in())
    saved = json.loads(path.read_bytes())["meta"]["1"]["schema_version"]
    assert saved == migrations.SCHEMA_VERSION


def test_an_old_file_without_an_upgrade_path_is_refused(tmp_path: Path) -> None:
    path = _write_version_0_root(tmp_path / "store")
    before = path.read_bytes()

    with pytest.raises(StoreError, match="uses schema 0, which this okr-tui cannot upgrade"):
        OkrStore(tmp_path / "store", FixedClock(CLOCK_AT))
    assert path.read_bytes() == before


# --- leftovers and failed saves -----------------------------------------------------------------


def test_stale_temp_files_are_removed_when_the_store_opens(planned: OkrStore) -> None:
    folder = planned.folder
    stale = [folder / ".okr.json.tmp-1a2b3c4d", folder / "cycles" / ".cycle-q4.json.tmp-99aa"]
    for path in stale:
        path.write_bytes(b'{"half": ')
    keep = folder / "notes.tmp.txt"
    keep.write_text("mine")
    before = _files(folder)

    store = _reopen(planned)

    assert not any(path.exists() for path in stale)
    assert keep.read_text() == "mine"
    assert {k: v for k, v in before.items() if ".tmp-" not in k} == _files(folder)
    assert [kr.id for kr in store.key_results("cycle-q4")] == ["kr-signups", "kr-launch"]


def test_temp_files_are_left_alone_while_another_process_holds_the_lock(
    planned: OkrStore,
) -> None:
    """A temp file under the lock may be another process's save in progress."""
    in_progress = planned.folder / ".okr.json.tmp-1a2b3c4d"
    in_progress.write_bytes(b"{}")
    with FileLock(str(planned.folder / ".lock")):
        store = _reopen(planned)
    assert in_progress.exists()
    assert store.teams()
    _reopen(planned)
    assert not in_progress.exists()


def _no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_failed_save_keeps_memory_and_disk_as_they_were(
    planned: OkrStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    teams = planned.teams()
    check_ins = planned.check_ins("cycle-q4")
    before = _files(planned.folder)
    monkeypatch.setattr(storage, "write_atomically", _no_space)

    with pytest.raises(StoreError, match=r"okr.json: could not be saved \(No space left"):
        planned.save_team(Team(name="Sales"))
    with pytest.raises(StoreError, match="cycle-q4.json: could not be saved"):
        planned.add_check_in(_check_in())

    assert planned.teams() == teams
    assert planned.check_ins("cycle-q4") == check_ins
    assert _files(planned.folder) == before
    monkeypatch.undo()
    saved = planned.add_check_in(_check_in(value=150))
    assert saved.supersedes is None  # the failed check-in never existed
    assert _reopen(planned).check_ins("cycle-q4") == [saved]
    assert [team.name for team in _reopen(planned).teams()] == ["Growth"]


def test_a_failed_rename_leaves_no_temp_file(
    planned: OkrStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _files(planned.folder)
    monkeypatch.setattr(storage.os, "replace", _no_space)

    with pytest.raises(StoreError, match="could not be saved"):
        planned.add_check_in(_check_in())

    monkeypatch.undo()
    assert _files(planned.folder) == before
    assert planned.check_ins("cycle-q4") == []
    assert _reopen(planned).check_ins("cycle-q4") == []


def test_a_failed_save_inside_a_transaction_changes_nothing(
    planned: OkrStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A review decision writes three tables (decision, key result, audit) in one save."""
    kr = planned.key_result("cycle-q4", "kr-signups")
    audit = planned.audit("cycle-q4")
    before = _files(planned.folder)
    decision = ReviewDecision(
        cycle_id="cycle-q4",
        kr_id=kr.id,
        decision=ReviewDecisionKind.ADJUST,
        new_target=150,
        reason="smaller market",
        decided_at=NOW,
    )
    monkeypatch.setattr(storage, "write_atomically", _no_space)

    with pytest.raises(StoreError, match="could not be saved"):
        planned.record_review_decision(decision)

    for reader in (planned, _reopen(planned)):
        assert reader.review_decisions("cycle-q4") == []
        assert reader.key_result("cycle-q4", kr.id) == kr
        assert reader.audit("cycle-q4") == audit
    assert _files(planned.folder) == before

    monkeypatch.undo()
    assert planned.record_review_decision(decision).target == 150
    reader = _reopen(planned)
    assert [d.id for d in reader.review_decisions("cycle-q4")] == [decision.id]
    assert reader.key_result("cycle-q4", kr.id).target == 150
    assert [e.field for e in reader.audit("cycle-q4", kr.id)] == ["created", "target"]


def test_a_rule_broken_midway_through_a_write_leaves_nothing_behind(
    planned: OkrStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error after the first write of a transaction rolls the earlier write back too."""
    kr = planned.key_result("cycle-q4", "kr-signups")
    before = _files(planned.folder)
    decision = ReviewDecision(
        cycle_id="cycle-q4",
        kr_id=kr.id,
        decision=ReviewDecisionKind.ADJUST,
        new_target=150,
        reason="smaller market",
        decided_at=NOW,
    )

    def broken_audit(*args, **kwargs):
        raise RuntimeError("audit failed")

    monkeypatch.setattr(OkrStore, "_audit_change", broken_audit)
    with pytest.raises(RuntimeError):
        planned.record_review_decision(decision)

    assert planned.review_decisions("cycle-q4") == []
    assert planned.key_result("cycle-q4", kr.id) == kr
    assert _files(planned.folder) == before


def test_audit_entries_are_plain_models(planned: OkrStore) -> None:
    entries = planned.audit("cycle-q4")
    assert entries and all(isinstance(entry, AuditEntry) for entry in entries)


@pytest.mark.parametrize("cycle_id", ["../outside", "/tmp/abs", "a/b", "", "q4.json", "q4\\x"])
def test_a_cycle_id_that_is_not_a_safe_file_name_is_refused(
    store: OkrStore, tmp_path: Path, cycle_id: str
) -> None:
    """A cycle id names its file, so it must not lead out of the store's cycles folder."""
    before = _files(tmp_path)

    with pytest.raises(RuleViolation, match="may only hold letters, digits"):
        store.save_cycle(_cycle(id=cycle_id))

    assert _files(tmp_path) == before
    assert store.cycles() == []


def test_marking_actions_done_keeps_a_change_made_elsewhere_meanwhile(planned: OkrStore) -> None:
    def action(text: str) -> Action:
        return planned.save_action(
            Action(cycle_id="cycle-q4", kr_id="kr-signups", text=text, created_at=planned._now())
        )

    first, second, untouched = action("Call Acme"), action("Send deck"), action("Book room")
    # Another okr window gives the first an owner after this one read it.
    elsewhere = OkrStore(planned.folder, planned.clock)
    elsewhere.save_action(first.model_copy(update={"owner": "Gus"}))
    done = planned.mark_actions_done("cycle-q4", {first.id, second.id})
    assert {a.id for a in done} == {first.id, second.id}
    stored = {a.id: a for a in planned.actions("cycle-q4")}
    assert stored[first.id].done and stored[first.id].owner == "Gus"
    assert stored[second.id].done and not stored[untouched.id].done
    cycle_path = planned.folder / "cycles" / "cycle-q4.json"
    before = cycle_path.stat().st_mtime_ns, cycle_path.stat().st_ino
    assert planned.mark_actions_done("cycle-q4", set()) == []  # nothing to write
    assert (cycle_path.stat().st_mtime_ns, cycle_path.stat().st_ino) == before


def test_check_in_histories_read_a_key_result_at_a_time_and_equal_the_whole_cycles(
    demo_store,
) -> None:
    """The dashboard's check-ins before its first frame (issue 19): a lookup validates that key
    result's check-ins only; read whole, the same histories as the cycle's check-ins give."""
    from okr_tui.domain.progress import histories

    cycle = demo_store.current_cycle()
    fresh = OkrStore(demo_store.folder, demo_store.clock)
    lazy = fresh.check_in_histories(cycle.id)
    kr_id = demo_store.check_ins(cycle.id)[0].kr_id
    assert lazy.get(kr_id) == histories(demo_store.check_ins(cycle.id))[kr_id]
    assert not fresh._cycle_file(cycle.id).has_models("check_ins")  # one group read, not all
    assert dict(lazy.items()) == histories(demo_store.check_ins(cycle.id))


@pytest.mark.parametrize(
    ("check_ins", "meetings", "expected"),
    [
        ([], [], ""),
        (["2026-11-20T09:00:00Z", "2026-11-23T09:00:00Z"], [], "2026-11-23T09:00:00"),
        (["2026-11-23T09:00:00Z", "2026-11-23T09:00:00.5Z"], [], "2026-11-23T09:00:00~"),
        (["2026-11-23T09:00:00Z", "2026-11-23T10:00:00+01:00"], [], "9999"),
        (["2026-11-23T09:00:00Z", 5], [], "9999"),
        (["2026-11-23T09:00:00Z", None], [], "2026-11-23T09:00:00"),
        (["2026-11-23T09:00:00Z"], [None], "9999"),
        (["2026-11-23T09:00:00Z"], ["2026-11-24T09:00:00Z"], "2026-11-24T09:00:00"),
    ],
)
def test_the_latest_stamp_of_a_file(check_ins, meetings, expected) -> None:
    """What `--at` reads to know whether a file needs filtering; its usual case (every stamp
    in whole seconds, in UTC) is compared at C speed (issue 19)."""
    from okr_tui.store.store_file import latest_stamp

    tables = {
        "check_ins": {str(n): {"recorded_at": s} for n, s in enumerate(check_ins, 1)},
        "meetings": {str(n): {"closed_at": s} for n, s in enumerate(meetings, 1)},
    }
    assert latest_stamp(tables) == expected


def test_a_long_table_is_validated_a_part_at_a_time_and_reported_whole(tmp_path: Path) -> None:
    """A table longer than one call's share is validated in parts (pydantic holds the lock for
    a call, and the app's full check runs beside the screen); the models are the same, and a
    bad record in a later part is reported as the whole table's check reports it: its place,
    its problem and how many more there are."""
    from okr_tui.domain.models import Team
    from okr_tui.store.store_file import VALIDATED_AT_ONCE, _validated_documents

    documents = [
        {"id": f"t{n}", "name": f"Team {n}", "members": []}
        for n in range(VALIDATED_AT_ONCE * 2 + 7)
    ]
    teams = _validated_documents(tmp_path / "okr.json", documents, Team, "teams")
    assert [team.name for team in teams] == [f"Team {n}" for n in range(len(documents))]

    documents[VALIDATED_AT_ONCE + 3]["name"] = ""
    documents[VALIDATED_AT_ONCE * 2 + 1]["members"] = "Amara"
    with pytest.raises(StoreError) as raised:
        _validated_documents(tmp_path / "okr.json", documents, Team, "teams")
    message = str(raised.value)
    assert "holds an invalid teams entry: name: " in message
    assert message.endswith("(and 1 more)")
