"""`--at T` means "as of T": every command and screen shows the store as it stood at T.

The oracle is the demo store cut by hand at T (every record stamped later removed, actions
ticked off later reopened), read with a clock that replays nothing: `okr --at T CMD` on the
whole demo must print exactly what CMD prints on that cut store. The replay of week 3 is also
checked against what that meeting's own record says.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from screen_reading import screen_text

from okr_tui import cli
from okr_tui.domain import as_of, board, progress
from okr_tui.domain.clock import FixedClock
from okr_tui.domain.models import (
    Action,
    AuditEntry,
    CheckIn,
    Confidence,
    KeyResult,
    Objective,
    Score,
    Status,
)
from okr_tui.store.store import CYCLE_TABLES, CycleContents, OkrStore

CLOCK_AT = "2026-11-23T10:00:00Z"
# The 19 Oct meeting (week 3 of 2026-Q4) runs 09:30-10:00 Berlin (UTC+2): its check-ins are
# recorded at 07:30Z and its record closed at 08:00Z.
WEEK_3_CLOSED = datetime(2026, 10, 19, 8, 0, tzinfo=UTC)
BEFORE_WEEK_3 = datetime(2026, 10, 19, 7, 0, tzinfo=UTC)
ISSUE_AT = "2026-10-20T12:00:00Z"  # the moment issue #18 names


# --- the oracle: the demo cut by hand -------------------------------------------------------


def _cut(source: OkrStore, folder: Path, at: datetime) -> OkrStore:
    """A copy of `source` holding only what was recorded by `at`, written as an import would;
    read with a clock stopped at `at` that replays nothing."""
    contents = {}
    for cycle in source.cycles():
        c = cycle.id
        actions = []
        for action in source.actions(c):
            if action.created_at > at:
                continue
            if action.done_at is not None and action.done_at > at:
                action = action.model_copy(update={"done": False, "done_at": None})
            actions.append(action)
        contents[c] = CycleContents(
            objectives=source.objectives(c),
            key_results=[
                k for k in source.key_results(c) if not k.created_at or k.created_at <= at
            ],
            check_ins=[x for x in source.check_ins(c) if x.recorded_at <= at],
            meetings=[m for m in source.meetings(c) if m.closed_at and m.closed_at <= at],
            actions=actions,
            review_decisions=[d for d in source.review_decisions(c) if d.decided_at <= at],
            reviews=[r for r in source.reviews(c) if r.completed_at <= at],
            scores=[s for s in source.scores(c) if s.scored_at <= at],
            retrospectives=[r for r in source.retrospectives(c) if r.written_at <= at],
            audit=[e for e in source.audit(c) if e.at <= at],
        )
    cut = OkrStore(folder, FixedClock(at))
    cut.replace_everything(source.teams(), source.cycles(), contents)
    return cut


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo as `okr --at CLOCK_AT demo` writes it (its history runs to 16 November)."""
    from okr_tui.demo import build_demo

    folder = tmp_path_factory.mktemp("as-of") / "demo"
    build_demo(OkrStore(folder, FixedClock(CLOCK_AT, replay=True)))
    return folder


