"""Keys typed ahead of the screen: one mechanism binds every key that acts on what was typed,
the wait for typed keys never gives up on a busy machine, the pickers take the keys typed after
the key that opened them, and a walk saves only onto the key result its step shows."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import pkgutil

from test_walkthrough import Keys, build_team, meeting_check_ins, start_walk
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Input

import okr_tui.screens
import okr_tui.widgets
from okr_tui.app import OkrApp
from okr_tui.domain.models import Confidence, Status
from okr_tui.screens.base import AFTER_TYPED_KEYS, TEXT_AREA_MODULE, text_field_types
from okr_tui.screens.walk.walkthrough import WalkthroughScreen
from okr_tui.store.store import OkrStore
from tests.key_bursts import burst

# --- one mechanism (issue 20.2) -------------------------------------------------------------

TEXT_FIELDS = ("Input(", "StillInput(", "TextArea(")
"""What a class's source says when it composes text fields a key can be typed into."""

DISCARDS_TYPED = {
    "OkrApp.action_help",
    "OkrScreen.action_back",
    "WelcomeScreen.action_back",
    "Form.action_cancel",
}
"""Actions that close or explain without reading the fields: what was typed may be dropped.
(An override that saves on leaving, as the retrospective's escape does, is not one.)"""


def _classes_with_bindings() -> list[type[DOMNode]]:
    """Every screen, dialog and widget of okr_tui (and the app) that declares bindings."""
    modules = [importlib.import_module("okr_tui.app")]
    for package in (okr_tui.screens, okr_tui.widgets):
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            modules.append(importlib.import_module(info.name))
    found: dict[type, None] = {}
    for module in modules:
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, DOMNode)
                and cls.__module__ == module.__name__
                and "BINDINGS" in cls.__dict__
            ):
                found[cls] = None
    return list(found)


def _bindings(cls: type) -> list[Binding]:
    """The bindings a class has: its own, and those it inherits from okr_tui classes for keys
    it does not bind itself."""
    found: list[Binding] = []
    keys: set[str] = set()
    for klass in cls.__mro__:
        if not klass.__module__.startswith("okr_tui"):
            continue
        own = [b for b in klass.__dict__.get("BINDINGS", ()) if isinstance(b, Binding)]
        found += [b for b in own if not set(b.key.split(",")) <= keys]
        keys |= {key for b in own for key in b.key.split(",")}
    return found


def _has_text_fields(cls: type) -> bool:
    return any(
        marker in inspect.getsource(klass)
        for klass in cls.__mro__
        if klass.__module__.startswith("okr_tui")
        for marker in TEXT_FIELDS
    )


def _action_methods(cls: type, action: str, screens: list[type]) -> list[object]:
    """The methods a binding's action runs: on the app, on the screens around a widget, or on
    the class itself ([] for an action Textual provides, like a list's cursor)."""
    name = action.split("(")[0]
    namespace, _, name = name.rpartition(".")
    if namespace == "app":
        owners = [OkrApp]
    elif namespace == "screen" and not issubclass(cls, Screen):
        owners = [screen for screen in screens if hasattr(screen, f"action_{name}")]
    else:
        owners = [cls]
    return [
        method
        for owner in owners
        if (method := getattr(owner, f"action_{name}", None)) is not None
        and owner.__module__.startswith("okr_tui")
    ]


def _keys_that_reach_the_screen(binding: Binding) -> list[str]:
    """A single printable key typed in a field is text: the field takes it, so it never acts
    there. Every other key (Enter, ctrl+s, Tab...) reaches the bindings from inside a field."""
    return [key for key in binding.key.split(",") if len(key.strip()) > 1]


def test_every_key_that_acts_on_typed_text_uses_the_one_mechanism():
    """A binding added the usual way (non-priority, action not made with `after_typed_keys`)
    to a screen with text fields acts on the text before the keys typed ahead of it are
    applied: "42 ctrl+s 37" saved 4237. The mechanism is the pair in screens/base.py:
    `typed_keys_binding` for the binding, `after_typed_keys` for its action."""
    classes = _classes_with_bindings()
    screens = [cls for cls in classes if issubclass(cls, Screen)]
    assert len(classes) > 20  # the walk found the screens, dialogs and widgets
    problems = []
    checked = 0
    for cls in classes:
        widget = not issubclass(cls, Screen | OkrApp)
        for binding in _bindings(cls):
            where = f"{cls.__name__} {binding.key!r} -> {binding.action}"
            methods = _action_methods(cls, binding.action, screens)
            made = bool(methods) and all(getattr(m, AFTER_TYPED_KEYS, False) for m in methods)
            checked += 1
            if binding.priority and not made:
                problems.append(f"{where}: priority without after_typed_keys")
            elif made and not binding.priority:
                problems.append(f"{where}: after_typed_keys bound without typed_keys_binding")
            elif (
                # a widget's keys that act on the screen around it, or a screen's own keys
                (binding.action.startswith("screen.") if widget else _has_text_fields(cls))
                and not made
                and methods
                and not {m.__qualname__ for m in methods} <= DISCARDS_TYPED  # type: ignore[attr-defined]
                and _keys_that_reach_the_screen(binding)
            ):
                problems.append(f"{where}: acts on typed text without typed_keys_binding")
    assert checked > 60
    assert problems == [], "\n".join(problems)


