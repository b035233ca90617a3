"""Read-only reports of a cycle: Markdown meeting notes and a CSV of check-ins.

Both are deterministic (same store, same text: no "generated at", fixed orderings), so they can
be diffed and tested. Also home of the small wordings a value, a change and a confidence get
everywhere (`value_text`, `delta_text`, `confidence_text`): pure Python, no Textual, so the CLI
stays fast and screens reuse them.
"""

from __future__ import annotations

import csv
import io
import re
from bisect import bisect_left
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from okr_tui.domain import progress
from okr_tui.domain.cadence import first_day_owed, local_time, owes_meeting
from okr_tui.domain.history import is_late
from okr_tui.domain.models import (
    CheckIn,
    Cycle,
    KeyResult,
    Meeting,
    Objective,
    Status,
)
from okr_tui.domain.progress import delta_text, value_text

if TYPE_CHECKING:
    from okr_tui.store.store import OkrStore

COMPANY = "Company"

# --- wordings shared with the screens -----------------------------------------------------


def confidence_text(check_in: CheckIn) -> str:
    """ "◐ at risk", with the 0-10 score when one was given: "◐ at risk (5/10)"; a value read
    from a source (okr pull) has none yet."""
    if check_in.confidence is None:
        return "– no confidence (from its source)"
    text = f"{check_in.confidence.symbol} {check_in.confidence.label}"
    if check_in.confidence_score is not None:
        text += f" ({check_in.confidence_score}/10)"
    return text


def previous_values(check_ins: Iterable[CheckIn]) -> dict[str, float | None]:
    """For every check-in id (superseded ones too), the KR's effective value at the meeting
    before, so a delta always compares with what counted last week."""
    check_ins = list(check_ins)
    by_kr = progress.histories(check_ins)
    dates = {kr_id: [c.meeting_date for c in kept] for kr_id, kept in by_kr.items()}
    result: dict[str, float | None] = {}
    for check_in in check_ins:
        # The last effective check-in of an earlier meeting: histories are in meeting order.
        earlier = bisect_left(dates.get(check_in.kr_id, ()), check_in.meeting_date)
        result[check_in.id] = by_kr[check_in.kr_id][earlier - 1].value if earlier else None
    return result


# --- Markdown meeting notes ---------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&@])")