@pytest.fixture
def demo(demo_folder: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "demo"
    shutil.copytree(demo_folder, folder)
    return folder


def _run_in_process(command: list[str], clock: FixedClock, capsys) -> str:
    """What `okr CMD` prints with this clock (a plain stopped clock cannot be had from the
    command line, where --at replays)."""
    args: argparse.Namespace = cli.build_parser().parse_args(command)
    capsys.readouterr()
    assert cli.COMMANDS[args.command](args, clock) == 0
    return capsys.readouterr().out


def _kr(store: OkrStore, title_start: str) -> KeyResult:
    return next(
        kr for kr in store.key_results(store.current_cycle().id) if kr.title.startswith(title_start)
    )


def _okr(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OKR_HOME": str(home), "PYTHONIOENCODING": "utf-8"}
    env.pop("OKR_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "okr_tui", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


# --- every command replays the store as it was ------------------------------------------------

COMMANDS = [
    ["list"],
    ["due"],
    ["due", "--json"],
    ["due", "--owner", "Elif"],
    ["prep", "--json"],
    ["digest", "--format", "md"],
    ["stats", "--json"],
    ["tree"],
    ["export", "--format", "md"],
    ["export", "--format", "csv"],
    ["export", "--format", "json"],
]


@pytest.mark.parametrize(
    "at", [BEFORE_WEEK_3, WEEK_3_CLOSED, datetime(2026, 10, 20, 12, tzinfo=UTC)]
)
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_a_command_with_at_prints_what_the_store_held_then(
    demo: Path, tmp_path: Path, capsys, command: list[str], at: datetime
):
    cut = _cut(OkrStore(demo, FixedClock(CLOCK_AT)), tmp_path / "cut", at)
    # Ids and files: the same records, so the same text.
    expected = _run_in_process(["--db", str(cut.folder), *command], FixedClock(at), capsys)
    replayed = _run_in_process(["--db", str(demo), *command], FixedClock(at, replay=True), capsys)
    assert replayed == expected
    if command[0] != "due" or at == BEFORE_WEEK_3:  # after the meeting nothing is due anyway
        everything = _run_in_process(["--db", str(demo), *command], FixedClock(at), capsys)
        assert everything != expected, "the demo's later records should change this output"


def test_the_issues_list_no_longer_shows_a_value_recorded_on_16_november(demo: Path, tmp_path):
    """`okr --at 2026-10-20T12:00 list` showed the 16 November value (issue #18)."""
    store = OkrStore(demo, FixedClock(CLOCK_AT))
    cycle = store.current_cycle()
    kr = _kr(store, "Increase net revenue retention")
    by_day = {c.meeting_date.isoformat(): c for c in store.check_ins(cycle.id, kr.id)}
    november, october = by_day["2026-11-16"], by_day["2026-10-19"]
    assert november.value != october.value

    result = _okr("--db", str(demo), "--at", ISSUE_AT, "list", home=tmp_path)

    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if kr.id in line)
    assert progress.value_text(kr, october.value) in line
    assert progress.value_text(kr, november.value) not in line
    # Without --at the same command shows the latest value, as before.
    now = _okr("--db", str(demo), "list", home=tmp_path)
    assert progress.value_text(kr, november.value) in next(
        line for line in now.stdout.splitlines() if kr.id in line
    )


# --- the replay of week 3 matches that meeting's record ---------------------------------------


def test_week_3_replayed_shows_what_its_meeting_record_says(demo: Path):
    full = OkrStore(demo, FixedClock(CLOCK_AT))
    replay = OkrStore(demo, FixedClock(WEEK_3_CLOSED, replay=True))
    cycle = full.current_cycle()
    record = full.closed_meeting(cycle.id, None, WEEK_3_CLOSED.date())
    assert record is not None and record.closed_at == WEEK_3_CLOSED
    said = {c.id: c for c in full.check_ins(cycle.id) if c.id in record.check_in_ids}
    said_by_kr = {c.kr_id: c for c in said.values()}
    key_results = replay.key_results(cycle.id)
    assert set(said_by_kr) == {kr.id for kr in key_results}

    # Each key result shows the value and the confidence given at that meeting.
    lines = board.key_result_lines(
        cycle,
        replay.objectives(cycle.id),
        key_results,
        replay.check_ins(cycle.id),
        replay.clock.now(),
    )
    for line in lines:
        given = said_by_kr[line.kr.id]
        assert (line.value, line.confidence, line.latest.id) == (
            given.value,
            given.confidence,
            given.id,
        )
        # Pace is read from that value at that moment, not from November's.
        assert line.pace == progress.pace(line.kr, given.value, cycle, WEEK_3_CLOSED)
    # Nothing recorded after the meeting is there; the meetings held by then are.
    assert max(c.meeting_date for c in replay.check_ins(cycle.id)) == WEEK_3_CLOSED.date()
    assert [m.meeting_date for m in replay.meetings(cycle.id)] == [
        m.meeting_date for m in full.meetings(cycle.id) if m.meeting_date <= WEEK_3_CLOSED.date()
    ]
    assert replay.meetings(cycle.id)[-1] == record
    assert all(a.created_at <= WEEK_3_CLOSED for a in replay.actions(cycle.id))
    # The full store reads "ahead"/"behind" from later values: the replay must differ.
    full_lines = board.key_result_lines(
        cycle, full.objectives(cycle.id), key_results, full.check_ins(cycle.id), WEEK_3_CLOSED
    )
    assert [line.pace for line in full_lines] != [line.pace for line in lines]


# --- the store: what is rebuilt, what a normal run shows ----------------------------------------


def test_a_clock_that_does_not_replay_hides_nothing(demo: Path):
    """A machine whose clock is behind (or a test's stopped clock) shows every record."""
    behind = OkrStore(demo, FixedClock(BEFORE_WEEK_3))
    full = OkrStore(demo, FixedClock(CLOCK_AT))
    cycle = full.current_cycle()
    assert behind.as_of is None
    for cls, table in CYCLE_TABLES.items():
        assert len(behind._read(behind._cycle_file(cycle.id), cls)) == len(
            full._read(full._cycle_file(cycle.id), cls)
        ), table


def _plan(store: OkrStore):
    from okr_tui.domain.models import Cycle, CycleState, Team

    team = store.save_team(Team(name="Growth"))
    cycle = store.save_cycle(
        Cycle(name="2026-Q4", start="2026-10-01", end="2026-12-31", state=CycleState.ACTIVE)
    )
    objective = store.save_objective(
        Objective(cycle_id=cycle.id, team_id=team.id, title="Convert trials")
    )
    kr = store.save_key_result(
        KeyResult(
            cycle_id=cycle.id, objective_id=objective.id, title="Activation", baseline=30, target=45
        )
    )
    return cycle, objective, kr


def test_plan_changes_after_the_moment_are_rebuilt_from_the_audit_log(tmp_path: Path):
    clock = FixedClock("2026-10-01T08:00:00Z")
    store = OkrStore(tmp_path / "s", clock)
    cycle, objective, kr = _plan(store)
    clock.set("2026-11-02T08:00:00Z")
    store.save_key_result(kr.model_copy(update={"target": 50}), reason="raised")
    store.save_objective(objective.model_copy(update={"title": "Convert more trials"}))
    clock.set("2026-11-09T08:00:00Z")
    store.save_key_result(
        store.key_result(cycle.id, kr.id).model_copy(
            update={"status": Status.RETIRED, "retired_reason": "dropped"}
        )
    )
    late = store.save_key_result(
        KeyResult(cycle_id=cycle.id, objective_id=objective.id, title="Late one")
    )

    def replayed(at: str) -> tuple[OkrStore, KeyResult]:
        replay = OkrStore(store.folder, FixedClock(at, replay=True))
        return replay, replay.key_result(cycle.id, kr.id)

    before_raise, then = replayed("2026-10-20T12:00:00Z")
    assert (then.target, then.status) == (45, Status.ACTIVE)
    assert [o.title for o in before_raise.objectives(cycle.id)] == ["Convert trials"]
    assert late.id not in {k.id for k in before_raise.key_results(cycle.id)}
    assert [e.field for e in before_raise.audit(cycle.id, kr.id)] == ["created"]
    _, then = replayed("2026-11-05T12:00:00Z")
    assert (then.target, then.status) == (50, Status.ACTIVE)
    _, then = replayed("2026-11-10T12:00:00Z")
    assert (then.target, then.status, then.retired_reason) == (50, Status.RETIRED, "dropped")
    # The store itself is as it was.
    assert store.key_result(cycle.id, kr.id).status is Status.RETIRED


def test_an_action_ticked_off_later_is_open_and_a_correction_made_later_is_not_counted(
    tmp_path: Path,
):
    clock = FixedClock("2026-10-05T07:30:00Z")
    store = OkrStore(tmp_path / "s", clock)
    cycle, _, kr = _plan(store)
    first = store.add_check_in(
        CheckIn(
            cycle_id=cycle.id, kr_id=kr.id, meeting_date="2026-10-05", value=33,
            confidence=Confidence.ON_TRACK, recorded_at=clock.now(),
        )
    )  # fmt: skip
    action = store.save_action(
        Action(cycle_id=cycle.id, kr_id=kr.id, text="Fix the funnel", created_at=clock.now())
    )
    clock.set("2026-10-07T09:00:00Z")
    store.add_check_in(
        first.model_copy(update={"id": "ci-later", "value": 35, "recorded_at": clock.now()})
    )
    store.mark_actions_done(cycle.id, [action.id])

    replay = OkrStore(store.folder, FixedClock("2026-10-06T00:00:00Z", replay=True))
    assert [c.value for c in progress.effective_check_ins(replay.check_ins(cycle.id))] == [33]
    (open_then,) = replay.actions(cycle.id)
    assert (open_then.done, open_then.done_at) == (False, None)
    assert [c.value for c in progress.effective_check_ins(store.check_ins(cycle.id))] == [35]


def test_a_score_changed_later_shows_the_score_given_then():
    at = datetime(2026, 12, 30, tzinfo=UTC)
    first, second = at - timedelta(days=1), at + timedelta(days=1)
    score = Score(
        cycle_id="c", kr_id="kr", suggested=0.7, given=0.4, reason="a late surge", scored_at=second
    )
    trail = [
        AuditEntry(cycle_id="c", entity_id="kr", field="score", new=0.7, at=first),
        AuditEntry(
            cycle_id="c", entity_id="kr", field="score", old=0.7, new=0.4,
            reason="a late surge", at=second,
        ),
    ]  # fmt: skip
    (then,) = as_of.scores([score], trail, at)
    assert (then.given, then.reason, then.scored_at) == (0.7, "", first)
    assert as_of.scores([score], trail, first - timedelta(seconds=1)) == []


# --- saves with --at are recorded at that moment ------------------------------------------------


def test_a_check_in_saved_with_at_is_recorded_then_and_replayed_from_then(demo: Path, tmp_path):
    store = OkrStore(demo, FixedClock(CLOCK_AT))
    kr = _kr(store, "Reach 500 paying customers")
    home = tmp_path / "home"

    saved = _okr(
        "--db", str(demo), "--at", ISSUE_AT, "checkin", "--kr", kr.id, "--value", "377",
        "--confidence", "on track", home=home,
    )  # fmt: skip

    assert saved.returncode == 0, saved.stderr
    stored = store.check_ins(kr.cycle_id, kr.id)
    (new,) = [c for c in stored if c.value == 377]
    assert new.recorded_at == datetime(2026, 10, 20, 12, tzinfo=UTC)
    assert new.meeting_date.isoformat() == "2026-10-26"  # the coming meeting then
    shown = _okr("--db", str(demo), "--at", ISSUE_AT, "list", home=home).stdout
    assert "377 customers" in next(line for line in shown.splitlines() if kr.id in line)
    earlier = _okr("--db", str(demo), "--at", "2026-10-20T11:59:00Z", "list", home=home).stdout
    assert "377 customers" not in earlier


def test_a_check_in_with_at_before_the_key_result_existed_is_refused(tmp_path: Path):
    clock = FixedClock("2026-11-02T08:00:00Z")
    store = OkrStore(tmp_path / "s", clock)
    cycle, _, kr = _plan(store)
    replay = OkrStore(store.folder, FixedClock("2026-10-20T08:00:00Z", replay=True))
    from okr_tui.store.errors import RuleViolation

    with pytest.raises(RuleViolation, match="was added after"):
        replay.add_check_in(
            CheckIn(
                cycle_id=cycle.id, kr_id=kr.id, meeting_date="2026-10-19", value=31,
                confidence=Confidence.ON_TRACK, recorded_at=replay.clock.now(),
            )
        )  # fmt: skip
    assert store.check_ins(cycle.id) == []


# --- the app ------------------------------------------------------------------------------------


async def test_the_app_replays_week_3_and_says_so(demo: Path, make_app):
    full = OkrStore(demo, FixedClock(CLOCK_AT))
    cycle = full.current_cycle()
    first = _kr(full, "Increase net revenue retention")
    by_day = {c.meeting_date.isoformat(): c for c in full.check_ins(cycle.id, first.id)}
    app = make_app(OkrStore(demo, FixedClock(WEEK_3_CLOSED, replay=True)))

    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "as of 19 Oct 2026 10:00" in text.splitlines()[0]
        first_line = next(line for line in text.splitlines() if "/ 110%" in line)
        assert progress.value_text(first, by_day["2026-10-19"].value) in first_line
        assert progress.value_text(first, by_day["2026-11-16"].value) not in first_line

        await pilot.press("enter")  # the first key result's detail
        await pilot.pause()
        detail = screen_text(app)
        assert first.title in detail
        assert "2026-10-19" in detail  # its check-ins table, latest first
        assert "2026-10-26" not in detail and "2026-11-16" not in detail
        assert "latest: ◐ at risk (19 Oct)" in detail


async def test_without_at_the_app_shows_no_as_of(demo: Path, make_app):
    app = make_app(OkrStore(demo, FixedClock(WEEK_3_CLOSED)))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "as of" not in screen_text(app).splitlines()[0]


def test_the_dashboard_replayed_at_week_3(snap_compare, demo: Path, make_app):
    app = make_app(OkrStore(demo, FixedClock(WEEK_3_CLOSED, replay=True)))
    assert snap_compare(app, terminal_size=(100, 30))


def test_json_export_with_at_holds_the_store_as_it_was(demo: Path, tmp_path: Path, capsys):
    out = _run_in_process(
        ["--db", str(demo), "export", "--format", "json"],
        FixedClock(WEEK_3_CLOSED, replay=True),
        capsys,
    )
    document = json.loads(out)
    current = next(c for c in document["cycles"] if c["cycle"]["name"] == "2026-Q4")
    recorded = [c["recorded_at"] for c in current["check_ins"]]
    assert recorded and max(recorded) <= "2026-10-19T08:00:00Z"


def test_a_replay_of_a_moment_after_every_record_reads_the_files_as_they_are(demo: Path):
    """`--at` now (or any moment after a file's last record) costs one scan of the file's
    stamps instead of filtering every read (the benchmarks run with --at)."""
    replay = OkrStore(demo, FixedClock(CLOCK_AT, replay=True))
    week_3 = OkrStore(demo, FixedClock(WEEK_3_CLOSED, replay=True))
    current, previous = replay.current_cycle(), replay.cycles()[0]
    assert previous.name == "2026-Q3"
    assert not replay._replays(replay._cycle_file(current.id))
    assert not replay._replays(replay._cycle_file(previous.id))
    assert week_3._replays(week_3._cycle_file(current.id))
    # A save stamped at the moment replayed is shown, and the file still needs no filtering.
    kr = replay.key_results(current.id)[0]
    replay.add_check_in(
        CheckIn(
            cycle_id=current.id, kr_id=kr.id, meeting_date="2026-11-23", value=kr.target,
            confidence=Confidence.ON_TRACK, recorded_at=replay.clock.now(),
        )
    )  # fmt: skip
    assert not replay._replays(replay._cycle_file(current.id))
    assert replay.check_ins(current.id, kr.id)[-1].value == kr.target
    a_second_before = OkrStore(demo, FixedClock("2026-11-23T09:59:59Z", replay=True))
    assert a_second_before.check_ins(current.id, kr.id)[-1].value != kr.target


async def test_a_check_in_saved_in_the_app_with_at_is_recorded_at_that_moment(demo: Path, make_app):
    """Before the 19 Oct meeting, replayed: its walk starts with nothing checked in, and the
    value saved is recorded at the moment replayed."""
    from okr_tui.screens.walk.walkthrough import WalkthroughScreen

    replay = OkrStore(demo, FixedClock(BEFORE_WEEK_3, replay=True))
    cycle = replay.current_cycle()
    assert not [c for c in replay.check_ins(cycle.id) if c.meeting_date == BEFORE_WEEK_3.date()]
    app = make_app(replay)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("c", "enter")  # the walk of the meeting, everyone present
        await pilot.pause()
        assert isinstance(app.screen, WalkthroughScreen)
        await pilot.press("4", "2", "enter", "g")
        await pilot.pause()

    full = OkrStore(demo, FixedClock(CLOCK_AT))
    (saved,) = [c for c in full.check_ins(cycle.id) if c.value == 42]
    assert (saved.recorded_at, saved.meeting_date) == (BEFORE_WEEK_3, BEFORE_WEEK_3.date())
    assert [c.id for c in replay.check_ins(cycle.id) if c.meeting_date == saved.meeting_date] == [
        saved.id
    ]


def test_a_check_in_saved_with_at_corrects_only_what_existed_then(demo: Path, capsys):
    """A check-in saved as of T for a meeting whose check-in was recorded after T does not
    correct that later one (every read as of T hides it): the export as of T holds it, and
    without --at the later check-in still counts. The store used to link the two, and the
    export as of T then refused its own store ("supersedes: no check-in")."""
    whole = OkrStore(demo, FixedClock(CLOCK_AT))
    cycle = whole.current_cycle()
    later = max(whole.check_ins(cycle.id), key=lambda c: c.recorded_at)
    at = later.recorded_at - timedelta(minutes=30)
    replay = OkrStore(demo, FixedClock(at, replay=True))
    saved = replay.add_check_in(
        CheckIn(
            cycle_id=cycle.id,
            kr_id=later.kr_id,
            meeting_date=later.meeting_date,
            value=later.value + 1,
            confidence=Confidence.AT_RISK,
            recorded_at=at,
        )
    )
    assert saved.supersedes is None

    out = _run_in_process(["--db", str(demo), "export", "--format", "json"], replay.clock, capsys)
    current = next(c for c in json.loads(out)["cycles"] if c["cycle"]["id"] == cycle.id)
    assert saved.id in {c["id"] for c in current["check_ins"]}
    assert later.id not in {c["id"] for c in current["check_ins"]}
    counting = progress.effective_check_ins(whole.check_ins(cycle.id, later.kr_id))
    assert counting[-1].id == later.id  # recorded last, it counts once --at is gone