def test_the_walk_finds_a_binding_added_the_usual_way(monkeypatch):
    """The check above fails on the bug it is there for: ctrl+s bound the usual way on the
    retrospective (a TextArea) acts before the text typed ahead of it is in."""
    from okr_tui.screens.review_close.retrospective import RetrospectiveScreen

    usual = [Binding("ctrl+s", "save", "Save", id="retrospective.save", tooltip="Save")]
    monkeypatch.setattr(RetrospectiveScreen, "BINDINGS", usual)
    monkeypatch.setattr(
        RetrospectiveScreen, "action_save", lambda self: None
    )  # a plain action, as written the usual way
    try:
        test_every_key_that_acts_on_typed_text_uses_the_one_mechanism()
    except AssertionError as failure:
        assert "RetrospectiveScreen 'ctrl+s' -> save" in str(failure)
    else:
        raise AssertionError("a usual binding on a screen with a text field went unnoticed")


async def test_a_burst_across_the_retrospectives_lists_puts_each_word_in_its_list(
    demo_store, make_app
):
    """Text typed into one list, Tab, text into the next and ctrl+s, all at once: Tab moves on
    only once the text typed before it is in (it put "WeeklyLate" in the first list)."""
    from kr_tables import q4
    from test_scoring import open_retrospective
    from waiting import settle

    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_retrospective(pilot, app)
        burst(app, *"Weekly", "tab", *"Late", "shift+tab", *" numbers", "ctrl+s")
        await settle(pilot, lambda: demo_store.retrospectives(q4(demo_store).id))
    (retro,) = demo_store.retrospectives(q4(demo_store).id)
    assert (retro.keep_doing, retro.stop_doing) == (["Weekly numbers"], ["Late"])


def test_text_areas_count_as_text_fields_once_imported():
    """base.text_field_types finds TextArea by its module, which start-up does not import."""
    from textual.widgets import TextArea

    assert TextArea.__module__ == TEXT_AREA_MODULE
    assert text_field_types() == (Input, TextArea)


# --- the wait for typed keys on a busy machine (issue 14.3) ---------------------------------


async def test_enter_waits_for_a_value_field_held_up_longer_than_a_second(store, make_app):
    """With a CPU hog beside the app, the value field can be kept from its keys for longer
    than a second. Enter must still read "42" and "g" must still save it: the wait gave up
    after a second, read the old value, and the keys after it landed in the value field.
    The field is held by a message of its own, and the event loop's clock jumps by seconds,
    as it does for a process that waits for the CPU."""
    cycle = build_team(store, objectives=1, per_objective=2)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        screen = await start_walk(keys)
        first = screen.current_kr_id
        value = screen.query_one("#walk-value", Input)
        held = asyncio.Event()
        value.call_later(held.wait)  # the field is busy until released
        burst(app, "4", "2", "enter", "g")
        for _ in range(50):  # until Enter waits on the field (the keys are queued behind it)
            if value.message_queue_size >= 3:
                break
            await asyncio.sleep(0)
        assert value.message_queue_size >= 3
        loop = asyncio.get_running_loop()
        real_time = loop.time
        stalled = 0.0
        loop.time = lambda: real_time() + stalled  # type: ignore[method-assign]
        try:
            for _ in range(4):  # four stalls of 3 seconds while the field is held
                stalled += 3
                for _ in range(10):
                    await asyncio.sleep(0)
        finally:
            held.set()
            del loop.time
        await pilot.pause()
        await pilot.pause()
        saved = [(c.kr_id, c.value, c.confidence) for c in meeting_check_ins(store, cycle.id)]
        assert saved == [(first, 42.0, Confidence.ON_TRACK)]
        assert screen.current_kr_id != first
        assert value.value == "0"  # the next step's suggestion, nothing typed into it


