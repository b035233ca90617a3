"""End-of-cycle scoring, the retrospective, and closing a cycle with carry-over."""

from __future__ import annotations

from kr_tables import KrTable, kr_by_title, q4, type_text
from textual.widgets import DataTable, SelectionList, Static, TextArea
from waiting import settle

from okr_tui.domain import progress
from okr_tui.domain.models import Cycle, CycleState
from okr_tui.screens.dashboard import DashboardScreen
from okr_tui.screens.dialogs.reason_dialog import ReasonDialog
from okr_tui.screens.review_close.close_cycle import CloseCycleDialog
from okr_tui.screens.review_close.retrospective import RetrospectiveScreen
from okr_tui.screens.review_close.scoring import OBJECTIVE_ROW, ScoringScreen
from okr_tui.store.store import OkrStore

SCORING = KrTable("s", ScoringScreen, "scoring-table")
table = SCORING.table
highlighted = SCORING.highlighted
cell = SCORING.cell
open_scoring = SCORING.open


def suggested(store, kr):
    return progress.suggested_score(kr, store.check_ins(kr.cycle_id))


async def test_scores_show_suggestion_band_and_weighted_objective_score(demo_store, make_app):
    app = make_app(demo_store)
    cycle_id = q4(demo_store).id
    nrr = kr_by_title(demo_store, "Increase net revenue retention")
    customers = kr_by_title(demo_store, "Reach 500 paying customers")
    company = next(o for o in demo_store.objectives(cycle_id) if o.team_id is None)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_scoring(pilot, app, "Increase net revenue retention")
        assert table(app).row_count == 3 + 9  # three objectives, nine active key results
        assert cell(app, nrr.id, "suggested") == f"{suggested(demo_store, nrr):.1f}" == "0.4"
        expected = progress.objective_score(
            [nrr, customers],
            {nrr.id: suggested(demo_store, nrr), customers.id: suggested(demo_store, customers)},
        )
        assert cell(app, OBJECTIVE_ROW + company.id, "given") == f"{expected:.1f}"
        # Committed objective: 0.9 is a partial miss, only 1.0 is success.
        await pilot.press(*["right"] * 5)
        assert cell(app, nrr.id, "given") == "0.9"
        assert cell(app, nrr.id, "band") == "▲ partial"
        await pilot.press("plus")
        assert cell(app, nrr.id, "band") == "✔ success"
        # The objective score follows the given scores, weighted: (1.0 + 0.5) / 2 -> 0.8.
        assert cell(app, OBJECTIVE_ROW + company.id, "given") == "0.8"
        assert "unsaved" in cell(app, nrr.id, "saved")
    assert demo_store.scores(cycle_id) == []  # moving the score saves nothing by itself


async def test_aspirational_0_7_is_success(demo_store, make_app):
    app = make_app(demo_store)
    activation = kr_by_title(demo_store, "Increase activation rate")
    async with app.run_test(size=(100, 30)) as pilot:
        await open_scoring(pilot, app, "Increase activation rate")
        assert cell(app, activation.id, "given") == "0.6"
        assert cell(app, activation.id, "band") == "▲ partial"
        await pilot.press("right")
        assert cell(app, activation.id, "band") == "✔ success"
        await pilot.press("minus", "minus", "minus")
        assert cell(app, activation.id, "given") == "0.4"
        await pilot.press("left")
        assert cell(app, activation.id, "band") == "✖ miss"


async def test_an_override_is_saved_with_its_reason(demo_store, make_app):
    app = make_app(demo_store)
    nrr = kr_by_title(demo_store, "Increase net revenue retention")
    async with app.run_test(size=(100, 30)) as pilot:
        await open_scoring(pilot, app, "Increase net revenue retention")
        await pilot.press("right", "right", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReasonDialog)
        await type_text(pilot, "Two renewals signed after the cut-off")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
        assert "saved" in cell(app, nrr.id, "saved")
        assert "Two renewals" in cell(app, nrr.id, "saved")

    cycle_id = q4(demo_store).id
    (score,) = demo_store.scores(cycle_id)
    assert (score.kr_id, score.suggested, score.given) == (nrr.id, 0.4, 0.6)
    assert score.reason == "Two renewals signed after the cut-off"
    (entry,) = [e for e in demo_store.audit(cycle_id, nrr.id) if e.field == "score"]
    assert entry.new == 0.6


