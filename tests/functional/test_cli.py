"""The `okr` command as a person types it: a subprocess, its output, its exit status, the store.

Every run pins the time with `--at` (the Monday of week 8 of 2026-Q4, after the 09:30 Berlin
meeting) and keeps its files under the test's own OKR_HOME.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from okr_tui.domain.clock import FixedClock
from okr_tui.domain.models import Confidence, CycleState
from okr_tui.store.store import OkrStore

CLOCK_AT = "2026-11-23T10:00:00Z"
MEETING = date(2026, 11, 23)


def okr(*args: str, home: Path, at: str | None = CLOCK_AT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OKR_HOME": str(home), "PYTHONIOENCODING": "utf-8"}
    env.pop("OKR_DB", None)
    prefix = ["--at", at] if at else []
    return subprocess.run(
        [sys.executable, "-m", "okr_tui", *prefix, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def assert_user_error(result: subprocess.CompletedProcess[str], *expected: str) -> str:
    """Exit 2, nothing on stdout, exactly one `okr: ...` line on stderr holding `expected`."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("okr: ")
    for text in expected:
        assert text in lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`okr demo` run once, as a user would, into a fresh OKR_HOME."""
    home = tmp_path_factory.mktemp("cli") / "home"
    result = okr("demo", home=home)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Demo store written to {home / 'data' / 'store'}\n"
    return home


@pytest.fixture
def home(demo_home: Path, tmp_path: Path) -> Path:
    """A copy of the demo home each test may change."""
    copy = tmp_path / "home"
    shutil.copytree(demo_home, copy)
    return copy


def _store(home: Path) -> OkrStore:
    return OkrStore(home / "data" / "store", FixedClock(CLOCK_AT))


def _kr_prefix(store: OkrStore, title_start: str) -> tuple[str, str]:
    """(kr id, the shortest prefix of it no other open key result shares)."""
    cycle = store.current_cycle()
    assert cycle is not None
    ids = [kr.id for kr in store.key_results(cycle.id)]
    kr_id = next(kr.id for kr in store.key_results(cycle.id) if kr.title.startswith(title_start))
    for length in range(4, len(kr_id) + 1):
        prefix = kr_id[:length]
        if [other for other in ids if other.startswith(prefix)] == [kr_id]:
            return kr_id, prefix
    raise AssertionError("no unique prefix")


def _cycle_files(home: Path) -> dict[str, bytes]:
    folder = home / "data" / "store"
    return {p.name: p.read_bytes() for p in sorted(folder.rglob("*.json"))}


# --- demo, due, list --------------------------------------------------------------------------


def test_demo_refuses_a_store_that_holds_data(home: Path) -> None:
    before = _cycle_files(home)
    assert_user_error(okr("demo", home=home), "already holds data")
    assert _cycle_files(home) == before


def test_due_lists_every_key_result_per_team_for_the_current_meeting(home: Path) -> None:
    result = okr("due", home=home)

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "2026-Q4 · week 8 of 14 · 38 days left · next check-in 2026-11-30 09:30 (Europe/Berlin)"
    )
    store = _store(home)
    cycle = store.current_cycle()
    teams = {team.id: team.name for team in store.teams()}
    objectives = {o.id: o for o in store.objectives(cycle.id)}
    for kr in store.key_results(cycle.id):
        team_id = objectives[kr.objective_id].team_id
        header = f"{teams[team_id] if team_id else 'Company'} (meeting 2026-11-23)"
        section = lines[lines.index(header) :]
        end = next((i for i, line in enumerate(section[1:], 1) if not line.strip()), len(section))
        assert f"  due      {kr.id}  {kr.title}" in section[:end]
    assert "overdue" not in result.stdout


def test_due_before_a_cycle_begins_says_when_it_starts_and_lists_nothing(home: Path) -> None:
    """Closed early, Q4 hands over to a Q1 five weeks away: `okr due` said "week 1 of 13 ·
    128 days left" and listed every key result as due."""
    store = _store(home)
    q4 = store.find_cycle("2026-Q4")
    store.close_cycle(
        q4.id,
        carry_into=q4.model_copy(
            update={
                "id": "cycle-2027-q1",
                "name": "2027-Q1",
                "start": date(2027, 1, 1),
                "end": date(2027, 3, 31),
                "state": CycleState.PLANNING,
            }
        ),
        objectives=store.objectives(q4.id)[:1],
    )
    result = okr("due", home=home)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "2027-Q1 · starts 2027-01-01 · in 39 days · next check-in 2027-01-04 09:30 (Europe/Berlin)"
    )
    assert " due " not in result.stdout and "overdue" not in result.stdout


