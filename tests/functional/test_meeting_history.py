"""Meeting history and late check-ins, as a facilitator drives them: `h` on the dashboard (or the
palette) lists the past meetings, Enter opens one as it was; `l` on a key result's detail checks
it in for a meeting it missed, and that check-in is marked late everywhere it is listed and in
the exports, exactly as one given with `okr checkin --meeting DATE`."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from datetime import date

from screen_reading import screen_text
from test_nasty_titles_everywhere import nasty as nasty  # the fixture
from textual.widgets import DataTable

from okr_tui.domain.clock import FixedClock
from okr_tui.domain.history import is_late
from okr_tui.domain.models import Confidence
from okr_tui.domain.progress import effective_check_ins
from okr_tui.exchange import reports
from okr_tui.screens.dashboard import DashboardScreen
from okr_tui.screens.history.late_check_in_form import LateCheckInForm
from okr_tui.screens.history.meeting_history import MeetingHistoryScreen
from okr_tui.screens.history.past_meeting import PastMeetingScreen
from okr_tui.screens.kr_detail import KeyResultDetailScreen
from okr_tui.store.store import OkrStore

A_WEEK_LATER = "2026-11-30T10:00:00Z"  # Monday: the 23 Nov meeting went by without check-ins
NOV_23, NOV_16 = date(2026, 11, 23), date(2026, 11, 16)


def _a_week_later(store: OkrStore) -> OkrStore:
    """The demo store a week on: nobody checked in for the 23 Nov meeting."""
    return OkrStore(store.folder, FixedClock(A_WEEK_LATER))


# --- the history ----------------------------------------------------------------------------


async def test_h_lists_the_meetings_held_and_enter_opens_one_as_it_was(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, MeetingHistoryScreen)
        table = app.screen.query_one("#history", DataTable)
        assert table.row_count == 8  # 5 Oct to 23 Nov; today's meeting has nothing yet
        shown = screen_text(app)
        assert "8 meetings held so far" in shown
        assert "Mon 23 Nov" in shown and "nothing recorded" in shown
        # 9 Nov: Gus was not in the room (the demo's record), every key result checked in.
        nov_9 = next(line for line in shown.splitlines() if "Mon 9 Nov" in line)
        assert "9 of 9" in nov_9 and nov_9.rstrip().endswith("Gus")

        await pilot.press("down", "enter")  # the 16 Nov meeting
        await pilot.pause()
        assert isinstance(app.screen, PastMeetingScreen)
        assert app.screen.day == NOV_16
        shown = screen_text(app)
        assert "Meeting of Mon 16 Nov 2026" in shown
        assert "changes since Mon 9 Nov" in shown
        assert "Present Amara, Ben, Chen, Dana, Elif, Femi, Gus, Hana" in shown
        board = app.screen.query_one("#meeting-board", DataTable)
        cycle = demo_store.current_cycle()
        nrr = next(
            kr for kr in demo_store.key_results(cycle.id) if kr.title.startswith("Increase net")
        )
        as_of = [
            c
            for c in effective_check_ins(demo_store.check_ins(cycle.id, nrr.id))
            if c.meeting_date <= NOV_16
        ][-1]
        assert as_of.meeting_date == NOV_16
        row = board.get_row(nrr.id)
        assert row[1].plain == reports.value_text(nrr, as_of.value)
        assert row[4].plain == "✓ given"

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MeetingHistoryScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)


async def test_the_palette_opens_the_meeting_history(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Meeting history", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingHistoryScreen)


async def test_help_lists_h_with_its_id(demo_store, make_app):
    """h is out of the dashboard's footer (80 columns keep every other key), so help says it."""
    app = make_app(demo_store)
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.pause()
        assert " h History" not in screen_text(app).splitlines()[-1]
        await pilot.press("question_mark")
        await pilot.pause()
        shown = screen_text(app)
        assert "id dashboard.meeting_history" in shown
        assert any(
            line.split()[1:3] == ["h", "History"]
            for line in shown.splitlines()
            if len(line.split()) > 2
        )


