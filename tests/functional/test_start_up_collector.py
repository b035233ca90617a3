"""`okr` pauses Python's cycle collector for start-up (issue 19): the app freezes what start-up
made and resumes the collector once the first screen has loaded and been drawn."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from waiting import settle

from okr_tui.screens.dashboard import DashboardScreen


def full_check_done(app) -> bool:
    """The app's full check of its cycle file (a worker 0.1 s after the first frame) is over."""
    return app.opened_file_checked


@pytest.fixture
def nothing_frozen() -> Iterator[None]:
    """Nothing in the collector's permanent generation, so the test sees only what the app
    freezes (tests/conftest.py freezes what collecting the tests made, and frozen objects can
    be freed meanwhile); frozen again after the test."""
    was_frozen = gc.get_freeze_count() > 0
    gc.unfreeze()
    yield
    gc.unfreeze()
    if was_frozen:
        gc.collect()
        gc.freeze()


@pytest.fixture
def paused_collector(nothing_frozen: None) -> Iterator[None]:
    """The collector as cli.run_app leaves it; put back as it was after the test."""
    was_enabled = gc.isenabled()
    gc.disable()
    yield
    if was_enabled:
        gc.enable()


async def test_the_first_screen_resumes_the_collector_and_freezes_start_up(
    demo_store, make_app, paused_collector
) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0


async def test_what_the_full_check_read_is_frozen_as_well(
    demo_store, make_app, paused_collector
) -> None:
    """The cycle's records the full check validates after the first frame stay for the session
    (the store's cache): frozen too, or each full collection of a meeting walks them."""
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        frozen = gc.get_freeze_count()
        await settle(pilot, lambda: full_check_done(app))
        assert full_check_done(app)
        assert gc.get_freeze_count() > frozen


async def test_an_app_started_with_the_collector_on_leaves_it_alone(
    demo_store, make_app, nothing_frozen
) -> None:
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert gc.isenabled()
        await settle(pilot, lambda: full_check_done(app))
        assert full_check_done(app)
    assert gc.get_freeze_count() == frozen
