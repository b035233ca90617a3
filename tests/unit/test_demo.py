"""The demo store: built through the store's public methods, shaped by the clock, repeatable."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from okr_tui.demo import build_demo
from okr_tui.domain.cadence import current_meeting, meeting_dates
from okr_tui.domain.clock import FixedClock
from okr_tui.domain.models import Confidence, CycleState, KrType, Level, Team
from okr_tui.store.errors import RuleViolation
from okr_tui.store.store import OkrStore

NOVEMBER = "2026-11-23T10:00:00Z"  # a Monday, 11:00 in Berlin: the meeting of the day is on
NEW_YEAR = "2027-01-06T08:00:00Z"  # first week of Q1: no meeting has passed yet


def _demo(folder: Path, moment: str) -> OkrStore:
    store = OkrStore(folder, FixedClock(moment))
    build_demo(store)
    return store


@pytest.fixture(scope="module")
def november(tmp_path_factory: pytest.TempPathFactory) -> OkrStore:
    return _demo(tmp_path_factory.mktemp("demo"), NOVEMBER)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _titles_and_values(store: OkrStore) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = [(team.name, ",".join(team.members)) for team in store.teams()]
    for cycle in store.cycles():
        rows.append((cycle.name, cycle.state.value))
        rows += [(o.title, o.kind.value) for o in store.objectives(cycle.id)]
        titles = {kr.id: kr.title for kr in store.key_results(cycle.id)}
        rows += [
            (titles[ci.kr_id], ci.meeting_date.isoformat(), str(ci.value), ci.confidence.value)
            for ci in store.check_ins(cycle.id)
        ]
        rows += [(titles[s.kr_id], str(s.suggested), str(s.given)) for s in store.scores(cycle.id)]
        rows += [(a.text, str(a.due)) for a in store.actions(cycle.id)]
    return sorted(rows)


def test_the_current_cycle_is_the_quarter_of_the_clock(november: OkrStore) -> None:
    cycle = november.current_cycle()
    assert cycle is not None
    assert (cycle.name, cycle.start, cycle.end) == (
        "2026-Q4",
        date(2026, 10, 1),
        date(2026, 12, 31),
    )
    assert cycle.state is CycleState.ACTIVE
    assert cycle.timezone == "Europe/Berlin"
    assert (cycle.meeting_weekday, cycle.meeting_time.isoformat()) == (0, "09:30:00")


def test_two_teams_own_their_key_results(november: OkrStore) -> None:
    teams = november.teams()
    assert [team.name for team in teams] == ["Growth", "Sales"]
    assert [team.facilitator for team in teams] == ["Dana", "Elif"]
    cycle = november.current_cycle()
    members: dict[str | None, list[str]] = {team.id: team.members for team in teams}
    objectives = {o.id: o for o in november.objectives(cycle.id)}
    for kr in november.key_results(cycle.id):
        team_id = objectives[kr.objective_id].team_id
        if team_id is not None:
            assert kr.owner in members[team_id]


def test_team_objectives_align_to_the_company_objective(november: OkrStore) -> None:
    cycle = november.current_cycle()
    objectives = november.objectives(cycle.id)
    (company,) = [o for o in objectives if o.level is Level.COMPANY]
    assert company.team_id is None
    teams = [o for o in objectives if o.team_id is not None]
    assert len(teams) == 2
    assert all(o.parent_id == company.id for o in teams)


def test_every_past_meeting_has_check_ins_and_the_current_one_none(november: OkrStore) -> None:
    cycle = november.current_cycle()
    check_ins = november.check_ins(cycle.id)
    days = sorted({ci.meeting_date for ci in check_ins})
    current = current_meeting(cycle, november.clock.now())
    assert current is not None and current.date() == date(2026, 11, 23)
    assert days == [d for d in meeting_dates(cycle) if d < date(2026, 11, 23)]
    assert len(days) == 7  # Mondays 5 Oct .. 16 Nov
    active = [kr for kr in november.key_results(cycle.id) if kr.is_active]
    for day in days:
        assert {ci.kr_id for ci in check_ins if ci.meeting_date == day} == {kr.id for kr in active}


def test_check_ins_are_plausible(november: OkrStore) -> None:
    cycle = november.current_cycle()
    check_ins = november.check_ins(cycle.id)
    owners = {kr.id: kr.owner for kr in november.key_results(cycle.id)}
    assert {ci.confidence for ci in check_ins} == set(Confidence)
    for ci in check_ins:
        assert Confidence.from_score(ci.confidence_score) is ci.confidence
        assert ci.author == owners[ci.kr_id]
        assert ci.recorded_at.date() == ci.meeting_date
        assert ci.recorded_at <= november.clock.now()
        assert ci.note
    assert any(ci.blockers for ci in check_ins)


def test_the_decreasing_key_result_goes_down(november: OkrStore) -> None:
    cycle = november.current_cycle()
    (kr,) = [k for k in november.key_results(cycle.id) if k.kr_type is KrType.DECREASE]
    values = [ci.value for ci in november.check_ins(cycle.id, kr.id)]
    assert len(values) == 7
    assert values == sorted(values, reverse=True)
    assert values[-1] < values[0] <= kr.baseline


def test_past_meetings_are_closed_records(november: OkrStore) -> None:
    cycle = november.current_cycle()
    records = november.meetings(cycle.id)
    check_ins = november.check_ins(cycle.id)
    assert [m.meeting_date for m in records] == sorted({ci.meeting_date for ci in check_ins})
    for meeting in records:
        assert meeting.is_closed and meeting.team_id is None
        assert meeting.facilitator in ("Dana", "Elif")
        assert meeting.attendees
        expected = {ci.id for ci in check_ins if ci.meeting_date == meeting.meeting_date}
        assert set(meeting.check_in_ids) == expected
    assert sum(len(m.parked_topics) for m in records) == 1
    actions = november.actions(cycle.id)
    assert len(actions) >= 2
    assert all(a.owner and a.due for a in actions)
    assert {a.id for a in actions} == {i for m in records for i in m.action_ids}


def test_the_previous_cycle_is_closed_with_scores_and_retrospectives(november: OkrStore) -> None:
    (previous,) = [c for c in november.cycles() if c.name == "2026-Q3"]
    assert previous.state is CycleState.CLOSED
    key_results = november.key_results(previous.id)
    assert len(november.objectives(previous.id)) == 2
    scores = november.scores(previous.id)
    assert {s.kr_id for s in scores} == {kr.id for kr in key_results}
    overridden = [s for s in scores if s.given != s.suggested]
    assert len(overridden) == 1 and overridden[0].reason
    retrospectives = november.retrospectives(previous.id)
    assert {r.team_id for r in retrospectives} == {team.id for team in november.teams()}
    for retro in retrospectives:
        assert len(retro.keep_doing) == len(retro.stop_doing) == len(retro.start_doing) == 2
    dates = set(meeting_dates(previous))
    assert november.check_ins(previous.id)
    assert all(ci.meeting_date in dates for ci in november.check_ins(previous.id))


def test_the_first_week_of_a_quarter_has_no_history_yet(tmp_path: Path) -> None:
    store = _demo(tmp_path, NEW_YEAR)
    cycle = store.current_cycle()
    assert cycle is not None and cycle.name == "2027-Q1"
    assert store.check_ins(cycle.id) == []
    assert store.meetings(cycle.id) == []
    (previous,) = [c for c in store.cycles() if c.name == "2026-Q4"]
    assert previous.state is CycleState.CLOSED
    assert store.scores(previous.id) and len(store.retrospectives(previous.id)) == 2


def test_the_same_clock_gives_the_same_demo(tmp_path: Path, november: OkrStore) -> None:
    again = _demo(tmp_path / "again", NOVEMBER)
    assert _titles_and_values(again) == _titles_and_values(november)


def test_a_store_with_data_is_left_alone(tmp_path: Path) -> None:
    store = OkrStore(tmp_path, FixedClock(NOVEMBER))
    store.save_team(Team(name="Platform", members=["Ines"]))
    before = _files(tmp_path)
    with pytest.raises(RuleViolation, match="already holds data"):
        build_demo(store)
    assert _files(tmp_path) == before
    assert [team.name for team in store.teams()] == ["Platform"]
    assert store.cycles() == []
