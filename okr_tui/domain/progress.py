"""Progress, pace, scores and bands: the numbers a check-in meeting talks about.

Pure functions over domain models, with the moment passed in, so every figure on screen can be
recomputed for any past week and tested without a clock.
"""

from __future__ import annotations

import functools
import math
import re
import threading
from collections.abc import (
    Callable,
    Collection,
    ItemsView,
    Iterable,
    Iterator,
    KeysView,
    Mapping,
    ValuesView,
)
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from enum import StrEnum
from operator import attrgetter
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from okr_tui.domain.models import (
    CheckIn,
    Confidence,
    Cycle,
    KeyResult,
    KrType,
    ObjectiveKind,
    Score,
)

_STAY_TYPES = (KrType.STAY_ABOVE, KrType.STAY_BELOW)
_PREFIX_UNITS = ("$", "€", "£")


# --- check-ins --------------------------------------------------------------------------


# Meeting date, then time recorded: the order check-ins count in (attrgetter, not a lambda:
# half the cost when a quarter's 4,200 check-ins are sorted at start-up).
_order = attrgetter("meeting_date", "recorded_at")


def effective_check_ins(check_ins: Iterable[CheckIn]) -> list[CheckIn]:
    """The check-ins that still count, oldest first: a correction hides the one it supersedes,
    because check-ins are append-only and history must stay replayable."""
    check_ins = list(check_ins)
    superseded = {check_in.supersedes for check_in in check_ins if check_in.supersedes}
    return sorted((c for c in check_ins if c.id not in superseded), key=_order)


class Histories(dict[str, list[CheckIn]]):
    """Each key result's effective check-ins, oldest first, sorted once for the whole cycle.

    Pass it wherever the cycle's check-ins are asked for when asking about many key results:
    given the plain list, each call sorts the whole cycle again, and asking so about each of
    2,000 key results takes a minute."""


