"""The check-in walkthrough without a screen: which key results, in what order, where to start,
what each step shows about last week, and what the meeting summary and notes say.

Pure: the caller passes the records and the meeting date, so a walk can be replayed in tests.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from okr_tui.domain import cadence, progress
from okr_tui.domain.board import KeyResultLine
from okr_tui.domain.models import (
    Action,
    CheckIn,
    Confidence,
    Cycle,
    KeyResult,
    KrType,
    Objective,
)
from okr_tui.domain.people import owned_by


class WalkOrder(StrEnum):
    """The order of the steps: as planned, or the key results that need a talk first."""

    TEAM = "team"
    NEEDS_TALK = "needs_talk"

    @property
    def label(self) -> str:
        return {WalkOrder.TEAM: "Team order", WalkOrder.NEEDS_TALK: "Needs talk first"}[self]


@dataclass(frozen=True)
class WalkSettings:
    """What the facilitator chose before starting."""

    team_id: str | None  # None: all teams, company objectives included
    order: WalkOrder = WalkOrder.TEAM
    attendees: tuple[str, ...] = ()
    facilitator: str = ""
    timebox_minutes: int = 0
    # The owner filter: only this person's key results, updated ahead of the coming meeting
    # (cadence.update_meeting) rather than walked in the room; the walk then closes no meeting.
    owner: str | None = None


def walk_lines(
    lines: Sequence[KeyResultLine],
    team_id: str | None,
    order: WalkOrder = WalkOrder.TEAM,
    team_order: Sequence[str] = (),
    talk_first: Mapping[str, int] | None = None,
    owner: str | None = None,
) -> list[KeyResultLine]:
    """The key results a walk steps through, in the chosen order.

    One team walks its own objectives; all teams (None) walk everything as the dashboard lists
    it: company objectives first, then each team's in `team_order` (team ids), each in
    objective order. (In plain objective order, an objective added later to the first team was
    walked after the last team's.) `lines` come from `board.key_result_lines` (objective
    order, active only). "Needs talk first" puts first the key results the prep lane names most
    often (`talk_first`: key result id -> sections of the lane naming it, domain/prep.py), then
    the largest confidence drop / gap behind pace; ties keep the team order. `owner`: only
    that person's key results (the owner filter).
    """
    chosen = [
        line
        for line in lines
        if (team_id is None or line.objective.team_id == team_id) and owned_by(line.kr.owner, owner)
    ]
    if team_id is None and team_order:
        rank = {team: index for index, team in enumerate(team_order)}
        chosen.sort(
            key=lambda line: (
                -1
                if line.objective.team_id is None
                else rank.get(line.objective.team_id, len(rank))
            )
        )
    if order is WalkOrder.NEEDS_TALK:
        named = talk_first or {}
        chosen.sort(key=lambda line: (-named.get(line.kr.id, 0), -line.needs_talk_score))
    return chosen


def talk_first_scores(
    cycle: Cycle,
    objectives: Sequence[Objective],
    key_results: Sequence[KeyResult],
    check_ins: Sequence[CheckIn],
    actions: Sequence[Action],
    now: datetime,
) -> dict[str, int]:
    """The "needs talk first" order's agenda: how many sections of the prep lane
    (domain/prep.py) name each of the walk's key results; `walk_lines` walks the most named
    first."""
    from okr_tui.domain.prep import prep_lane  # only this order needs the lane

    return prep_lane(cycle, objectives, key_results, check_ins, actions, now).talk_scores()


def walk_meeting(cycle: Cycle, now: datetime, owner: str | None) -> date | None:
    """The meeting a walk's check-ins are for. The walk in the room: the current meeting (one
    held a day late still walks its week's). An owner's walk ("My key results"): the coming
    meeting (`cadence.update_meeting`), as `okr checkin` and the prep lane count an update
    given on Friday for Monday's meeting."""
    meeting = cadence.update_meeting(cycle, now) if owner else cadence.current_meeting(cycle, now)
    return date(meeting.year, meeting.month, meeting.day) if meeting is not None else None


def checked_in_for(
    lines: Sequence[KeyResultLine], check_ins: Iterable[CheckIn], day: date
) -> list[KeyResultLine]:
    """`lines` with "checked in this meeting" said of the meeting on `day` (the lines count
    the current meeting; an owner's walk updates the coming one)."""
    covered = {c.kr_id for c in check_ins if c.meeting_date == day}
    return [
        line
        if line.checked_in_this_meeting == (line.kr.id in covered)
        else line._replace(checked_in_this_meeting=line.kr.id in covered)
        for line in lines
    ]


