"""Keys typed right after a letter that opens a form or a dialog reach that form or dialog, as
a fast typist or a paste sends them (#14: every picker and dialog takes the keys typed after
the key that opened it)."""

from __future__ import annotations

from key_bursts import burst
from waiting import settle

from okr_tui.screens.plan.planning import PlanningScreen
from okr_tui.screens.review_close.scoring import ScoringScreen


async def test_o_then_a_title_and_enter_in_one_burst_adds_that_objective(demo_store, make_app):
    app = make_app(demo_store)
    cycle = demo_store.current_cycle()
    before = {o.title for o in demo_store.objectives(cycle.id)}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PlanningScreen)
        burst(app, "o", *"Cut churn", "enter")
        await settle(
            pilot,
            lambda: (
                isinstance(app.screen, PlanningScreen)
                and len(demo_store.objectives(cycle.id)) > len(before)
            ),
        )
        added = {o.title for o in demo_store.objectives(cycle.id)} - before
        assert added == {"Cut churn"}


async def test_a_tab_in_a_burst_moves_on_before_the_keys_after_it(demo_store, make_app):
    """The keys "o", a title, Tab, a description, Enter typed at once: each field gets its text
    (every form binds Tab through the typed-keys mechanism)."""
    app = make_app(demo_store)
    cycle = demo_store.current_cycle()
    before = {o.id for o in demo_store.objectives(cycle.id)}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("p")
        await pilot.pause()
        burst(app, "o", *"Cut churn", "tab", *"Fewer leave", "enter")
        await settle(
            pilot,
            lambda: (
                isinstance(app.screen, PlanningScreen)
                and len(demo_store.objectives(cycle.id)) > len(before)
            ),
        )
        [added] = [o for o in demo_store.objectives(cycle.id) if o.id not in before]
        assert (added.title, added.description) == ("Cut churn", "Fewer leave")


async def test_t_then_a_team_name_in_one_burst_names_the_team(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("p")
        await pilot.pause()
        burst(app, "t", *"Support", "enter")
        await settle(pilot, lambda: any(t.name == "Support" for t in demo_store.teams()))
        assert [t.name for t in demo_store.teams() if t.name == "Support"] == ["Support"]


async def test_t_on_scoring_opens_the_retrospective_before_the_next_keys(demo_store, make_app):
    from textual.widgets import TextArea

    from okr_tui.screens.review_close.retrospective import RetrospectiveScreen

    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
        burst(app, "t", *"Weekly demos")
        await settle(pilot, lambda: isinstance(app.screen, RetrospectiveScreen))
        await settle(  # until the burst has landed (it used to pause for settle's whole bound)
            pilot,
            lambda: isinstance(app.screen.focused, TextArea)
            and app.screen.focused.text == "Weekly demos",
        )
        typed = app.screen.focused
        assert isinstance(typed, TextArea) and typed.text == "Weekly demos"