def test_due_on_the_day_before_the_end_says_1_day_left(home: Path) -> None:
    """As the app's header says it; `okr due` said "1 days left"."""
    result = okr("due", home=home, at="2026-12-30T10:00:00Z")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "2026-Q4 · week 13 of 14 · 1 day left"


def test_due_json_groups_the_due_key_results_by_team(home: Path) -> None:
    result = okr("due", "--json", home=home)

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["now"].startswith("2026-11-23T10:00:00")
    assert report["cycle"]["name"] == "2026-Q4"
    assert (report["cycle"]["week"], report["cycle"]["weeks"]) == (8, 14)
    assert report["cycle"]["next_meeting"].startswith("2026-11-30T09:30:00")

    store = _store(home)
    cycle = store.current_cycle()
    teams = {team.id: team.name for team in store.teams()}
    objectives = {o.id: o for o in store.objectives(cycle.id)}
    expected: dict[str, set[str]] = {}
    for kr in store.key_results(cycle.id):
        team_id = objectives[kr.objective_id].team_id
        expected.setdefault(teams[team_id] if team_id else "Company", set()).add(kr.id)
    assert {team["team"]: {d["kr_id"] for d in team["due"]} for team in report["teams"]} == (
        expected
    )
    assert [team["team"] for team in report["teams"]] == ["Company", "Growth", "Sales"]
    for team in report["teams"]:
        assert team["current_meeting"] == "2026-11-23"
        assert team["overdue"] == []
        assert team["review_due"] is True
        assert team["scoring_due"] is False


def test_due_after_a_check_in_no_longer_lists_that_key_result(home: Path) -> None:
    kr_id, prefix = _kr_prefix(_store(home), "Increase activation")
    assert okr("checkin", "--kr", prefix, "--value", "41", home=home).returncode == 0

    report = json.loads(okr("due", "--json", home=home).stdout)

    due = {d["kr_id"] for team in report["teams"] for d in team["due"]}
    assert kr_id not in due
    assert len(due) == 8


def test_list_shows_every_key_result_with_its_id_and_value(home: Path) -> None:
    result = okr("list", home=home)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "2026-Q4 (active)"
    store = _store(home)
    cycle = store.current_cycle()
    for kr in store.key_results(cycle.id):
        assert any(line.startswith(f"  {kr.id}  {kr.title}  ") for line in lines), kr.title
    assert "Growth: Rapidly convert trial users into value-generating customers" in result.stdout
    assert "Reach 500 paying customers  418 customers / 500 customers" in result.stdout
    # A milestone reads as the screens say it, not "0 / 1".
    assert "Self-serve onboarding checklist live for all new trials  not done\n" in result.stdout

    closed = okr("list", "--cycle", "2026-Q3", home=home)
    assert closed.returncode == 0
    assert closed.stdout.splitlines()[0] == "2026-Q3 (closed)"
    assert_user_error(okr("list", "--cycle", "2031-Q1", home=home), "no cycle called '2031-Q1'")


def test_an_empty_store_says_how_to_start(tmp_path: Path) -> None:
    assert_user_error(
        okr("due", home=tmp_path / "home"), "there is no okr-tui store", "start `okr`", "`okr demo`"
    )


# --- check-ins --------------------------------------------------------------------------------


