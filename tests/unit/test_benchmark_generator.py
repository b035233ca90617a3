"""The benchmark generator (benchmarks/generate.py) writes a valid, deterministic store."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from repo import ROOT

from okr_tui.domain.cadence import current_meeting, meeting_dates
from okr_tui.domain.clock import FixedClock
from okr_tui.domain.models import CycleState
from okr_tui.exchange.json_exchange import read_import
from okr_tui.exchange.json_export import export_json
from okr_tui.store.store import OkrStore

GENERATE = ROOT / "benchmarks" / "generate.py"


def _generate_module():
    spec = importlib.util.spec_from_file_location("okr_benchmarks_generate", GENERATE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while defining
    spec.loader.exec_module(module)
    return module


def test_tiny_store_has_the_expected_counts_and_is_valid(tmp_path: Path) -> None:
    generate = _generate_module()
    size = generate.Size(quarters=2, teams=2, seed=7)
    counts = generate.write_store(tmp_path / "a", size)

    clock = FixedClock(generate.CLOCK_AT)
    store = OkrStore(tmp_path / "a", clock)
    cycles = store.cycles()
    assert [c.name for c in cycles] == ["2026-Q3", "2026-Q4"]
    assert [c.state for c in cycles] == [CycleState.CLOSED, CycleState.ACTIVE]
    assert store.current_cycle() == cycles[-1]
    assert len(store.teams()) == 2
    per_quarter = 2 * generate.OBJECTIVES_PER_TEAM * generate.KRS_PER_OBJECTIVE
    closed, active = cycles
    assert len(store.key_results(closed.id)) == len(store.key_results(active.id)) == per_quarter
    assert len(store.check_ins(closed.id)) == per_quarter * generate.CHECK_INS_PER_QUARTER
    assert len(store.scores(closed.id)) == per_quarter
    assert len(store.retrospectives(closed.id)) == 2
    assert counts["check_ins"] == size.check_ins_expected() == per_quarter * (13 + 7)

    # The active quarter is checked in up to last week: the current meeting is still due.
    today = current_meeting(active, clock.now()).date()
    active_check_ins = store.check_ins(active.id)
    assert len(active_check_ins) == per_quarter * (generate.CURRENT_WEEK - 1)
    assert {ci.meeting_date for ci in active_check_ins} < set(meeting_dates(active))
    assert max(ci.meeting_date for ci in active_check_ins) < today
    assert not store.scores(active.id)

    # Every reference holds (the import check), and the same size and seed give the same data.
    exported = export_json(store)
    (tmp_path / "export.json").write_text(exported)
    read_import(tmp_path / "export.json")
    generate.write_store(tmp_path / "b", size)
    assert export_json(OkrStore(tmp_path / "b", clock)) == exported
