"""The prep lane: the agenda a facilitator reads out before the walk, built from what changed.

For the coming meeting (`cadence.update_meeting`), from the records as they are now:
- who has not updated yet (each key result that owes the meeting and has no check-in for it);
- confidence drops since the meeting before (from what to what);
- key results behind their expected pace, and by how many points;
- new blockers (blockers given for the coming meeting that were not there before);
- actions past their due date and not done;
- stale key results: no check-in recorded for 14 days or more;
- where the forecast and the owner's confidence disagree (domain/forecast.py).
Pure: the records, the cycle and "now" come in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from okr_tui.domain import board, cadence, forecast
from okr_tui.domain.models import Action, CheckIn, Cycle, KeyResult, Objective
from okr_tui.domain.people import same_person
from okr_tui.domain.progress import (
    Histories,
    Pace,
    effective_check_ins,
    histories,
    judged,
    value_text,
)

STALE_DAYS = 14


@dataclass(frozen=True)
class PrepItem:
    kr: KeyResult
    said: str
    """What to read out, in words: "from on track to at risk", "23 pts behind", ..."""


@dataclass
class PrepLane:
    meeting: date | None
    not_updated: list[PrepItem] = field(default_factory=list)
    from_source: list[PrepItem] = field(default_factory=list)
    """Values read from their source (okr pull) for the coming meeting, with no confidence yet."""
    confidence_drops: list[PrepItem] = field(default_factory=list)
    behind_pace: list[PrepItem] = field(default_factory=list)
    new_blockers: list[PrepItem] = field(default_factory=list)
    overdue_actions: list[PrepItem] = field(default_factory=list)
    stale: list[PrepItem] = field(default_factory=list)
    forecast_disagreements: list[PrepItem] = field(default_factory=list)

    def sections(self) -> list[tuple[str, list[PrepItem]]]:
        return [
            ("Not updated yet", self.not_updated),
            ("From a source, no confidence yet", self.from_source),
            ("Confidence dropped", self.confidence_drops),
            ("Behind pace", self.behind_pace),
            ("New blockers", self.new_blockers),
            ("Actions past due", self.overdue_actions),
            (f"No check-in for {STALE_DAYS} days or more", self.stale),
            ("Forecast and owner disagree", self.forecast_disagreements),
        ]

    def counts(self) -> list[tuple[str, int]]:
        """Each section that names something, with how many: the lane in one line."""
        return [(heading, len(items)) for heading, items in self.sections() if items]

    def talk_scores(self) -> dict[str, int]:
        """How many lane sections name each key result: "needs talk first" walks the most
        named first."""
        counts: dict[str, int] = {}
        for _, items in self.sections():
            if items is self.not_updated or items is self.from_source:
                continue
            for item in items:
                counts[item.kr.id] = counts.get(item.kr.id, 0) + 1
        return counts


def prep_lane(
    cycle: Cycle,
    objectives: Sequence[Objective],
    key_results: Sequence[KeyResult],
    check_ins: Iterable[CheckIn] | Histories,
    actions: Iterable[Action],
    now: datetime,
    *,
    lines: Sequence[board.KeyResultLine] | None = None,
    forecasts: Mapping[str, forecast.Forecast] | None = None,
) -> PrepLane:
    """The lane for the coming meeting of `cycle`, over the given (one team's, or all)
    objectives' active key results.

    A caller that has already worked out the board's `lines` (for these objectives and key
    results, at `now`) and the `forecasts` passes them, so a dashboard reload computes each
    once.
    """
    by_kr = histories(check_ins)
    coming = cadence.update_meeting(cycle, now)
    lane = PrepLane(coming.date() if coming else None)
    if lines is None:
        lines = board.key_result_lines(cycle, objectives, key_results, by_kr, now)
    walked = [line.kr for line in lines]
    local_now = cadence.local_time(cycle, now)
    today = local_now.date()
    quiet_before = datetime.fromtimestamp(  # in UTC: a pendulum zone compares slowly
        local_now.start_of("day").subtract(days=STALE_DAYS - 1).timestamp(), UTC
    )
    for line in lines:
        kr = line.kr
        every = by_kr.get(kr.id, [])
        history = judged(every)  # the check-ins that carry a confidence
        # The history is in meeting order: the coming meeting's check-ins come last.
        cut = len(history)
        while cut and lane.meeting and history[cut - 1].meeting_date >= lane.meeting:
            cut -= 1
        for_coming = [c for c in history[cut:] if c.meeting_date == lane.meeting]
        earlier = history[:cut]
        pulled = (
            every[-1]
            if every and every[-1].meeting_date == lane.meeting and every[-1].confidence is None
            else None
        )
        owes = lane.meeting is not None and cadence.owes_meeting(
            lane.meeting, cadence.first_day_owed(cycle, kr)
        )
        owner = f"owner {kr.owner}" if kr.owner else "no owner"
        if pulled is not None and not for_coming:
            lane.from_source.append(PrepItem(kr, f"{value_text(kr, pulled.value)} · {owner}"))
        elif owes and not for_coming:
            lane.not_updated.append(PrepItem(kr, owner))
        latest = history[-1] if history else None
        before = history[-2] if len(history) > 1 else None
        if (
            latest is not None
            and before is not None
            and latest.confidence is not None
            and before.confidence is not None
            and latest.confidence.rank < before.confidence.rank
        ):
            lane.confidence_drops.append(
                PrepItem(kr, f"from {before.confidence.label} to {latest.confidence.label}")
            )
        if line.pace.pace is Pace.BEHIND:
            points = round(-line.pace.gap * 100)
            said = f"{points} pts behind" if kr.kr_type.has_line else "behind"
            lane.behind_pace.append(PrepItem(kr, said))
        if for_coming and for_coming[-1].blockers:
            had = earlier[-1].blockers if earlier else ""
            if for_coming[-1].blockers != had:
                lane.new_blockers.append(PrepItem(kr, for_coming[-1].blockers))
        # Quiet for STALE_DAYS or more: recorded before local midnight STALE_DAYS - 1 days
        # ago (one comparison; the local date is worked out only for the stale ones).
        heard = every[-1] if every else None  # a value from its source is news too
        if heard is None:
            if today.toordinal() - cycle.start.toordinal() >= STALE_DAYS and today > cycle.start:
                lane.stale.append(PrepItem(kr, "none yet"))
        elif heard.recorded_at < quiet_before and today > cycle.start:
            quiet_since = cadence.local_time(cycle, heard.recorded_at).date()
            lane.stale.append(PrepItem(kr, f"last check-in {quiet_since.isoformat()}"))
    by_id = {kr.id: kr for kr in walked}
    for action in sorted(actions, key=lambda a: (a.due or date.max, a.created_at)):
        if action.kr_id in by_id and not action.done and action.due and action.due < today:
            who = f" · {action.owner}" if action.owner else ""
            lane.overdue_actions.append(
                PrepItem(by_id[action.kr_id], f"{action.text}{who} · due {action.due.isoformat()}")
            )
    for kr, said in forecast.warnings(walked, cycle, by_kr, forecasts):
        lane.forecast_disagreements.append(PrepItem(kr, said))
    return lane


@dataclass
class OwnerDue:
    """What one person still owes the coming meeting: a reminder for a cron job or a chat."""

    owner: str
    meeting: date | None
    key_results: list[KeyResult] = field(default_factory=list)
    """Their key results without a check-in for the coming meeting (that owe it)."""
    actions: list[Action] = field(default_factory=list)
    """Their actions not done and past their due date (of active key results)."""


def owed_by(
    owner: str,
    cycle: Cycle,
    key_results: Sequence[KeyResult],
    check_ins: Iterable[CheckIn],
    actions: Iterable[Action],
    now: datetime,
) -> OwnerDue:
    coming = cadence.update_meeting(cycle, now)
    result = OwnerDue(owner, coming.date() if coming else None)
    given = {
        c.kr_id
        for c in effective_check_ins(check_ins)
        if coming and c.meeting_date == result.meeting
    }
    active = {kr.id: kr for kr in key_results if kr.is_active}
    for kr in active.values():
        owes = result.meeting is not None and cadence.owes_meeting(
            result.meeting, cadence.first_day_owed(cycle, kr)
        )
        if same_person(kr.owner, owner) and owes and kr.id not in given:
            result.key_results.append(kr)
    today = cadence.local_time(cycle, now).date()
    result.actions = sorted(
        (
            a
            for a in actions
            if same_person(a.owner, owner)
            and a.kr_id in active
            and not a.done
            and a.due is not None
            and a.due < today
        ),
        key=lambda a: (a.due, a.created_at),
    )
    return result