def start_index(reviewed: Sequence[bool]) -> int:
    """Where a walk starts (and resumes): the first key result not yet reviewed in this meeting
    (`is_reviewed`); the first one when all are."""
    return next((index for index, done in enumerate(reviewed) if not done), 0)


def is_reviewed(kr_id: str, this_meeting: CheckIn | None, reviewed_kr_ids: Collection[str]) -> bool:
    """Reviewed in this meeting: its update accepted as it was (the meeting record's
    `reviewed_kr_ids`), or a check-in typed in the meeting. An update given before the meeting
    is not: the walk shows it and one key accepts it."""
    return kr_id in reviewed_kr_ids or (this_meeting is not None and this_meeting.in_meeting)


def reviewed_in_meeting(
    kr_ids: Iterable[str],
    check_ins: Iterable[CheckIn],
    meeting_day: date,
    accepted: Collection[str],
) -> set[str]:
    """Which of `kr_ids` this meeting has reviewed (`is_reviewed`); `accepted`: the meeting
    record's `reviewed_kr_ids`."""
    this = {
        c.kr_id: c
        for c in progress.effective_check_ins(check_ins)
        if c.meeting_date == meeting_day
    }
    return {kr_id for kr_id in kr_ids if is_reviewed(kr_id, this.get(kr_id), accepted)}


def walk_progress(
    lines: Sequence[KeyResultLine],
    check_ins: Iterable[CheckIn],
    meeting_day: date,
    *,
    owner: str | None = None,
    reviewed_kr_ids: Collection[str] = (),
) -> tuple[list[KeyResultLine], set[str]]:
    """The lines a walk shows and which of them are done, for the walk and its set-up alike.

    The walk in the room: done is reviewed in this meeting (`reviewed_in_meeting`, with the
    meeting record's `reviewed_kr_ids`). An owner's walk updates the coming meeting
    (`walk_meeting`): its lines say "checked in" of that meeting, and done is updated for it
    (nothing is reviewed before the meeting)."""
    check_ins = list(check_ins)
    if owner:
        shown = checked_in_for(lines, check_ins, meeting_day)
        return shown, {line.kr.id for line in shown if line.checked_in_this_meeting}
    reviewed = reviewed_in_meeting(
        [line.kr.id for line in lines], check_ins, meeting_day, reviewed_kr_ids
    )
    return list(lines), reviewed


@dataclass
class WalkState:
    """Where a walk is, without a screen: its key results in walk order (fixed when it starts),
    the step on screen, and which of them this meeting has done (reviewed, or updated in an
    owner's walk).

    The resume rule: a walk starts at the first key result not yet done, so one left and
    started again goes on where it stopped; when every one is done it opens at the first and
    is a correction pass, which goes step by step. After a save or an accept the walk moves on
    to the next key result not yet done (`move(..., open_only=True)`)."""

    order: list[str] = field(default_factory=list)
    index: int = 0
    done: set[str] = field(default_factory=set)
    correcting: bool = False
    """Every key result was done when the walk started: saves go step by step."""

    @property
    def started(self) -> bool:
        return bool(self.order)

    @property
    def current(self) -> str | None:
        """The key result on screen (None when the walk has none)."""
        return self.order[self.index] if 0 <= self.index < len(self.order) else None

    @property
    def done_count(self) -> int:
        return sum(1 for kr_id in self.order if kr_id in self.done)

    def update(self, kr_ids: Sequence[str], done: Collection[str]) -> None:
        """Take the walk's key results as they are now (`kr_ids` in walk order) and which are
        done. The first time it fixes the order and starts at the first not done; later the
        order stays (a key result moving up the "needs talk" list is not walked twice), those
        retired or removed meanwhile drop out, and the step stays on the key result on screen,
        or the one that followed it when that one is gone."""
        self.done = set(done)
        if not self.order:
            self.order = list(kr_ids)
            self.index = start_index([kr_id in self.done for kr_id in self.order])
            self.correcting = all(kr_id in self.done for kr_id in self.order)
            return
        current = self.current
        present = set(kr_ids)
        self.order = [kr_id for kr_id in self.order if kr_id in present]
        if current in self.order:
            self.index = self.order.index(current)
        self.index = min(self.index, max(len(self.order) - 1, 0))

    def move(self, shown: str | None, step: int, *, open_only: bool = False) -> bool:
        """Go `step` key results away from `shown` (the one the screen showed; when it has gone
        meanwhile, `index` is already on the one that followed it). `open_only` (after a save
        or an accept): on to the first from there not yet done, unless this is a correction
        pass. False when that is past the last key result: the walk is over."""
        order = self.order
        index = order.index(shown) + step if shown in order else self.index + min(step, 0)
        if open_only and not self.correcting:
            index = next(
                (i for i in range(max(index, 0), len(order)) if order[i] not in self.done),
                len(order),
            )
        if index >= len(self.order):
            return False
        self.index = max(index, 0)
        return True


