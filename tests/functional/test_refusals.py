"""A key that cannot act now says why, and the footer does not offer it."""

from __future__ import annotations

from screen_reading import screen_text
from textual.widgets import Input
from waiting import settle

from okr_tui.screens.dashboard import DashboardScreen
from okr_tui.screens.welcome import WelcomeScreen
from okr_tui.store.store import OkrStore


def footer(app) -> str:
    return screen_text(app).splitlines()[-1]


def notices(app) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


async def test_escape_on_the_welcome_screen_does_not_quit(store, make_app):
    """Escape left the app without asking, though the footer said "esc Back"."""
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await settle(pilot, lambda: isinstance(app.screen, WelcomeScreen) and "Quit" in footer(app))
        assert isinstance(app.screen, WelcomeScreen)
        assert "esc Back" not in footer(app) and "q Quit" in footer(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.return_code is None and isinstance(app.screen, WelcomeScreen)
        assert any("nothing lies behind the welcome screen" in n for n in notices(app))
        # From the import path, escape goes back to the choices.
        await pilot.press("i")
        await pilot.pause()
        path = app.screen.query_one("#import-path", Input)
        assert path.display and app.focused is path
        assert "esc Back" in footer(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not path.display and app.return_code is None
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0


async def test_read_only_check_in_says_why_and_is_not_offered(demo_store, make_app):
    """With --read-only, c did nothing and said nothing while the footer offered it."""
    viewer = OkrStore(demo_store.folder, demo_store.clock, read_only=True)
    app = make_app(viewer)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert "Check-in" not in footer(app) and "p Plan" in footer(app)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert any(
            n.startswith("Check-in: not now, this okr only views the store") for n in notices(app)
        )


async def test_read_only_planning_keys_say_why(demo_store, make_app):
    viewer = OkrStore(demo_store.folder, demo_store.clock, read_only=True)
    app = make_app(viewer)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        shown = footer(app)
        assert "New objective" not in shown and "Add team" not in shown
        await pilot.press("o")
        await pilot.pause()
        assert any("not now, this okr only views the store" in n for n in notices(app))
