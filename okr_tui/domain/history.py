"""Meeting history: what each past meeting of a cycle held, and the board as of one meeting.

- `is_late`: a check-in recorded after the end of its meeting's local day (`okr checkin
  --meeting DATE`, or the KR detail's late check-in). Nothing in the store flags it: the
  meeting date and the moment recorded say it, so every screen and export reads it the same way
  (the statistics count late check-ins with it too).
- `meeting_history`: one line per meeting held so far (newest first): who was there and who was
  missing, how many key results were checked in, decisions, actions and parked topics.
- `meeting_board`: one meeting's board, each key result's value and confidence as of that
  meeting (its latest check-in up to and including it), and what changed since the meeting
  before (value, confidence, new blockers).

Pure: the records, the team in view and today's date come in, so any week can be replayed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from okr_tui.domain import cadence, progress
from okr_tui.domain.board import in_team_view
from okr_tui.domain.models import (
    Action,
    CheckIn,
    Confidence,
    Cycle,
    KeyResult,
    Meeting,
    Objective,
    Status,
    Team,
)
from okr_tui.domain.people import same_person


def is_late(cycle: Cycle, check_in: CheckIn) -> bool:
    """Recorded after the end of its meeting's local day: given for a meeting already past."""
    return cadence.local_time(cycle, check_in.recorded_at).date() > check_in.meeting_date


@dataclass(frozen=True)
class HistoryRecords:
    """What the history reads of one cycle (and the store's teams)."""

    cycle: Cycle
    objectives: Sequence[Objective]
    key_results: Sequence[KeyResult]
    check_ins: Sequence[CheckIn]
    meetings: Sequence[Meeting]
    actions: Sequence[Action]
    teams: Sequence[Team]


@dataclass(frozen=True)
class MeetingOverview:
    """One past meeting as the history lists it."""

    day: date
    recorded: bool
    """A meeting record was stored (the walk was closed, or is open)."""
    facilitator: str
    attendees: tuple[str, ...]
    missing: tuple[str, ...] | None
    """The team's people and key result owners neither among the attendees nor facilitating;
    None when no attendance was recorded (no record, or one without attendees)."""
    checked_in: int
    owed: int
    late: int
    decisions: tuple[str, ...]
    actions: tuple[Action, ...]
    parked_topics: tuple[str, ...]

    @property
    def held(self) -> bool:
        """Anything at all was recorded for it: a record or a check-in."""
        return self.recorded or self.checked_in > 0


@dataclass(frozen=True)
class BoardRow:
    """One key result as of a meeting, and what changed since the meeting before."""

    kr: KeyResult
    objective: Objective
    value: float
    """Its latest value up to and including the meeting (the baseline before any)."""
    confidence: Confidence | None
    check_in: CheckIn | None
    """The check-in given for this meeting (None: none given)."""
    late: bool
    value_delta: float | None
    """Change since the meeting before; None when there is nothing to compare."""
    confidence_before: Confidence | None
    new_blockers: str
    """Blockers said at this meeting that the check-in before did not say."""

    @property
    def confidence_changed(self) -> bool:
        return (
            self.confidence is not None
            and self.confidence_before is not None
            and self.confidence is not self.confidence_before
        )


@dataclass(frozen=True)
class MeetingBoard:
    overview: MeetingOverview
    previous_day: date | None
    rows: tuple[BoardRow, ...]


# --- what is in view ----------------------------------------------------------------------


def _ordered_objectives(records: HistoryRecords, team_id: str | None) -> list[Objective]:
    """Objectives in view, as the dashboard lists them: company first, then by team order."""
    rank = {team.id: index for index, team in enumerate(records.teams)}
    chosen = [o for o in records.objectives if in_team_view(team_id, o.team_id)]
    return sorted(chosen, key=lambda o: -1 if o.team_id is None else rank.get(o.team_id, len(rank)))


