"""What is due now, per team: the one list `okr due` prints and the dashboard shows.

Plain data (the JSON of `okr due --json`), built from the cycle's records and the moment, so
the command and the app cannot disagree about what a team owes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from okr_tui.domain import cadence
from okr_tui.domain.models import (
    Action,
    CheckIn,
    Cycle,
    KeyResult,
    Objective,
    Retrospective,
    Review,
    Score,
    Team,
)
from okr_tui.domain.progress import counted

# What a team owes besides check-ins, in the order a cycle reaches them.
DUE_EXTRAS = ("review", "scoring", "retrospective")


class CycleRecords(Protocol):
    """What `due_report_of` reads (the store offers it; the domain does not import the store)."""

    def teams(self) -> list[Team]: ...
    def objectives(self, cycle_id: str) -> list[Objective]: ...
    def key_results(self, cycle_id: str) -> list[KeyResult]: ...
    def check_ins(self, cycle_id: str) -> list[CheckIn]: ...
    def reviews(self, cycle_id: str) -> list[Review]: ...
    def scores(self, cycle_id: str) -> list[Score]: ...
    def retrospectives(self, cycle_id: str) -> list[Retrospective]: ...
    def actions(self, cycle_id: str) -> list[Action]: ...


def due_report_of(
    records: CycleRecords, cycle: Cycle, now: datetime, *, check_ins_due: bool = True
) -> dict[str, Any]:
    """`due_report` over everything `records` holds for `cycle`: what `okr due` and the
    dashboard read, gathered in one place. Without `check_ins_due` the cycle's check-ins are
    not read: the dashboard's first frame reads (and validates) only those of the key results
    it draws (issue 19)."""
    return due_report(
        cycle,
        {team.id: team.name for team in records.teams()},
        records.objectives(cycle.id),
        records.key_results(cycle.id),
        records.check_ins(cycle.id) if check_ins_due else (),
        records.reviews(cycle.id),
        records.scores(cycle.id),
        records.retrospectives(cycle.id),
        records.actions(cycle.id),
        now,
        check_ins_due=check_ins_due,
    )


def due_report(
    cycle: Cycle,
    teams: Mapping[str, str],
    objectives: Sequence[Objective],
    key_results: Sequence[KeyResult],
    check_ins: Iterable[CheckIn],
    reviews: Iterable[Review],
    scores: Iterable[Score],
    retrospectives: Iterable[Retrospective],
    actions: Iterable[Action],
    now: datetime,
    *,
    check_ins_due: bool = True,
) -> dict[str, Any]:
    """What is due now for each team (`teams`: id -> name, in order), company objectives
    first when there are any: check-ins due and missed, review, scoring, retrospective, and
    actions past their due date. Without `check_ins_due` the check-ins due and missed are
    not worked out (left empty): the dashboard's "Due now:" line names only the rest, and
    working them out for 600 key results was a tenth of what it did before its first frame."""
    team_ids: list[str | None] = list(teams)
    if any(o.team_id is None for o in objectives):
        team_ids.insert(0, None)
    statuses = cadence.team_status(
        cycle,
        team_ids,
        objectives,
        key_results,
        check_ins,
        reviews,
        scores,
        retrospectives,
        now,
        with_check_ins=check_ins_due,
    )
    titles = {kr.id: kr.title for kr in key_results}
    # Actions past their due date and not done, by team: followed up at the team's meeting.
    today = cadence.local_time(cycle, now).date()
    team_of_objective = {o.id: o.team_id for o in objectives}
    team_of_kr = {  # a retired key result's actions are no longer followed up
        kr.id: team_of_objective.get(kr.objective_id) for kr in key_results if kr.is_active
    }
    overdue_actions: dict[str | None, list[dict[str, Any]]] = {}
    for action in actions:
        if action.done or action.due is None or action.due >= today:
            continue
        if action.kr_id not in team_of_kr:
            continue
        overdue_actions.setdefault(team_of_kr[action.kr_id], []).append(
            {
                "action_id": action.id,
                "kr_id": action.kr_id,
                "kr_title": titles[action.kr_id],
                "text": action.text,
                "owner": action.owner,
                "due": action.due.isoformat(),
            }
        )
    upcoming = cadence.next_meeting(cycle, now)
    week, weeks = cadence.week_of_cycle(cycle, now)
    return {
        "now": now.isoformat(),
        "cycle": {
            "id": cycle.id,
            "name": cycle.name,
            "start": cycle.start.isoformat(),
            "week": week,
            "weeks": weeks,
            "days_left": cadence.days_left(cycle, now),
            "starts_in_days": cadence.days_to_start(cycle, now),
            "timezone": cycle.timezone,
            "next_meeting": upcoming.isoformat() if upcoming else None,
        },
        "teams": [
            {
                "team_id": status.team_id,
                "team": teams.get(status.team_id, "Company") if status.team_id else "Company",
                "current_meeting": status.current_meeting.isoformat()
                if status.current_meeting
                else None,
                "due": [
                    {"kr_id": d.kr_id, "title": titles[d.kr_id]}
                    for d in status.key_results
                    if d.due
                ],
                "overdue": [
                    {
                        "kr_id": d.kr_id,
                        "title": titles[d.kr_id],
                        "missed": [day.isoformat() for day in d.overdue],
                    }
                    for d in status.key_results
                    if d.overdue
                ],
                "review_due": status.review_due,
                "scoring_due": status.scoring_due,
                "retrospective_due": status.retrospective_due,
                "overdue_actions": overdue_actions.get(status.team_id, []),
            }
            for status in statuses
        ],
    }


def due_beyond_check_ins(
    report: Mapping[str, Any], team_ids: Iterable[str | None] | None = None
) -> str:
    """What is due besides check-ins, from `due_report`, for the dashboard's "Due now:" line:
    "review (Growth) · scoring · retrospective · 2 overdue actions"; "" with nothing.

    `team_ids` narrows it to the teams on screen (None: every team). A thing owed by only some
    of them names those teams; owed by all, it needs no names.
    """
    wanted = None if team_ids is None else set(team_ids)
    teams = [t for t in report["teams"] if wanted is None or t["team_id"] in wanted]
    parts = []
    for name in DUE_EXTRAS:
        owing = [t["team"] for t in teams if t[f"{name}_due"]]
        if not owing:
            continue
        who = "" if len(owing) == len(teams) or len(teams) == 1 else f" ({', '.join(owing)})"
        parts.append(f"{name}{who}")
    overdue = sum(len(t["overdue_actions"]) for t in teams)
    if overdue:
        parts.append(counted(overdue, "overdue action"))
    return " · ".join(parts)
