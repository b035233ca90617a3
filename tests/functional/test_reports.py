"""Markdown meeting notes and the check-in CSV, read back as a reader (or spreadsheet) would,
and `okr export --format csv|md` as a user types it."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from datetime import date

import pytest

from okr_tui.domain import progress
from okr_tui.domain.models import CheckIn, Confidence, KeyResult, KrType, Meeting
from okr_tui.exchange import reports

LAST_MEETING = date(2026, 11, 16)
CURRENT_MEETING = date(2026, 11, 23)
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_KR_LINE = re.compile(r"^- \*\*(?P<title>.+?)\*\*: (?P<rest>.+)$")


def unescape(text: str) -> str:
    return _UNESCAPE.sub(r"\1", text)


def sections(text: str, marker: str) -> dict[str, str]:
    """Heading text (after `marker`) -> the lines under it, up to the next such heading."""
    found: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if line.startswith(marker):
            current = line[len(marker) :]
            found[current] = []
        elif current is not None:
            found[current].append(line)
    return {heading: "\n".join(lines) for heading, lines in found.items()}


def team_of(store, cycle_id: str, kr_id: str) -> str:
    kr = store.key_result(cycle_id, kr_id)
    objective = next(o for o in store.objectives(cycle_id) if o.id == kr.objective_id)
    if objective.team_id is None:
        return "Company"
    return store.team(objective.team_id).name


# --- Markdown ------------------------------------------------------------------------------


def test_markdown_has_the_newest_meeting_first_with_each_key_result_in_its_team(demo_store):
    cycle = demo_store.current_cycle()
    text = reports.markdown_notes(demo_store, cycle.id)
    assert text.startswith("# Check-in notes: 2026-Q4\n")
    meetings = sections(text, "## Meeting ")
    dates = [heading.split()[0] for heading in meetings]
    assert dates == sorted(dates, reverse=True)
    assert dates[0] == LAST_MEETING.isoformat()

    newest = meetings[next(iter(meetings))]
    teams = sections(newest, "### ")
    assert list(teams)[0] == "Company"
    latest = [
        c
        for c in progress.effective_check_ins(demo_store.check_ins(cycle.id))
        if c.meeting_date == LAST_MEETING
    ]
    assert len(latest) == 9
    for check_in in latest:
        kr = demo_store.key_result(cycle.id, check_in.kr_id)
        team_text = teams[team_of(demo_store, cycle.id, kr.id)]
        lines = team_text.splitlines()
        matches = [(index, m) for index, line in enumerate(lines) if (m := _KR_LINE.match(line))]
        index, match = next((i, m) for i, m in matches if unescape(m["title"]) == kr.title)
        rest = unescape(match["rest"])
        assert rest.startswith(reports.value_text(kr, check_in.value))
        assert check_in.confidence.label in rest
        if check_in.note:
            assert unescape(lines[index + 1]) == f"  - Note: {check_in.note}"

    record = next(m for m in demo_store.meetings(cycle.id) if m.meeting_date == LAST_MEETING)
    for topic in record.parked_topics:
        assert f"- {topic}" in unescape(newest.split("**Parked topics**")[1])
    for action in demo_store.actions(cycle.id):
        if action.meeting_date == LAST_MEETING:
            assert action.text in unescape(newest.split("**Actions**")[1])


def test_two_records_of_one_day_say_whose_they_are(demo_store):
    """A Sales walk and an all-teams walk the same day printed two unlabelled "Attendees:"
    lines under one meeting."""
    cycle = demo_store.current_cycle()
    sales = demo_store.team_named("Sales")
    for team_id, people in ((sales.id, ["Elif", "Femi"]), (None, ["Ada", "Elif"])):
        demo_store.save_meeting(
            Meeting(
                cycle_id=cycle.id,
                team_id=team_id,
                meeting_date=CURRENT_MEETING,
                attendees=people,
            )
        )
    text = reports.markdown_notes(demo_store, cycle.id)
    today = sections(text, "## Meeting ")[f"{CURRENT_MEETING.isoformat()} (Mon)"]
    assert "**Sales**  \nAttendees: Elif, Femi" in today
    assert "**All teams**  \nAttendees: Ada, Elif" in today
    # One record a day, as usual: no label.
    last = sections(text, "## Meeting ")[f"{LAST_MEETING.isoformat()} (Mon)"]
    assert "Attendees:" in last and "**All teams**" not in last and "**Sales**" not in last


def test_a_key_result_added_mid_cycle_is_not_missing_from_meetings_before_it(demo_store):
    """Added on the day of this meeting, it was listed as "no check-in" under every earlier
    meeting of the quarter."""
    cycle = demo_store.current_cycle()
    objective = demo_store.objectives(cycle.id)[1]
    demo_store.save_key_result(
        KeyResult(cycle_id=cycle.id, objective_id=objective.id, title="Weekly demo signups")
    )
    # One planned with the quarter and never checked in, for contrast.
    demo_store.save_key_result(
        KeyResult(
            cycle_id=cycle.id,
            objective_id=objective.id,
            title="Partner referrals",
            created_at="2026-09-30T12:00:00Z",
        )
    )
    meetings = sections(reports.markdown_notes(demo_store, cycle.id), "## Meeting ")
    assert len(meetings) == 7  # every earlier meeting of the quarter
    assert not any("Weekly demo signups" in text for text in meetings.values())
    assert all("**Partner referrals**: no check-in" in text for text in meetings.values())


def test_markdown_escapes_user_text_and_keeps_a_note_on_its_line(demo_store, clock):
    cycle = demo_store.current_cycle()
    kr = next(k for k in demo_store.key_results(cycle.id) if k.kr_type is KrType.INCREASE)
    note = "a | b **bold** [link](http://x) <b>hi</b> @here\n# not a heading"
    demo_store.add_check_in(
        CheckIn(
            cycle_id=cycle.id,
            kr_id=kr.id,
            meeting_date=CURRENT_MEETING,
            value=kr.baseline,
            confidence=Confidence.OFF_TRACK,
            note=note,
            recorded_at=clock.now(),
        )
    )
    text = reports.markdown_notes(demo_store, cycle.id)
    note_line = next(line for line in text.splitlines() if line.startswith("  - Note: a "))
    assert (
        unescape(note_line)
        == "  - Note: a | b **bold** [link](http://x) <b>hi</b> @here / # not a heading"
    )
    for raw in ("|", "*", "[", "]", "<", ">", "@", "#"):
        assert re.search(r"(?<!\\)" + re.escape(raw), note_line) is None, raw
    assert reports.markdown_notes(demo_store, cycle.id) == text  # deterministic


# --- CSV -----------------------------------------------------------------------------------


def test_csv_has_every_check_in_in_store_order_with_its_figures(demo_store, clock):
    cycle = demo_store.current_cycle()
    kr = next(k for k in demo_store.key_results(cycle.id) if k.kr_type is KrType.DECREASE)
    correction = demo_store.add_check_in(
        CheckIn(
            cycle_id=cycle.id,
            kr_id=kr.id,
            meeting_date=LAST_MEETING,
            value=36,
            confidence=Confidence.AT_RISK,
            confidence_score=5,
            note="corrected after the call",
            recorded_at=clock.now(),
        )
    )
    assert correction.supersedes
    rows = list(csv.DictReader(io.StringIO(reports.check_ins_csv(demo_store, cycle.id))))
    check_ins = demo_store.check_ins(cycle.id)
    assert len(rows) == len(check_ins)
    assert list(rows[0]) == list(reports.CSV_COLUMNS)
    for row, check_in in zip(rows, check_ins, strict=True):
        row_kr = demo_store.key_result(cycle.id, check_in.kr_id)
        assert row["check_in_id"] == check_in.id
        assert row["cycle"] == "2026-Q4"
        assert row["meeting_date"] == check_in.meeting_date.isoformat()
        assert row["key_result_id"] == row_kr.id
        assert row["key_result"] == row_kr.title
        assert row["team"] == team_of(demo_store, cycle.id, row_kr.id)
        assert float(row["value"]) == check_in.value
        assert float(row["baseline"]) == row_kr.baseline
        assert float(row["target"]) == row_kr.target
        assert row["progress"] == f"{progress.progress(row_kr, check_in.value):.3f}"
        assert row["confidence"] == check_in.confidence.value
        assert row["confidence_score"] == (
            str(check_in.confidence_score) if check_in.confidence_score is not None else ""
        )
        assert row["note"] == check_in.note
        assert row["blockers"] == check_in.blockers
        assert row["author"] == check_in.author
        assert row["supersedes"] == (check_in.supersedes or "")
    by_id = {row["check_in_id"]: row for row in rows}
    assert by_id[correction.supersedes]["superseded_by"] == correction.id
    assert by_id[correction.id]["superseded_by"] == ""
    assert by_id[correction.id]["supersedes"] == correction.supersedes


def test_csv_guards_text_cells_against_formulas_but_not_numbers(demo_store, clock):
    cycle = demo_store.current_cycle()
    kr = next(k for k in demo_store.key_results(cycle.id) if k.kr_type is KrType.INCREASE)
    demo_store.add_check_in(
        CheckIn(
            cycle_id=cycle.id,
            kr_id=kr.id,
            meeting_date=CURRENT_MEETING,
            value=-5,
            confidence=Confidence.OFF_TRACK,
            note='=HYPERLINK("http://evil","x")',
            blockers="+1 more call",
            author="@bob",
            recorded_at=clock.now(),
        )
    )
    demo_store.save_key_result(kr.model_copy(update={"title": "-10% churn"}))
    rows = list(csv.DictReader(io.StringIO(reports.check_ins_csv(demo_store, cycle.id))))
    row = rows[-1]
    assert row["note"] == '\'=HYPERLINK("http://evil","x")'
    assert row["blockers"] == "'+1 more call"
    assert row["author"] == "'@bob"
    assert row["key_result"] == "'-10% churn"
    assert row["value"] == "-5"
    assert row["progress"] == "0.000"
    assert all(
        not cell.startswith(("=", "+", "-", "@"))
        for r in rows
        for name, cell in r.items()
        if name not in reports.NUMERIC_COLUMNS
    )


# --- the CLI -------------------------------------------------------------------------------


def okr(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "okr_tui", *args], capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def store_args(demo_store) -> list[str]:
    return ["--db", str(demo_store.folder), "--at", "2026-11-23T10:00Z"]


def test_cli_csv_export_refuses_to_overwrite_without_force(demo_store, store_args, tmp_path):
    target = tmp_path / "check-ins.csv"
    expected = reports.check_ins_csv(demo_store, demo_store.current_cycle().id)

    first = okr(*store_args, "export", "--format", "csv", "-o", str(target))
    assert first.returncode == 0, first.stderr
    assert target.read_text(encoding="utf-8") == expected

    target.write_text("my own edits\n", encoding="utf-8")
    second = okr(*store_args, "export", "--format", "csv", "-o", str(target))
    assert second.returncode == 2
    assert second.stderr.strip().splitlines() == [
        f"okr: {target} exists; use --force to overwrite it"
    ]
    assert target.read_text(encoding="utf-8") == "my own edits\n"

    forced = okr(*store_args, "export", "--format", "csv", "-o", str(target), "--force")
    assert forced.returncode == 0, forced.stderr
    assert target.read_text(encoding="utf-8") == expected


def test_cli_markdown_export_prints_the_notes(demo_store, store_args):
    result = okr(*store_args, "export", "--format", "md", "--cycle", "2026-Q4")
    assert result.returncode == 0, result.stderr
    assert result.stdout == reports.markdown_notes(demo_store, demo_store.current_cycle().id)
