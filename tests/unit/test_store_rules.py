"""One set of rules for every way into the store (issue 15, items 6 and 7): the app and the
CLI save through the store, which checks them under its lock; an import checks the same rules
(domain/rules.py) over the whole file (tests/functional/test_exchange.py)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from pydantic import TypeAdapter, ValidationError

from okr_tui.domain import rules
from okr_tui.domain.clock import FixedClock
from okr_tui.domain.models import (
    CheckIn,
    Confidence,
    Cycle,
    CycleState,
    Name,
    Objective,
    Team,
    Text,
    Title,
)
from okr_tui.store import migrations
from okr_tui.store.errors import RuleViolation
from okr_tui.store.store import OkrStore

CLOCK_AT = "2026-11-23T10:00:00Z"
NOW = FixedClock(CLOCK_AT).now()


def _q4(**changes) -> Cycle:
    fields = {"id": "cycle-q4", "name": "2026-Q4", "start": date(2026, 10, 1)}
    return Cycle(**{**fields, "end": date(2026, 12, 31), "state": CycleState.ACTIVE, **changes})


@pytest.mark.parametrize(
    "text", ["Line\nbreak", "Tab\there", "CSI \x9b31m", "N\x85L", "L\u2028S", "P\u2029S", "C\rR"]
)
def test_one_line_fields_refuse_line_breaks_tabs_and_c1_controls(text: str) -> None:
    for field in (Title, Name):
        with pytest.raises(ValidationError, match="must be one line"):
            TypeAdapter(field).validate_python(text)


def test_notes_keep_line_breaks_and_tabs_but_not_c1_controls() -> None:
    note = TypeAdapter(Text)
    assert note.validate_python("first\n\tsecond") == "first\n\tsecond"
    with pytest.raises(ValidationError, match="control characters"):
        note.validate_python("csi \x9b31m")


def test_a_store_written_before_keeps_opening_with_its_line_breaks_turned_into_spaces(
    store: OkrStore,
) -> None:
    """Earlier versions let a team be called "Line\\nbreak" (`okr team`): the upgrade to schema
    3 makes it one line rather than refuse the whole store."""
    store.save_team(Team(id="team-x", name="Plain", members=["Amara"]))
    path = store.folder / "okr.json"
    tables = json.loads(path.read_bytes())
    tables["meta"]["1"]["schema_version"] = 2
    team = next(iter(tables["teams"].values()))
    team["name"], team["members"] = "Line\nbreak", ["Amara\tBen"]
    path.write_text(json.dumps(tables))

    [team] = OkrStore(store.folder, FixedClock(CLOCK_AT)).teams()

    assert (team.name, team.members) == ("Line break", ["Amara Ben"])
    assert migrations.SCHEMA_VERSION == 4


def test_two_teams_whose_names_differ_only_in_case_and_spaces_are_refused(
    store: OkrStore,
) -> None:
    store.save_team(Team(name="Growth"))
    with pytest.raises(RuleViolation, match='already a team called "Growth"'):
        store.save_team(Team(name="growth "))


def test_a_cycle_overlapping_an_open_one_is_refused_but_a_closed_one_frees_its_days(
    store: OkrStore,
) -> None:
    store.save_cycle(_q4())
    overlapping = Cycle(name="Autumn", start=date(2026, 12, 1), end=date(2027, 2, 28))
    with pytest.raises(RuleViolation, match="the dates overlap 2026-Q4"):
        store.save_cycle(overlapping)
    store.close_cycle("cycle-q4")
    assert store.save_cycle(overlapping) == overlapping


def test_new_cycle_dates_must_keep_its_check_ins_inside(store: OkrStore) -> None:
    """The app's one way to a check-in dated outside its cycle was moving the cycle's dates."""
    store.save_team(Team(id="team-g", name="Growth"))
    store.save_cycle(_q4())
    store.save_objective(Objective(id="obj-1", cycle_id="cycle-q4", title="Grow"))
    from okr_tui.domain.models import KeyResult

    store.save_key_result(
        KeyResult(id="kr-1", cycle_id="cycle-q4", objective_id="obj-1", title="Signups")
    )
    store.add_check_in(
        CheckIn(
            cycle_id="cycle-q4",
            kr_id="kr-1",
            meeting_date=date(2026, 11, 23),
            value=0.5,
            confidence=Confidence.ON_TRACK,
            recorded_at=NOW,
        )
    )
    with pytest.raises(RuleViolation, match="check-ins are recorded for 2026-11-23"):
        store.save_cycle(_q4(end=date(2026, 11, 15)))
    assert store.cycle("cycle-q4").end == date(2026, 12, 31)
    assert store.save_cycle(_q4(end=date(2026, 12, 15))).end == date(2026, 12, 15)


def test_objectives_aligned_in_a_loop_are_refused(store: OkrStore) -> None:
    store.save_cycle(_q4())
    store.save_objective(Objective(id="obj-a", cycle_id="cycle-q4", title="A"))
    store.save_objective(Objective(id="obj-b", cycle_id="cycle-q4", title="B", parent_id="obj-a"))
    with pytest.raises(RuleViolation, match="loop of objectives"):
        store.save_objective(
            Objective(id="obj-a", cycle_id="cycle-q4", title="A", parent_id="obj-b")
        )


def test_the_whole_store_rules_give_the_place_of_each_violation() -> None:
    """The pure functions an import and an export run, with paths in the export's layout."""
    teams = [Team(id="t1", name="Growth"), Team(id="t2", name="growth ")]
    assert rules.team_violations(teams) == [
        rules.Violation(("teams", 1, "name"), 'there is already a team called "Growth"')
    ]
    q4 = _q4()
    objectives = [
        Objective(id="o1", cycle_id="cycle-q4", title="A", parent_id="o2"),
        Objective(id="o2", cycle_id="cycle-q4", title="B", parent_id="o1"),
        Objective(id="o3", cycle_id="cycle-q4", title="C", parent_id="o1"),
    ]
    late = CheckIn(
        cycle_id="cycle-q4",
        kr_id="kr-1",
        meeting_date=date(2031, 1, 1),
        value=1,
        confidence=Confidence.ON_TRACK,
        recorded_at=NOW,
    )
    found = rules.cycle_contents_violations(0, q4, objectives, [late])
    assert [v.where for v in found] == [
        ("cycles", 0, "objectives", 0, "parent_id"),
        ("cycles", 0, "objectives", 1, "parent_id"),
        ("cycles", 0, "check_ins", 0, "meeting_date"),
    ]