def _standing(cycle: Cycle, retired_at: datetime | None, day: date) -> bool:
    """Not yet retired on the meeting's day (retired later, it still owed that meeting)."""
    return retired_at is None or cadence.local_time(cycle, retired_at).date() > day


def _first_check_ins(check_ins: Iterable[CheckIn]) -> dict[str, date]:
    """Each key result's first meeting with a check-in."""
    first: dict[str, date] = {}
    for check_in in check_ins:
        if check_in.meeting_date < first.get(check_in.kr_id, date.max):
            first[check_in.kr_id] = check_in.meeting_date
    return first


def _owing(
    records: HistoryRecords, team_id: str | None, day: date, first_given: dict[str, date]
) -> list[tuple[Objective, KeyResult]]:
    """The key results in view that owed the meeting of `day` (or were checked in by then,
    though added later), in board order."""
    cycle = records.cycle
    by_objective: dict[str, list[KeyResult]] = {}
    for kr in records.key_results:
        by_objective.setdefault(kr.objective_id, []).append(kr)
    owing = []
    for objective in _ordered_objectives(records, team_id):
        if objective.status is Status.RETIRED and not _standing(cycle, objective.retired_at, day):
            continue
        for kr in by_objective.get(objective.id, []):
            if kr.status is Status.RETIRED and not _standing(cycle, kr.retired_at, day):
                continue
            if (
                cadence.owes_meeting(day, cadence.first_day_owed(cycle, kr))
                or first_given.get(kr.id, date.max) <= day
            ):
                owing.append((objective, kr))
    return owing


def _records_of(records: HistoryRecords, team_id: str | None, day: date) -> list[Meeting]:
    return [
        m
        for m in records.meetings
        if m.meeting_date == day and (team_id is None or m.team_id in (None, team_id))
    ]


def _expected_people(
    records: HistoryRecords, team_id: str | None, owing: Iterable[tuple[Objective, KeyResult]]
) -> list[str]:
    """The people a meeting expects: the members of the teams in view, then the owners of the
    key results owed (an owner outside the team, such as a company key result's, too)."""
    people: list[str] = []

    def add(name: str) -> None:
        if name.strip() and not any(same_person(name, p) for p in people):
            people.append(" ".join(name.split()))

    for team in records.teams:
        if team_id is None or team.id == team_id:
            for member in team.members:
                add(member)
    for _, kr in owing:
        add(kr.owner)
    return people


# --- the history --------------------------------------------------------------------------


def _overview(
    records: HistoryRecords,
    team_id: str | None,
    day: date,
    owing: list[tuple[Objective, KeyResult]],
    on_day: dict[str, CheckIn],
) -> MeetingOverview:
    cycle = records.cycle
    held = _records_of(records, team_id, day)
    attendees: list[str] = []
    facilitator = ""
    decisions: list[str] = []
    parked: list[str] = []
    action_ids: set[str] = set()
    for record in held:
        facilitator = facilitator or record.facilitator
        attendees += [a for a in record.attendees if not any(same_person(a, b) for b in attendees)]
        decisions += record.decisions
        parked += record.parked_topics
        action_ids |= set(record.action_ids)
    owed_ids = {kr.id for _, kr in owing}
    shown = {o.id for o in records.objectives if in_team_view(team_id, o.team_id)}
    in_view = {kr.id for kr in records.key_results if kr.objective_id in shown}
    given = [c for kr_id, c in on_day.items() if kr_id in owed_ids]
    missing = None
    if attendees:
        present = [*attendees, facilitator]  # who ran the meeting was in it
        missing = tuple(
            person
            for person in _expected_people(records, team_id, owing)
            if not any(same_person(person, p) for p in present)
        )
    actions = tuple(
        a
        for a in sorted(records.actions, key=lambda a: a.created_at)
        if a.kr_id in in_view and (a.meeting_date == day or a.id in action_ids)
    )
    return MeetingOverview(
        day=day,
        recorded=bool(held),
        facilitator=facilitator,
        attendees=tuple(attendees),
        missing=missing,
        checked_in=len(given),
        owed=len(owed_ids),
        late=sum(1 for c in given if is_late(cycle, c)),
        decisions=tuple(decisions),
        actions=actions,
        parked_topics=tuple(parked),
    )


