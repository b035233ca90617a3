"""The figures every screen shows for a key result, computed once from the cycle's records.

Dashboard, walkthrough, review, scoring and presentation all read `KeyResultLine`s, so a number
means the same on every screen. Pure: the caller passes the records and the moment.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from okr_tui.domain import cadence, forecast, progress
from okr_tui.domain.forecast import Forecast
from okr_tui.domain.models import (
    CheckIn,
    Confidence,
    Cycle,
    CycleState,
    KeyResult,
    Objective,
    Status,
)
from okr_tui.domain.people import owned_by
from okr_tui.domain.progress import PaceStatus


class KeyResultLine(NamedTuple):
    # A NamedTuple, not a frozen dataclass: made at start-up, where a dataclass's generated
    # methods cost about 4 M instructions a type (issue 19).
    kr: KeyResult
    objective: Objective
    value: float
    progress: float
    pace: PaceStatus
    latest: CheckIn | None
    previous: CheckIn | None
    checked_in_this_meeting: bool
    missed_meetings: int
    meeting_open: bool = True
    """False when the cycle has no meeting to check in for now (closed, or not begun yet):
    nothing is due, and nothing reads as done."""
    owes_this_meeting: bool = True
    """False for a key result added after this meeting's day: its first check-in is due at the
    next meeting, if the cycle has one (one may still be given now)."""
    meeting_follows: bool = True
    """False when this meeting is the cycle's last: a key result added after it owes none."""
    judged: tuple[CheckIn, ...] | None = None
    """The last two check-ins that carry a confidence (a value read from a source carries
    none); None: `latest` and `previous` are those."""

    def _judged(self) -> tuple[CheckIn | None, CheckIn | None]:
        if self.judged is None:
            return self.latest, self.previous
        return (
            self.judged[-1] if self.judged else None,
            self.judged[-2] if len(self.judged) > 1 else None,
        )

    @property
    def latest_given(self) -> CheckIn | None:
        """The latest check-in that carries a confidence."""
        return self._judged()[0]

    forecast: Forecast | None = None
    """Where the trend of the last meetings leads by the cycle's end (domain/forecast.py), when
    the caller asked for it (the dashboard does) and there is a trend to follow."""

    @property
    def confidence(self) -> Confidence | None:
        latest, _ = self._judged()
        return latest.confidence if latest else None

    @property
    def confidence_change(self) -> int:
        latest, previous = self._judged()
        if latest is None or previous is None or None in (latest.confidence, previous.confidence):
            return 0
        return latest.confidence.rank - previous.confidence.rank  # type: ignore[union-attr]

    @property
    def value_delta(self) -> float | None:
        if self.latest is None or self.previous is None:
            return None
        return self.latest.value - self.previous.value

    @property
    def due_count(self) -> int:
        """Check-ins owed: this meeting's, plus every missed earlier one."""
        if not self.meeting_open:
            return 0
        owed_now = self.owes_this_meeting and not self.checked_in_this_meeting
        return (1 if owed_now else 0) + self.missed_meetings

    @property
    def needs_talk_score(self) -> float:
        """Higher means discuss first: a confidence drop weighs most, then the gap behind pace."""
        drop = max(0, -self.confidence_change)
        behind = max(0.0, -self.pace.gap)
        off_track = 1 if self.confidence is Confidence.OFF_TRACK else 0
        return drop * 2 + off_track + behind


class ObjectiveBlock(NamedTuple):
    # A NamedTuple, not a frozen dataclass: made at start-up, where a dataclass's generated
    # methods cost about 4 M instructions a type (issue 19).
    objective: Objective
    lines: tuple[KeyResultLine, ...]
    progress: float | None
    confidence: Confidence | None
    score: float | None = None
    """The score the objective stands at: as scoring computes it, from each KR's given score
    once it has one, else its suggested score (its progress, rounded), weighted. The dashboard
    and the presentation show this one number."""
    forecast_score: float | None = None
    """The score the objective would reach if its key results follow their trends: each key
    result's forecast score where it has one, else the score it stands at. None when none of
    its key results has a forecast (nothing to project)."""