@dataclass(frozen=True)
class StepFacts:
    """What one step shows about the past: the last meeting's check-in, the one before it, and
    the check-in already made for this meeting (a new one will correct it)."""

    kr: KeyResult
    last: CheckIn | None
    before_last: CheckIn | None
    this_meeting: CheckIn | None
    given_confidence: Confidence | None = None
    """The confidence last given up to this meeting (a value read from a source has none)."""

    @property
    def last_value(self) -> float:
        return self.last.value if self.last else self.kr.baseline

    @property
    def value_delta(self) -> float | None:
        """The change between the two meetings before this one."""
        if self.last is None or self.before_last is None:
            return None
        return self.last.value - self.before_last.value

    @property
    def confidence_change(self) -> int:
        if self.last is None or self.before_last is None:
            return 0
        if self.last.confidence is None or self.before_last.confidence is None:
            return 0
        return self.last.confidence.rank - self.before_last.confidence.rank

    @property
    def update_before(self) -> CheckIn | None:
        """The update given for this meeting before it (okr checkin), which the walk shows
        beside last week's and Enter accepts; None when there is none, or the meeting has
        changed it already."""
        now = self.this_meeting
        return now if now is not None and not now.in_meeting else None

    def untouched(self, value_text: str, note: str, blockers: str) -> bool:
        """The step's fields still say what this meeting's check-in says: Enter accepts it
        rather than recording the same thing again. A value read from its source (okr pull)
        has no confidence: the meeting gives one, so it is never accepted as it is."""
        now = self.this_meeting
        return (
            now is not None
            and now.confidence is not None
            and value_text.strip() == field_text(now.value, self.kr)
            and note == now.note
            and blockers == now.blockers
        )

    @property
    def suggested_value(self) -> float:
        """What the value field starts with: this meeting's value if already given, else last."""
        return self.this_meeting.value if self.this_meeting else self.last_value

    @property
    def suggested_confidence(self) -> Confidence | None:
        source = self.this_meeting or self.last
        if source is not None and source.confidence is not None:
            return source.confidence
        return self.given_confidence


def step_facts(kr: KeyResult, check_ins: Iterable[CheckIn], meeting_day: date) -> StepFacts:
    history = progress.history(kr.id, check_ins)
    before = [c for c in history if c.meeting_date < meeting_day]
    this = [c for c in history if c.meeting_date == meeting_day]
    return StepFacts(
        kr=kr,
        last=before[-1] if before else None,
        before_last=before[-2] if len(before) > 1 else None,
        this_meeting=this[-1] if this else None,
        given_confidence=progress.latest_confidence([*before, *this]),
    )


def field_text(value: float, kr: KeyResult) -> str:
    """A value as the value field shows it: plain digits (no unit, no commas), so it parses
    back unchanged; milestones read done / not done."""
    if kr.kr_type is KrType.MILESTONE:
        return "done" if value >= 1 else "not done"
    return format(value, ".15g")


# --- the summary --------------------------------------------------------------------------


@dataclass(frozen=True)
class Moved:
    kr: KeyResult
    before: float
    after: float

    @property
    def delta(self) -> float:
        return self.after - self.before


@dataclass(frozen=True)
class UpdatedBefore:
    """A key result updated before the meeting and not changed in it."""

    kr: KeyResult
    check_in: CheckIn
    reviewed: bool
    """Accepted in the meeting (one key in the walk); False when the walk passed it by."""


@dataclass(frozen=True)
class ChangedInMeeting:
    """A key result whose check-in was typed in the meeting: a first one, or a correction of
    the update given before (`corrected`)."""

    kr: KeyResult
    check_in: CheckIn
    corrected: CheckIn | None