def test_checkin_by_id_prefix_records_it_for_the_current_meeting(home: Path) -> None:
    kr_id, prefix = _kr_prefix(_store(home), "Increase activation")

    result = okr(
        "checkin", "--kr", prefix, "--value", "40", "--confidence", "at risk", "--note", "x",
        home=home,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Checked in for 'Increase activation rate from 30% to 45%' at the 2026-11-23 meeting "
        "of 2026-Q4\n"
    )
    store = _store(home)
    latest = store.check_ins(store.current_cycle().id, kr_id)[-1]
    assert (latest.meeting_date, latest.value, latest.confidence, latest.note) == (
        MEETING,
        40.0,
        Confidence.AT_RISK,
        "x",
    )
    assert latest.supersedes is None
    assert latest.recorded_at == FixedClock(CLOCK_AT).now()

    again = okr(
        "checkin", "--kr", prefix, "--value", "40", "--confidence", "at risk", "--note", "x",
        home=home,
    )  # fmt: skip

    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("Corrected the check-in for 'Increase activation rate")
    assert "the 2026-11-23 meeting" in again.stdout
    check_ins = _store(home).check_ins(store.current_cycle().id, kr_id)
    assert check_ins[-1].supersedes == latest.id
    assert [ci.meeting_date for ci in check_ins].count(MEETING) == 2


def test_checkin_for_a_past_meeting_names_that_meeting(home: Path) -> None:
    kr_id, prefix = _kr_prefix(_store(home), "Reduce the average sales cycle")

    result = okr(
        "checkin", "--kr", prefix, "--value", "37 days", "--confidence", "6",
        "--meeting", "2026-11-16", home=home,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    # The demo has a check-in for every past meeting, so this one corrects it (and keeps the
    # note written at that meeting).
    assert result.stdout == (
        "Corrected the check-in for 'Reduce the average sales cycle from 42 days to 30 days' "
        "at the 2026-11-16 meeting of 2026-Q4\n"
        'Kept the earlier note (--note replaces it; "" clears)\n'
    )
    store = _store(home)
    latest = store.check_ins(store.current_cycle().id, kr_id)
    corrected = [ci for ci in latest if ci.meeting_date == date(2026, 11, 16)]
    assert corrected[-1].value == 37.0
    assert (corrected[-1].confidence, corrected[-1].confidence_score) == (Confidence.AT_RISK, 6)


def test_checkin_without_confidence_keeps_the_last_one(home: Path) -> None:
    store = _store(home)
    kr_id, prefix = _kr_prefix(store, "Reach 500 paying")
    previous = store.check_ins(store.current_cycle().id, kr_id)[-1].confidence

    result = okr("checkin", "--kr", prefix, "--value", "1,200", home=home)

    assert result.returncode == 0, result.stderr
    latest = _store(home).check_ins(store.current_cycle().id, kr_id)[-1]
    assert (latest.value, latest.confidence) == (1200.0, previous)


def test_a_milestone_takes_done(home: Path) -> None:
    kr_id, prefix = _kr_prefix(_store(home), "Self-serve onboarding")
    result = okr("checkin", "--kr", prefix, "--value", "done", "--confidence", "green", home=home)
    assert result.returncode == 0, result.stderr
    store = _store(home)
    assert store.check_ins(store.current_cycle().id, kr_id)[-1].value == 1.0


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--value", "abc"], ["'abc' is not a number"]),
        (["--value", "1,5"], ["'1,5'", "use a dot for decimals"]),
        (["--value", "nan"], ["'nan'", "not a number"]),
        (["--value", "1e400"], ["too large"]),
        (["--value", ""], ["enter a number"]),
        (["--value", "4", "--confidence", "purple"], ["confidence is 'on track'"]),
        (["--value", "4", "--confidence", "11"], ["between 0 and 10"]),
        (
            ["--value", "4", "--meeting", "2026-11-17"],
            ["no meeting of 2026-Q4 on 2026-11-17", "2026-11-16, 2026-11-23"],
        ),
        (["--value", "4", "--meeting", "someday"], ["--meeting 'someday'"]),
        (
            ["--value", "4", "--meeting", "2026-12-28"],
            ["the 2026-12-28 meeting is not the coming one", "updates now go to the 2026-11-23"],
        ),
        (["--value", "4", "--meeting", "2027-01-04"], ["no meeting of 2026-Q4 on 2027-01-04"]),
        (["--value", "4", "--note", "red \x1b[31m alert"], ["note", "control characters"]),
    ],
    ids=[
        "letters",
        "decimal comma",
        "nan",
        "overflow",
        "empty",
        "bad confidence",
        "confidence score 11",
        "not a meeting day",
        "not a date",
        "a future meeting",
        "after the cycle",
        "escape codes in the note",
    ],
)
def test_a_bad_checkin_exits_2_with_one_line_and_writes_nothing(
    home: Path, extra: list[str], expected: list[str]
) -> None:
    _, prefix = _kr_prefix(_store(home), "Increase activation")
    before = _cycle_files(home)

    result = okr("checkin", "--kr", prefix, "--confidence", "at risk", *extra, home=home)

    assert_user_error(result, *expected)
    assert _cycle_files(home) == before


