"""The `okr` command on input and surroundings that are not what it expects: one line on stderr
and exit status 2 (130 for Ctrl+C), never a traceback. Run as a person types it, through a
subprocess, with test_cli's helpers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_cli import CLOCK_AT, _cycle_files, _kr_prefix, _store, assert_user_error, okr


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`okr demo` run once into a fresh OKR_HOME."""
    home = tmp_path_factory.mktemp("cli-errors") / "home"
    assert okr("demo", home=home).returncode == 0
    return home


@pytest.fixture
def home(demo_home: Path, tmp_path: Path) -> Path:
    """A copy of the demo home each test may change."""
    copy = tmp_path / "home"
    shutil.copytree(demo_home, copy)
    return copy


# --- 9: tracebacks that were one line -------------------------------------------------------


@pytest.mark.parametrize("score", ["²", "①", "¹⁰"])
def test_a_confidence_of_digit_like_symbols_is_refused_in_one_line(home: Path, score: str) -> None:
    _, prefix = _kr_prefix(_store(home), "Increase activation")
    before = _cycle_files(home)

    result = okr("checkin", "--kr", prefix, "--value", "1", "--confidence", score, home=home)

    assert_user_error(result, "confidence is 'on track', 'at risk', 'off track' or a score 0-10")
    assert _cycle_files(home) == before


@pytest.mark.parametrize(
    "at", ["9999-12-31T23:59:59Z", "0001-01-01T00:30+01:00", "1899-12-31T23:59:59Z"]
)
@pytest.mark.parametrize("command", [["due"], ["list"], ["export", "--format", "md"]])
def test_an_at_outside_the_calendar_is_refused_in_one_line(
    home: Path, at: str, command: list[str]
) -> None:
    assert_user_error(
        okr(*command, home=home, at=at),
        f"--at '{at}' is out of range: okr works with dates from 1900 to 9998",
    )


def test_the_first_and_last_moments_okr_works_with_are_accepted(home: Path) -> None:
    for at in ("1900-01-01T00:00:00Z", "9998-12-31T23:59:59Z"):
        for command in (["due"], ["list"]):
            result = okr(*command, home=home, at=at)
            assert result.returncode == 0, (at, command, result.stderr)


@pytest.mark.parametrize("meeting", ["9999-12-31T23:59:59-01:00", "0001-01-01T00:30+01:00"])
def test_a_meeting_outside_the_calendar_is_refused_in_one_line(home: Path, meeting: str) -> None:
    _, prefix = _kr_prefix(_store(home), "Increase activation")
    before = _cycle_files(home)

    result = okr(
        "checkin", "--kr", prefix, "--value", "1", "--confidence", "5", "--meeting", meeting,
        home=home,
    )  # fmt: skip

    assert_user_error(result, f"--meeting '{meeting}' is out of range")
    assert _cycle_files(home) == before


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "command",
    [
        ["export"],
        ["export", "--format", "csv"],
        ["export", "--format", "md"],
        ["list"],
        ["due"],
        ["due", "--json"],
        ["teams"],
    ],
)
@pytest.mark.parametrize("buffered", [True, False], ids=["buffered", "unbuffered"])
def test_output_to_a_full_disk_is_one_line_and_status_2(
    home: Path, command: list[str], buffered: bool
) -> None:
    """Buffered (as in a terminal session), a short output fails only when flushed at exit."""
    env = {**os.environ, "OKR_HOME": str(home), "PYTHONIOENCODING": "utf-8"}
    env.pop("PYTHONUNBUFFERED", None)
    if not buffered:
        env["PYTHONUNBUFFERED"] = "1"
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "okr_tui", "--at", CLOCK_AT, *command],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            timeout=60,
        )

    assert result.returncode == 2
    assert result.stderr == "okr: cannot write the output: No space left on device\n"


# Ctrl+C lands wherever start-up happens to be. An audit hook raises KeyboardInterrupt as a
# chosen module is imported, so each moment is hit every run: before the CLI module is loaded,
# while it loads, before its error handling is set up, reading --at, opening the store, loading
# the app.
INTERRUPT_AT_IMPORT = """
import runpy, sys

target = sys.argv.pop(1)
fired = []

def interrupt(event, args):
    if event == "import" and args[0] == target and not fired:
        fired.append(target)
        raise KeyboardInterrupt

sys.addaudithook(interrupt)
try:
    runpy.run_module("okr_tui", run_name="__main__", alter_sys=True)
finally:
    if not fired:
        print(f"never imported {target}", file=sys.stderr)
"""


