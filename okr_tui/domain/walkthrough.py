"""The check-in walkthrough without a screen: which key results, in what order, where to start,
what each step shows about last week, and what the meeting summary and notes say.

Pure: the caller passes the records and the meeting date, so a walk can be replayed in tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum

from okr_tui.domain import cadence, progress
from okr_tui.domain.board import KeyResultLine
from okr_tui.domain.models import Action, CheckIn, Confidence, Cycle, KeyResult, KrType
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
        else replace(line, checked_in_this_meeting=line.kr.id in covered)
        for line in lines
    ]


def start_index(checked_in: Sequence[bool]) -> int:
    """Where a walk starts (and resumes): the first key result without a check-in for this
    meeting; the first one when all are done."""
    return next((index for index, done in enumerate(checked_in) if not done), 0)


@dataclass(frozen=True)
class StepFacts:
    """What one step shows about the past: the last meeting's check-in, the one before it, and
    the check-in already made for this meeting (a new one will correct it)."""

    kr: KeyResult
    last: CheckIn | None
    before_last: CheckIn | None
    this_meeting: CheckIn | None

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
        return self.last.confidence.rank - self.before_last.confidence.rank

    @property
    def suggested_value(self) -> float:
        """What the value field starts with: this meeting's value if already given, else last."""
        return self.this_meeting.value if self.this_meeting else self.last_value

    @property
    def suggested_confidence(self) -> Confidence | None:
        source = self.this_meeting or self.last
        return source.confidence if source else None


def step_facts(kr: KeyResult, check_ins: Iterable[CheckIn], meeting_day: date) -> StepFacts:
    history = progress.history(kr.id, check_ins)
    before = [c for c in history if c.meeting_date < meeting_day]
    this = [c for c in history if c.meeting_date == meeting_day]
    return StepFacts(
        kr=kr,
        last=before[-1] if before else None,
        before_last=before[-2] if len(before) > 1 else None,
        this_meeting=this[-1] if this else None,
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
) -> MeetingSummary:
    """The summary of a walk over `walked` (in walk order) for the meeting on `meeting_day`.

    With `cycle`, the actions ticked off in this meeting are listed too: those whose `done_at`
    falls in its window (from its day to the next meeting's)."""
    check_ins = list(check_ins)
    checked: list[CheckIn] = []
    moved: list[Moved] = []
    at_risk: list[tuple[KeyResult, CheckIn]] = []
    off_track: list[tuple[KeyResult, CheckIn]] = []
    missing: list[KeyResult] = []
    blockers: list[tuple[KeyResult, str]] = []
    for kr in walked:
        facts = step_facts(kr, check_ins, meeting_day)
        now = facts.this_meeting
        if now is None:
            missing.append(kr)
            continue
        checked.append(now)
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
    section("Not checked in", [kr.title for kr in summary.missing])
    section("Blockers", [f"{kr.title}: {text}" for kr, text in summary.blockers])
    section("New actions", [f"{kr.title}: {action_text(a)}" for kr, a in summary.actions])
    section("Done this meeting", [f"{kr.title}: {action_text(a)}" for kr, a in summary.done])
    section(
        "Still open from earlier", [f"{kr.title}: {action_text(a)}" for kr, a in summary.still_open]
    )
    section("Parked topics", list(summary.parked_topics))
    return "\n".join(lines) + "\n"


def _with_note(kr: KeyResult, check_in: CheckIn) -> str:
    return f"{kr.title} ({check_in.note})" if check_in.note else kr.title
