"""The alignment tree: the rolled-up figures, the tree in the app (planning's a, the palette),
and `okr tree` as a person types it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from screen_reading import screen_text

from okr_tui.domain import board
from okr_tui.domain.alignment import alignment_tree
from okr_tui.domain.models import Confidence, Level, Objective, Status
from okr_tui.screens.plan.alignment import AlignmentScreen


def _tree(store):
    cycle = store.current_cycle()
    objectives = store.objectives(cycle.id)
    lines = board.key_result_lines(
        cycle,
        objectives,
        store.key_results(cycle.id),
        store.check_ins(cycle.id),
        store.clock.now(),
    )
    return cycle, lines, alignment_tree(objectives, lines, {t.id: t.name for t in store.teams()})


def test_team_objectives_hang_under_the_company_objective_they_align_to(demo_store):
    _, lines, roots = _tree(demo_store)
    [company] = roots
    assert company.objective.level is Level.COMPANY and company.team_name == "Company"
    assert sorted(child.team_name for child in company.children) == ["Growth", "Sales"]
    # Rolled up: the company's own key results by weight, then each team objective as one share.
    shares = [(line.kr.weight, line.progress) for line in company.key_results]
    shares += [(1.0, child.progress) for child in company.children]
    expected = sum(w * p for w, p in shares) / sum(w for w, _ in shares)
    assert company.progress == pytest.approx(expected)
    # The worst confidence below is the company's: one key result off track is never hidden.
    below = [line.confidence for _, node in company.walk() for line in node.key_results]
    worst = min((c for c in below if c), key=lambda c: c.rank)
    assert company.confidence is worst
    assert worst is Confidence.OFF_TRACK
    for child in company.children:
        own = [line for line in lines if line.objective.id == child.objective.id]
        assert [line.kr.id for line in child.key_results] == [line.kr.id for line in own]


def test_an_objective_whose_parent_is_retired_or_missing_stays_in_the_tree(demo_store):
    cycle = demo_store.current_cycle()
    company = next(o for o in demo_store.objectives(cycle.id) if o.level is Level.COMPANY)
    orphan = Objective(cycle_id=cycle.id, title="Orphan", parent_id="obj-gone")
    retired = company.model_copy(update={"status": Status.RETIRED})
    objectives = [retired, orphan, *demo_store.objectives(cycle.id)[1:]]
    roots = alignment_tree(objectives, [], {})
    titles = [root.objective.title for root in roots]
    assert "Orphan" in titles and company.title not in titles
    everything = [node.objective.id for root in roots for _, node in root.walk()]
    assert len(everything) == len(set(everything)) == len(objectives) - 1
    loop_a = Objective(cycle_id=cycle.id, id="obj-a", title="A", parent_id="obj-b")
    loop_b = Objective(cycle_id=cycle.id, id="obj-b", title="B", parent_id="obj-a")
    assert alignment_tree([loop_a, loop_b], [], {}) == []  # no root, and no endless walk


async def test_the_palette_and_planning_open_the_tree_and_it_folds(demo_store, make_app):
    app = make_app(demo_store)
    _, _, [company] = _tree(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p", *"Alignment tree")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AlignmentScreen)
        shown = screen_text(app)
        assert company.objective.title in shown
        for child in company.children:
            assert child.objective.title in shown
            assert child.key_results[0].kr.title in shown
        await pilot.press("minus")  # fold all: the team objectives go out of sight
        await pilot.pause()
        assert company.children[0].objective.title not in screen_text(app)
        await pilot.press("plus")
        await pilot.pause()
        assert company.children[0].key_results[0].kr.title in screen_text(app)
        await pilot.press("escape", "p", "a")
        await pilot.pause()
        assert isinstance(app.screen, AlignmentScreen)


async def test_a_title_with_markup_shows_as_typed_in_the_tree(demo_store, make_app):
    cycle = demo_store.current_cycle()
    objective = demo_store.objectives(cycle.id)[0]
    demo_store.save_objective(objective.model_copy(update={"title": "Grow [bold]fast[/] 50% [x]"}))
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.action_alignment()
        await pilot.pause()
        assert "Grow [bold]fast[/] 50% [x]" in screen_text(app)


def test_the_alignment_tree_at_100x30(snap_compare, demo_store, make_app):
    async def open_tree(pilot) -> None:
        await pilot.press("p", "a")
        await pilot.pause()

    assert snap_compare(make_app(demo_store), run_before=open_tree, terminal_size=(100, 30))


def test_okr_tree_prints_the_tree_with_ids(demo_store, tmp_path):
    env = {**os.environ, "OKR_HOME": str(tmp_path)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "okr_tui",
            "--at",
            "2026-11-23T10:00:00Z",
            "--db",
            str(demo_store.folder),
            "tree",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    _, _, [company] = _tree(demo_store)
    lines = result.stdout.splitlines()
    assert lines[0] == "2026-Q4 (active)"
    assert lines[2].startswith(f"{company.objective.title}  [Company · company]  ")
    children = [line for line in lines if "[Growth · team]" in line or "[Sales · team]" in line]
    assert len(children) == 2 and all(line.startswith(("├─ ", "└─ ")) for line in children)
    for _, node in company.walk():
        for line in node.key_results:
            assert any(f"{line.kr.id}  {line.kr.title}  " in printed for printed in lines)