@pytest.mark.parametrize(
    ("module", "command"),
    [
        ("okr_tui.cli", ["list"]),
        ("argparse", ["list"]),
        ("okr_tui.exchange.errors", ["list"]),
        ("pendulum", ["list"]),
        ("okr_tui.store.store", ["list"]),
        ("okr_tui.app", []),
    ],
)
def test_ctrl_c_during_start_up_exits_130_quietly(
    home: Path, module: str, command: list[str]
) -> None:
    env = {**os.environ, "OKR_HOME": str(home), "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run(
        [sys.executable, "-c", INTERRUPT_AT_IMPORT, module, "--at", CLOCK_AT, *command],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )

    assert result.returncode == 130, result.stderr
    assert result.stderr == ""
    assert result.stdout == ""


# --- 11: floods, underscores, a clock set back ------------------------------------------------


def test_an_import_with_100k_bad_records_prints_the_first_20_and_a_count(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    teams = [{"id": f"team-{n}"} for n in range(100_000)]  # no name: one problem each
    bad.write_text(json.dumps({"format": "okr-tui", "version": 2, "teams": teams}))
    store = tmp_path / "store"

    result = okr("--db", str(store), "import", str(bad), home=tmp_path / "home")

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[:20] == [f"okr: $.teams[{n}].name: Field required" for n in range(20)]
    assert lines[20:] == ["okr: 99,980 more problems not shown (100,000 in all)"]
    assert not store.exists()


def test_an_import_with_20_problems_prints_them_all(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    teams = [{"id": f"team-{n}"} for n in range(20)]
    bad.write_text(json.dumps({"format": "okr-tui", "version": 2, "teams": teams}))

    result = okr("--db", str(tmp_path / "store"), "import", str(bad), home=tmp_path / "home")

    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"okr: $.teams[{n}].name: Field required" for n in range(20)
    ]


@pytest.mark.parametrize("value", ["1_5", "1_500", "1,5"])
def test_a_value_with_an_underscore_is_refused_as_a_decimal_comma_is(
    home: Path, value: str
) -> None:
    _, prefix = _kr_prefix(_store(home), "Increase activation")
    before = _cycle_files(home)

    result = okr("checkin", "--kr", prefix, "--value", value, "--confidence", "5", home=home)

    assert_user_error(result, repr(value))
    assert _cycle_files(home) == before


@pytest.mark.parametrize(
    ("at", "today"),
    [("2020-03-01T09:00:00Z", "2020-03-01"), ("2026-09-30T21:59:59Z", "2026-09-30")],
    ids=["years before", "a second before, in Berlin"],
)
def test_a_check_in_before_the_cycle_starts_is_refused(home: Path, at: str, today: str) -> None:
    """With the clock set back, it was filed under the first meeting, correcting that one."""
    _, prefix = _kr_prefix(_store(home), "Increase activation")
    before = _cycle_files(home)

    result = okr("checkin", "--kr", prefix, "--value", "40", "--confidence", "5", home=home, at=at)

    assert_user_error(
        result,
        f"2026-Q4 has not started: it starts on 2026-10-01 and today is {today} (Europe/Berlin)",
    )
    assert _cycle_files(home) == before


def test_a_check_in_on_the_cycles_first_day_names_the_meeting_it_is_filed_under(
    home: Path,
) -> None:
    """The cycle starts on a Thursday; its first meeting is the Monday after. The demo's
    check-in for that meeting was recorded later than this moment, so this one is a check-in
    of its own, not a correction of one that did not exist yet."""
    kr_id, prefix = _kr_prefix(_store(home), "Increase activation")

    result = okr(
        "checkin", "--kr", prefix, "--value", "40", "--confidence", "5", "--note", "early",
        home=home, at="2026-09-30T22:00:00Z",
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Checked in for 'Increase activation rate from 30% to 45%' at the "
        "2026-10-05 meeting of 2026-Q4\n"
    )
    store = _store(home)
    [filed] = [c for c in store.check_ins(store.current_cycle().id, kr_id) if c.note == "early"]
    assert filed.meeting_date.isoformat() == "2026-10-05" and filed.supersedes is None
