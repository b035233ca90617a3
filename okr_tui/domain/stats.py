"""Quarter statistics: how a cycle went, per team, and how it compares with the ones before.

- Scores by band: each active key result's given score where it has one, else its suggested
  score, read in its objective's kind (0.7 on a stretch goal is success).
- Confidence per team: each active key result's latest confidence (or none yet).
- Check-in discipline per team: of the check-ins owed at the meetings held so far, the share
  given on time (recorded by the end of the meeting's local day), late (after it), or missed.
  A key result added mid-cycle owes only the meetings from the day it was added.
- Confidence trend: per meeting, the mean confidence of the key results checked in (on track 2,
  at risk 1, off track 0), so a slide shows before the scores do.
- A team x meeting heat map: the share of the team's owed check-ins that were given.
Pure: the records and "now" come in; numbers come out (and `as_json` for `okr stats --json`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from okr_tui.domain import cadence, progress
from okr_tui.domain.history import is_late
from okr_tui.domain.models import (
    CheckIn,
    Cycle,
    KeyResult,
    Objective,
    Score,
    Status,
)

COMPANY = "Company"


@dataclass
class Discipline:
    on_time: int = 0
    late: int = 0
    missed: int = 0

    @property
    def owed(self) -> int:
        return self.on_time + self.late + self.missed

    def share(self, part: int) -> float | None:
        return part / self.owed if self.owed else None


@dataclass
class TeamStats:
    name: str
    key_results: int = 0
    confidence: dict[str, int] = field(default_factory=dict)
    """on_track / at_risk / off_track / none -> key results."""
    discipline: Discipline = field(default_factory=Discipline)
    heat: dict[str, float | None] = field(default_factory=dict)
    """meeting day (ISO) -> share of owed check-ins given at it."""


@dataclass
class CycleStats:
    cycle: str
    state: str
    key_results: int
    bands: dict[str, int]
    """red / yellow / green -> key results, by score (given, else suggested)."""
    mean_score: float | None
    teams: list[TeamStats]
    meetings: list[str]
    """The meeting days held so far (ISO), oldest first."""
    confidence_trend: dict[str, float | None]
    """meeting day (ISO) -> mean confidence (0 off track .. 2 on track) of that meeting."""

    @property
    def discipline(self) -> Discipline:
        total = Discipline()
        for team in self.teams:
            total.on_time += team.discipline.on_time
            total.late += team.discipline.late
            total.missed += team.discipline.missed
        return total




def cycle_stats(
    cycle: Cycle,
    team_names: Mapping[str, str],
    objectives: Sequence[Objective],
    key_results: Iterable[KeyResult],
    check_ins: Iterable[CheckIn],
    scores: Iterable[Score],
    now: datetime,
) -> CycleStats:
    check_ins = list(check_ins)
    by_objective = {o.id: o for o in objectives if o.status is Status.ACTIVE}
    active = [kr for kr in key_results if kr.is_active and kr.objective_id in by_objective]
    given = progress.latest_given_scores(scores)
    effective = progress.effective_check_ins(check_ins)
    by_kr: dict[str, list[CheckIn]] = {}
    for check_in in effective:
        by_kr.setdefault(check_in.kr_id, []).append(check_in)

    today = cadence.local_time(cycle, now).date()
    held = [day for day in cadence.meeting_dates(cycle) if day <= today]

    bands = {"red": 0, "yellow": 0, "green": 0}
    scored: list[float] = []
    teams: dict[str, TeamStats] = {}
    trend: dict[date, list[int]] = {day: [] for day in held}
    heat_owed: dict[tuple[str, date], list[bool]] = {}
    for kr in active:
        objective = by_objective[kr.objective_id]
        team_name = team_names.get(objective.team_id, COMPANY) if objective.team_id else COMPANY
        team = teams.setdefault(team_name, TeamStats(team_name))
        team.key_results += 1
        history = by_kr.get(kr.id, [])
        score = given.get(kr.id, progress.suggested_score(kr, history))
        scored.append(score)
        bands[progress.band(score, objective.kind).value] += 1
        given_confidence = progress.latest_confidence(history)
        latest = given_confidence.value if given_confidence else "none"
        team.confidence[latest] = team.confidence.get(latest, 0) + 1
        at_meeting = {c.meeting_date: c for c in progress.judged(history)}
        first_day = cadence.first_day_owed(cycle, kr)
        for day in held:
            held_at = at_meeting.get(day)
            if held_at is not None and held_at.confidence is not None:
                trend[day].append(held_at.confidence.rank)
            if not cadence.owes_meeting(day, first_day):
                continue
            given_at = held_at is not None
            heat_owed.setdefault((team_name, day), []).append(given_at)
            if held_at is None:
                team.discipline.missed += 1
            elif is_late(cycle, held_at):
                team.discipline.late += 1
            else:
                team.discipline.on_time += 1
    for (team_name, day), given_list in heat_owed.items():
        teams[team_name].heat[day.isoformat()] = sum(given_list) / len(given_list)
    ordered = sorted(
        teams.values(), key=lambda t: (t.name != COMPANY, _team_rank(t.name, team_names))
    )
    return CycleStats(
        cycle=cycle.name,
        state=cycle.state.value,
        key_results=len(active),
        bands=bands,
        mean_score=sum(scored) / len(scored) if scored else None,
        teams=ordered,
        meetings=[day.isoformat() for day in held],
        confidence_trend={
            day.isoformat(): (sum(points) / len(points) if points else None)
            for day, points in trend.items()
        },
    )


def _team_rank(name: str, team_names: Mapping[str, str]) -> int:
    names = list(team_names.values())
    return names.index(name) if name in names else len(names)


def as_json(stats: Sequence[CycleStats]) -> list[dict[str, Any]]:
    """The statistics as plain data, newest cycle last, with each discipline's shares."""
    result = []
    for cycle in stats:
        data = asdict(cycle)
        for team, team_data in zip(cycle.teams, data["teams"], strict=True):
            team_data["discipline"].update(
                owed=team.discipline.owed,
                on_time_share=team.discipline.share(team.discipline.on_time),
                late_share=team.discipline.share(team.discipline.late),
                missed_share=team.discipline.share(team.discipline.missed),
            )
        total = cycle.discipline
        data["discipline"] = {
            "on_time": total.on_time,
            "late": total.late,
            "missed": total.missed,
            "on_time_share": total.share(total.on_time),
        }
        result.append(data)
    return result