async def test_an_override_without_a_reason_saves_nothing(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_scoring(pilot, app, "Increase net revenue retention")
        await pilot.press("left", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReasonDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReasonDialog)
        error = app.screen.query_one("#reason-error", Static)
        assert error.display and "reason is needed" in str(error.render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
    assert demo_store.scores(q4(demo_store).id) == []


async def test_a_score_at_the_suggestion_saves_without_a_reason(demo_store, make_app):
    app = make_app(demo_store)
    customers = kr_by_title(demo_store, "Reach 500 paying customers")
    async with app.run_test(size=(100, 30)) as pilot:
        await open_scoring(pilot, app, "Reach 500 paying customers")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
        await pilot.press("a")  # accept the suggestion for every other key result
        await pilot.pause()
    scores = {s.kr_id: s for s in demo_store.scores(q4(demo_store).id)}
    assert len(scores) == 9
    assert scores[customers.id].given == scores[customers.id].suggested == 0.5
    assert all(s.given == s.suggested and s.reason == "" for s in scores.values())


async def open_retrospective(pilot, app) -> None:
    """From the dashboard: s opens scoring, t its retrospective."""
    await open_scoring(pilot, app)
    await pilot.press("t")
    await settle(pilot, lambda: isinstance(app.screen, RetrospectiveScreen))
    assert isinstance(app.screen, RetrospectiveScreen)


async def test_retrospective_notes_are_stored_one_item_per_line(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_retrospective(pilot, app)
        await pilot.press("ctrl+s")  # nothing written yet: refused with a message
        await pilot.pause()
        assert app.screen.query_one("#retro-error", Static).display
        await type_text(pilot, "Weekly numbers")
        await pilot.press("enter")
        await type_text(pilot, "Pairing on funnels")
        await pilot.press("tab")
        await type_text(pilot, "Late check-ins")
        await pilot.press("tab")
        await type_text(pilot, "Demo days [b]monthly[/b]")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)

    (retro,) = demo_store.retrospectives(q4(demo_store).id)
    assert retro.team_id is None
    assert retro.keep_doing == ["Weekly numbers", "Pairing on funnels"]
    assert retro.stop_doing == ["Late check-ins"]
    assert retro.start_doing == ["Demo days [b]monthly[/b]"]


async def test_leaving_the_retrospective_with_escape_keeps_what_was_typed(demo_store, make_app):
    """Esc went back and threw the typed items away; it now saves them first."""
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_retrospective(pilot, app)
        await pilot.press("tab")
        await type_text(pilot, "Too many meetings")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
        (retro,) = demo_store.retrospectives(q4(demo_store).id)
        assert retro.stop_doing == ["Too many meetings"]
        await pilot.press("t")
        await pilot.pause()
        assert "Too many meetings" in app.screen.query_one("#stop_doing", TextArea).text
        await pilot.press("escape")  # nothing changed: just back, no second save
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
        assert len(demo_store.retrospectives(q4(demo_store).id)) == 1


async def test_a_retrospective_the_store_refuses_can_still_be_left(
    demo_store, make_app, monkeypatch
):
    """Escape saves first; when the store refuses, the screen says so and stays, and a second
    escape leaves without saving (the screen trapped its user)."""
    from okr_tui.store.errors import StoreError

    def refused(retrospective):
        raise StoreError(demo_store.folder, "is read-only")

    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_retrospective(pilot, app)
        monkeypatch.setattr(demo_store, "save_retrospective", refused)
        await type_text(pilot, "Weekly numbers")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RetrospectiveScreen)
        assert app.screen.query_one("#retro-error", Static).display
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
    assert demo_store.retrospectives(q4(demo_store).id) == []


async def test_closing_the_cycle_carries_unfinished_work_into_a_new_cycle(demo_store, make_app):
    app = make_app(demo_store)
    old = q4(demo_store)
    old_krs = {kr.title: kr for kr in demo_store.key_results(old.id)}
    check_ins = demo_store.check_ins(old.id)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_scoring(pilot, app)
        await pilot.press("c")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, CloseCycleDialog)
        # Five weeks early: said out loud (closing gave no hint of the days left).
        warning = str(modal.query_one(".dialog-warning", Static).content)
        assert warning.startswith(
            "It runs until Thu 31 Dec: closing now ends it 38 days early, "
            "with 5 check-in meetings left."
        )
        checklist = modal.query_one("#carry", SelectionList)
        assert len(checklist.selected) == checklist.option_count == 3 + 9  # all preselected
        # Leave the second key result ("Reach 500 paying customers") behind.
        await pilot.press("down", "down", "space")
        await pilot.pause()
        assert len(checklist.selected) == 11
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        new = app.cycle
        assert new is not None and new.name == "2027-Q1"

    assert demo_store.cycle(old.id).state is CycleState.CLOSED
    assert (new.start.isoformat(), new.end.isoformat()) == ("2027-01-01", "2027-03-31")
    # Started again (or `okr list`), the store opens on the new cycle too, not the closed one.
    assert OkrStore(demo_store.folder, demo_store.clock).current_cycle() == new
    assert (new.timezone, new.meeting_weekday, new.meeting_time) == (
        old.timezone,
        old.meeting_weekday,
        old.meeting_time,
    )
    carried = demo_store.key_results(new.id)
    assert {kr.title for kr in carried} == set(old_krs) - {"Reach 500 paying customers"}
    for kr in carried:
        before = old_krs[kr.title]
        assert kr.baseline == progress.current_value(before, check_ins)
        assert kr.target == before.target and kr.id != before.id
    objectives = {o.title: o for o in demo_store.objectives(new.id)}
    assert len(objectives) == 3
    company = next(o for o in objectives.values() if o.team_id is None)
    assert all(o.parent_id == company.id for o in objectives.values() if o is not company)


