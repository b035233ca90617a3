"""Carry-over when a cycle closes: what is unfinished, which cycle is next, and the new models."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from okr_tui.domain.carry_over import (
    carry_over,
    following_cycle,
    next_cycle,
    next_quarter_cycle,
    unfinished,
)
from okr_tui.domain.models import (
    Cadence,
    CheckIn,
    Confidence,
    Cycle,
    CycleState,
    KeyResult,
    KrType,
    Objective,
    ObjectiveKind,
    Status,
)

Q4 = Cycle(
    name="2026-Q4",
    start=date(2026, 10, 1),
    end=date(2026, 12, 31),
    timezone="Europe/Berlin",
    meeting_weekday=2,
    meeting_time=time(14, 15),
    cadence=Cadence.BIWEEKLY,
    skipped_dates=[date(2026, 12, 30)],
    state=CycleState.ACTIVE,
)
AT = datetime(2026, 12, 20, 10, tzinfo=UTC)


def _check_in(kr: KeyResult, value: float, day: date = date(2026, 12, 16)) -> CheckIn:
    return CheckIn(
        cycle_id=Q4.id,
        kr_id=kr.id,
        meeting_date=day,
        value=value,
        confidence=Confidence.AT_RISK,
        recorded_at=AT,
    )


def _plan():
    company = Objective(cycle_id=Q4.id, title="Company", team_id=None, order=0)
    growth = Objective(
        cycle_id=Q4.id,
        title="Growth",
        team_id="team-g",
        owner="Dana",
        kind=ObjectiveKind.ASPIRATIONAL,
        description="Trials convert",
        parent_id=company.id,
        order=1,
    )
    done_objective = Objective(cycle_id=Q4.id, title="All done", order=2)
    retired_objective = Objective(
        cycle_id=Q4.id, title="Dropped", status=Status.RETIRED, retired_reason="x", order=3
    )
    nrr = KeyResult(
        cycle_id=Q4.id, objective_id=company.id, title="NRR", baseline=98, target=110, unit="%"
    )
    activation = KeyResult(
        cycle_id=Q4.id,
        objective_id=growth.id,
        title="Activation",
        owner="Amara",
        baseline=30,
        target=45,
        unit="%",
        weight=2,
        order=0,
    )
    checklist = KeyResult(
        cycle_id=Q4.id,
        objective_id=growth.id,
        title="Checklist",
        kr_type=KrType.MILESTONE,
        order=1,
    )
    retired = KeyResult(
        cycle_id=Q4.id,
        objective_id=growth.id,
        title="Retired",
        status=Status.RETIRED,
        retired_reason="no longer relevant",
        order=2,
    )
    finished = KeyResult(
        cycle_id=Q4.id, objective_id=done_objective.id, title="Finished", baseline=0, target=10
    )
    in_retired = KeyResult(
        cycle_id=Q4.id, objective_id=retired_objective.id, title="Orphan", baseline=0, target=10
    )
    objectives = [company, growth, done_objective, retired_objective]
    key_results = [nrr, activation, checklist, retired, finished, in_retired]
    check_ins = [
        _check_in(nrr, 102.5),
        _check_in(activation, 36, date(2026, 12, 2)),
        _check_in(activation, 41),
        _check_in(finished, 9.7),  # progress 0.97 rounds to a 1.0 score: finished
    ]
    return objectives, key_results, check_ins


def test_unfinished_lists_active_key_results_under_a_full_score_with_their_objectives():
    objectives, key_results, check_ins = _plan()
    blocks = unfinished(objectives, key_results, check_ins)
    assert [b.objective.title for b in blocks] == ["Company", "Growth"]
    assert [i.kr.title for i in blocks[1].key_results] == ["Activation", "Checklist"]
    activation = blocks[1].key_results[0]
    assert activation.suggested == 0.7
    assert activation.current_value == 41


def test_following_cycle_is_the_next_open_one_by_start_date():
    later = Cycle(name="2027-Q2", start=date(2027, 4, 1), end=date(2027, 6, 30))
    sooner = Cycle(name="2027-Q1", start=date(2027, 1, 1), end=date(2027, 3, 31))
    closed = Cycle(
        name="old next", start=date(2026, 12, 1), end=date(2027, 1, 31), state=CycleState.CLOSED
    )
    earlier = Cycle(name="2026-Q3", start=date(2026, 7, 1), end=date(2026, 9, 30))
    assert following_cycle(Q4, [earlier, Q4, later, closed, sooner]) == sooner
    assert following_cycle(Q4, [earlier, Q4, closed]) is None
    assert next_cycle(Q4, [Q4, later, sooner], date(2026, 12, 20)) == (sooner, False)


def test_next_quarter_cycle_keeps_the_rhythm_and_is_named_after_the_quarter():
    new = next_quarter_cycle(Q4, ["2026-Q4"], today=date(2026, 12, 20))
    assert (new.name, new.start, new.end) == ("2027-Q1", date(2027, 1, 1), date(2027, 3, 31))
    assert (new.timezone, new.meeting_weekday, new.meeting_time, new.cadence) == (
        "Europe/Berlin",
        2,
        time(14, 15),
        Cadence.BIWEEKLY,
    )
    assert new.state is CycleState.PLANNING
    assert new.skipped_dates == [] and new.id != Q4.id
    started = next_quarter_cycle(Q4, [], today=date(2027, 1, 4))
    assert started.state is CycleState.ACTIVE
    taken = next_quarter_cycle(Q4, ["2027-Q1", "2027-Q1 (2)"], today=date(2026, 12, 20))
    assert taken.name == "2027-Q1 (3)"


def test_a_cycle_ending_mid_quarter_is_followed_by_the_next_whole_quarter():
    short = Cycle(name="Sprint", start=date(2026, 10, 1), end=date(2026, 11, 15))
    new = next_quarter_cycle(short, [], today=date(2026, 11, 15))
    assert (new.name, new.start, new.end) == ("2027-Q1", date(2027, 1, 1), date(2027, 3, 31))
    new, is_new = next_cycle(short, [short], date(2026, 11, 15))
    assert is_new and new.name == "2027-Q1"


def test_carry_over_copies_objectives_and_key_results_from_where_they_stand():
    objectives, key_results, check_ins = _plan()
    into = next_quarter_cycle(Q4, [], date(2026, 12, 20))
    company, growth = objectives[0], objectives[1]
    nrr, activation, checklist = key_results[0], key_results[1], key_results[2]
    result = carry_over(
        objectives,
        key_results,
        check_ins,
        into,
        [company.id, growth.id],
        [nrr.id, activation.id, checklist.id],
    )
    new_company, new_growth = result.objectives
    assert {o.cycle_id for o in result.objectives} == {into.id}
    assert new_company.id != company.id and new_growth.id != growth.id
    assert (new_growth.title, new_growth.kind, new_growth.team_id, new_growth.owner) == (
        "Growth",
        ObjectiveKind.ASPIRATIONAL,
        "team-g",
        "Dana",
    )
    assert new_growth.description == "Trials convert"
    assert new_growth.parent_id == new_company.id  # the parent came too: alignment kept
    by_title = {kr.title: kr for kr in result.key_results}
    assert set(by_title) == {"NRR", "Activation", "Checklist"}
    assert by_title["NRR"].baseline == 102.5 and by_title["NRR"].target == 110
    assert by_title["Activation"].baseline == 41 and by_title["Activation"].target == 45
    assert by_title["Activation"].weight == 2 and by_title["Activation"].owner == "Amara"
    assert by_title["Activation"].objective_id == new_growth.id
    assert by_title["Checklist"].kr_type is KrType.MILESTONE
    assert {kr.cycle_id for kr in result.key_results} == {into.id}
    assert not {kr.id for kr in result.key_results} & {kr.id for kr in key_results}


def test_alignment_is_dropped_when_the_parent_stays_behind():
    objectives, key_results, check_ins = _plan()
    into = next_quarter_cycle(Q4, [], date(2026, 12, 20))
    activation = key_results[1]
    # Only a key result is chosen: its objective comes along, the company parent does not.
    result = carry_over(objectives, key_results, check_ins, into, [], [activation.id])
    assert [o.title for o in result.objectives] == ["Growth"]
    assert result.objectives[0].parent_id is None
    assert [kr.title for kr in result.key_results] == ["Activation"]
    assert result.key_results[0].objective_id == result.objectives[0].id


def test_a_key_result_already_at_its_target_keeps_its_baseline():
    objectives, key_results, check_ins = _plan()
    into = next_quarter_cycle(Q4, [], date(2026, 12, 20))
    nrr = key_results[0]
    check_ins.append(_check_in(nrr, 110, date(2026, 12, 23)))  # reached: baseline would equal it
    result = carry_over(objectives, key_results, check_ins, into, [], [nrr.id])
    assert result.key_results[0].baseline == 98
