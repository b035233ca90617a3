"""The ? / F1 help: it scrolls to its last key at every size, lists the screen's own keys
before the generic ones, and shows each binding's id for `[keymap]`."""

from __future__ import annotations

import pytest
from screen_reading import screen_text

from okr_tui.screens.dialogs.help import HelpScreen

SIZES = [(80, 24), (100, 30), (160, 45)]


async def open_help(app, pilot, keys: tuple[str, ...]) -> HelpScreen:
    await pilot.pause()
    await pilot.press(*keys)
    await pilot.pause()
    await pilot.press("f1")
    await pilot.pause()
    assert isinstance(app.screen, HelpScreen)
    return app.screen


async def everything_shown_while_paging(app, pilot, pages: int) -> str:
    """The text on screen after each PageDown, from the first page to the last."""
    shown = [screen_text(app)]
    for _ in range(pages):
        await pilot.press("pagedown")
        await pilot.pause()
        shown.append(screen_text(app))
    return "\n".join(shown)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(
    ("keys", "last_of_screen"),
    [((), "dashboard.quit"), (("c", "enter"), "walkthrough.finish")],
    ids=["dashboard", "walkthrough"],
)
async def test_page_down_reaches_every_key_of_the_help(
    demo_store, make_app, size, keys, last_of_screen
):
    """At 100x30 PageDown stopped at "f5 Present" (q, ^t Team, ^y Cycle and ^p palette never
    showed), and the walk's ^f Finish was out of reach: the table was taller than the dialog."""
    app = make_app(demo_store)
    async with app.run_test(size=size) as pilot:
        help_screen = await open_help(app, pilot, keys)
        rows = help_screen.help_rows()
        shown = await everything_shown_while_paging(app, pilot, len(rows))
        ids = [row.binding_id for row in rows if row.binding_id]
        assert last_of_screen in ids and "app.switch_team" in ids
        for binding_id in ids:
            assert f"id {binding_id}" in shown, binding_id
        assert "^p" in shown and "palette" in screen_text(app)  # the last row, on the last page


async def test_the_screen_keys_come_before_the_text_editing_keys(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        help_screen = await open_help(app, pilot, ("c", "enter"))
        rows = help_screen.help_rows()
        with_id = [i for i, row in enumerate(rows) if row.binding_id]
        generic = [i for i, row in enumerate(rows) if not row.binding_id]
        assert generic and max(with_id) < min(generic)  # "Delete all to the left" ... last
        assert rows[0].binding_id.startswith("walkthrough.")
        first_page = screen_text(app)
        assert "id walkthrough." in first_page and "Delete" not in first_page


async def test_a_remapped_key_is_listed_with_its_id_on_the_first_page(demo_store, make_app):
    from okr_tui import config

    config.save_settings(config.Settings(keymap={"dashboard.check_in": "c,ctrl+k"}))
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_help(app, pilot, ())
        first_page = screen_text(app)
        assert "c, ^k" in first_page and "id dashboard.check_in" in first_page


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_end_shows_the_last_key(demo_store, make_app, size):
    """The table's own End stopped short when rows took several lines."""
    app = make_app(demo_store)
    async with app.run_test(size=size) as pilot:
        help_screen = await open_help(app, pilot, ())
        last = help_screen.help_rows()[-1]
        await pilot.press("end")
        await pilot.pause()
        await pilot.pause()
        assert f"  {', '.join(last.keys)}  " in screen_text(app)
