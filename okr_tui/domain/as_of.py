"""The store as it was at a past moment: what `okr --at T` shows (a replay of any past week).

Pure functions from the records as stored now to the records as they stood at `at`: a record
stamped later than `at` (a check-in by `recorded_at`, a meeting by `closed_at`, an action by
`created_at`, a review decision, review, score, retrospective or audit entry by its own stamp)
is left out; an action ticked off after `at` is open again; an objective's or key result's
fields changed after `at` take back the values the audit log says they had. The store applies
them to every read when its clock replays (see docs/as-of.md for what cannot be rebuilt).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from okr_tui.domain.models import (
    Action,
    AuditEntry,
    CheckIn,
    KeyResult,
    Meeting,
    Objective,
    Retrospective,
    Review,
    ReviewDecision,
    Score,
    Status,
)

CREATED = "created"  # the audit entry an objective or key result gets when it is added
SCORE_FIELD = "score"  # the audit entry of a score given or changed (entity: the key result)

M = TypeVar("M", bound=BaseModel)


def check_ins(records: Iterable[CheckIn], at: datetime) -> list[CheckIn]:
    """Those recorded by `at`; a correction recorded later is left out, so the check-in it
    corrects counts again."""
    return [c for c in records if c.recorded_at <= at]


def actions(records: Iterable[Action], at: datetime) -> list[Action]:
    """Those agreed by `at`; one ticked off after `at` is open. One ticked off with no time
    (before schema 3) stays done."""
    shown = []
    for action in records:
        if action.created_at > at:
            continue
        if action.done and action.done_at is not None and action.done_at > at:
            action = action.model_copy(update={"done": False, "done_at": None})
        shown.append(action)
    return shown


def meetings(records: Iterable[Meeting], at: datetime, today: date) -> list[Meeting]:
    """The records closed by `at`; an open record (a walk in progress keeps its parked topics
    there) from the meeting's day on. A record closed after `at` is left out: it holds no stamp
    of when it was opened, so what it held at `at` is unknown."""
    return [
        m
        for m in records
        if (m.closed_at <= at if m.closed_at is not None else m.meeting_date <= today)
    ]


def review_decisions(records: Iterable[ReviewDecision], at: datetime) -> list[ReviewDecision]:
    return [d for d in records if d.decided_at <= at]


def reviews(records: Iterable[Review], at: datetime) -> list[Review]:
    return [r for r in records if r.completed_at <= at]


def retrospectives(records: Iterable[Retrospective], at: datetime) -> list[Retrospective]:
    """Those written by `at`; one rewritten after `at` is left out (a save replaces the text,
    and the earlier one is not kept)."""
    return [r for r in records if r.written_at <= at]


def audit(records: Iterable[AuditEntry], at: datetime) -> list[AuditEntry]:
    return [entry for entry in records if entry.at <= at]


def scores(records: Iterable[Score], trail: Sequence[AuditEntry], at: datetime) -> list[Score]:
    """The scores as given by `at`: one changed after `at` shows the score the audit log says it
    had then (its reason too); one first given after `at` is left out."""
    given_by_kr: dict[str, list[AuditEntry]] = {}
    for entry in sorted(trail, key=lambda e: e.at):
        if entry.field == SCORE_FIELD and entry.at <= at:
            given_by_kr.setdefault(entry.entity_id, []).append(entry)
    shown = []
    for score in records:
        if score.scored_at > at:
            earlier = given_by_kr.get(score.kr_id)
            given = earlier[-1].new if earlier else None
            if not earlier or isinstance(given, bool) or not isinstance(given, int | float):
                continue  # not scored yet at `at`
            last = earlier[-1]
            score = score.model_copy(
                update={"given": float(given), "reason": last.reason, "scored_at": last.at}
            )
        shown.append(score)
    return shown


def _values_then(trail: Sequence[AuditEntry], at: datetime) -> dict[str, dict[str, object]]:
    """entity id -> field -> its value at `at`: the `old` of the first change after `at`."""
    then: dict[str, dict[str, object]] = {}
    for entry in sorted(trail, key=lambda e: e.at):
        if entry.at > at and entry.field not in (CREATED, SCORE_FIELD):
            then.setdefault(entry.entity_id, {}).setdefault(entry.field, entry.old)
    return then


def _as_it_was(model: M, fields: dict[str, object] | None) -> M:
    """`model` with `fields` set back; the model as stored if they do not make a valid one
    (an audit log edited by hand, say)."""
    if not fields:
        return model
    known = {name: value for name, value in fields.items() if name in type(model).model_fields}
    updated = {**model.model_dump(mode="json"), **known}
    if updated.get("status") == Status.ACTIVE.value:
        updated["retired_at"] = None
    try:
        return type(model).model_validate(updated)
    except ValidationError:
        return model


def key_results(
    records: Iterable[KeyResult], trail: Sequence[AuditEntry], at: datetime
) -> list[KeyResult]:
    """Those added by `at` (`created_at`; none means planned with the cycle), each with the
    fields it had then (a target adjusted or a retirement after `at` is undone)."""
    then = _values_then(trail, at)
    return [
        _as_it_was(kr, then.get(kr.id))
        for kr in records
        if kr.created_at is None or kr.created_at <= at
    ]


def objectives(
    records: Iterable[Objective],
    trail: Sequence[AuditEntry],
    key_results_then: Iterable[KeyResult],
    at: datetime,
) -> list[Objective]:
    """Each with the fields it had at `at`. An objective carries no stamp of its own: one whose
    audit log says it was created after `at` is left out, unless one of its key results was
    there at `at` (a plan saved later with key results dated to the quarter's start)."""
    created_later = {e.entity_id for e in trail if e.field == CREATED and e.at > at}
    with_key_results = {kr.objective_id for kr in key_results_then}
    then = _values_then(trail, at)
    return [
        _as_it_was(objective, then.get(objective.id))
        for objective in records
        if objective.id not in created_later or objective.id in with_key_results
    ]
