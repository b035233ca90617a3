"""The rules a store's contents keep, whichever way they came in: the app, the CLI or an import.

Pure functions over models. The store checks a change with them under its lock, and an import (or
an export, before it writes a backup) checks a whole store with them, each problem with the place
it was found, so one set of rules holds for every way in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from okr_tui.domain.models import CheckIn, Cycle, CycleState, Objective, Team

Where = tuple[str | int, ...]
"""A place in a store laid out as an export is: ("cycles", 0, "objectives", 2, "parent_id")."""


class Violation(NamedTuple):
    # A NamedTuple, not a frozen dataclass: made at start-up, where a dataclass's generated
    # methods cost about 4 M instructions a type (issue 19).
    where: Where
    message: str


def team_key(name: str) -> str:
    """How team names are compared: "Growth" and "growth " are the same team to a person."""
    return name.strip().casefold()


def same_name_team(team: Team, teams: Iterable[Team]) -> Team | None:
    """Another team with the name of `team` (ignoring case and outer spaces): two "Growth"
    teams could not be told apart on the dashboard, in the walk's set-up or by `okr team`."""
    key = team_key(team.name)
    return next((t for t in teams if t.id != team.id and team_key(t.name) == key), None)


def team_name_message(other: Team) -> str:
    return f'there is already a team called "{other.name}"'


def overlapping_cycle(cycle: Cycle, cycles: Iterable[Cycle]) -> Cycle | None:
    """Another open cycle sharing a day with this one: which cycle is current, and which
    meetings are due, would depend on which of the two was picked, so one runs at a time. A
    closed cycle owes nothing, so the days a quarter closed early left are free to plan."""
    if cycle.state is CycleState.CLOSED:
        return None
    return next(
        (
            c
            for c in cycles
            if c.id != cycle.id
            and c.state is not CycleState.CLOSED
            and c.start <= cycle.end
            and cycle.start <= c.end
        ),
        None,
    )


def skipped_dates_problem(cycle: Cycle) -> str | None:
    """What is wrong with the cycle's skipped dates, if anything: each must be one of its
    meeting days, or skipping it changes nothing and hides a typo."""
    from okr_tui.domain.cadence import meeting_dates

    meeting_days = set(meeting_dates(cycle.model_copy(update={"skipped_dates": []})))
    for day in cycle.skipped_dates:
        if day not in meeting_days:
            where = "outside the cycle" if not cycle.contains(day) else "not a meeting day"
            return f"{day.isoformat()} is {where}"
    return None


def overlap_message(other: Cycle) -> str:
    return (
        f"the dates overlap {other.name} ({other.start.isoformat()} to "
        f"{other.end.isoformat()}): a cycle starts after the one before it ends"
    )


ALIGNMENT_LOOP = "that alignment would make a loop of objectives"


def alignment_problem(objective: Objective, objectives: Iterable[Objective]) -> str | None:
    """Why `objective` cannot align where it points (a parent missing from its cycle, or a
    chain of parents that comes back to it); None when it can. `objectives`: its cycle's."""
    parents = {o.id: o for o in objectives}
    seen = {objective.id}
    parent_id = objective.parent_id
    while parent_id is not None:
        if parent_id in seen:
            return ALIGNMENT_LOOP
        parent = parents.get(parent_id)
        if parent is None:
            return f"no objective with id {parent_id!r} to align to in this cycle"
        seen.add(parent_id)
        parent_id = parent.parent_id
    return None


def check_in_date_problem(cycle: Cycle, check_in: CheckIn) -> str | None:
    """A check-in belongs to a meeting inside its cycle's dates."""
    if cycle.contains(check_in.meeting_date):
        return None
    return (
        f"meeting date {check_in.meeting_date.isoformat()} is outside {cycle.name} "
        f"({cycle.start.isoformat()} to {cycle.end.isoformat()})"
    )


def dates_problem(cycle: Cycle, check_ins: Iterable[CheckIn]) -> str | None:
    """New dates for a cycle must keep every check-in already recorded in it inside them."""
    outside = sorted({c.meeting_date for c in check_ins if not cycle.contains(c.meeting_date)})
    if not outside:
        return None
    return (
        f"check-ins are recorded for {outside[0].isoformat()}, outside the new dates "
        f"({cycle.start.isoformat()} to {cycle.end.isoformat()})"
    )


# --- a whole store, as an import or an export sees it ---------------------------------------


def team_violations(teams: Sequence[Team]) -> list[Violation]:
    """Team names that clash (the later team is the one reported)."""
    violations = []
    for index, team in enumerate(teams):
        if (other := same_name_team(team, teams[:index])) is not None:
            violations.append(Violation(("teams", index, "name"), team_name_message(other)))
    return violations


def cycle_violations(cycles: Sequence[Cycle]) -> list[Violation]:
    """Cycle names used twice and open cycles whose dates overlap (the later one reported).
    `cycles[i]` is found at ("cycles", i, "cycle")."""
    violations = []
    for index, cycle in enumerate(cycles):
        earlier = cycles[:index]
        where: Where = ("cycles", index, "cycle")
        if any(c.name == cycle.name for c in earlier):
            message = f"cycle name {cycle.name!r} is used twice"
            violations.append(Violation((*where, "name"), message))
        if (other := overlapping_cycle(cycle, earlier)) is not None:
            violations.append(Violation((*where, "start"), overlap_message(other)))
    return violations


def cycle_contents_violations(
    index: int, cycle: Cycle, objectives: Sequence[Objective], check_ins: Sequence[CheckIn]
) -> list[Violation]:
    """Alignment loops and check-ins dated outside the cycle, in `cycles[index]`. (A missing
    parent is a dangling reference, which the import reports with the others.)"""
    violations = [
        Violation(("cycles", index, *violation.where), violation.message)
        for violation in alignment_loop_violations(objectives)
    ]
    # A cycle's check-ins fall on a dozen meeting dates: each date is checked once.
    outside = {day for day in {c.meeting_date for c in check_ins} if not cycle.contains(day)}
    if outside:
        for position, check_in in enumerate(check_ins):
            if check_in.meeting_date in outside:
                where = ("cycles", index, "check_ins", position, "meeting_date")
                problem = check_in_date_problem(cycle, check_in)
                assert problem is not None
                violations.append(Violation(where, problem))
    return violations


def alignment_loop_violations(objectives: Sequence[Objective]) -> list[Violation]:
    """Objectives aligned to each other in a loop, at ("objectives", position, "parent_id")."""
    parents = {o.id: o.parent_id for o in objectives}
    return [
        Violation(("objectives", position, "parent_id"), ALIGNMENT_LOOP)
        for position, objective in enumerate(objectives)
        if _on_a_loop(objective.id, parents)
    ]


def _on_a_loop(objective_id: str, parents: dict[str, str | None]) -> bool:
    """True when following parents from this objective comes back to it (an objective that
    merely aligns to one on a loop is not reported again)."""
    seen = {objective_id}
    parent_id = parents.get(objective_id)
    while parent_id is not None and parent_id not in seen:
        seen.add(parent_id)
        parent_id = parents.get(parent_id)
    return parent_id == objective_id