@dataclass(frozen=True)
class MeetingSummary:
    """What the facilitator reads out at the end, and what the Meeting record keeps."""

    meeting_date: date
    team_name: str
    facilitator: str
    attendees: tuple[str, ...]
    walked: int
    checked_in: tuple[CheckIn, ...]
    moved: tuple[Moved, ...]
    at_risk: tuple[tuple[KeyResult, CheckIn], ...]
    off_track: tuple[tuple[KeyResult, CheckIn], ...]
    missing: tuple[KeyResult, ...]
    blockers: tuple[tuple[KeyResult, str], ...]
    actions: tuple[tuple[KeyResult, Action], ...]
    parked_topics: tuple[str, ...] = field(default=())
    still_open: tuple[tuple[KeyResult, Action], ...] = field(default=())
    """Actions of earlier meetings not done yet: followed up until they are."""
    done: tuple[tuple[KeyResult, Action], ...] = field(default=())
    """Actions ticked off in this meeting (their `done_at` falls in it)."""
    updated_before: tuple[UpdatedBefore, ...] = field(default=())
    changed: tuple[ChangedInMeeting, ...] = field(default=())
    """Check-ins typed in the meeting; `missing` are the key results with no update at all."""

    @property
    def check_in_ids(self) -> list[str]:
        return [c.id for c in self.checked_in]

    @property
    def action_ids(self) -> list[str]:
        return [action.id for _, action in self.actions]


def meeting_summary(
    walked: Sequence[KeyResult],
    check_ins: Iterable[CheckIn],
    actions: Iterable[Action],
    meeting_day: date,
    *,
    team_name: str,
    facilitator: str = "",
    attendees: Sequence[str] = (),
    parked_topics: Sequence[str] = (),
    cycle: Cycle | None = None,
    reviewed_kr_ids: Collection[str] = (),
) -> MeetingSummary:
    """The summary of a walk over `walked` (in walk order) for the meeting on `meeting_day`.

    With `cycle`, the actions ticked off in this meeting are listed too: those whose `done_at`
    falls in its window (from its day to the next meeting's). `reviewed_kr_ids` (the meeting
    record's) says which updates given before the meeting it accepted."""
    check_ins = list(check_ins)
    by_check_in_id = {c.id: c for c in check_ins}
    updated_before: list[UpdatedBefore] = []
    changed: list[ChangedInMeeting] = []
    checked: list[CheckIn] = []
    moved: list[Moved] = []
    at_risk: list[tuple[KeyResult, CheckIn]] = []
    off_track: list[tuple[KeyResult, CheckIn]] = []
    missing: list[KeyResult] = []
    blockers: list[tuple[KeyResult, str]] = []
    for kr in walked:
        facts = step_facts(kr, check_ins, meeting_day)
        now = facts.this_meeting
        if now is None or now.confidence is None:  # a value read from a source: not judged
            missing.append(kr)
            continue
        checked.append(now)
        if now.in_meeting:
            corrected = by_check_in_id.get(now.supersedes) if now.supersedes else None
            changed.append(ChangedInMeeting(kr, now, corrected))
        else:
            updated_before.append(UpdatedBefore(kr, now, kr.id in reviewed_kr_ids))
        if now.value != facts.last_value:
            moved.append(Moved(kr, facts.last_value, now.value))
        if now.confidence is Confidence.AT_RISK:
            at_risk.append((kr, now))
        elif now.confidence is Confidence.OFF_TRACK:
            off_track.append((kr, now))
        if now.blockers:
            blockers.append((kr, now.blockers))
    by_id = {kr.id: kr for kr in walked}
    new_actions = [
        (by_id[action.kr_id], action)
        for action in sorted(actions, key=lambda a: a.created_at)
        if action.kr_id in by_id and action.meeting_date == meeting_day
    ]
    still_open = [
        (by_id[action.kr_id], action)
        for action in sorted(actions, key=lambda a: a.created_at)
        if action.kr_id in by_id and action.meeting_date != meeting_day and not action.done
    ]
    done = [
        (by_id[action.kr_id], action)
        for action in sorted(actions, key=lambda a: a.done_at or a.created_at)
        if action.kr_id in by_id
        and action.done
        and action.done_at is not None
        and cycle is not None
        and (meeting := cadence.current_meeting(cycle, action.done_at)) is not None
        and meeting.date() == meeting_day
    ]
    return MeetingSummary(
        meeting_date=meeting_day,
        team_name=team_name,
        facilitator=facilitator,
        attendees=tuple(attendees),
        walked=len(walked),
        checked_in=tuple(checked),
        moved=tuple(moved),
        at_risk=tuple(at_risk),
        off_track=tuple(off_track),
        missing=tuple(missing),
        blockers=tuple(blockers),
        actions=tuple(new_actions),
        parked_topics=tuple(parked_topics),
        still_open=tuple(still_open),
        done=tuple(done),
        updated_before=tuple(updated_before),
        changed=tuple(changed),
    )


