"""Whatever `okr export` writes, `okr import` takes (issue 15, item 3).

A property over generated stores: small valid stores built through the store, then (or not) one
hand edit of a store file of the kinds people and other tools make. Either the export refuses
with one line naming the file, or its output imports into an empty store and exports again to
the same bytes. Stores left as the store wrote them always export.
"""

from __future__ import annotations

import io
import json
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_cli import assert_user_error, okr

from okr_tui.domain.cadence import meeting_dates
from okr_tui.domain.clock import FixedClock
from okr_tui.domain.models import (
    CheckIn,
    Confidence,
    Cycle,
    CycleState,
    KeyResult,
    KrType,
    Objective,
    Team,
)
from okr_tui.exchange.json_exchange import ImportProblem, apply_import, check_document
from okr_tui.exchange.json_export import write_export
from okr_tui.store.errors import RuleViolation, StoreError
from okr_tui.store.store import OkrStore

CLOCK_AT = "2026-11-23T10:00:00Z"
NOW = FixedClock(CLOCK_AT).now()


@st.composite
def stores(draw) -> dict:
    """The plan of a small store: teams, one to three cycles one after another, objectives
    (some aligned), key results of every type and check-ins on meeting dates."""
    teams = draw(st.lists(st.sampled_from(["Growth", "Sales", "Platform", "Ops"]), unique=True))
    cycles = []
    start = date(2026, 1, 1)
    for number in range(draw(st.integers(1, 3))):
        end = start + timedelta(days=draw(st.integers(20, 90)))
        objectives = []
        for position in range(draw(st.integers(0, 3))):
            parent = draw(st.none() | st.integers(0, position - 1)) if position else None
            key_results = [
                (draw(st.sampled_from(list(KrType))), draw(st.integers(0, 3)))
                for _ in range(draw(st.integers(0, 3)))
            ]
            team = draw(st.none() | st.sampled_from(teams)) if teams else None
            objectives.append((parent, team, key_results))
        cycles.append((f"C{number}", start, end, objectives))
        start = end + timedelta(days=draw(st.integers(1, 10)))
    return {"teams": teams, "cycles": cycles}


def build(folder: Path, plan: dict) -> OkrStore:
    store = OkrStore(folder, FixedClock(CLOCK_AT))
    team_ids = {}
    for name in plan["teams"]:
        team_ids[name] = store.save_team(Team(name=name)).id
    for name, start, end, objectives in plan["cycles"]:
        cycle = store.save_cycle(Cycle(name=name, start=start, end=end, state=CycleState.ACTIVE))
        days = meeting_dates(cycle)
        objective_ids: list[str] = []
        for parent, team, key_results in objectives:
            objective = store.save_objective(
                Objective(
                    cycle_id=cycle.id,
                    title=f"Objective {len(objective_ids)}",
                    team_id=team_ids[team] if team else None,
                    parent_id=objective_ids[parent] if parent is not None else None,
                )
            )
            objective_ids.append(objective.id)
            for number, (kr_type, check_ins) in enumerate(key_results):
                baseline, target = (10.0, 0.0) if kr_type is KrType.DECREASE else (0.0, 10.0)
                kr = store.save_key_result(
                    KeyResult(
                        cycle_id=cycle.id,
                        objective_id=objective.id,
                        title=f"Key result {number}",
                        kr_type=kr_type,
                        baseline=baseline,
                        target=target,
                    )
                )
                for day in days[:check_ins]:
                    store.add_check_in(
                        CheckIn(
                            cycle_id=cycle.id,
                            kr_id=kr.id,
                            meeting_date=day,
                            value=1,
                            confidence=Confidence.ON_TRACK,
                            recorded_at=NOW,
                        )
                    )
    return store


# --- hand edits of a store file -------------------------------------------------------------


def _records(tables: dict, table: str) -> list[dict]:
    return list(tables.get(table, {}).values())


def unknown_kr_type(root: dict, cycle: dict) -> bool:
    for kr in _records(cycle, "key_results"):
        kr["kr_type"] = "sideways"
        return True
    return False


def line_break_in_a_title(root: dict, cycle: dict) -> bool:
    for objective in _records(cycle, "objectives"):
        objective["title"] = "Line\nbreak"
        return True
    return False


def c1_control_in_a_team_name(root: dict, cycle: dict) -> bool:
    for team in _records(root, "teams"):
        team["name"] = "Team \x9b31m"
        return True
    return False


def same_team_twice(root: dict, cycle: dict) -> bool:
    teams = _records(root, "teams")
    if len(teams) < 2:
        return False
    teams[1]["name"] = teams[0]["name"].lower() + " "
    return True


def overlapping_cycles(root: dict, cycle: dict) -> bool:
    cycles = sorted(_records(root, "cycles"), key=lambda c: c["start"])
    if len(cycles) < 2:
        return False
    cycles[0]["end"] = cycles[1]["start"]
    return True


def alignment_loop(root: dict, cycle: dict) -> bool:
    for objective in _records(cycle, "objectives"):
        if objective["parent_id"]:
            parent = cycle["objectives"]
            for other in parent.values():
                if other["id"] == objective["parent_id"]:
                    other["parent_id"] = objective["id"]
                    return True
    return False