async def test_one_teams_history_expects_only_its_people(demo_store, make_app):
    """ctrl+t Growth: an all-teams meeting without Gus is no longer missing anyone of Growth."""
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+t", "down", "enter")  # Growth
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        shown = screen_text(app)
        assert "Growth · 8 meetings" in shown
        nov_9 = next(line for line in shown.splitlines() if "Mon 9 Nov" in line)
        assert "nobody" in nov_9 and "Gus" not in nov_9


# --- late check-ins -------------------------------------------------------------------------


async def _open_first_key_result(pilot) -> None:
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, KeyResultDetailScreen)


async def test_l_checks_a_key_result_in_for_the_meeting_it_missed(demo_store, make_app):
    store = _a_week_later(demo_store)
    cycle = store.current_cycle()
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await _open_first_key_result(pilot)
        kr_id = app.screen.kr_id
        # As typed: the latest missed meeting is chosen, the value field has the focus.
        await pilot.press("l", *"103", "tab", "g", "tab", *"[red]caught up[/]", "enter")
        await pilot.pause()
        assert isinstance(app.screen, KeyResultDetailScreen)
        (saved,) = [c for c in store.check_ins(cycle.id, kr_id) if c.meeting_date == NOV_23]
        assert (saved.value, saved.confidence, saved.note) == (
            103,
            Confidence.ON_TRACK,
            "[red]caught up[/]",
        )
        assert saved.recorded_at == FixedClock(A_WEEK_LATER).now()
        assert saved.author == "" and saved.supersedes is None
        assert is_late(cycle, saved)
        # Marked late in the key result's check-ins.
        table = app.screen.query_one("#check-ins", DataTable)
        assert table.get_row(saved.id)[0].plain == "2026-11-23 · late"
        assert "[red]caught up[/]" in table.get_row(saved.id)[4].plain

        # ... in the history and in the meeting it was given for.
        await pilot.press("escape", "h")
        await pilot.pause()
        nov_23 = next(line for line in screen_text(app).splitlines() if "Mon 23 Nov" in line)
        assert "1 of 9 · 1 late" in nov_23
        await pilot.press("down", "enter")  # today's (30 Nov) is first, then 23 Nov
        await pilot.pause()
        assert app.screen.query_one("#meeting-board", DataTable).get_row(kr_id)[4].plain == "✓ late"
        assert "1 late: given after the meeting's day" in screen_text(app)


async def test_l_offers_only_the_past_meetings_without_a_check_in(demo_store, make_app):
    store = _a_week_later(demo_store)
    cycle = store.current_cycle()
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await _open_first_key_result(pilot)
        await pilot.press("l")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, LateCheckInForm)
        assert form.missed == [NOV_23]  # not 30 Nov (today's), not the ones checked in
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, KeyResultDetailScreen)
        assert not [c for c in store.check_ins(cycle.id) if c.meeting_date == NOV_23]


async def test_bad_input_is_refused_at_its_field_and_nothing_is_saved(demo_store, make_app):
    store = _a_week_later(demo_store)
    cycle = store.current_cycle()
    before = len(store.check_ins(cycle.id))
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await _open_first_key_result(pilot)
        await pilot.press("l", *"1,5", "tab", *"purple", "enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, LateCheckInForm)
        errors = form.errors_shown
        assert "value" in errors and "1.5" in errors["value"]
        assert errors["confidence"].startswith("confidence is 'on track'")
        assert app.focused.id == "value"  # the first field with a message
        await pilot.press(*["backspace"] * 3, "tab", *["backspace"] * 6, "7", "enter")
        await pilot.pause()
        assert form.errors_shown == {"value": "required"}
        assert len(store.check_ins(cycle.id)) == before


async def test_no_missed_meeting_says_so(demo_store, make_app):
    app = make_app(demo_store)  # 23 Nov: every past meeting has its check-ins
    async with app.run_test(size=(100, 30)) as pilot:
        await _open_first_key_result(pilot)
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, KeyResultDetailScreen)
        assert any("No missed meeting" in n.message for n in app._notifications)


