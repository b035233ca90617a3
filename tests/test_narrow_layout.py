"""The screens a facilitator uses, at 80 and 100 columns: nothing that matters off-screen, cut
without "…", or scrolling sideways."""

from __future__ import annotations

from screen_reading import screen_text
from textual.widgets import Button


async def test_the_walk_set_up_shows_its_start_button_at_80x24(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        start = app.screen.query_one("#setup-start", Button)
        assert start.region.bottom <= 23  # above the footer
        assert "Start the check-in  (Enter)" in screen_text(app)