def check_in_in_2031(root: dict, cycle: dict) -> bool:
    for check_in in _records(cycle, "check_ins"):
        check_in["meeting_date"] = "2031-01-01"
        return True
    return False


def dangling_key_result(root: dict, cycle: dict) -> bool:
    for check_in in _records(cycle, "check_ins"):
        check_in["kr_id"] = "kr-gone"
        return True
    return False


def missing_objective(root: dict, cycle: dict) -> bool:
    for kr in _records(cycle, "key_results"):
        kr["objective_id"] = "obj-gone"
        return True
    return False


def id_used_twice(root: dict, cycle: dict) -> bool:
    key_results = _records(cycle, "key_results")
    objectives = _records(cycle, "objectives")
    if not key_results or not objectives:
        return False
    key_results[0]["id"] = objectives[0]["id"]
    return True


def an_unknown_field(root: dict, cycle: dict) -> bool:
    for check_in in _records(cycle, "check_ins"):
        check_in["mood"] = "great"
        return True
    return False


def target_equal_to_baseline(root: dict, cycle: dict) -> bool:
    for kr in _records(cycle, "key_results"):
        if kr["kr_type"] == "increase":
            kr["target"] = kr["baseline"]
            return True
    return False


EDITS = [
    unknown_kr_type,
    line_break_in_a_title,
    c1_control_in_a_team_name,
    same_team_twice,
    overlapping_cycles,
    alignment_loop,
    check_in_in_2031,
    dangling_key_result,
    missing_objective,
    id_used_twice,
    an_unknown_field,
    target_equal_to_baseline,
]


def hand_edit(store: OkrStore, edit, cycle_number: int) -> bool:
    """Apply `edit` to okr.json and one cycle file as a text editor would; False if the store
    has nothing it applies to."""
    root_path = store.folder / "okr.json"
    cycle_paths = sorted((store.folder / "cycles").glob("*.json"))
    cycle_path = cycle_paths[cycle_number % len(cycle_paths)] if cycle_paths else None
    root = json.loads(root_path.read_bytes())
    cycle = json.loads(cycle_path.read_bytes()) if cycle_path else {}
    if not edit(root, cycle):
        return False
    root_path.write_text(json.dumps(root))
    if cycle_path:
        cycle_path.write_text(json.dumps(cycle))
    return True


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    plan=stores(),
    edit=st.one_of(st.none(), st.sampled_from(EDITS), st.sampled_from(EDITS)),
    cycle_number=st.integers(0, 2),
)
def test_whatever_export_accepts_import_accepts(plan: dict, edit, cycle_number: int) -> None:
    with tempfile.TemporaryDirectory() as temp:
        store = build(Path(temp) / "store", plan)
        edited = edit is not None and hand_edit(store, edit, cycle_number)
        reopened = OkrStore(store.folder, FixedClock(CLOCK_AT))
        out = io.BytesIO()
        try:
            write_export(reopened, out)
        except (StoreError, RuleViolation) as error:
            assert edited, f"a store as the store wrote it was refused: {error}"
            assert "\n" not in str(error)
            event(f"export refused after {edit.__name__}")
            return
        exported = out.getvalue()
        event(f"exported after {edit.__name__}" if edited else "exported as the store wrote it")
        try:
            document = check_document(json.loads(exported))
        except ImportProblem as problem:
            pytest.fail(f"export wrote what import refuses ({edit}): {problem.errors[:3]}")
        target = OkrStore(Path(temp) / "imported", FixedClock(CLOCK_AT))
        apply_import(target, document)
        again = io.BytesIO()
        write_export(OkrStore(target.folder, FixedClock(CLOCK_AT)), again)
        assert again.getvalue() == exported


def test_an_export_of_a_store_every_command_rejects_is_refused_in_one_line(
    tmp_path: Path,
) -> None:
    """One key result's kr_type changed to an unknown value in its cycle file: `okr list` and
    `okr export` both exit 2 with one line, and no backup file is written."""
    home = tmp_path / "home"
    store = tmp_path / "store"
    assert okr("--db", str(store), "demo", home=home).returncode == 0
    active = OkrStore(store, FixedClock(CLOCK_AT)).current_cycle()
    path = store / "cycles" / f"{active.id}.json"
    tables = json.loads(path.read_bytes())
    kr = next(iter(tables["key_results"].values()))
    kr["kr_type"] = "sideways"
    path.write_text(json.dumps(tables))

    listed = okr("--db", str(store), "list", home=home)
    assert listed.returncode == 2 and listed.stderr.startswith(f"okr: {path}: ")
    backup = tmp_path / "b.json"
    assert_user_error(
        okr("--db", str(store), "export", "-o", str(backup), home=home),
        f"okr: {path}: key_results entry '{kr['id']}', kr_type: Input should be",
        "nothing exported, as an import would refuse it",
    )
    assert not backup.exists()
    assert [p.name for p in tmp_path.iterdir() if p != home] == ["store"]  # no temp file left


