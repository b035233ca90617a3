"""The smaller rough edges a new facilitator hit in a first real meeting (issue 14, item 9)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_planning import (
    choose,
    fill,
    open_key_result_form,
    open_planning,
    paying_customers_kr,
    plan_check_text,
    planned,
)
from test_review import highlighted as review_highlighted
from test_review import kr_by_title, open_review, q4
from test_review import table as review_table
from test_scoring import open_scoring
from textual import events
from textual.containers import VerticalScroll
from textual.widgets import Input, Select, Static

from okr_tui.domain.models import KrType
from okr_tui.exchange.errors import ImportProblem
from okr_tui.exchange.json_exchange import read_import
from okr_tui.exchange.json_export import write_export
from okr_tui.screens.dialogs.adjust_target_dialog import AdjustTargetDialog
from okr_tui.screens.plan.key_result_form import KeyResultFormScreen
from okr_tui.screens.review_close.close_cycle import CloseCycleDialog
from okr_tui.screens.review_close.review import ReviewScreen
from okr_tui.screens.welcome import SHOWN_PROBLEMS, WelcomeScreen
from okr_tui.widgets.key_footer import KeyFooter
from okr_tui.widgets.plan_check import NOTHING_PLANNED
from tests.screen_reading import screen_text

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


# --- planning -------------------------------------------------------------------------------


async def test_an_empty_plan_is_not_praised_as_focused(store, make_app):
    """With no objective at all, the plan check said "✓ the plan looks focused"."""
    planned(store)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_planning(pilot)
        assert plan_check_text(screen) == NOTHING_PLANNED
        assert "focused" not in screen_text(app)


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_the_planning_footer_offers_t_for_a_new_team(demo_store, make_app, size):
    app = make_app(demo_store)
    async with app.run_test(size=size) as pilot:
        await open_planning(pilot)
        await pilot.pause()
        keys = {entry.key for entry in app.screen.query_one(KeyFooter).shown}
        assert "t" in keys
        assert "t New team" in screen_text(app).splitlines()[-1]


# --- welcome: import ------------------------------------------------------------------------


def broken_export(demo_store, folder: Path) -> tuple[Path, list[tuple[str, str]]]:
    """The demo's export without key results: every check-in, action and score points at a
    key result that is not there."""
    with (folder / "export.json").open("wb") as out:
        write_export(demo_store, out)
    document = json.loads((folder / "export.json").read_text())
    for cycle in document["cycles"]:
        cycle["key_results"] = []
    path = folder / "broken.json"
    path.write_text(json.dumps(document))
    with pytest.raises(ImportProblem) as refused:
        read_import(path)
    return path, refused.value.errors


async def test_a_refused_import_lists_every_problem_in_a_box_that_scrolls(
    demo_store, store, make_app, tmp_path
):
    """The welcome screen showed the first problem only, cut off at the box's edge."""
    path, errors = broken_export(demo_store, tmp_path)
    assert len(errors) > SHOWN_PROBLEMS
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("i")
        app.post_message(events.Paste(str(path)))  # typed into the path field
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        lines = str(app.screen.query_one("#import-error", Static).content).splitlines()
        assert lines[0] == f"Nothing imported: {len(errors)} problems in the file."
        assert lines[1 : SHOWN_PROBLEMS + 1] == [f"{w}: {m}" for w, m in errors[:SHOWN_PROBLEMS]]
        assert lines[-1].startswith(f"… and {len(errors) - SHOWN_PROBLEMS} more")
        shown = screen_text(app)  # the first problem on screen, wrapped, not cut off
        assert f"{errors[0][0]}: no key result" in shown
        assert f"'{errors[0][1].split(chr(39))[1]}' in this cycle" in shown
        box = app.screen.query_one("#import-problems", VerticalScroll)
        assert box.max_scroll_y > 0
        assert box.has_focus
        await pilot.press("end")
        await pilot.pause()
        assert box.scroll_y == box.max_scroll_y
        assert f"… and {len(errors) - SHOWN_PROBLEMS} more" in screen_text(app)
    assert store.is_empty()


# --- review ---------------------------------------------------------------------------------


async def test_a_decision_moves_the_cursor_to_the_next_undecided_key_result(demo_store, make_app):
    """The cursor stayed on the key result just decided: k k k kept the same one three times."""
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_review(pilot, app)
        rows = [row.value for row in review_table(app).rows]
        await pilot.press("down", "down")  # the third key result
        await pilot.pause()
        assert review_highlighted(app) == rows[2]
        await pilot.press("k")
        await pilot.pause()
        assert review_highlighted(app) == rows[3]
        await pilot.press("up", "k")  # the third again: decided already, so on to the fourth
        await pilot.pause()
        assert review_highlighted(app) == rows[3]
        for _ in range(len(rows) - 3):  # keep the rest: the cursor wraps to the first two
            await pilot.press("k")
            await pilot.pause()
        assert review_highlighted(app) == rows[0]
        await pilot.press("k", "k")
        await pilot.pause()
        cycle_id = q4(demo_store).id
        assert {d.kr_id for d in demo_store.review_decisions(cycle_id)} == set(rows)
        assert review_highlighted(app) == rows[1]  # all decided: it stays on the last one


async def test_adjusting_a_target_offers_the_title_that_goes_with_it(demo_store, make_app):
    """ "Reach 500 paying customers" with target 480 read as a stale title."""
    kr = kr_by_title(demo_store, "Reach 500 paying customers")
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_review(pilot, app, "Reach 500 paying customers")
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AdjustTargetDialog)
        await pilot.press(*"480")
        await pilot.pause()
        assert dialog.query_one("#title", Input).value == "Reach 480 paying customers"
        await pilot.press("enter", *"Two deals slipped", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
    cycle_id = q4(demo_store).id
    saved = demo_store.key_result(cycle_id, kr.id)
    assert (saved.target, saved.title) == (480, "Reach 480 paying customers")
    (entry,) = [e for e in demo_store.audit(cycle_id, kr.id) if e.field == "title"]
    assert (entry.old, entry.new, entry.reason) == (
        "Reach 500 paying customers",
        "Reach 480 paying customers",
        "Two deals slipped",
    )


async def test_a_title_edited_in_the_adjust_dialog_is_kept_as_typed(demo_store, make_app):
    kr = kr_by_title(demo_store, "Reach 500 paying customers")
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_review(pilot, app, "Reach 500 paying customers")
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        title = dialog.query_one("#title", Input)
        title.value = "Win 480 [b]paying[/] customers"
        dialog.query_one("#target", Input).focus()
        await pilot.press(*"480", "enter", *"Slipped", "enter")
        await pilot.pause()
    saved = demo_store.key_result(q4(demo_store).id, kr.id)
    assert (saved.target, saved.title) == (480, "Win 480 [b]paying[/] customers")


# --- closing the cycle ----------------------------------------------------------------------


async def test_the_close_cycle_dialog_says_which_keys_tick_and_save(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_scoring(pilot, app)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CloseCycleDialog)
        keys = str(app.screen.query_one("#close-keys", Static).content)
        assert keys == (
            "space ticks or unticks the highlighted line · ctrl+s closes the cycle and carries "
            "what is ticked · escape keeps it open"
        )
        assert "ctrl+s closes the cycle" in screen_text(app).replace("\n", " ")
