"""Teams from the planning screen: t adds one, Enter on a team edits it, names stay unique and
exactly as typed, and an edit never saves over a change made elsewhere.

Before, a team could only come from the demo or an import: on a new store there was no way to
give objectives a team, nor people to tick as attendees of a check-in.
"""

from __future__ import annotations

from datetime import date

import pytest
from test_planning import move_to, open_planning, tree_labels
from textual.widgets import Input

from okr_tui.domain.models import Cycle, CycleState, Team
from okr_tui.domain.people import member_names
from okr_tui.screens.plan.planning import PlanningScreen, PlanNode
from okr_tui.screens.plan.team_form import TeamFormScreen
from okr_tui.store.errors import RuleViolation
from okr_tui.store.store import OkrStore


def with_cycle(store: OkrStore) -> Cycle:
    return store.save_cycle(
        Cycle(
            name="2026-Q4", start=date(2026, 10, 1), end=date(2026, 12, 31),
            state=CycleState.ACTIVE,
        )
    )  # fmt: skip


async def open_team_form(pilot, team: Team) -> tuple[PlanningScreen, TeamFormScreen]:
    """From the dashboard: planning, the cursor onto the team, Enter opens its form."""
    screen = await open_planning(pilot)
    await move_to(pilot, screen, PlanNode.TEAM, team.id)
    await pilot.press("enter")
    await pilot.pause()
    form = pilot.app.screen
    assert isinstance(form, TeamFormScreen)
    return screen, form


def field(pilot, name: str) -> Input:
    return pilot.app.screen.query_one(f"#{name}", Input)


async def test_t_adds_a_team_with_its_people_and_the_plan_shows_it(store, make_app):
    with_cycle(store)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_planning(pilot)
        assert "No teams yet: t adds one." in " ".join(tree_labels(screen))
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TeamFormScreen)
        await pilot.press(*"[bold]Grow[/]", "tab")
        await pilot.press(*"Amara, Ben,, amara ,  Chen  Li", "tab")
        await pilot.press(*"Dana", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PlanningScreen)
        [team] = store.teams()
        assert (team.name, team.members, team.facilitator) == (
            "[bold]Grow[/]",
            ["Amara", "Ben", "Chen Li"],
            "Dana",
        )
        labels = tree_labels(screen)
        assert "[bold]Grow[/]  no objectives yet" in labels  # as typed, not read as markup
        assert not any(label.startswith("No teams yet") for label in labels)
        assert screen.highlighted() == (PlanNode.TEAM, team.id)  # the cursor on what was saved

        # A second team goes after the first; o on it plans an objective for that team.
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*"Sales", "enter")
        await pilot.pause()
        sales = store.team_named("Sales")
        assert [t.name for t in store.teams()] == ["[bold]Grow[/]", "Sales"]
        assert sales.order > team.order
        assert screen.highlighted() == (PlanNode.TEAM, sales.id)
        await pilot.press("o")
        await pilot.pause()
        assert app.screen.query_one("#team_id").value == sales.id


async def test_enter_on_a_team_edits_it_and_keeps_its_objectives(demo_store, make_app):
    cycle = demo_store.current_cycle()
    growth = demo_store.team_named("Growth")
    objectives = [o.id for o in demo_store.objectives(cycle.id) if o.team_id == growth.id]
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_team_form(pilot, growth)
        assert field(pilot, "name").value == "Growth"
        assert field(pilot, "members").value == ", ".join(growth.members)
        await pilot.press("end", "ctrl+u", *"Growth & Activation", "tab")
        await pilot.press("end", *", Zoe", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PlanningScreen)
    renamed = demo_store.team(growth.id)
    assert renamed.name == "Growth & Activation"
    assert renamed.members == [*growth.members, "Zoe"]
    assert renamed.order == growth.order
    assert [o.id for o in demo_store.objectives(cycle.id) if o.team_id == growth.id] == objectives


