"""Shared fixtures: a fixed clock, a store in a temp folder, the demo store, and the app.

No test depends on today's date: every store and app here runs on `CLOCK_AT`.
"""

from __future__ import annotations

import gc
import inspect
import os
import shutil
from pathlib import Path

import pytest
from css_memo import install as install_css_memo
from hypothesis import settings
from pilot_keys import install as install_quicker_press

from okr_tui.domain.clock import FixedClock
from okr_tui.store.store import OkrStore

CLOCK_AT = "2026-11-23T10:00:00Z"  # Monday of week 8 of 2026-Q4, after that morning's meeting

# Property tests try the same examples on every run, so a CI run cannot fail at random and a
# failure reproduces; `HYPOTHESIS_PROFILE=explore python -m pytest` searches fresh ones.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


COLLECTOR_THRESHOLDS = (10_000, 10, 10)
"""Python's default (700, 10, 10) ran a young collection every 700 allocations, and Textual's
apps allocate many: with the defaults the collector took a quarter of a Pilot test's CPU."""


def pytest_collection_finish(session: pytest.Session) -> None:
    """Once the tests are collected (each xdist worker collects its own): what the imports and
    the collection made lives for the whole run, so it is frozen out of the collector's walks
    (as `okr` does after start-up), and the young generation is collected every 10,000
    allocations instead of 700. Only when cyclic garbage is freed changes; with both, a test's
    collector time fell from 25% of its CPU to 10%."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Config, exports and the default store go under the test's own folder."""
    home = tmp_path / "okr-home"
    monkeypatch.setenv("OKR_HOME", str(home))
    monkeypatch.delenv("OKR_DB", raising=False)
    return home


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(CLOCK_AT)


@pytest.fixture
def store(tmp_path: Path, clock: FixedClock) -> OkrStore:
    """An empty store."""
    return OkrStore(tmp_path / "store", clock)


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the demo once per session; tests get a copy, so each can change its own."""
    from okr_tui.demo import build_demo

    folder = tmp_path_factory.mktemp("demo-template") / "store"
    build_demo(OkrStore(folder, FixedClock(CLOCK_AT)))
    return folder


@pytest.fixture
def demo_store(tmp_path: Path, clock: FixedClock, _demo_template: Path) -> OkrStore:
    """The demo store (Growth, Sales, a company objective, 2026-Q4 active, 2026-Q3 closed)."""
    folder = tmp_path / "demo"
    shutil.copytree(_demo_template, folder)
    return OkrStore(folder, clock)


@pytest.fixture
def make_app():
    """`make_app(store)` -> an OkrApp with no cursor blink, ready for `run_test`."""
    from okr_tui.app import OkrApp

    def build(okr_store: OkrStore, **options) -> OkrApp:
        return OkrApp(okr_store, cursor_blink=False, **options)

    return build


@pytest.fixture(scope="session")
def _store_32q_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """32 quarters of history written by benchmarks/generate.py (3 teams, so it takes seconds),
    once per session; tests get a copy."""
    import importlib.util
    import sys

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"
    spec = importlib.util.spec_from_file_location("okr_benchmarks_generate", path)
    assert spec is not None and spec.loader is not None
    generate = sys.modules.get(spec.name) or importlib.util.module_from_spec(spec)
    if spec.name not in sys.modules:
        sys.modules[spec.name] = generate  # dataclasses look their module up while defining
        spec.loader.exec_module(generate)
    assert generate.CLOCK_AT == CLOCK_AT
    folder = tmp_path_factory.mktemp("store-32q") / "store"
    generate.write_store(folder, generate.Size(quarters=32, teams=3))
    return folder


@pytest.fixture
def store_32q(tmp_path: Path, clock: FixedClock, _store_32q_template: Path) -> OkrStore:
    """A store with 32 quarters of weekly check-ins (2026-Q4 active at week 8), a copy."""
    folder = tmp_path / "store-32q"
    shutil.copytree(_store_32q_template, folder)
    return OkrStore(folder, clock)


@pytest.fixture
def snap_compare(snap_compare):
    """pytest-textual-snapshot's snap_compare, taking the picture once the screen has settled:
    after the keys, every worker the app started (the dashboard's prep lane is worked out in
    one once the board is drawn) has finished and its result is on screen."""

    def compare(app, *args, press=(), run_before=None, **kwargs):
        async def settled(pilot) -> None:
            if run_before is not None:
                result = run_before(pilot)
                if inspect.isawaitable(result):
                    await result
            await pilot.pause()
            await pilot.press(*press)
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()

        return snap_compare(app, *args, run_before=settled, **kwargs)

    return compare
# Pilot.press without an idle wait after an animation that did not run (tests/pilot_keys.py)
install_quicker_press()
# Textual's CSS parsed once per test process, not once per app and screen (tests/css_memo.py)
install_css_memo()
