"""Quarter statistics on hand-made records (discipline on time / late / missed, bands, the
trend), on the demo through `okr stats`, and on screen from the palette."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

from screen_reading import screen_text

from okr_tui.domain.models import (
    CheckIn,
    Confidence,
    Cycle,
    CycleState,
    KeyResult,
    Objective,
    ObjectiveKind,
    Score,
)
from okr_tui.domain.stats import cycle_stats
from okr_tui.screens.review_close.statistics import StatisticsScreen

# Mondays 5, 12, 19 October 2026 are the first meetings; "now" is after the third.
CYCLE = Cycle(
    name="2026-Q4", start=date(2026, 10, 5), end=date(2026, 12, 27), state=CycleState.ACTIVE
)
NOW = datetime(2026, 10, 19, 12, tzinfo=UTC)
TEAMS = {"team-s": "Sales"}


def _check_in(kr: KeyResult, day: date, value: float, confidence: Confidence, late_days=0):
    recorded = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(
        hours=9, days=late_days
    )
    return CheckIn(
        cycle_id=CYCLE.id,
        kr_id=kr.id,
        meeting_date=day,
        value=value,
        confidence=confidence,
        recorded_at=recorded,
    )


def test_discipline_counts_each_owed_check_in_once_on_time_late_or_missed():
    objective = Objective(cycle_id=CYCLE.id, team_id="team-s", title="Pipeline")
    steady = KeyResult(
        cycle_id=CYCLE.id, objective_id=objective.id, title="Leads", baseline=0, target=100
    )
    # Added on 13 October: owes the meeting of the 19th only.
    late_comer = KeyResult(
        cycle_id=CYCLE.id,
        objective_id=objective.id,
        title="Demos",
        baseline=0,
        target=10,
        created_at=datetime(2026, 10, 13, 8, tzinfo=UTC),
    )
    check_ins = [
        _check_in(steady, date(2026, 10, 5), 10, Confidence.ON_TRACK),
        _check_in(steady, date(2026, 10, 12), 20, Confidence.AT_RISK, late_days=2),
        # nothing on the 19th: missed
        _check_in(late_comer, date(2026, 10, 19), 2, Confidence.OFF_TRACK),
    ]
    stats = cycle_stats(CYCLE, TEAMS, [objective], [steady, late_comer], check_ins, [], NOW)
    [sales] = stats.teams
    assert (sales.discipline.on_time, sales.discipline.late, sales.discipline.missed) == (2, 1, 1)
    assert stats.meetings == ["2026-10-05", "2026-10-12", "2026-10-19"]
    assert sales.heat == {"2026-10-05": 1.0, "2026-10-12": 1.0, "2026-10-19": 0.5}
    assert stats.confidence_trend == {"2026-10-05": 2.0, "2026-10-12": 1.0, "2026-10-19": 0.0}
    assert sales.confidence == {"at_risk": 1, "off_track": 1}


def test_bands_read_given_scores_first_and_the_objective_s_kind():
    committed = Objective(cycle_id=CYCLE.id, title="Ship", kind=ObjectiveKind.COMMITTED)
    stretch = Objective(cycle_id=CYCLE.id, title="Grow", kind=ObjectiveKind.ASPIRATIONAL)
    a = KeyResult(cycle_id=CYCLE.id, objective_id=committed.id, title="A", baseline=0, target=10)
    b = KeyResult(cycle_id=CYCLE.id, objective_id=stretch.id, title="B", baseline=0, target=10)
    check_ins = [
        _check_in(a, date(2026, 10, 5), 8, Confidence.ON_TRACK),
        _check_in(b, date(2026, 10, 5), 7, Confidence.ON_TRACK),
    ]
    given = Score(
        cycle_id=CYCLE.id,
        kr_id=a.id,
        suggested=0.8,
        given=1.0,
        reason="Shipped late",
        scored_at=NOW,
    )
    stats = cycle_stats(CYCLE, {}, [committed, stretch], [a, b], check_ins, [given], NOW)
    # a: given 1.0 on a committed objective is green; b: 0.7 on a stretch goal is green too.
    assert stats.bands == {"red": 0, "yellow": 0, "green": 2}
    assert stats.mean_score == 0.85
    assert [team.name for team in stats.teams] == ["Company"]


def _okr(home, *args):
    env = {**os.environ, "OKR_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "okr_tui", "--at", "2026-11-23T10:00:00Z", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_okr_stats_compares_the_quarters_and_gives_json(demo_store, tmp_path):
    text = _okr(tmp_path, "--db", str(demo_store.folder), "stats")
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("2026-Q4 (active) · ")
    assert "Quarter over quarter" in text.stdout
    assert "  2026-Q3 " in text.stdout and "  2026-Q4 " in text.stdout
    as_json = _okr(tmp_path, "--db", str(demo_store.folder), "stats", "--json", "--cycles", "1")
    [q4] = json.loads(as_json.stdout)
    cycle = demo_store.current_cycle()
    active = [kr for kr in demo_store.key_results(cycle.id) if kr.is_active]
    assert q4["cycle"] == "2026-Q4" and q4["key_results"] == len(active)
    assert sum(q4["bands"].values()) == len(active)
    assert {team["name"] for team in q4["teams"]} == {"Company", "Growth", "Sales"}
    for team in q4["teams"]:
        discipline = team["discipline"]
        assert (
            discipline["owed"] == discipline["on_time"] + discipline["late"] + discipline["missed"]
        )
    refused = _okr(tmp_path, "--db", str(demo_store.folder), "stats", "--cycles", "0")
    assert refused.returncode == 2 and refused.stderr == "okr: --cycles: give 1 or more\n"


async def test_the_palette_opens_the_statistics(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p", *"Quarter statistics")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, StatisticsScreen)
        shown = screen_text(app)
        assert "2026-Q4 (active) · " in shown and "Check-ins given" in shown


def test_the_statistics_at_100x30(snap_compare, demo_store, make_app):
    async def open_statistics(pilot) -> None:
        await pilot.pause()
        pilot.app.action_statistics()
        await pilot.pause()

    assert snap_compare(make_app(demo_store), run_before=open_statistics, terminal_size=(100, 30))