def key_result_lines(
    cycle: Cycle,
    objectives: Sequence[Objective],
    key_results: Sequence[KeyResult],
    check_ins: Sequence[CheckIn] | progress.Histories,
    now: datetime,
    *,
    include_retired: bool = False,
    forecasts: Mapping[str, Forecast] | None = None,
) -> list[KeyResultLine]:
    """One line per key result, in objective order then KR order (with its forecast from
    `forecasts`, key result id -> Forecast, when given)."""
    forecasts = forecasts or {}
    by_objective = {o.id: o for o in objectives}
    by_kr = progress.histories(check_ins)
    # A closed cycle owes nothing: viewed later (ctrl+y), its key results showed "8 due"; nor
    # does one not begun yet (it showed "1 due" weeks ahead).
    owing = cycle.state is not CycleState.CLOSED and not cadence.days_to_start(cycle, now)
    current = cadence.current_meeting(cycle, now) if owing else None
    current_day = current.date() if current else None
    days = cadence.meeting_dates(cycle)
    earlier_meetings = [d for d in days if current_day and d < current_day]
    meeting_follows = bool(current_day and days[-1] > current_day)
    objective_rank = {o.id: index for index, o in enumerate(objectives)}
    lines = []
    for kr in sorted(
        key_results, key=lambda k: (objective_rank.get(k.objective_id, 1_000_000), k.order)
    ):
        objective = by_objective.get(kr.objective_id)
        if objective is None:
            continue
        if not include_retired and (
            kr.status is Status.RETIRED or objective.status is Status.RETIRED
        ):
            continue
        history = by_kr.get(kr.id, [])
        latest = history[-1] if history else None
        previous = history[-2] if len(history) > 1 else None
        value = latest.value if latest else kr.baseline
        judged = progress.judged(history)
        covered = {c.meeting_date for c in judged}
        owed_from = cadence.first_day_owed(cycle, kr)
        lines.append(
            KeyResultLine(
                kr=kr,
                objective=objective,
                value=value,
                progress=progress.progress(kr, value),
                pace=progress.pace(kr, value, cycle, now),
                latest=latest,
                previous=previous,
                judged=tuple(judged[-2:]),
                checked_in_this_meeting=current_day in covered if current_day else False,
                missed_meetings=sum(
                    1
                    for day in earlier_meetings
                    if day not in covered and cadence.owes_meeting(day, owed_from)
                ),
                meeting_open=current_day is not None,
                owes_this_meeting=current_day is None
                or cadence.owes_meeting(current_day, owed_from),
                meeting_follows=meeting_follows,
                forecast=forecasts.get(kr.id),
            )
        )
    return lines


def objective_blocks(
    objectives: Sequence[Objective],
    lines: Sequence[KeyResultLine],
    given_scores: Mapping[str, float] | None = None,
) -> list[ObjectiveBlock]:
    """Lines grouped under their objectives, with the objective's progress, confidence and
    score (`given_scores`: key result id -> latest given score, see ObjectiveBlock.score)."""
    given_scores = given_scores or {}
    by_objective: dict[str, list[KeyResultLine]] = {}
    for line in lines:
        by_objective.setdefault(line.objective.id, []).append(line)
    blocks = []
    for objective in objectives:
        own = tuple(by_objective.get(objective.id, ()))
        if not own and objective.status is Status.RETIRED:
            continue
        weights = sum(line.kr.weight for line in own)
        mean = sum(line.progress * line.kr.weight for line in own) / weights if own else None
        confidences = [line.confidence for line in own if line.confidence is not None]
        worst = min(confidences, key=lambda c: c.rank) if confidences else None
        standing = {
            line.kr.id: given_scores.get(line.kr.id, progress.round_score(line.progress))
            for line in own
        }
        score = progress.objective_score((line.kr for line in own), standing)
        projected = None
        if any(line.forecast is not None for line in own):
            heading = {
                line.kr.id: line.forecast.score if line.forecast else standing[line.kr.id]
                for line in own
            }
            projected = progress.objective_score((line.kr for line in own), heading)
        blocks.append(ObjectiveBlock(objective, own, mean, worst, score, projected))
    return blocks