class LazyHistories(Histories):
    """Histories whose key results' check-ins are loaded (read and validated) when first asked
    for: the dashboard draws a dozen of a large organisation's 600 key results in its first
    frame (issue 19). A key result's entry is `histories` of the whole cycle's entry for it:
    `superseded` holds every id the cycle's check-ins supersede. Looking one up (`[]`, `get`,
    `in`) loads that key result; anything that goes through all of them loads the rest.
    Safe to share between threads: the dashboard's prep lane worker goes through all of them
    while the board looks up the ones it draws (a load is one at a time, under `_loading`)."""

    def __init__(
        self,
        kr_ids: Iterable[str],
        superseded: Collection[str],
        load: Callable[[list[str] | None], list[CheckIn]],
    ) -> None:
        """`load(kr_ids)`: the check-ins of these key results, or (None) of the whole cycle."""
        super().__init__()
        self._pending = set(kr_ids)
        self._superseded = superseded
        self._load = load
        self._loading = threading.Lock()

    def _fill(self, kr_ids: Iterable[object], *, whole: bool = False) -> None:
        if not self._pending:  # all loaded: nothing changes any more, no lock needed
            return
        with self._loading:
            wanted = [kr_id for kr_id in kr_ids if kr_id in self._pending]
            if not wanted:
                return
            groups: dict[str, list[CheckIn]] = {}
            for check_in in sorted(self._load(None if whole else wanted), key=_order):
                if check_in.id not in self._superseded:
                    groups.setdefault(check_in.kr_id, []).append(check_in)
            for kr_id in wanted:
                if kr_id in groups:
                    dict.__setitem__(self, kr_id, groups[kr_id])
            # Only once its entries are in: a lookup that finds a key result no longer
            # pending reads its entry without the lock.
            self._pending.difference_update(wanted)

    def _fill_all(self) -> None:
        with self._loading:
            wanted = list(self._pending)
        self._fill(wanted, whole=True)

    def load_all(self) -> None:
        """Read every key result's check-ins not read yet, in one go: what is about to go
        through most of them one by one (the prep lane's forecasts) validates the file's
        check-ins once instead of a key result at a time."""
        self._fill_all()

    def __getitem__(self, kr_id: str) -> list[CheckIn]:
        self._fill((kr_id,))
        return dict.__getitem__(self, kr_id)

    def get(self, kr_id: str, default: Any = None) -> Any:
        self._fill((kr_id,))
        return dict.get(self, kr_id, default)

    def __contains__(self, kr_id: object) -> bool:
        self._fill((kr_id,))
        return dict.__contains__(self, kr_id)

    def __iter__(self) -> Iterator[str]:
        self._fill_all()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._fill_all()
        return dict.__len__(self)

    def keys(self) -> KeysView[str]:  # type: ignore[override]  # a view, as dict's
        self._fill_all()
        return dict.keys(self)

    def values(self) -> ValuesView[list[CheckIn]]:  # type: ignore[override]  # a view, as dict's
        self._fill_all()
        return dict.values(self)

    def items(self) -> ItemsView[str, list[CheckIn]]:  # type: ignore[override]  # a view, as dict's
        self._fill_all()
        return dict.items(self)

    def __eq__(self, other: object) -> bool:
        self._fill_all()
        return dict.__eq__(self, other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        self._fill_all()
        return dict.__repr__(self)


CheckIns = Iterable[CheckIn] | Histories
"""The cycle's check-ins: the plain records, or already indexed by key result."""


def histories(check_ins: CheckIns) -> Histories:
    """The cycle's check-ins indexed by key result (see Histories); a Histories is returned as
    it is."""
    if isinstance(check_ins, Histories):
        return check_ins
    index = Histories()
    for check_in in effective_check_ins(check_ins):
        index.setdefault(check_in.kr_id, []).append(check_in)
    return index


def latest_check_ins(check_ins: CheckIns) -> dict[str, CheckIn]:
    """Each key result's latest effective check-in, by meeting date then time recorded."""
    return {kr_id: kept[-1] for kr_id, kept in histories(check_ins).items()}


def history(kr_id: str, check_ins: CheckIns) -> list[CheckIn]:
    """One key result's effective check-ins, oldest first: the trend shown beside it."""
    return list(histories(check_ins).get(kr_id, ()))


def judged(check_ins: Iterable[CheckIn]) -> list[CheckIn]:
    """The check-ins that carry a confidence, in the order given: a value read from a source
    (okr pull) carries none until the owner or the meeting gives it."""
    return [check_in for check_in in check_ins if check_in.confidence is not None]


def latest_confidence(check_ins: Iterable[CheckIn]) -> Confidence | None:
    """The confidence last given among a key result's check-ins (oldest first), if any."""
    for check_in in reversed(list(check_ins)):
        if check_in.confidence is not None:
            return check_in.confidence
    return None


def current_value(kr: KeyResult, check_ins: CheckIns) -> float:
    """Where the key result stands now: its latest effective value, or its baseline before any
    check-in."""
    kept = histories(check_ins).get(kr.id)
    return kept[-1].value if kept else kr.baseline


# --- progress and pace --------------------------------------------------------------------


def progress(kr: KeyResult, value: float) -> float:
    """How far `value` is from baseline to target, 0..1, whichever way the key result points.

    Milestones are done (1) or not (0); stay above/below hold the line (1) or not (0).
    """
    if kr.kr_type is KrType.MILESTONE:
        return 1.0 if value >= 1 else 0.0
    if kr.kr_type is KrType.STAY_ABOVE:
        return 1.0 if value >= kr.target else 0.0
    if kr.kr_type is KrType.STAY_BELOW:
        return 1.0 if value <= kr.target else 0.0
    span = kr.target - kr.baseline
    if math.isinf(span):
        # Baseline and target at opposite ends of the float range: halve both to stay finite.
        ratio = (value / 2 - kr.baseline / 2) / (kr.target / 2 - kr.baseline / 2)
    else:
        ratio = (value - kr.baseline) / span
    # + 0.0 turns -0.0 into 0.0: a decreasing key result at its baseline divides 0 by a
    # negative span, and read "progress -0%".
    return min(max(ratio, 0.0), 1.0) + 0.0


def _cycle_bounds(cycle: Cycle) -> tuple[datetime, datetime]:
    """The cycle as UTC moments: start day 00:00 to the day after the end 00:00, local time."""
    return _local_day_bounds(cycle.timezone, cycle.start, cycle.end)


@functools.lru_cache(maxsize=64)
def _local_day_bounds(timezone: str, start: date, end: date) -> tuple[datetime, datetime]:
    """Cached: the dashboard asks once per key result (600 in a large organisation)."""
    zone = ZoneInfo(timezone)
    begin = datetime.combine(start, time(0), tzinfo=zone)
    finish = datetime.combine(end + timedelta(days=1), time(0), tzinfo=zone)
    return begin.astimezone(UTC), finish.astimezone(UTC)


def expected_progress(cycle: Cycle, at: datetime, kr: KeyResult | None = None) -> float:
    """The share of the cycle elapsed at `at`, 0..1: where a key result on a straight line
    from baseline to target would be. `at` must be timezone-aware.

    With `kr` added mid-cycle, its line starts on the day it was added: it was "59% behind"
    the moment it was created.
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("expected_progress needs a timezone-aware moment")
    begin, finish = _cycle_bounds(cycle)
    if kr is not None and kr.created_at is not None and kr.created_at > begin:
        added = kr.created_at.astimezone(ZoneInfo(cycle.timezone)).date()
        begin = min(_local_day_bounds(cycle.timezone, added, cycle.end)[0], finish)
        if begin >= finish:
            return 1.0
    # Subtract in UTC: same-tzinfo arithmetic would ignore a DST change inside the cycle.
    # Timestamps, not subtraction: pendulum DateTimes subtract into Intervals that cannot be
    # divided by a plain timedelta.
    elapsed = at.timestamp() - begin.timestamp()
    return min(max(elapsed / (finish.timestamp() - begin.timestamp()), 0.0), 1.0)


class Pace(StrEnum):
    AHEAD = "ahead"
    ON_TRACK = "on_track"
    BEHIND = "behind"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class PaceStatus(NamedTuple):
    """A key result's pace with the figures behind it, so the screen can say why."""

    # A NamedTuple, not a frozen dataclass: made at start-up, where a dataclass's generated
    # methods cost about 4 M instructions a type (issue 19).

    pace: Pace
    progress: float
    expected: float
    gap: float  # progress - expected


def pace(
    kr: KeyResult, value: float, cycle: Cycle, at: datetime, tolerance: float = 0.1
) -> PaceStatus:
    """Whether a key result is ahead of, on or behind a straight line through the cycle.

    Increase/decrease: behind if progress trails the line by more than `tolerance`, ahead if it
    leads by more, else on track. Stay above/below: holding the line is on track, else behind
    (there is nothing to be ahead of). Milestone: done is ahead (on track once the cycle is over);
    not done is on track until three quarters of the cycle have passed, then behind.
    """
    done = progress(kr, value)
    expected = expected_progress(cycle, at, kr)
    gap = done - expected
    if kr.kr_type in _STAY_TYPES:
        verdict = Pace.ON_TRACK if done >= 1 else Pace.BEHIND
    elif kr.kr_type is KrType.MILESTONE:
        if done >= 1:
            verdict = Pace.ON_TRACK if expected >= 1 else Pace.AHEAD
        else:
            verdict = Pace.BEHIND if expected > 0.75 else Pace.ON_TRACK
    elif gap < -tolerance:
        verdict = Pace.BEHIND
    elif gap > tolerance:
        verdict = Pace.AHEAD
    else:
        verdict = Pace.ON_TRACK
    return PaceStatus(pace=verdict, progress=done, expected=expected, gap=gap)


def pace_words(kr: KeyResult, status: PaceStatus) -> str:
    """How a key result's pace reads on the meeting screen.

    An increase or decrease is measured from the straight line ("23 pts behind"). A milestone
    or a stay above/below has no straight line to be ahead of or behind, so its distance from
    one ("58 pts behind" beside an on-track badge for a milestone not due yet) would contradict
    the verdict: it is said in words instead.
    """
    if kr.kr_type is KrType.MILESTONE:
        if status.progress >= 1:
            return "done"
        return "not done, late in the cycle" if status.pace is Pace.BEHIND else "not done yet"
    if not kr.kr_type.has_line:
        return "holding the level" if status.pace is Pace.ON_TRACK else "off the level"
    points = round(status.gap * 100)
    if points < 0:
        return f"{counted(-points, 'pt')} behind"
    if points > 0:
        return f"{counted(points, 'pt')} ahead"
    return "on the line"


# --- scores and bands ---------------------------------------------------------------------


def round_score(value: float) -> float:
    """A score to one decimal, halves rounded up (0.25 -> 0.3), clamped to 0..1.

    Decimal, not round(): round() is banker's rounding on binary floats, so 0.25 -> 0.2 and
    0.35 -> 0.3. Float noise (0.35000000000000003, 0.34999999999999997) is first settled at
    nine decimals so a computed half still rounds up.
    """
    if math.isnan(value):
        raise ValueError("a score must be a number")
    clamped = min(max(value, 0.0), 1.0)
    settled = Decimal(repr(clamped)).quantize(Decimal("1e-9"), rounding=ROUND_HALF_EVEN)
    return float(settled.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def suggested_score(kr: KeyResult, check_ins: CheckIns) -> float:
    """The end-of-cycle score to propose: progress at the latest value, rounded to a tenth.

    A stay above/below key result is about the whole cycle, not its last week, so it scores the
    share of its check-ins that held the line (its current value's progress before any).
    """
    check_ins = histories(check_ins)
    if kr.kr_type in _STAY_TYPES:
        kept = history(kr.id, check_ins)
        if kept:
            held = sum(progress(kr, check_in.value) for check_in in kept)
            return round_score(held / len(kept))
    return round_score(progress(kr, current_value(kr, check_ins)))


class Band(StrEnum):
    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"

    @property
    def symbol(self) -> str:
        """A shape as well as a colour, since colour alone must never carry meaning."""
        return {Band.RED: "✖", Band.YELLOW: "▲", Band.GREEN: "✔"}[self]

    @property
    def label(self) -> str:
        return {Band.RED: "miss", Band.YELLOW: "partial", Band.GREEN: "success"}[self]


def band(score: float, kind: ObjectiveKind = ObjectiveKind.ASPIRATIONAL) -> Band:
    """The colour band of a score, read by the objective's kind.

    Aspirational and learning: 0.7 on a stretch goal is success (0.7+ green, 0.4-0.6 yellow,
    0.3 or less red). Committed: anything under 1.0 is a miss (1.0 green, 0.7-0.9 yellow,
    below 0.7 red). The score is rounded first, so 0.35 reads as 0.4.
    """
    rounded = round_score(score)
    if kind is ObjectiveKind.COMMITTED:
        if rounded >= 1.0:
            return Band.GREEN
        return Band.YELLOW if rounded >= 0.7 else Band.RED
    if rounded >= 0.7:
        return Band.GREEN
    return Band.YELLOW if rounded >= 0.4 else Band.RED


def _weighted_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    pairs = list(pairs)
    total_weight = sum(weight for weight, _ in pairs)
    if not pairs or total_weight <= 0:
        return None
    return sum(weight * amount for weight, amount in pairs) / total_weight


def objective_score(key_results: Iterable[KeyResult], scores: Mapping[str, float]) -> float | None:
    """An objective's score: the weighted mean of its active, scored key results, rounded.

    Retired key results never count, so dropping one mid-cycle does not drag the score down.
    None when no active key result has a score yet.
    """
    mean = _weighted_mean(
        (kr.weight, scores[kr.id]) for kr in key_results if kr.is_active and kr.id in scores
    )
    return None if mean is None else round_score(mean)


def latest_given_scores(scores: Iterable[Score]) -> dict[str, float]:
    """Each key result's latest given score, by key result id."""
    latest: dict[str, Score] = {}
    for score in sorted(scores, key=attrgetter("scored_at")):
        latest[score.kr_id] = score
    return {kr_id: score.given for kr_id, score in latest.items()}


def objective_progress(
    key_results: Iterable[KeyResult], check_ins: CheckIns
) -> float | None:
    """An objective's progress: the weighted mean progress of its active key results (unrounded,
    for bars). None when it has no active key result."""
    check_ins = histories(check_ins)
    return _weighted_mean(
        (kr.weight, progress(kr, current_value(kr, check_ins)))
        for kr in key_results
        if kr.is_active
    )


def rollup_confidence(
    key_results: Iterable[KeyResult], check_ins: CheckIns
) -> Confidence | None:
    """An objective's confidence: the worst latest confidence among its active key results, so
    one key result off track is never averaged away. None before any check-in."""
    index = histories(check_ins)
    confidences = [
        confidence
        for kr in key_results
        if kr.is_active and (confidence := latest_confidence(index.get(kr.id, ()))) is not None
    ]
    return min(confidences, key=lambda confidence: confidence.rank, default=None)


def _last_two(kr_id: str, check_ins: CheckIns) -> tuple[CheckIn, CheckIn] | None:
    kept = judged(history(kr_id, check_ins))
    return (kept[-2], kept[-1]) if len(kept) >= 2 else None


def confidence_change(kr_id: str, check_ins: CheckIns) -> int:
    """+1 if confidence rose since the previous check-in, -1 if it fell, 0 otherwise: the arrow
    the meeting looks at first."""
    pair = _last_two(kr_id, check_ins)
    if pair is None:
        return 0
    previous, latest = pair
    assert latest.confidence is not None and previous.confidence is not None
    difference = latest.confidence.rank - previous.confidence.rank
    return (difference > 0) - (difference < 0)


def value_delta(kr_id: str, check_ins: CheckIns) -> float | None:
    """The change in value since the previous check-in; None with fewer than two."""
    pair = _last_two(kr_id, check_ins)
    if pair is None:
        return None
    previous, latest = pair
    return latest.value - previous.value


# --- display -------------------------------------------------------------------------------


def counted(number: int, noun: str) -> str:
    """ "1 day", "5 days": a count with its noun, singular for one."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def format_value(value: float, unit: str) -> str:
    """A value as people write it: "45%", "30 days", "$1,200", "4.1 s".

    Whole numbers lose their ".0", others keep up to two decimals; thousands get commas.
    "%" is attached, currency symbols go in front, any other unit follows after a space.
    """
    number = f"{abs(value):,.2f}".rstrip("0").rstrip(".")
    sign = "-" if value < 0 and number != "0" else ""
    unit = unit.strip()
    if not unit:
        return f"{sign}{number}"
    if unit == "%":
        return f"{sign}{number}%"
    if unit in _PREFIX_UNITS:
        return f"{sign}{unit}{number}"
    return f"{sign}{number} {unit}"


def retitled(title: str, old_target: float, new_target: float) -> str:
    """The title with the old target's number changed to the new one ("Reach 500 paying
    customers" -> "Reach 480 paying customers"); unchanged when the number is not in it, or
    is in it more than once (which one is the target is then a guess)."""
    new = format_value(new_target, "")
    for old in dict.fromkeys((format_value(old_target, ""), format(old_target, "g"))):
        found = list(re.finditer(rf"(?<![\d.,]){re.escape(old)}(?![\d]|[.,]\d)", title))
        if len(found) == 1:
            start, end = found[0].span()
            return title[:start] + new + title[end:]
    return title


def value_text(kr: KeyResult, value: float) -> str:
    """A value as the meeting says it: "45%", "30 days"; a milestone is done or not done."""
    if kr.kr_type is KrType.MILESTONE:
        return "done" if value >= 1 else "not done"
    return format_value(value, kr.unit)


def delta_text(kr: KeyResult, delta: float | None) -> str:
    """The change since the previous check-in: "+1.5%", "-2 days", "±0"; "" with none before."""
    if delta is None:
        return ""
    if kr.kr_type is KrType.MILESTONE:
        if delta > 0:
            return "now done"
        return "no longer done" if delta < 0 else "no change"
    if delta == 0:
        return "±0"
    sign = "+" if delta > 0 else "-"
    return sign + format_value(abs(delta), kr.unit)