async def test_closing_carries_into_the_existing_following_cycle(demo_store, make_app):
    old = q4(demo_store)
    following = demo_store.save_cycle(
        Cycle(
            name="Next quarter",
            start=old.end.replace(year=2027, month=1, day=1),
            end=old.end.replace(year=2027, month=3, day=31),
            timezone=old.timezone,
        )
    )
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_scoring(pilot, app)
        await pilot.press("c")
        await pilot.pause()
        # Uncheck the first objective: its key results stay behind with it.
        await pilot.press("space", "ctrl+s")
        await pilot.pause()
        assert app.cycle_id == following.id

    assert [c.name for c in demo_store.cycles()] == ["2026-Q3", "2026-Q4", "Next quarter"]
    titles = {o.title for o in demo_store.objectives(following.id)}
    assert "Become the easiest analytics product to adopt" not in titles and len(titles) == 2
    assert all(o.parent_id is None for o in demo_store.objectives(following.id))
    assert len(demo_store.key_results(following.id)) == 7


async def test_cancelling_the_close_keeps_the_cycle_open(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_scoring(pilot, app)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
    assert q4(demo_store).state is CycleState.ACTIVE
    assert len(demo_store.cycles()) == 2


async def test_a_closed_cycle_scores_are_read_only(demo_store, make_app):
    app = make_app(demo_store)
    q3 = demo_store.find_cycle("2026-Q3")
    before = {s.kr_id: s for s in demo_store.scores(q3.id)}
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.cycle_id = q3.id
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
        kr_id = highlighted(app)
        assert cell(app, kr_id, "given") == f"{before[kr_id].given:.1f}"
        await pilot.press("right", "enter", "a", "c")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
        assert cell(app, kr_id, "given") == f"{before[kr_id].given:.1f}"
        assert "read-only" in str(app.screen.query_one("#scoring-intro", Static).render())
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, RetrospectiveScreen)
        assert all(area.read_only for area in app.screen.query(TextArea))
    assert {s.kr_id: s for s in demo_store.scores(q3.id)} == before
    assert demo_store.cycle(q3.id).state is CycleState.CLOSED


async def test_titles_that_look_like_markup_show_exactly_as_typed(demo_store, make_app):
    cycle_id = q4(demo_store).id
    nrr = kr_by_title(demo_store, "Increase net revenue retention")
    company = next(o for o in demo_store.objectives(cycle_id) if o.team_id is None)
    kr_title, objective_title = "[bold]Grow[/] 50% [x]", "[$accent]Cut costs [red]now [/"
    demo_store.save_key_result(nrr.model_copy(update={"title": kr_title}))
    demo_store.save_objective(company.model_copy(update={"title": objective_title}))
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        review_table = app.screen.query_one("#review-table", DataTable)
        assert str(review_table.get_cell(nrr.id, "kr")).startswith(kr_title)
        await pilot.press("a")  # the first row is this key result
        await pilot.pause()
        assert kr_title in str(app.screen.query_one(".form-title", Static).render())
        await pilot.press("escape", "escape")
        await pilot.pause()
        await open_scoring(pilot, app)
        assert cell(app, nrr.id, "title").strip() == kr_title
        assert objective_title in cell(app, OBJECTIVE_ROW + company.id, "title")
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CloseCycleDialog)
        prompts = [
            str(app.screen.query_one("#carry", SelectionList).get_option_at_index(i).prompt)
            for i in range(2)
        ]
        assert objective_title in prompts[0] and kr_title in prompts[1]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
