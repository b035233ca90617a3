"""The dashboard board: lines are built when drawn, and their declared heights are right."""

from __future__ import annotations

from screen_reading import screen_text

from okr_tui.widgets.objective_board import BoardOption, ObjectiveBoard


async def test_each_line_takes_the_height_it_declares(demo_store, make_app):
    """The board trusts each option's height instead of measuring it: check every kind."""
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        board = app.screen.query_one(ObjectiveBoard)
        options = [o for o in board.options if isinstance(o, BoardOption)]
        assert len(options) == len(board.options)
        assert {o.height for o in options} == {1, 2, 3}  # team, key result, objective
        for option in options:
            assert option.prompt.plain.count("\n") + 1 == option.height, option.prompt.plain


async def test_lines_off_screen_are_built_only_when_scrolled_to(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        board = app.screen.query_one(ObjectiveBoard)
        last = board.options[-1]
        assert not last.built  # not drawn yet, so not built
        last_kr = list(board.lines.values())[-1]
        assert last_kr.kr.title not in screen_text(app)
        await pilot.press("end")
        await pilot.pause()
        assert board.highlighted_kr_id == last_kr.kr.id
        assert last.built
        assert last_kr.kr.title in screen_text(app)


def test_pace_and_confidence_read_differently_in_words():
    """ "● on track" (confidence) beside "■ on track" (pace): a reader could not tell which
    was which. Pace now says "pace" in every state."""
    from okr_tui.domain.models import Confidence
    from okr_tui.domain.progress import Pace
    from okr_tui.widgets.badges import confidence_badge, pace_badge

    confidence_words = {confidence_badge(c).plain[2:] for c in Confidence}
    pace_words = [pace_badge(p).plain[2:] for p in Pace]
    assert pace_words == ["ahead of pace", "on pace", "behind pace"]
    assert not confidence_words & set(pace_words)


async def test_an_objective_off_screen_has_its_lines_worked_out_only_when_read(
    demo_store, make_app
):
    """Issue 19: the progress, pace, forecast and due meetings of key results off screen wait
    until the board draws them (or someone reads them)."""
    app = make_app(demo_store)
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        board_widget = app.screen.query_one(ObjectiveBoard)
        pending = [where[0] for where in board_widget.lines._where.values()]
        assert pending[0]._block is not None  # on screen
        assert pending[-1]._block is None  # far below
        last_id = list(board_widget.lines)[-1]
        assert board_widget.lines[last_id].kr.id == last_id
        assert pending[-1]._block is not None


def test_pending_blocks_are_the_blocks_the_board_had(demo_store):
    """board.pending_blocks gives owner_blocks(objective_blocks(key_result_lines(... with the
    forecasts ...))) one objective at a time: the same blocks, lines, scores and forecasts, in
    the same order (retired ones, and with an owner those without their key results, left
    out alike)."""
    from okr_tui.domain import board, forecast
    from okr_tui.domain.progress import latest_given_scores

    forecast_seen = owned_seen = False
    for cycle in demo_store.cycles():
        objectives = demo_store.objectives(cycle.id)
        key_results = demo_store.key_results(cycle.id)
        check_ins = demo_store.check_ins(cycle.id)
        now = demo_store.clock.now()
        given = latest_given_scores(demo_store.scores(cycle.id))
        found = forecast.forecasts([k for k in key_results if k.is_active], cycle, check_ins)
        lines = board.key_result_lines(
            cycle, objectives, key_results, check_ins, now, forecasts=found
        )
        for owner in (None, "Dana", "nobody"):
            expected = board.owner_blocks(board.objective_blocks(objectives, lines, given), owner)
            pending = board.pending_blocks(
                cycle, objectives, key_results, check_ins, now, given, owner=owner
            )
            assert [p.block() for p in pending] == expected
            assert bool(expected) is (owner is None) or owner == "Dana"
            owned_seen |= owner == "Dana" and bool(expected)
            forecast_seen |= any(b.forecast_score is not None for b in expected)
    assert forecast_seen  # the demo's active cycle has trends to project
    assert owned_seen  # and Dana's key results