def in_team_view(team_id: str | None, objective_team: str | None) -> bool:
    """The team filter (`team_id`, None for all teams): one team's objectives, and company
    objectives stay in view."""
    return team_id is None or objective_team in (None, team_id)


def owner_blocks(blocks: Sequence[ObjectiveBlock], owner: str | None) -> list[ObjectiveBlock]:
    """The owner filter on objectives: each keeps only `owner`'s key results, and one with
    none of them is left out (None: all, as they are). The objective's progress, confidence
    and score stay those of all its key results: the filter narrows the list, not the figures."""
    if owner is None:
        return list(blocks)
    kept = []
    for block in blocks:
        own = tuple(line for line in block.lines if owned_by(line.kr.owner, owner))
        if own:
            kept.append(block._replace(lines=own))
    return kept


@dataclass
class PendingBlock:
    """An objective's block, worked out when it is first asked for: the dashboard draws a
    dozen of a large organisation's 600 key results at first, and working out every line's
    progress, pace, forecast and due meetings up front was a twentieth of its start-up
    (issue 19). The key results its lines will be for are known at once (`kr_ids`, in line
    order)."""

    objective: Objective
    kr_ids: tuple[str, ...]
    build: Callable[[], ObjectiveBlock]
    _block: ObjectiveBlock | None = None

    def block(self) -> ObjectiveBlock:
        if self._block is None:
            built = self.build()
            # The lines must be those the board laid out for this objective.
            assert tuple(line.kr.id for line in built.lines) == self.kr_ids
            self._block = built
        return self._block

    @classmethod
    def ready(cls, block: ObjectiveBlock) -> PendingBlock:
        return cls(block.objective, tuple(line.kr.id for line in block.lines), lambda: block)


def pending_blocks(
    cycle: Cycle,
    objectives: Sequence[Objective],
    key_results: Sequence[KeyResult],
    check_ins: Sequence[CheckIn] | progress.Histories,
    now: datetime,
    given_scores: Mapping[str, float] | None = None,
    *,
    owner: str | None = None,
) -> list[PendingBlock]:
    """owner_blocks(objective_blocks(objectives, key_result_lines(..., forecasts=the active
    key results' forecasts), given_scores), owner), each block worked out only when it is
    first asked for: the same blocks, in the same order."""
    histories = progress.histories(check_ins)
    of_objective: dict[str, list[KeyResult]] = {}
    for kr in key_results:
        of_objective.setdefault(kr.objective_id, []).append(kr)
    pending = []
    for objective in objectives:
        own = sorted(of_objective.get(objective.id, ()), key=lambda k: k.order)
        retired = objective.status is Status.RETIRED
        shown = [k for k in own if not retired and k.status is not Status.RETIRED]
        if not shown and retired:
            continue  # as objective_blocks leaves it out
        if owner is not None:
            shown = [k for k in shown if owned_by(k.owner, owner)]
            if not shown:
                continue  # as owner_blocks leaves it out

        def build(objective: Objective = objective, own: list[KeyResult] = own) -> ObjectiveBlock:
            found = forecast.forecasts((k for k in own if k.is_active), cycle, histories)
            lines = key_result_lines(cycle, [objective], own, histories, now, forecasts=found)
            blocks = owner_blocks(objective_blocks([objective], lines, given_scores), owner)
            return blocks[0]

        pending.append(PendingBlock(objective, tuple(k.id for k in shown), build))
    return pending