def action_text(action: Action) -> str:
    """An action as one line: text, then owner and due date when given."""
    parts = [action.text]
    if action.owner:
        parts.append(f"owner: {action.owner}")
    if action.due:
        parts.append(f"due {action.due.isoformat()}")
    return " · ".join(parts)


def summary_markdown(summary: MeetingSummary) -> str:
    """The meeting notes as Markdown, in the order the summary screen reads them out."""
    lines = [f"# Check-in {summary.meeting_date.isoformat()} · {summary.team_name}", ""]
    if summary.facilitator:
        lines.append(f"Facilitator: {summary.facilitator}  ")
    if summary.attendees:
        lines.append(f"Present: {', '.join(summary.attendees)}  ")
    lines.append(
        f"Checked in: {len(summary.checked_in)} of {progress.counted(summary.walked, 'key result')}"
    )

    def section(title: str, items: list[str]) -> None:
        lines.extend(["", f"## {title}", ""])
        lines.extend(f"- {item}" for item in items or ["none"])

    section("Updated before the meeting", [updated_text(u) for u in summary.updated_before])
    section("Changed in the meeting", [changed_text(c) for c in summary.changed])
    section("No update", [kr.title for kr in summary.missing])
    section(
        "Moved",
        [
            f"{m.kr.title}: {progress.value_text(m.kr, m.before)} → "
            f"{progress.value_text(m.kr, m.after)} ({progress.delta_text(m.kr, m.delta)})"
            for m in summary.moved
        ],
    )
    section("Off track", [_with_note(kr, ci) for kr, ci in summary.off_track])
    section("At risk", [_with_note(kr, ci) for kr, ci in summary.at_risk])
    section("Blockers", [f"{kr.title}: {text}" for kr, text in summary.blockers])
    section("New actions", [f"{kr.title}: {action_text(a)}" for kr, a in summary.actions])
    section("Done this meeting", [f"{kr.title}: {action_text(a)}" for kr, a in summary.done])
    section(
        "Still open from earlier", [f"{kr.title}: {action_text(a)}" for kr, a in summary.still_open]
    )
    section("Parked topics", list(summary.parked_topics))
    return "\n".join(lines) + "\n"


def update_source(check_in: CheckIn) -> str:
    """Where a check-in came from, as the walk and the summary say it."""
    if check_in.in_meeting:
        return "typed in the meeting"
    if check_in.confidence is None:  # okr pull: a value read from its source
        return "read from its source before the meeting"
    return "given before the meeting"


def confidence_words(check_in: CheckIn) -> str:
    """A check-in's confidence in words; a value read from a source (okr pull) has none yet."""
    return check_in.confidence.label if check_in.confidence else "no confidence yet"


def updated_text(updated: UpdatedBefore) -> str:
    """One update given before the meeting, as the notes list it."""
    check_in = updated.check_in
    parts = [
        f"{updated.kr.title}: {progress.value_text(updated.kr, check_in.value)}, "
        f"{confidence_words(check_in)}"
    ]
    if check_in.author:
        parts.append(f"by {check_in.author}")
    parts.append("accepted in the meeting" if updated.reviewed else "not reviewed")
    return " · ".join(parts)


def changed_text(changed: ChangedInMeeting) -> str:
    """One check-in typed in the meeting, with the update it corrected."""
    kr, check_in = changed.kr, changed.check_in
    text = f"{kr.title}: {progress.value_text(kr, check_in.value)}, {confidence_words(check_in)}"
    if changed.corrected is not None:
        was = changed.corrected
        said = f"{progress.value_text(kr, was.value)}, {confidence_words(was)}"
        text += f" (the update said {said})"
    return text


def _with_note(kr: KeyResult, check_in: CheckIn) -> str:
    return f"{kr.title} ({check_in.note})" if check_in.note else kr.title