def md_escape(text: str) -> str:
    """User text made inert in Markdown: punctuation that could format, link, ping (@) or
    break a table is backslash-escaped, and line breaks become " / " so a note stays in its
    list item."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " / ".join(lines))


def _team_groups(store: OkrStore) -> list[tuple[str | None, str]]:
    return [(None, COMPANY)] + [(team.id, team.name) for team in store.teams()]


def markdown_notes(store: OkrStore, cycle_id: str) -> str:
    """The notes of every meeting of the cycle that has check-ins or a record, newest first.

    Per meeting and team (company objectives first): each objective with its key results'
    value, change since the previous meeting, confidence, note and blockers; then the
    meeting's actions, decisions and parked topics. Lists rather than tables, so long notes
    read well in chat as well as on GitHub; user text is escaped.
    """
    cycle = store.cycle(cycle_id)
    objectives = store.objectives(cycle_id)
    key_results = store.key_results(cycle_id)
    check_ins = store.check_ins(cycle_id)
    effective = progress.effective_check_ins(check_ins)
    before = previous_values(check_ins)
    meetings = store.meetings(cycle_id)
    actions = store.actions(cycle_id)
    kr_by_id = {kr.id: kr for kr in key_results}
    first_owed = {kr.id: first_day_owed(cycle, kr) for kr in key_results}
    team_names = {team.id: team.name for team in store.teams()}
    team_groups = _team_groups(store)
    # Grouped once, not scanned per meeting, team and objective (a scan that grows with
    # objectives × key results × meetings).
    objectives_of_team: dict[str | None, list[Objective]] = {}
    for objective in objectives:
        objectives_of_team.setdefault(objective.team_id, []).append(objective)
    krs_of_objective: dict[str, list[KeyResult]] = {}
    for kr in key_results:
        krs_of_objective.setdefault(kr.objective_id, []).append(kr)
    effective_on: dict[date, dict[str, CheckIn]] = {}
    for check_in in effective:
        effective_on.setdefault(check_in.meeting_date, {})[check_in.kr_id] = check_in

    out: list[str] = [f"# Check-in notes: {md_escape(cycle.name)}", ""]
    out.append(
        f"{cycle.start.isoformat()} to {cycle.end.isoformat()} · {cycle.state.value}"
        f" · {len({c.kr_id for c in effective})} key results checked in"
    )
    days = sorted({c.meeting_date for c in check_ins} | {m.meeting_date for m in meetings})
    if not days:
        out += ["", "No check-ins yet."]
    for day in reversed(days):
        out += ["", f"## Meeting {_date_heading(day)}"]
        records = [m for m in meetings if m.meeting_date == day]
        for record in records:
            # Two records that day (a team's walk and an all-teams one): say whose is whose.
            label = _record_label(record, team_names) if len(records) > 1 else ""
            out += _meeting_header(record.facilitator, record.attendees, record.notes, label)
        on_day = effective_on.get(day, {})
        owed = {kr.id for kr in key_results if owes_meeting(day, first_owed[kr.id])}
        for team_id, team_name in team_groups:
            team_objectives = objectives_of_team.get(team_id, [])
            section = _team_section(
                team_objectives, krs_of_objective, owed, on_day, before, cycle
            )
            if section:
                out += ["", f"### {md_escape(team_name)}", *section]
        action_ids = {a for m in records for a in m.action_ids}
        agreed = [a for a in actions if a.meeting_date == day or a.id in action_ids]
        if agreed:
            out += ["", "**Actions**", ""]
            for action in agreed:
                out.append(_action_line(action, kr_by_id.get(action.kr_id)))
        decisions = [d for m in records for d in m.decisions]
        if decisions:
            out += ["", "**Decisions**", ""] + [f"- {md_escape(d)}" for d in decisions]
        parked = [t for m in records for t in m.parked_topics]
        if parked:
            out += ["", "**Parked topics**", ""] + [f"- {md_escape(t)}" for t in parked]
    return "\n".join(out) + "\n"


def _date_heading(day: date) -> str:
    return f"{day.isoformat()} ({day.strftime('%a')})"


def _record_label(record: Meeting, team_names: dict[str, str]) -> str:
    if record.team_id is None:
        return "All teams"
    return team_names.get(record.team_id, "A team no longer in the store")


def _meeting_header(
    facilitator: str, attendees: list[str], notes: str, label: str = ""
) -> list[str]:
    lines = [""]
    if label:
        lines.append(f"**{md_escape(label)}**  ")
    if facilitator:
        lines.append(f"Facilitator: {md_escape(facilitator)}  ")
    if attendees:
        lines.append(f"Attendees: {', '.join(md_escape(a) for a in attendees)}  ")
    if notes:
        lines.append(f"Notes: {md_escape(notes)}")
    return lines if len(lines) > 1 else []


def _team_section(
    objectives: list[Objective],
    krs_of_objective: dict[str, list[KeyResult]],
    owed: set[str],
    on_day: dict[str, CheckIn],
    before: dict[str, float | None],
    cycle: Cycle | None = None,
) -> list[str]:
    """`owed`: the ids of the key results that owed this meeting (not one added after it).
    With `cycle`, a check-in given after the meeting's day says so (domain/history.is_late)."""
    lines: list[str] = []
    for objective in objectives:
        own = krs_of_objective.get(objective.id, [])
        reported = [kr for kr in own if kr.id in on_day]
        missing = [
            kr
            for kr in own
            if kr.id not in on_day
            and kr.id in owed
            and kr.is_active
            and objective.status is Status.ACTIVE
        ]
        if not reported and not missing:
            continue
        lines += ["", f"#### {md_escape(objective.title)}", ""]
        for kr in reported:
            check_in = on_day[kr.id]
            previous = before.get(check_in.id)
            delta = None if previous is None else check_in.value - previous
            figures = value_text(kr, check_in.value)
            change = delta_text(kr, delta)
            if change:
                figures += f" ({change} since last meeting)"
            lines.append(f"- **{md_escape(kr.title)}**: {figures} · {confidence_text(check_in)}")
            if check_in.note:
                lines.append(f"  - Note: {md_escape(check_in.note)}")
            if check_in.blockers:
                lines.append(f"  - Blockers: {md_escape(check_in.blockers)}")
            if check_in.author:
                lines.append(f"  - By: {md_escape(check_in.author)}")
            if cycle is not None and is_late(cycle, check_in):
                lines.append(f"  - Late: checked in on {_local_day(cycle, check_in)}")
        for kr in missing:
            lines.append(f"- **{md_escape(kr.title)}**: no check-in")
    return lines


