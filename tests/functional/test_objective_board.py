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
