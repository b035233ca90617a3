"""Carrying unfinished work into the next cycle when a cycle closes.

Which objectives and key results are unfinished, which cycle comes next (the following one if it
exists, else the next quarter with the same meeting rhythm), and the new models to save there.
Pure: the caller passes the records and today's date; the store saves the result.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from okr_tui.domain import cadence, progress
from okr_tui.domain.models import (
    Cycle,
    CycleState,
    KeyResult,
    Objective,
    Status,
)


@dataclass(frozen=True)
class UnfinishedKeyResult:
    kr: KeyResult
    suggested: float
    current_value: float


@dataclass(frozen=True)
class UnfinishedObjective:
    """An active objective with the active key results that did not reach a 1.0 score."""

    objective: Objective
    key_results: tuple[UnfinishedKeyResult, ...]


@dataclass(frozen=True)
class CarryOver:
    """The new models for the next cycle, ready for `OkrStore.close_cycle`."""

    objectives: list[Objective]
    key_results: list[KeyResult]


def unfinished(
    objectives: Sequence[Objective],
    key_results: Iterable[KeyResult],
    check_ins: progress.CheckIns,
) -> list[UnfinishedObjective]:
    """Active objectives (in the order given) with their active key results whose suggested
    score is under 1.0; objectives with nothing unfinished are left out."""
    check_ins = progress.histories(check_ins)  # sorted once for every key result
    by_objective: dict[str, list[KeyResult]] = {}
    for kr in sorted(key_results, key=lambda k: (k.order, k.title)):
        if kr.status is Status.ACTIVE:
            by_objective.setdefault(kr.objective_id, []).append(kr)
    result = []
    for objective in objectives:
        if objective.status is not Status.ACTIVE:
            continue
        open_krs = []
        for kr in by_objective.get(objective.id, []):
            suggested = progress.suggested_score(kr, check_ins)
            if suggested < 1.0:
                value = progress.current_value(kr, check_ins)
                open_krs.append(UnfinishedKeyResult(kr, suggested, value))
        if open_krs:
            result.append(UnfinishedObjective(objective, tuple(open_krs)))
    return result


def following_cycle(cycle: Cycle, cycles: Iterable[Cycle]) -> Cycle | None:
    """The first cycle that starts after this one and is still open, if any."""
    later = [
        c
        for c in cycles
        if c.id != cycle.id and c.start > cycle.start and c.state is not CycleState.CLOSED
    ]
    return min(later, key=lambda c: (c.start, c.name), default=None)


def _next_quarter(day: date, fiscal_start_month: int) -> tuple[int, int]:
    fiscal_year, quarter = cadence.quarter_containing(day, fiscal_start_month)
    return (fiscal_year, quarter + 1) if quarter < 4 else (fiscal_year + 1, 1)


def next_quarter_cycle(
    cycle: Cycle,
    existing_names: Iterable[str],
    today: date,
) -> Cycle:
    """A new cycle for the quarter after `cycle`, with the same timezone, meeting rhythm and
    fiscal year.

    The quarter is the one holding the day after the cycle ends; if that quarter began before
    the cycle ended (a cycle that stopped mid-quarter), the next whole quarter. It is named like
    "2027-Q1" or "FY2027-Q1" (with " (2)" etc. if that name is taken) and is active if it has
    begun by `today`, else in planning.
    """
    fiscal_start_month = cycle.fiscal_start_month
    day = cycle.end + timedelta(days=1)
    fiscal_year, quarter = cadence.quarter_containing(day, fiscal_start_month)
    start, end = cadence.quarter_bounds(fiscal_year, quarter, fiscal_start_month)
    if start <= cycle.end:
        fiscal_year, quarter = _next_quarter(day, fiscal_start_month)
        start, end = cadence.quarter_bounds(fiscal_year, quarter, fiscal_start_month)
    taken = set(existing_names)
    base = cadence.quarter_name(fiscal_year, quarter, fiscal_start_month)
    name, copy = base, 1
    while name in taken:
        copy += 1
        name = f"{base} ({copy})"
    return Cycle(
        name=name,
        start=start,
        end=end,
        timezone=cycle.timezone,
        meeting_weekday=cycle.meeting_weekday,
        meeting_time=cycle.meeting_time,
        cadence=cycle.cadence,
        fiscal_start_month=fiscal_start_month,
        state=CycleState.ACTIVE if start <= today else CycleState.PLANNING,
    )


def next_cycle(cycle: Cycle, cycles: Sequence[Cycle], today: date) -> tuple[Cycle, bool]:
    """Where carried work goes: (the cycle, True if it is new and still has to be saved)."""
    existing = following_cycle(cycle, cycles)
    if existing is not None:
        return existing, False
    return next_quarter_cycle(cycle, (c.name for c in cycles), today), True


def suggested_cycle(cycles: Sequence[Cycle], now: datetime) -> Cycle:
    """Defaults for a new cycle: the quarter after the latest one, or the one containing today.

    The quarter is the one holding the day after the latest cycle ends (after an early close,
    the rest of that quarter is free to plan). The meeting slot, timezone and fiscal year carry
    over from the latest cycle; a cycle that already runs today starts active, a future one in
    planning.
    """
    today = now.date()
    slot: dict[str, Any] = {}
    fiscal_start_month = 1
    if cycles:
        latest = max(cycles, key=lambda c: (c.end, c.start))
        fiscal_start_month = latest.fiscal_start_month
        year, quarter = cadence.quarter_containing(
            latest.end + timedelta(days=1), fiscal_start_month
        )
        slot = {
            "timezone": latest.timezone,
            "meeting_weekday": latest.meeting_weekday,
            "meeting_time": latest.meeting_time,
            "cadence": latest.cadence,
            "fiscal_start_month": fiscal_start_month,
        }
        today = now.astimezone(ZoneInfo(latest.timezone)).date()
    else:
        year, quarter = cadence.quarter_containing(today)
    start, end = cadence.quarter_bounds(year, quarter, fiscal_start_month)
    name = base = cadence.quarter_name(year, quarter, fiscal_start_month)
    taken = {c.name for c in cycles}
    suffix = 2
    while name in taken:
        name, suffix = f"{base} ({suffix})", suffix + 1
    state = CycleState.ACTIVE if start <= today <= end else CycleState.PLANNING
    return Cycle(name=name, start=start, end=end, state=state, **slot)


def _carried_key_result(kr: KeyResult, into: Cycle, objective_id: str, value: float) -> KeyResult:
    """A copy of `kr` in the next cycle that starts from where it stands now.

    If starting from the current value would make it invalid (an increase already at its
    target), the original baseline is kept.
    """
    fields: dict[str, Any] = {
        "cycle_id": into.id,
        "objective_id": objective_id,
        "title": kr.title,
        "owner": kr.owner,
        "kr_type": kr.kr_type,
        "unit": kr.unit,
        "target": kr.target,
        "weight": kr.weight,
        "order": kr.order,
    }
    try:
        return KeyResult(baseline=value, **fields)
    except ValidationError:
        return KeyResult(baseline=kr.baseline, **fields)


def carry_over(
    objectives: Sequence[Objective],
    key_results: Sequence[KeyResult],
    check_ins: progress.CheckIns,
    into: Cycle,
    objective_ids: Iterable[str],
    kr_ids: Iterable[str],
) -> CarryOver:
    """New objectives and key results in `into` for the chosen ones.

    An objective is carried if chosen or if one of its chosen key results is carried. Copies get
    new ids and keep title, description, kind, level, team, owner and order; a key result's
    baseline becomes its current value, its target stays. An alignment is kept only when the
    parent objective is carried too (it then points at the parent's copy).
    """
    check_ins = progress.histories(check_ins)  # sorted once for every key result
    chosen_krs = set(kr_ids)
    carried_krs = [kr for kr in key_results if kr.id in chosen_krs]
    carried_ids = set(objective_ids) | {kr.objective_id for kr in carried_krs}
    carried_objectives = [o for o in objectives if o.id in carried_ids]

    copies: dict[str, Objective] = {}
    for objective in carried_objectives:
        copies[objective.id] = Objective(
            cycle_id=into.id,
            team_id=objective.team_id,
            title=objective.title,
            description=objective.description,
            owner=objective.owner,
            level=objective.level,
            kind=objective.kind,
            order=objective.order,
        )
    new_objectives = []
    for objective in carried_objectives:
        copy = copies[objective.id]
        parent = copies.get(objective.parent_id or "")
        if parent is not None:
            copy = Objective.model_validate({**copy.model_dump(), "parent_id": parent.id})
        new_objectives.append(copy)

    new_key_results = [
        _carried_key_result(
            kr, into, copies[kr.objective_id].id, progress.current_value(kr, check_ins)
        )
        for kr in carried_krs
        if kr.objective_id in copies
    ]
    return CarryOver(new_objectives, new_key_results)