def test_an_unknown_or_ambiguous_key_result_is_refused(home: Path) -> None:
    before = _cycle_files(home)
    assert_user_error(
        okr("checkin", "--kr", "kr-", "--value", "1", home=home), "matches several key results"
    )
    assert_user_error(
        okr("checkin", "--kr", "kr-nope", "--value", "1", home=home),
        "no key result with id 'kr-nope' in an open cycle",
    )
    assert _cycle_files(home) == before


# --- schema and bad global options --------------------------------------------------------------


def test_schema_prints_the_json_schema_of_the_export(tmp_path: Path) -> None:
    result = okr("schema", home=tmp_path / "home", at=None)

    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert schema["title"] == "okr-tui export"
    assert schema["type"] == "object"
    assert {"format", "version", "teams", "cycles"} <= set(schema["properties"])
    assert schema["additionalProperties"] is False
    assert "CheckIn" in schema["$defs"]
    assert not (tmp_path / "home").exists()  # printing the schema touches no store


def test_a_bad_at_is_refused(home: Path) -> None:
    assert_user_error(okr("due", home=home, at="yesterday"), "--at 'yesterday'", "not a date")
    assert_user_error(okr("due", home=home, at="09:30"), "--at '09:30'")


def test_a_db_that_is_a_file_is_refused(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "okr.json"
    not_a_folder.write_text("{}")
    assert_user_error(
        okr("--db", str(not_a_folder), "due", home=tmp_path / "home"),
        f"{not_a_folder}: is a file; --db expects a store folder",
    )
    assert_user_error(okr("due", "--db", str(not_a_folder), home=tmp_path / "home"), "is a file")
    assert not_a_folder.read_text() == "{}"


def test_db_works_before_and_after_the_command(home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "moved"
    shutil.copytree(home / "data" / "store", folder)
    empty_home = tmp_path / "empty-home"
    before = okr("--db", str(folder), "list", home=empty_home)
    after = okr("list", "--db", str(folder), home=empty_home)
    assert before.returncode == after.returncode == 0
    assert before.stdout == after.stdout
    assert before.stdout.startswith("2026-Q4 (active)")


def test_importing_a_missing_file_is_refused(home: Path) -> None:
    assert_user_error(okr("import", "missing.json", home=home), "missing.json: no such file")


def test_an_unknown_command_is_an_argparse_error(home: Path) -> None:
    result = okr("frobnicate", home=home)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "invalid choice" in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["list"],
        ["due"],
        ["export", "--format", "json"],
        ["checkin", "--kr", "kr-1", "--value", "1", "--confidence", "green"],
    ],
)
def test_a_mistyped_store_folder_is_refused_not_created(tmp_path: Path, command) -> None:
    """`okr --db /typo export` made an empty store there and exported it with exit 0."""
    typo = tmp_path / "typo" / "store"
    result = okr("--db", str(typo), *command, home=tmp_path / "home")
    assert_user_error(result, f"there is no okr-tui store at {typo}")
    assert not typo.exists() and not (tmp_path / "typo").exists()


def test_a_bad_at_says_how_to_write_one(tmp_path: Path) -> None:
    """The parser's own words ("Unable to parse string [yesterday]") leaked into the message."""
    line = assert_user_error(
        okr("list", home=tmp_path / "home", at="yesterday"),
        "--at 'yesterday' is not a date or time: write it like 2026-11-23",
    )
    assert "Unable to parse" not in line