async def test_a_correction_typed_in_one_burst_is_in_the_value_before_enter(store, make_app):
    """ "42⌫3⏎g" at once saves 43: backspace, an Input binding, acted only after going up to
    the app again, behind the keys typed after it, and the walk saved 423."""
    cycle = build_team(store, objectives=1, per_objective=2)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_walk(Keys(pilot))
        first = screen.current_kr_id
        burst(app, "4", "2", "backspace", "3", "left", "left", "1", "enter", "g")
        for _ in range(3):
            await pilot.pause()
        saved = [(c.kr_id, c.value) for c in meeting_check_ins(store, cycle.id)]
        assert saved == [(first, 143.0)]


# --- pickers take the keys typed after them (issue 14.4) ------------------------------------


async def test_a_burst_through_the_team_picker_walks_the_team_picked(demo_store, make_app):
    """ "ctrl+t ↓↓ ⏎ c ⏎ 180 ⏎ g 45 ⏎ y" typed at once: the picker takes the arrows and Enter,
    the check-in starts on Sales, and the values land on Sales' key results (the walk ran on
    All teams and saved onto Company and Growth key results)."""
    cycle = demo_store.current_cycle()
    sales = demo_store.team_named("Sales")
    sales_objectives = {o.id for o in demo_store.objectives(cycle.id) if o.team_id == sales.id}
    sales_krs = {
        kr.id for kr in demo_store.key_results(cycle.id) if kr.objective_id in sales_objectives
    }
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        burst(app, "ctrl+t", "down", "down", "enter", "c", "enter")
        burst(app, *"180", "enter", "g", *"45", "enter", "y")
        for _ in range(6):
            await pilot.pause()
        assert app.team_id == sales.id
        screen = app.screen
        assert isinstance(screen, WalkthroughScreen)
        assert screen.settings.team_id == sales.id
        assert set(screen.order) == sales_krs
        saved = [(c.kr_id, c.value, c.confidence) for c in meeting_check_ins(demo_store, cycle.id)]
        assert saved == [
            (screen.order[0], 180.0, Confidence.ON_TRACK),
            (screen.order[1], 45.0, Confidence.AT_RISK),
        ]


async def test_a_burst_through_the_cycle_picker_shows_the_cycle_picked(demo_store, make_app):
    """ "ctrl+y ↓ ⏎ m" at once: the cycle is switched before "m" opens the presentation."""
    from okr_tui.screens.walk.presentation import PresentationScreen

    closed = next(c for c in demo_store.cycles() if c.name == "2026-Q3")
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        burst(app, "ctrl+y", "down", "enter", "m")
        for _ in range(4):
            await pilot.pause()
        assert app.cycle_id == closed.id
        assert isinstance(app.screen, PresentationScreen)


async def test_escape_in_a_picker_keeps_the_team_and_the_keys_after_it_act_below(
    demo_store, make_app
):
    cycle = demo_store.current_cycle()
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        burst(app, "ctrl+t", "down", "escape")
        for _ in range(3):
            await pilot.pause()
        assert app.team_id is None
        assert app.screen.__class__.__name__ == "DashboardScreen"
        assert cycle.id == app.cycle_id


# --- a walk saves only onto the key result on screen (issue 14.4) ---------------------------


async def test_a_key_result_retired_elsewhere_mid_step_takes_nothing_typed_for_it(store, make_app):
    """The value typed for the key result on screen stays with it: when another okr retires
    that key result, the walk moves to the next one with that one's own suggestion, and the
    Enter and confidence typed after save the next one's value, not the 42 typed before."""
    cycle = build_team(store, objectives=1, per_objective=3)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        screen = await start_walk(keys)
        first, second = screen.order[0], screen.order[1]
        await keys("4", "2")
        elsewhere = OkrStore(store.folder, store.clock)
        kr = elsewhere.key_result(cycle.id, first)
        elsewhere.save_key_result(
            kr.model_copy(
                update={
                    "status": Status.RETIRED,
                    "retired_reason": "Dropped",
                    "retired_at": store.clock.now(),
                }
            )
        )
        app.check_store_on_disk()
        await pilot.pause()
        assert screen.current_kr_id == second
        assert screen.query_one("#walk-value", Input).value == "0"
        await keys("enter", "g")
        saved = [(c.kr_id, c.value) for c in meeting_check_ins(store, cycle.id)]
        assert saved == [(second, 0.0)]
        assert screen.current_kr_id == screen.order[1]  # the third, not one skipped
        assert screen.order[1] != second