async def test_space_still_folds_a_team_and_enter_folds_the_company(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_planning(pilot)
        await move_to(pilot, screen, PlanNode.TEAM, None)  # Company: nothing to edit
        company = screen.plan_tree.cursor_node
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlanningScreen)
        assert not company.is_expanded
        growth = demo_store.team_named("Growth")
        await move_to(pilot, screen, PlanNode.TEAM, growth.id)
        node = screen.plan_tree.cursor_node
        await pilot.press("space")
        await pilot.pause()
        assert not node.is_expanded and isinstance(app.screen, PlanningScreen)


async def test_a_second_team_of_the_same_name_is_refused_at_the_name(demo_store, make_app):
    before = demo_store.teams()
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_planning(pilot)
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*" sales ", "enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, TeamFormScreen)
        assert form.errors_shown == {"name": 'there is already a team called "Sales"'}
        assert form.query_one("#name-error").display
        assert form.focused is field(pilot, "name")
        await pilot.press("escape")
        await pilot.pause()
    assert demo_store.teams() == before


@pytest.mark.parametrize(
    ("members", "message"),
    [
        (
            f"Amara, {'x' * 81}",
            '"xxxxxxxxxxxxxxxxxxxxxxx…": a name has at most 80 characters (this has 81)',
        ),
        ("Amara, Ben\x1b[31m", '"Ben�[31m": must be one line, without tabs or control characters'),
    ],
)
async def test_a_bad_member_name_is_refused_at_the_members(store, make_app, members, message):
    with_cycle(store)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_planning(pilot)
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*"Growth")
        field(pilot, "members").value = members  # pasted: a control key cannot be typed
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.errors_shown == {"members": message}
    assert store.teams() == []


async def test_a_team_changed_elsewhere_is_not_saved_over(demo_store, make_app):
    growth = demo_store.team_named("Growth")
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_team_form(pilot, growth)
        # Meanwhile another okr window adds a person to the team.
        elsewhere = OkrStore(demo_store.folder, demo_store.clock)
        elsewhere.save_team(growth.model_copy(update={"members": [*growth.members, "Yara"]}))
        await pilot.press("tab", "end", *", Zoe", "ctrl+s")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, TeamFormScreen)
        assert "changed elsewhere since you opened it" in form.errors_shown["form"]
    assert demo_store.team(growth.id).members == [*growth.members, "Yara"]


async def test_a_read_only_store_greys_out_new_team_and_opens_no_form(demo_store, make_app):
    viewer = OkrStore(demo_store.folder, demo_store.clock, read_only=True)
    growth = viewer.team_named("Growth")
    app = make_app(viewer)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_planning(pilot)
        assert screen.check_action("add_team", ()) is None  # shown, greyed out
        await pilot.press("t")
        await pilot.pause()
        await move_to(pilot, screen, PlanNode.TEAM, growth.id)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlanningScreen)
    assert demo_store.teams() == viewer.teams()


def test_member_names_are_trimmed_and_each_person_listed_once():
    assert member_names(" Amara ,Ben,,  amara, Chen   Li ,") == ["Amara", "Ben", "Chen Li"]
    assert member_names("") == []


def test_the_store_keeps_team_names_unique_and_edits_by_id(store):
    growth = store.save_team(Team(name="Growth", members=["Amara"]))
    with pytest.raises(RuleViolation, match='there is already a team called "Growth"'):
        store.save_team(Team(name="  GROWTH "))
    renamed = store.save_team(growth.model_copy(update={"name": "growth"}), expected=growth)
    assert [t.name for t in store.teams()] == ["growth"]
    with pytest.raises(RuleViolation, match="changed elsewhere"):
        store.save_team(growth.model_copy(update={"members": []}), expected=growth)
    assert store.team(growth.id) == renamed


async def test_the_palette_opens_the_team_form_from_the_dashboard(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"New team")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TeamFormScreen)
        await pilot.press(*"Platform", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PlanningScreen)
        platform = demo_store.team_named("Platform")
        assert app.screen.highlighted() == (PlanNode.TEAM, platform.id)