def test_team_creates_then_changes_the_team_of_that_name_and_teams_lists_them(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    created = okr(
        "team", "Growth", "--members", "Amara, Ben,, amara", "--facilitator", "Dana", home=home
    )
    assert created.returncode == 0, created.stderr
    assert created.stdout.startswith("Created team Growth (team-")
    assert created.stdout.rstrip().endswith("with 2 members")
    # The same name in another case changes that team; run again, nothing changes.
    changed = okr("team", " growth ", "--members", "Amara, Ben, Chen", home=home)
    assert changed.stdout == "Changed team Growth: now 3 members\n"
    assert okr("team", "GROWTH", "--members", "Amara, Ben, Chen", home=home).stdout == (
        "Team Growth unchanged\n"
    )
    assert okr("team", "[b]Sales[/]", home=home).returncode == 0
    store = OkrStore(home / "data" / "store", FixedClock(CLOCK_AT))
    [growth, sales] = store.teams()
    assert (growth.name, growth.members, growth.facilitator) == (
        "Growth",
        ["Amara", "Ben", "Chen"],
        "Dana",
    )
    assert (sales.name, sales.members, sales.order > growth.order) == ("[b]Sales[/]", [], True)
    listed = okr("teams", home=home)
    assert listed.stdout == (
        f"Growth  ({growth.id}) · facilitator Dana\n  Amara, Ben, Chen\n"
        f"[b]Sales[/]  ({sales.id})\n  no members yet\n"
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("Sales", "--rename", "growth"), 'there is already a team called "Growth"'),
        (("Growth", "--members", f"Amara, {'x' * 81}"), "--members:"),
        (("Growth", "--rename", " "), "--rename:"),
        # One-line fields keep no line break, tab or C1 control (issue 15, item 7).
        (("Line\nbreak",), "NAME: must be one line"),
        (("Growth", "--rename", "Tab\there"), "--rename: must be one line"),
        (("Growth", "--members", "Amara, Ben\u009b31m"), "--members:"),
        (("Growth", "--facilitator", "Dana\u009bLee"), "--facilitator: must be one line"),
    ],
)
def test_a_bad_team_command_exits_2_and_changes_nothing(
    tmp_path: Path, args: tuple[str, ...], expected: str
) -> None:
    home = tmp_path / "home"
    assert okr("team", "Growth", "--members", "Amara", home=home).returncode == 0
    assert okr("team", "Sales", home=home).returncode == 0
    store = OkrStore(home / "data" / "store", FixedClock(CLOCK_AT))
    before = store.teams()
    assert_user_error(okr("team", *args, home=home), expected)
    store.refresh()
    assert store.teams() == before


def test_due_lists_each_team_s_actions_past_their_due_date(home: Path) -> None:
    from datetime import UTC, datetime

    from okr_tui.domain.models import Action

    store = _store(home)
    cycle = store.current_cycle()
    kr = next(k for k in store.key_results(cycle.id) if k.title.startswith("Reduce the average"))

    def action(text: str, due: date, done: bool = False) -> Action:
        return store.save_action(
            Action(
                cycle_id=cycle.id, kr_id=kr.id, text=text, owner="Hana", due=due, done=done,
                created_at=datetime(2026, 11, 16, 9, tzinfo=UTC), meeting_date=date(2026, 11, 16),
            )
        )  # fmt: skip

    late = action("Send the [b]contract[/] template", date(2026, 11, 20))
    action("Done already", date(2026, 11, 19), done=True)
    action("Due today", MEETING)

    result = okr("due", home=home)
    assert result.returncode == 0, result.stderr
    sales = result.stdout.split("Sales (meeting 2026-11-23)\n", 1)[1].split("\n\n", 1)[0]
    assert sales.splitlines()[-1] == (
        "  action   Send the [b]contract[/] template (Hana, was due 2026-11-20) · "
        "Reduce the average sales cycle from 42 days to 30 days"
    )
    assert "Done already" not in result.stdout and "Due today" not in result.stdout
    report = json.loads(okr("due", "--json", home=home).stdout)
    by_team = {team["team"]: team["overdue_actions"] for team in report["teams"]}
    assert [a["action_id"] for a in by_team["Sales"]] == [late.id]
    assert by_team["Growth"] == []
    # A retired key result's actions are no longer followed up.
    from okr_tui.domain.models import KeyResult, Status

    def clock_at() -> datetime:
        return datetime(2026, 11, 23, 10, tzinfo=UTC)

    retired = {"status": Status.RETIRED, "retired_reason": "Merged", "retired_at": clock_at()}
    store.save_key_result(KeyResult.model_validate({**kr.model_dump(), **retired}))
    assert "  action   " not in okr("due", home=home).stdout
