"""The meeting rhythm of a cycle and what each team owes at the current meeting.

Pure functions: every "now" is passed in as an aware datetime, so tests, demos and the CLI's
`--at` see the same answers. Meetings are built on local dates with pendulum's calendar
arithmetic, so a 09:00 Berlin meeting stays 09:00 local across daylight-saving changes.
"""

from __future__ import annotations

import calendar
import functools
import math
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import NamedTuple

import pendulum

from okr_tui.domain.models import (
    CheckIn,
    Cycle,
    CycleState,
    KeyResult,
    Objective,
    Retrospective,
    Review,
    Score,
    Status,
)

# --- fiscal quarters ------------------------------------------------------------------------


def _check_month(fiscal_start_month: int) -> None:
    if not 1 <= fiscal_start_month <= 12:
        raise ValueError(f"fiscal_start_month must be 1-12, got {fiscal_start_month}")


def quarter_bounds(
    fiscal_year: int, quarter: int, fiscal_start_month: int = 1
) -> tuple[date, date]:
    """First and last day of a fiscal quarter.

    Convention: a fiscal year is named after the calendar year it ends in. With a January start
    FY N is calendar year N; otherwise FY N starts on the 1st of `fiscal_start_month` in calendar
    year N-1 (FY2027 starting in February runs 2026-02-01 .. 2027-01-31).
    """
    _check_month(fiscal_start_month)
    if not 1 <= quarter <= 4:
        raise ValueError(f"quarter must be 1-4, got {quarter}")
    first_year = fiscal_year if fiscal_start_month == 1 else fiscal_year - 1
    months = (fiscal_start_month - 1) + 3 * (quarter - 1)
    first = date(first_year + months // 12, months % 12 + 1, 1)
    months += 2
    last_year, last_month = first_year + months // 12, months % 12 + 1
    last = date(last_year, last_month, calendar.monthrange(last_year, last_month)[1])
    return first, last


def quarter_containing(day: date, fiscal_start_month: int = 1) -> tuple[int, int]:
    """The (fiscal_year, quarter) a day falls in, with the convention of `quarter_bounds`."""
    _check_month(fiscal_start_month)
    offset = (day.month - fiscal_start_month) % 12
    fiscal_year = day.year
    if fiscal_start_month != 1 and day.month >= fiscal_start_month:
        fiscal_year += 1
    return fiscal_year, offset // 3 + 1


_QUARTER_NAME = re.compile(r"^(?:FY)?(\d{4})-Q([1-4])$", re.IGNORECASE)


def quarter_name(fiscal_year: int, quarter: int, fiscal_start_month: int = 1) -> str:
    """"2027-Q1" for a calendar-year quarter; "FY2027-Q1" when the fiscal year starts in another
    month, so nobody reads FY2027-Q1 (April to June 2026) as January to March 2027."""
    prefix = "" if fiscal_start_month == 1 else "FY"
    return f"{prefix}{fiscal_year}-Q{quarter}"


def parse_quarter_name(name: str) -> tuple[int, int] | None:
    """(fiscal_year, quarter) of a name like "2027-Q1" or "FY2027-Q1"; None for other names."""
    match = _QUARTER_NAME.match(name.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


# --- meetings -------------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _zone(name: str) -> pendulum.Timezone | pendulum.FixedTimezone:
    """One zone object per name: pendulum builds a new one, reading tzdata again, on each call
    by name (zoneinfo keeps no strong cache for its subclasses)."""
    return pendulum.timezone(name)


def _local(cycle: Cycle, moment: datetime) -> pendulum.DateTime:
    """`moment` in the cycle's timezone; a naive moment is refused rather than guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    return pendulum.instance(moment).in_timezone(_zone(cycle.timezone))


def local_time(cycle: Cycle, moment: datetime) -> pendulum.DateTime:
    """A moment (a stored one, or now) as the team reads it: in the cycle's timezone."""
    return _local(cycle, moment)


def day_text(day: date) -> str:
    """A date as the screens say it: "Mon 4 Jan"."""
    return f"{day:%a} {day.day} {day:%b}"


def closed_at_text(cycle: Cycle, moment: datetime) -> str:
    """When a record was closed, as the team reads it: "Mon 23 Nov at 11:00"."""
    local = _local(cycle, moment)
    return f"{day_text(_day(local))} at {local:%H:%M}"


def _day(moment: datetime) -> date:
    """The plain local date of a moment (not a pendulum Date, so it mixes freely with models)."""
    return date(moment.year, moment.month, moment.day)


def _local_day(cycle: Cycle, moment: datetime) -> date:
    return _day(_local(cycle, moment))


def first_day_owed(cycle: Cycle, kr: KeyResult) -> date | None:
    """The local day a key result was added: it owes the meetings from that day on, not the ones
    held before it existed. None when it was planned with the cycle (it owes every meeting)."""
    if kr.created_at is None:
        return None
    added = _day(kr.created_at.astimezone(_zone(cycle.timezone)))  # stdlib: cheap per line
    return added if added > cycle.start else None


def owes_meeting(day: date, first_day: date | None) -> bool:
    """Whether a key result owes the meeting of `day`, given its `first_day_owed`."""
    return first_day is None or day >= first_day


def meeting_dates(cycle: Cycle) -> list[date]:
    """The local dates of the meetings, skipped dates left out: the key a check-in is filed under.

    Steps are whole weeks of local calendar days, so a skipped date leaves a gap without moving
    the following meetings. Plain dates, no time zones: every check-in save checks its date here.
    """
    day = cycle.start + timedelta(days=(cycle.meeting_weekday - cycle.start.weekday()) % 7)
    step = timedelta(weeks=cycle.cadence.weeks)
    skipped = set(cycle.skipped_dates)
    result: list[date] = []
    while day <= cycle.end:
        if day not in skipped:
            result.append(day)
        day += step
    return result


def _meeting_at(cycle: Cycle, day: date) -> pendulum.DateTime:
    """The meeting on a local date at the cycle's local time: 09:00 Berlin stays 09:00 across
    DST."""
    at = cycle.meeting_time
    return pendulum.datetime(
        day.year, day.month, day.day, at.hour, at.minute, at.second, tz=_zone(cycle.timezone)
    )


def meetings(cycle: Cycle) -> list[pendulum.DateTime]:
    """Every check-in meeting of the cycle at its local weekday and time (see meeting_dates)."""
    return [_meeting_at(cycle, day) for day in meeting_dates(cycle)]


def meeting_on(cycle: Cycle, day: date) -> pendulum.DateTime | None:
    """The meeting scheduled on that local date, if any."""
    for meeting in meetings(cycle):
        if _day(meeting) == day:
            return meeting
    return None


def current_meeting(cycle: Cycle, now: datetime) -> pendulum.DateTime | None:
    """The meeting whose window holds `now`; None when the cycle has no meetings.

    A meeting owns the time from the start of its local day to the start of the next meeting's
    day, so check-ins entered before or after the call count for it. Before the first meeting
    teams prepare for it; after the last one they are still finishing it.
    """
    days = meeting_dates(cycle)
    if not days:
        return None
    today = _local_day(cycle, now)
    owner = days[0]
    for day in days:
        if day > today:
            break
        owner = day
    return _meeting_at(cycle, owner)


def update_meeting(cycle: Cycle, now: datetime) -> pendulum.DateTime | None:
    """The meeting an update given `now` is for: today's meeting (until the end of its local
    day, so values typed after the call still count for it), else the next one. An owner who
    updates on Friday prepares Monday's meeting; a skipped date is passed over. After the last
    meeting's day, the last meeting (the cycle is being scored). None without meetings.

    The walk in the room keeps `current_meeting`: a meeting held a day late still walks (and
    reads the updates given for) the meeting of its week.
    """
    days = meeting_dates(cycle)
    if not days:
        return None
    today = _local_day(cycle, now)
    coming = next((day for day in days if day >= today), days[-1])
    return _meeting_at(cycle, coming)


def next_meeting(cycle: Cycle, now: datetime) -> pendulum.DateTime | None:
    """The first meeting strictly after `now`, or None once the last one has started.

    Only meetings from today on are built as zoned DateTimes (every screen header asks)."""
    moment = _local(cycle, now)
    today = _day(moment)
    for day in meeting_dates(cycle):
        if day >= today and (meeting := _meeting_at(cycle, day)) > moment:
            return meeting
    return None


# --- where we are in the cycle --------------------------------------------------------------


def week_of_cycle(cycle: Cycle, now: datetime) -> tuple[int, int]:
    """("week n of N"): week 1 starts on cycle.start; n is clamped to 1..N."""
    total = math.ceil(((cycle.end - cycle.start).days + 1) / 7)
    week = (_local_day(cycle, now) - cycle.start).days // 7 + 1
    return min(max(week, 1), total), total


def days_left(cycle: Cycle, now: datetime) -> int:
    """Whole days from local today to the last day: 0 on the last day and after."""
    return max((cycle.end - _local_day(cycle, now)).days, 0)


def days_to_start(cycle: Cycle, now: datetime) -> int:
    """Whole days from local today to the first day: 0 once the cycle has begun."""
    return max((cycle.start - _local_day(cycle, now)).days, 0)


def is_last_week(cycle: Cycle, now: datetime) -> bool:
    """True from six days before the end onwards (after the end too): time to score."""
    return _local_day(cycle, now) >= cycle.end - timedelta(days=6)


def review_date(cycle: Cycle) -> date:
    """The mid-cycle review day: the one set, else the meeting nearest the middle.

    On a tie the earlier meeting wins; a cycle without meetings falls back to its middle day.
    """
    if cycle.review_date is not None:
        return cycle.review_date
    middle = cycle.start + timedelta(days=(cycle.end - cycle.start).days // 2)
    dates = meeting_dates(cycle)
    if not dates:
        return middle
    return min(dates, key=lambda day: (abs((day - middle).days), day))


# --- what is due ----------------------------------------------------------------------------


class KeyResultDue(NamedTuple):
    """A key result that still needs check-ins: for the current meeting and/or earlier ones."""

    # A NamedTuple, not a frozen dataclass: made at start-up, where a dataclass's generated
    # methods cost about 4 M instructions a type (issue 19).

    kr_id: str
    objective_id: str
    team_id: str | None
    due: bool
    overdue: tuple[date, ...]


class TeamStatus(NamedTuple):
    """What one team (None: company objectives) owes at the current point of the cycle."""

    # A NamedTuple, not a frozen dataclass: made at start-up, where a dataclass's generated
    # methods cost about 4 M instructions a type (issue 19).

    team_id: str | None
    current_meeting: date | None
    key_results: tuple[KeyResultDue, ...]
    review_due: bool
    scoring_due: bool
    retrospective_due: bool


def _active_key_results(
    cycle: Cycle, objectives: Iterable[Objective], key_results: Iterable[KeyResult]
) -> list[tuple[KeyResult, Objective]]:
    """Active key results of this cycle whose objective is active too, with that objective."""
    active = {o.id: o for o in objectives if o.cycle_id == cycle.id and o.status is Status.ACTIVE}
    return [
        (kr, active[kr.objective_id])
        for kr in key_results
        if kr.cycle_id == cycle.id and kr.status is Status.ACTIVE and kr.objective_id in active
    ]


def check_ins_due(
    cycle: Cycle,
    objectives: Iterable[Objective],
    key_results: Iterable[KeyResult],
    check_ins: Iterable[CheckIn],
    now: datetime,
) -> list[KeyResultDue]:
    """Key results missing a check-in for the current meeting (due) or earlier ones (overdue).

    A check-in covers the meeting whose date it carries; a correction covers the same meeting,
    so superseded check-ins need no special case. A key result added mid-cycle owes only the
    meetings from the day it was added. Only due or overdue key results are listed.
    """
    if cycle.state is CycleState.CLOSED or days_to_start(cycle, now):
        return []
    current = current_meeting(cycle, now)
    if current is None:
        return []
    current_day = _day(current)
    earlier = [day for day in meeting_dates(cycle) if day < current_day]
    covered: dict[str, set[date]] = {}
    for check_in in check_ins:
        # A value read from a source (no confidence) leaves the check-in owed.
        if check_in.cycle_id == cycle.id and check_in.confidence is not None:
            covered.setdefault(check_in.kr_id, set()).add(check_in.meeting_date)
    result = []
    for kr, objective in _active_key_results(cycle, objectives, key_results):
        done = covered.get(kr.id, set())
        owed_from = first_day_owed(cycle, kr)
        due = current_day not in done and owes_meeting(current_day, owed_from)
        overdue = tuple(day for day in earlier if day not in done and owes_meeting(day, owed_from))
        if due or overdue:
            result.append(KeyResultDue(kr.id, objective.id, objective.team_id, due, overdue))
    return result


def team_status(
    cycle: Cycle,
    teams_ids: list[str | None],
    objectives: Iterable[Objective],
    key_results: Iterable[KeyResult],
    check_ins: Iterable[CheckIn],
    reviews: Iterable[Review],
    scores: Iterable[Score],
    retrospectives: Iterable[Retrospective],
    now: datetime,
    *,
    with_check_ins: bool = True,
) -> list[TeamStatus]:
    """One status per team id, in the order given; a closed cycle owes nothing.

    A review or retrospective with no team (None) counts for every team. Without
    `with_check_ins`, each status's `key_results` (check-ins due and missed) is left empty.
    """
    objectives, key_results = list(objectives), list(key_results)
    current = current_meeting(cycle, now)
    current_day = _day(current) if current is not None else None
    is_open = cycle.state is not CycleState.CLOSED
    dues = check_ins_due(cycle, objectives, key_results, check_ins, now) if with_check_ins else []
    active = _active_key_results(cycle, objectives, key_results)
    scored = {s.kr_id for s in scores if s.cycle_id == cycle.id}
    reviewed = {r.team_id for r in reviews if r.cycle_id == cycle.id}
    retro_done = {r.team_id for r in retrospectives if r.cycle_id == cycle.id}
    review_open = is_open and _local_day(cycle, now) >= review_date(cycle)
    closing = is_open and is_last_week(cycle, now)

    # By team once, not filtered per team: that grows with teams × key results.
    unscored_teams = {o.team_id for kr, o in active if kr.id not in scored}
    dues_of_team: dict[str | None, list[KeyResultDue]] = {}
    for due in dues:
        dues_of_team.setdefault(due.team_id, []).append(due)

    statuses = []
    for team in teams_ids:
        statuses.append(
            TeamStatus(
                team_id=team,
                current_meeting=current_day,
                key_results=tuple(dues_of_team.get(team, ())),
                review_due=review_open and not (reviewed & {team, None}),
                scoring_due=closing and team in unscored_teams,
                retrospective_due=closing and not (retro_done & {team, None}),
            )
        )
    return statuses
