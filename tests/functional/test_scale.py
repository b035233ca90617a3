"""Work grows with the store, not with its square: `okr list`, `okr due`, the exports and the
dashboard's board on an organisation four times larger do about four times the work.

Work is counted, not timed: the lines of okr-tui's own code that run (a line inside a loop
counts once per pass), so the test is deterministic on a busy machine. Looking up each key
result's check-ins by scanning and sorting the whole cycle made `okr list` take a minute on
2,000 key results; that is 16 times the work at four times the size.
"""

from __future__ import annotations

import contextlib
import io
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from okr_tui import cli
from okr_tui.domain import board
from okr_tui.domain.cadence import meeting_dates
from okr_tui.domain.clock import FixedClock
from okr_tui.domain.models import (
    CheckIn,
    Confidence,
    Cycle,
    CycleState,
    KeyResult,
    Objective,
    Team,
)
from okr_tui.store.store import CycleContents, OkrStore

CLOCK_AT = "2026-11-23T10:00:00Z"
OKR_CODE = str(Path(cli.__file__).parent.parent)  # okr_tui/, not only okr_tui/cli/
SMALL, LARGE = 20, 80  # teams, each with one objective of four key results
LINEAR = 4.5  # at 4x the size: under 4x for linear work (fixed costs weigh less), 16x for quadratic


def _organisation(folder: Path, teams: int) -> OkrStore:
    """`teams` teams, each with one objective of four key results, each checked in at the
    cycle's first three meetings (and corrected once at the third)."""
    store = OkrStore(folder, FixedClock(CLOCK_AT))
    cycle = Cycle(
        name="2026-Q4",
        start=date(2026, 10, 1),
        end=date(2026, 12, 31),
        timezone="Europe/Berlin",
        state=CycleState.ACTIVE,
    )
    days = meeting_dates(cycle)[:3]
    recorded = datetime(2026, 10, 5, 12, tzinfo=UTC)
    all_teams, contents = [], CycleContents()
    for t in range(teams):
        team = Team(name=f"Team {t}", order=t)
        objective = Objective(cycle_id=cycle.id, team_id=team.id, title=f"Objective {t}")
        all_teams.append(team)
        contents.objectives.append(objective)
        for k in range(4):
            kr = KeyResult(
                cycle_id=cycle.id, objective_id=objective.id, title=f"KR {t}.{k}", target=10
            )
            contents.key_results.append(kr)
            for day in days:
                check_in = CheckIn(
                    cycle_id=cycle.id,
                    kr_id=kr.id,
                    meeting_date=day,
                    value=day.day % 10,
                    confidence=Confidence.AT_RISK,
                    note="steady",
                    recorded_at=recorded,
                )
                contents.check_ins.append(check_in)
            contents.check_ins.append(
                check_in.model_copy(update={"id": f"{check_in.id}-fix", "supersedes": check_in.id})
            )
    store.replace_everything(all_teams, [cycle], {cycle.id: contents})
    return store


def _lines_run(action) -> int:
    """How many lines of okr-tui's own code `action()` runs."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return local

    def start(frame, event, arg):
        return local if frame.f_code.co_filename.startswith(OKR_CODE) else None

    sys.settrace(start)
    try:
        action()
    finally:
        sys.settrace(None)
    return count


def _command(folder: Path, *args: str):
    def run() -> None:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = cli.main(["--db", str(folder), "--at", CLOCK_AT, *args])
        assert code == 0
        assert out.getvalue()

    return run


@pytest.mark.parametrize(
    "command",
    [["list"], ["due"], ["export", "--format", "md"], ["export", "--format", "csv"]],
    ids=["list", "due", "markdown notes", "csv"],
)
def test_a_command_on_four_times_the_key_results_does_about_four_times_the_work(
    tmp_path: Path, command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    small = _organisation(tmp_path / "small", SMALL).folder
    large = _organisation(tmp_path / "large", LARGE).folder
    # sys.stdout.buffer is where the exports write; StringIO has none.
    monkeypatch.setattr(cli.exports, "_output", _text_output)
    _command(small, *command)()  # imports and first-use set-up, not counted

    ratio = _lines_run(_command(large, *command)) / _lines_run(_command(small, *command))

    assert ratio < LINEAR, f"{ratio:.1f}x the work for 4x the key results"


@contextlib.contextmanager
def _text_output(output, force):
    buffer = io.BytesIO()
    yield buffer
    sys.stdout.write(buffer.getvalue().decode())


def test_the_dashboard_board_does_about_four_times_the_work_for_four_times_the_key_results(
    tmp_path: Path,
) -> None:
    now = FixedClock(CLOCK_AT).now()

    def board_of(store: OkrStore):
        cycle = store.current_cycle()
        objectives = store.objectives(cycle.id)
        key_results = store.key_results(cycle.id)
        check_ins = store.check_ins(cycle.id)

        def build() -> None:
            lines = board.key_result_lines(cycle, objectives, key_results, check_ins, now)
            assert len(board.objective_blocks(objectives, lines)) == len(objectives)

        return build

    small = board_of(_organisation(tmp_path / "small", SMALL))
    large = board_of(_organisation(tmp_path / "large", LARGE))
    small()

    ratio = _lines_run(large) / _lines_run(small)

    assert ratio < LINEAR, f"{ratio:.1f}x the work for 4x the key results"


async def test_the_dashboard_redraws_four_times_the_key_results_with_about_four_times_the_work(
    tmp_path: Path,
) -> None:
    from okr_tui.app import OkrApp
    from okr_tui.screens.dashboard import DashboardScreen

    async def reload_work(store: OkrStore) -> int:
        app = OkrApp(store, cursor_blink=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, DashboardScreen)
            screen.reload()  # first-use set-up, not counted
            await pilot.pause()
            work = _lines_run(screen.reload)
            await pilot.pause()
        return work

    small = await reload_work(_organisation(tmp_path / "small", SMALL))
    large = await reload_work(_organisation(tmp_path / "large", LARGE))

    assert large / small < LINEAR, f"{large / small:.1f}x the work for 4x the key results"
