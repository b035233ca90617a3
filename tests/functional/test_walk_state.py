"""The walk's state without a screen (domain/walkthrough.py): its order, the step on screen, the
resume rule (start at the first key result not yet done; a correction pass when all are), moving
on after a save, key results retired meanwhile, and what the walk and its set-up count as done."""

from __future__ import annotations

from datetime import UTC, datetime

from test_walkthrough import MEETING, build_team, lines_of

from okr_tui.domain.models import CheckIn, Confidence, Objective
from okr_tui.domain.walkthrough import (
    WalkOrder,
    WalkState,
    talk_first_scores,
    walk_lines,
    walk_progress,
)

ORDER = ["a", "b", "c", "d", "e"]


def test_a_new_walk_starts_at_the_first_key_result_not_yet_done():
    walk = WalkState()
    assert not walk.started and walk.current is None
    walk.update(ORDER, {"a", "b", "d"})
    assert (walk.order, walk.current, walk.correcting, walk.done_count) == (ORDER, "c", False, 3)


def test_a_walk_with_every_key_result_done_opens_at_the_first_as_a_correction_pass():
    walk = WalkState()
    walk.update(ORDER, set(ORDER))
    assert (walk.current, walk.correcting) == ("a", True)
    # A save in a correction pass goes step by step, not past the ones done.
    assert walk.move("a", 1, open_only=True) and walk.current == "b"


def test_after_a_save_the_walk_moves_on_to_the_next_not_done_and_past_the_last_it_is_over():
    walk = WalkState()
    walk.update(ORDER, {"a", "d"})
    assert walk.current == "b"
    walk.update(ORDER, {"a", "b", "d"})  # b saved
    assert walk.move("b", 1, open_only=True) and walk.current == "c"
    walk.update(ORDER, {"a", "b", "c", "d"})
    assert walk.move("c", 1, open_only=True) and walk.current == "e"  # d was done before
    walk.update(ORDER, set(ORDER))
    assert not walk.move("e", 1, open_only=True)  # the summary
    assert walk.current == "e"


def test_skip_and_back_go_step_by_step_whatever_is_done():
    walk = WalkState()
    walk.update(ORDER, {"b"})
    assert walk.move("a", 1) and walk.current == "b"
    assert walk.move("b", -1) and walk.current == "a"
    assert walk.move("a", -1) and walk.current == "a"  # not before the first
    walk.index = 4
    assert not walk.move("e", 1)


def test_the_order_stays_fixed_and_a_key_result_retired_meanwhile_drops_out():
    walk = WalkState()
    walk.update(ORDER, set())
    walk.move("a", 1)
    walk.move("b", 1)
    assert walk.current == "c"
    # Later reads list them in another order (the prep lane moved): the walk keeps its own.
    walk.update(["e", "d", "c", "b", "a"], {"a"})
    assert (walk.order, walk.current) == (ORDER, "c")
    # "c" retired elsewhere while on screen: the step is on the one that followed it.
    walk.update(["a", "b", "d", "e"], {"a"})
    assert (walk.order, walk.current) == (["a", "b", "d", "e"], "d")
    assert walk.move("c", 1, open_only=True) and walk.current == "d"
    # The last one retired while on screen: the step stays on the new last one.
    walk.index = 3
    walk.update(["a", "b", "d"], {"a"})
    assert walk.current == "d"


def test_walk_progress_counts_reviews_in_the_meeting_and_an_owners_updates_for_the_coming_one(
    store,
):
    cycle = build_team(store, objectives=1, per_objective=3)
    lines = lines_of(store, cycle)
    first, second, third = (line.kr for line in lines)
    at = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)

    def check_in(kr, *, in_meeting: bool) -> CheckIn:
        return store.add_check_in(
            CheckIn(
                cycle_id=cycle.id,
                kr_id=kr.id,
                meeting_date=MEETING,
                value=10,
                confidence=Confidence.ON_TRACK,
                recorded_at=at,
                in_meeting=in_meeting,
            )
        )

    check_in(first, in_meeting=True)  # typed in the meeting: reviewed
    check_in(second, in_meeting=False)  # given before it: not reviewed until accepted
    check_ins = store.check_ins(cycle.id)
    lines = lines_of(store, cycle)
    _, done = walk_progress(lines, check_ins, MEETING)
    assert done == {first.id}
    _, done = walk_progress(lines, check_ins, MEETING, reviewed_kr_ids=[second.id])
    assert done == {first.id, second.id}
    # An owner's walk: done is updated for that meeting, review or not.
    shown, done = walk_progress(lines, check_ins, MEETING, owner="Ada")
    assert done == {first.id, second.id}
    assert [line.checked_in_this_meeting for line in shown] == [True, True, False]
    assert third.id not in done


def test_needs_talk_first_walks_first_what_the_prep_lane_names_most(demo_store):
    cycle = demo_store.current_cycle()
    team = demo_store.teams()[0]
    objectives: list[Objective] = [
        o for o in demo_store.objectives(cycle.id) if o.team_id == team.id
    ]
    walked = {o.id for o in objectives}
    key_results = demo_store.key_results(cycle.id, objective_ids=walked)
    check_ins = demo_store.check_ins(cycle.id, kr_ids={kr.id for kr in key_results})
    now = demo_store.clock.now()
    scores = talk_first_scores(
        cycle, objectives, key_results, check_ins, demo_store.actions(cycle.id), now
    )
    assert scores, "the demo's lane names some key result"
    lines = walk_lines(lines_of(demo_store, cycle), team.id, WalkOrder.NEEDS_TALK, (), scores)
    named = [scores.get(line.kr.id, 0) for line in lines]
    assert named == sorted(named, reverse=True)
    assert named[0] == max(scores.values())
    team_order = walk_lines(lines_of(demo_store, cycle), team.id)
    assert {line.kr.id for line in lines} == {line.kr.id for line in team_order}