FULL_PLAN = {
    "teams": ["Growth", "Sales"],
    "cycles": [
        ("Q1", date(2026, 1, 1), date(2026, 3, 31), [(None, "Growth", [(KrType.INCREASE, 2)])]),
        (
            "Q2",
            date(2026, 4, 1),
            date(2026, 6, 30),
            [(None, None, [(KrType.INCREASE, 2)]), (0, "Sales", [(KrType.MILESTONE, 1)])],
        ),
    ],
}


@pytest.mark.parametrize("edit", EDITS, ids=[edit.__name__ for edit in EDITS])
def test_every_hand_edit_the_import_refuses_the_export_refuses(tmp_path: Path, edit) -> None:
    """Each kind of edit on a store where it applies: the export refuses it in one line that
    names the edited file, and writes nothing."""
    store = build(tmp_path / "store", FULL_PLAN)
    assert any(hand_edit(store, edit, number) for number in (0, 1))  # files sort by id
    out = io.BytesIO()
    with pytest.raises((StoreError, RuleViolation)) as raised:
        write_export(OkrStore(store.folder, FixedClock(CLOCK_AT)), out)
    assert "\n" not in str(raised.value)
    assert str(store.folder) in str(raised.value)


# --- closed cycles remembered as checked (exchange/export_check.py) -------------------------


def _export_counting_checks(store: OkrStore, monkeypatch: pytest.MonkeyPatch) -> tuple[bytes, int]:
    """The export's bytes, and how many cycle entries it validated as the import does."""
    from okr_tui.exchange import export_check

    checked = []
    validate = export_check.CycleExport.model_validate

    def counting(entry, *args, **kwargs):
        checked.append(entry["cycle"]["id"])
        return validate(entry, *args, **kwargs)

    out = io.BytesIO()
    with monkeypatch.context() as patched:  # undoes only this, not the test's OKR_HOME
        patched.setattr(export_check.CycleExport, "model_validate", counting)
        write_export(OkrStore(store.folder, FixedClock(CLOCK_AT)), out)
    return out.getvalue(), len(checked)


def test_a_closed_cycle_checked_once_is_not_validated_again_and_the_export_is_the_same(
    demo_store: OkrStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    cycles = demo_store.cycles()
    closed = [c for c in cycles if c.state is CycleState.CLOSED]
    assert closed and len(closed) < len(cycles)
    first, checked_first = _export_counting_checks(demo_store, monkeypatch)
    second, checked_second = _export_counting_checks(demo_store, monkeypatch)
    assert checked_first == len(cycles)
    assert checked_second == len(cycles) - len(closed)
    assert second == first


def _outcome(store: OkrStore) -> str | bytes:
    """What an export of the store gives: its bytes, or the one line it refuses with."""
    out = io.BytesIO()
    try:
        write_export(OkrStore(store.folder, FixedClock(CLOCK_AT)), out)
    except (StoreError, RuleViolation) as error:
        return str(error)
    return out.getvalue()


@pytest.mark.parametrize("edit", EDITS, ids=[edit.__name__ for edit in EDITS])
def test_a_closed_cycle_edited_after_an_export_is_checked_again(
    demo_store: OkrStore, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, edit
) -> None:
    """The record of checked entries is by content: after a hand edit of a closed cycle's file
    (or of okr.json), an export that remembered the cycle gives exactly what an export on a
    machine that never checked it gives: the same refusal, or the same bytes."""
    _export_counting_checks(demo_store, monkeypatch)
    closed = next(c for c in demo_store.cycles() if c.state is CycleState.CLOSED)
    paths = sorted((demo_store.folder / "cycles").glob("*.json"))
    number = paths.index(demo_store.folder / "cycles" / f"{closed.id}.json")
    if not hand_edit(demo_store, edit, number):
        pytest.skip("nothing in the demo store this edit applies to")
    remembered = _outcome(demo_store)
    monkeypatch.setenv("OKR_HOME", str(tmp_path / "another-machine"))
    assert _outcome(demo_store) == remembered
    if edit is not overlapping_cycles:  # the demo's quarters overlapping by a day export
        assert isinstance(remembered, str) and str(demo_store.folder) in remembered


def test_an_id_of_a_remembered_closed_cycle_used_again_elsewhere_is_refused(
    demo_store: OkrStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A remembered entry still takes part in the checks across cycles: a check-in id of the
    closed quarter written into the active quarter's file is found, as without the record."""
    _export_counting_checks(demo_store, monkeypatch)
    closed = next(c for c in demo_store.cycles() if c.state is CycleState.CLOSED)
    active = demo_store.current_cycle()
    closed_tables = json.loads((demo_store.folder / "cycles" / f"{closed.id}.json").read_bytes())
    taken = next(iter(closed_tables["check_ins"].values()))["id"]
    path = demo_store.folder / "cycles" / f"{active.id}.json"
    tables = json.loads(path.read_bytes())
    next(iter(tables["check_ins"].values()))["id"] = taken
    path.write_text(json.dumps(tables))
    with pytest.raises(StoreError, match=f"id '{taken}' is already used at"):
        write_export(OkrStore(demo_store.folder, FixedClock(CLOCK_AT)), io.BytesIO())