async def test_a_read_only_store_gives_no_late_check_in(demo_store, make_app):
    store = OkrStore(demo_store.folder, FixedClock(A_WEEK_LATER), read_only=True)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await _open_first_key_result(pilot)
        assert "Late check-in" not in screen_text(app).splitlines()[-1]
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, KeyResultDetailScreen)
        assert any("only views the store" in n.message for n in app._notifications)


async def test_the_apps_late_check_in_exports_as_the_clis_does(
    demo_store, make_app, tmp_path, isolated_home
):
    """The same late check-in given in the app and with `okr checkin --meeting`: the Markdown
    notes are the same, and so is the CSV but for the check-in ids; both say late."""
    cli_folder = tmp_path / "cli-store"
    shutil.copytree(demo_store.folder, cli_folder)
    store = _a_week_later(demo_store)
    cycle = store.current_cycle()
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await _open_first_key_result(pilot)
        kr_id = app.screen.kr_id
        await pilot.press("l", *"103", "tab", *"6", "tab", *"caught up", "enter")
        await pilot.pause()
    result = subprocess.run(
        [
            sys.executable, "-m", "okr_tui", "--db", str(cli_folder), "--at", A_WEEK_LATER,
            "checkin", "--kr", kr_id, "--value", "103", "--confidence", "6",
            "--note", "caught up", "--meeting", "2026-11-23",
        ],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    cli_store = OkrStore(cli_folder, FixedClock(A_WEEK_LATER))

    app_notes = reports.markdown_notes(store, cycle.id)
    assert app_notes == reports.markdown_notes(cli_store, cycle.id)
    assert "  - Late: checked in on 2026-11-30" in app_notes

    def rows(okr_store: OkrStore) -> list[dict[str, str]]:
        found = list(csv.DictReader(io.StringIO(reports.check_ins_csv(okr_store, cycle.id))))
        for row in found:
            row.pop("check_in_id")
        return found

    app_rows = rows(store)
    assert app_rows == rows(cli_store)
    (late,) = [row for row in app_rows if row["late"] == "yes"]
    assert (late["meeting_date"], late["value"], late["confidence_score"]) == (
        "2026-11-23",
        "103",
        "6",
    )
    assert late["recorded_at"] == "2026-11-30T10:00:00Z"


# --- user text is data -----------------------------------------------------------------------


async def test_nasty_names_and_titles_are_shown_as_typed(nasty, store, make_app):  # noqa: F811
    """Markup in names, titles, decisions, topics and blockers: shown as typed, nothing runs."""
    from test_nasty_titles_everywhere import (
        ACTION,
        COSTS,
        COSTS_OWNER,
        COSTS_UNIT,
        MEMBERS_A,
        MEMBERS_B,
        PARKED,
        SIZE,
        TEAM_A,
        assert_shows,
        keys,
    )

    from okr_tui.domain.models import Meeting

    ids = nasty
    decision = "[@click=app.quit]ship[/] it"
    store.save_meeting(
        Meeting(
            cycle_id=ids["cycle"],
            meeting_date=date(2026, 11, 16),
            facilitator=MEMBERS_B[0],
            attendees=[MEMBERS_A[0], MEMBERS_B[1]],
            decisions=[decision],
            parked_topics=[PARKED],
        )
    )
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await keys(pilot, "ctrl+t", "down", "enter")  # the team "[bold]Team[/]"
        await keys(pilot, "h")
        assert_shows(app, MeetingHistoryScreen, TEAM_A, MEMBERS_A[1])  # "[RED]Fay" was missing
        await keys(pilot, "down", "enter")  # 16 Nov (23 Nov, today, is first)
        assert_shows(
            app, PastMeetingScreen, TEAM_A, MEMBERS_A[0], MEMBERS_A[1], MEMBERS_B[0],
            COSTS, COSTS_OWNER, COSTS_UNIT, decision, PARKED,
        )  # fmt: skip
        await keys(pilot, "escape", "up", "enter")  # 23 Nov: the action agreed that morning
        assert_shows(app, PastMeetingScreen, ACTION)
