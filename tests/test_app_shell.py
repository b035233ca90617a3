"""The app shell: start screens, help, team filter, palette commands."""

from __future__ import annotations

from okr_tui.screens.dashboard import DashboardScreen
from okr_tui.screens.help import HelpScreen
from okr_tui.screens.welcome import WelcomeScreen
from okr_tui.widgets.key_result_row import KeyResultRow


async def test_empty_store_opens_the_welcome_screen_and_demo_fills_it(store, make_app):
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert not store.is_empty()
        assert app.cycle is not None and app.cycle.name == "2026-Q4"
        assert len(app.screen.query(KeyResultRow)) == 9


async def test_dashboard_shows_every_active_key_result_of_the_current_cycle(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        cycle = demo_store.current_cycle()
        shown = {row.line.kr.id for row in app.screen.query(KeyResultRow)}
        assert shown == {kr.id for kr in demo_store.key_results(cycle.id) if kr.is_active}


async def test_team_filter_narrows_the_dashboard(demo_store, make_app):
    app = make_app(demo_store)
    sales = next(t for t in demo_store.teams() if t.name == "Sales")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+t")
        await pilot.pause()
        # "All teams", "Growth", "Sales": pick Sales.
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert app.team_id == sales.id
        teams = {row.line.objective.team_id for row in app.screen.query(KeyResultRow)}
        assert teams == {None, sales.id}  # company objectives stay in view


async def test_question_mark_lists_the_keys_of_the_screen(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        from textual.widgets import DataTable

        rows = [str(cell) for row in app.screen.query_one(DataTable).rows
                for cell in app.screen.query_one(DataTable).get_row(row)]
        assert "Check-in" in rows and "Plan" in rows
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)


async def test_palette_lists_the_app_actions(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Start check-in", "Plan", "Mid-quarter review", "Score and retrospective",
                "Switch team", "Switch cycle", "Export JSON"} <= titles