def meeting_history(
    records: HistoryRecords, team_id: str | None, now: datetime
) -> list[MeetingOverview]:
    """Every meeting of the cycle held so far, newest first, as seen by `team_id` (None: all
    teams). A meeting is listed once its time has come, or earlier once something is recorded
    for it (an update given ahead, the walk's record): before that it is the coming meeting,
    not history."""
    effective = progress.effective_check_ins(records.check_ins)
    first_given = _first_check_ins(effective)
    by_day: dict[date, dict[str, CheckIn]] = {}
    for check_in in effective:
        by_day.setdefault(check_in.meeting_date, {})[check_in.kr_id] = check_in
    today = cadence.local_time(records.cycle, now).date()
    listed = []
    for meeting in reversed(cadence.meetings(records.cycle)):
        day = meeting.date()
        if day > today:
            continue
        overview = _overview(
            records, team_id, day, _owing(records, team_id, day, first_given), by_day.get(day, {})
        )
        if meeting <= now or overview.held:
            listed.append(overview)
    return listed


def _as_of(history: Sequence[CheckIn], day: date) -> CheckIn | None:
    """The latest effective check-in up to and including `day` (history is in meeting order)."""
    found = None
    for check_in in history:
        if check_in.meeting_date > day:
            break
        found = check_in
    return found


def meeting_board(records: HistoryRecords, team_id: str | None, day: date) -> MeetingBoard:
    """The board as of the meeting of `day`, and what changed since the meeting before it."""
    cycle = records.cycle
    histories = progress.histories(records.check_ins)
    earlier = [d for d in cadence.meeting_dates(cycle) if d < day]
    previous_day = earlier[-1] if earlier else None
    owing = _owing(
        records, team_id, day, _first_check_ins(progress.effective_check_ins(records.check_ins))
    )
    rows: list[BoardRow] = []
    on_day: dict[str, CheckIn] = {}
    for objective, kr in owing:
        history = histories.get(kr.id, [])
        now = _as_of(history, day)
        before = _as_of(history, previous_day) if previous_day is not None else None
        this_meeting = now if now is not None and now.meeting_date == day else None
        if this_meeting is not None:
            on_day[kr.id] = this_meeting
        value = now.value if now else kr.baseline
        value_before = before.value if before else kr.baseline
        said = this_meeting.blockers if this_meeting is not None else ""
        said_before = before.blockers if before is not None else ""
        new_blockers = said if said.strip() != said_before.strip() else ""
        rows.append(
            BoardRow(
                kr=kr,
                objective=objective,
                value=value,
                confidence=now.confidence if now else None,
                check_in=this_meeting,
                late=this_meeting is not None and is_late(cycle, this_meeting),
                value_delta=value - value_before if now is not None else None,
                confidence_before=before.confidence if before else None,
                new_blockers=new_blockers,
            )
        )
    overview = _overview(records, team_id, day, owing, on_day)
    return MeetingBoard(overview, previous_day, tuple(rows))


def missed_meetings(
    cycle: Cycle, kr: KeyResult, check_ins: Iterable[CheckIn], today: date
) -> list[date]:
    """The meetings before today the key result owed and has no check-in for, newest first:
    the ones a late check-in can still be given for."""
    given = {c.meeting_date for c in check_ins if c.kr_id == kr.id}
    first_day = cadence.first_day_owed(cycle, kr)
    return [
        day
        for day in reversed(cadence.meeting_dates(cycle))
        if day < today and day not in given and cadence.owes_meeting(day, first_day)
    ]