def _local_day(cycle: Cycle, check_in: CheckIn) -> str:
    """The team's local date a check-in was recorded on."""
    return local_time(cycle, check_in.recorded_at).date().isoformat()


def _action_line(action, kr: KeyResult | None) -> str:
    box = "[x]" if action.done else "[ ]"
    details = []
    if action.owner:
        details.append(md_escape(action.owner))
    if action.due:
        details.append(f"due {action.due.isoformat()}")
    if kr is not None:
        details.append(f"for {md_escape(kr.title)}")
    suffix = f" ({'; '.join(details)})" if details else ""
    return f"- {box} {md_escape(action.text)}{suffix}"


# --- CSV of check-ins -------------------------------------------------------------------

CSV_COLUMNS = (
    "cycle",
    "meeting_date",
    "team",
    "objective",
    "key_result_id",
    "key_result",
    "kr_type",
    "unit",
    "baseline",
    "target",
    "value",
    "progress",
    "confidence",
    "confidence_score",
    "note",
    "blockers",
    "author",
    "recorded_at",
    "check_in_id",
    "supersedes",
    "superseded_by",
    "late",
)
NUMERIC_COLUMNS = frozenset({"baseline", "target", "value", "progress", "confidence_score"})
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(text: str) -> str:
    """A text cell a spreadsheet will not run as a formula (CSV injection): a leading
    =, +, -, @, tab or carriage return gets an apostrophe in front."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _number(value: float) -> str:
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _moment(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_ins_csv(store: OkrStore, cycle_id: str) -> str:
    """Every check-in of the cycle, one row each, in the order they were recorded per meeting
    (meeting date, then time recorded), with a header row.

    Superseded check-ins are included too, so nothing is hidden: `supersedes` names the
    check-in a correction replaced and `superseded_by` the one that replaced it (empty on the
    check-ins that count). `late` is "yes" on a check-in given after its meeting's day.
    Numbers are plain (dot decimals, no units); times are UTC ISO 8601; text cells are guarded
    against formula injection (see `csv_safe`).
    """
    cycle = store.cycle(cycle_id)
    objectives = {o.id: o for o in store.objectives(cycle_id)}
    key_results = {kr.id: kr for kr in store.key_results(cycle_id)}
    teams = {team.id: team.name for team in store.teams()}
    check_ins = store.check_ins(cycle_id)
    superseded_by = {c.supersedes: c.id for c in check_ins if c.supersedes}

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for check_in in check_ins:
        kr = key_results.get(check_in.kr_id)
        objective = objectives.get(kr.objective_id) if kr else None
        team = COMPANY
        if objective is not None and objective.team_id is not None:
            team = teams.get(objective.team_id, objective.team_id)
        row = {
            "cycle": cycle.name,
            "meeting_date": check_in.meeting_date.isoformat(),
            "team": team,
            "objective": objective.title if objective else "",
            "key_result_id": check_in.kr_id,
            "key_result": kr.title if kr else "",
            "kr_type": kr.kr_type.value if kr else "",
            "unit": kr.unit if kr else "",
            "baseline": _number(kr.baseline) if kr else "",
            "target": _number(kr.target) if kr else "",
            "value": _number(check_in.value),
            "progress": f"{progress.progress(kr, check_in.value):.3f}" if kr else "",
            "confidence": check_in.confidence.value if check_in.confidence else "",
            "confidence_score": (
                "" if check_in.confidence_score is None else str(check_in.confidence_score)
            ),
            "note": check_in.note,
            "blockers": check_in.blockers,
            "author": check_in.author,
            "recorded_at": _moment(check_in.recorded_at),
            "check_in_id": check_in.id,
            "supersedes": check_in.supersedes or "",
            "superseded_by": superseded_by.get(check_in.id, ""),
            "late": "yes" if is_late(cycle, check_in) else "",
        }
        writer.writerow(
            row[name] if name in NUMERIC_COLUMNS else csv_safe(row[name]) for name in CSV_COLUMNS
        )
    return buffer.getvalue()
