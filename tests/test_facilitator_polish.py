"""The smaller rough edges a new facilitator hit in a first real meeting (issue 14, item 9)."""

from __future__ import annotations

from textual.widgets import Select

from okr_tui.domain.models import KrType
from okr_tui.screens.key_result_form import KeyResultFormScreen
from tests.test_planning import choose, fill, open_key_result_form, paying_customers_kr

# --- forms ----------------------------------------------------------------------------------


async def test_enter_on_a_forms_type_select_saves_as_the_form_says(demo_store, make_app):
    """Enter on the closed Type select opened its list again, while the form says "Enter or
    ctrl+s saves"; in the open list Enter still picks the option."""
    cycle_id, kr = paying_customers_kr(demo_store)
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen, form = await open_key_result_form(pilot, kr)
        await fill(pilot, "title", "Reach 480 paying customers")
        await choose(pilot, "kr_type", KrType.STAY_ABOVE)  # space opens, Enter picks
        assert app.screen is form
        select = form.query_one("#kr_type", Select)
        assert select.has_focus and not select.expanded
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        saved = demo_store.key_result(cycle_id, kr.id)
        assert (saved.title, saved.kr_type) == ("Reach 480 paying customers", KrType.STAY_ABOVE)
        assert not isinstance(app.screen, KeyResultFormScreen)
