"""Plan advice on the example OKRs: it flags outputs and crowded plans, and never blocks."""

from __future__ import annotations

import pytest

from okr_tui.domain.lint import OUTPUT_MESSAGE, Advice, Severity, check_plan
from okr_tui.domain.models import KeyResult, KrType, Objective, ObjectiveKind, Status


def objective(title: str, team_id: str | None = "growth", **fields) -> Objective:
    return Objective(cycle_id="c1", team_id=team_id, title=title, **fields)


def key_result(owner: Objective, title: str, kr_type: KrType = KrType.INCREASE, **fields):
    return KeyResult(cycle_id="c1", objective_id=owner.id, title=title, kr_type=kr_type, **fields)


def about(advice: list[Advice], subject_id: str) -> list[Advice]:
    return [item for item in advice if item.subject_id == subject_id]


def growth_plan() -> tuple[Objective, list[KeyResult]]:
    """The startup growth objective from examples.md: a plan that needs no advice."""
    trials = objective(
        "Rapidly convert trial users into value-generating customers",
        kind=ObjectiveKind.ASPIRATIONAL,
    )
    return trials, [
        key_result(trials, "Increase activation rate from 30% to 45%", baseline=30, target=45),
        key_result(
            trials, "Improve trial-to-paid conversion from 6% to 10%", baseline=6, target=10
        ),
        key_result(
            trials,
            'Increase the share of users reaching the "aha moment" within 7 days from 40% to 60%',
            baseline=40,
            target=60,
        ),
    ]


def test_a_good_plan_gets_no_advice() -> None:
    trials, krs = growth_plan()
    assert check_plan([trials], krs) == []


@pytest.mark.parametrize(
    "title",
    [
        "Publish 10 blog posts",
        "Hold weekly webinars",
        "Interview 12 enterprise admins",
        "Publish 20 blog articles a month",
        "Launch three new social media campaigns",
        "Redesign the product page",
        "organise 4 customer meetups",
        "SHIP: the new onboarding flow by week 6",
    ],
)
def test_activities_are_questioned_as_outputs(title: str) -> None:
    trials, krs = growth_plan()
    activity = key_result(trials, title, baseline=0, target=10)
    advice = about(check_plan([trials], [*krs[:2], activity]), activity.id)
    assert Advice(Severity.WARNING, activity.id, f'"{title}": {OUTPUT_MESSAGE}') in advice
    assert OUTPUT_MESSAGE == "this reads like an output; which outcome should it move?"


@pytest.mark.parametrize(
    "title",
    [
        "Increase activation rate from 30% to 45%",
        "Reduce the average sales cycle from 42 days to 30 days",
        "Improve eNPS from 40 to 55",
        "Grow the email subscriber list by 25%",
        "Raise mobile conversion rate from 1.2% to 2.0%",
        "Cut mobile checkout abandonment from 78% to 65%",
        "Bring mobile page load (LCP) from 4.1 s to 2.5 s",
        "Reach a 90% satisfaction score on the onboarding experience",
        "Boost site traffic by 40% by the end of the quarter",
        "Shorten the average sales cycle from 45 to 30 days",
        "Decrease support first-response time from 6 to 4 hours",
        "Increase MQL-to-SQL conversion rate by 20% after we launch webinars",
    ],
)
def test_outcomes_are_not_questioned(title: str) -> None:
    trials, krs = growth_plan()
    outcome = key_result(trials, title, baseline=0, target=10)
    assert about(check_plan([trials], [*krs[:2], outcome]), outcome.id) == []


def test_a_title_without_a_number_asks_for_baseline_and_target() -> None:
    trials, krs = growth_plan()
    vague = key_result(trials, "Improve customer happiness", baseline=0, target=10)
    spelled = key_result(trials, "Double the trial signups", baseline=100, target=200)
    advice = check_plan([trials], [*krs[:2], vague, spelled])
    (note,) = about(advice, vague.id)
    assert note.severity is Severity.WARNING
    assert note.message.startswith('"Improve customer happiness" has no number')
    assert "baseline and a target" in note.message
    assert about(advice, spelled.id) == []


def test_an_activity_without_a_number_gets_both_notes() -> None:
    trials, krs = growth_plan()
    webinars = key_result(trials, "Hold weekly webinars", baseline=0, target=12)
    messages = [item.message for item in about(check_plan([trials], [*krs, webinars]), webinars.id)]
    assert len(messages) == 2
    assert f'"Hold weekly webinars": {OUTPUT_MESSAGE}' in messages


def test_stay_above_and_below_need_a_number_too() -> None:
    trials, krs = growth_plan()
    held = key_result(trials, "Uptime stays above 99.9%", KrType.STAY_ABOVE, target=99.9)
    vague = key_result(trials, "Churn stays low", KrType.STAY_BELOW, target=4)
    advice = check_plan([trials], [*krs[:2], held, vague])
    assert about(advice, held.id) == []
    assert len(about(advice, vague.id)) == 1


def test_more_than_three_objectives_in_a_team() -> None:
    titles = [
        "Make the sales pipeline predictable",
        "Increase conversion rates in outbound sales",
        "Increase brand visibility in target markets",
        "Improve product usability for new users",
    ]
    objectives = [objective(title, team_id="sales") for title in titles]
    advice = check_plan(objectives, [])
    (crowded,) = about(advice, "sales")
    assert crowded.severity is Severity.WARNING
    assert crowded.message.startswith("4 active objectives")
    assert about(check_plan(objectives[:3], []), "sales") == []


def test_company_objectives_are_counted_under_company() -> None:
    objectives = [objective(f"Company goal {n}", team_id=None) for n in range(4)]
    assert len(about(check_plan(objectives, []), "company")) == 1


def test_retired_objectives_do_not_count_towards_the_limit() -> None:
    objectives = [objective(f"Sales goal {n}", team_id="sales") for n in range(3)]
    objectives.append(
        objective("Win the Nordics", team_id="sales", status=Status.RETIRED, retired_reason="no")
    )
    assert about(check_plan(objectives, []), "sales") == []


def test_teams_are_counted_separately() -> None:
    objectives = [objective(f"Sales goal {n}", team_id="sales") for n in range(3)]
    objectives += [objective(f"Growth goal {n}", team_id="growth") for n in range(3)]
    advice = check_plan(objectives, [])
    assert about(advice, "sales") == []
    assert about(advice, "growth") == []


def test_an_objective_with_one_key_result() -> None:
    trials, krs = growth_plan()
    (note,) = about(check_plan([trials], krs[:1]), trials.id)
    assert note.severity is Severity.WARNING
    assert "has 1 active key result;" in note.message


def test_an_objective_with_no_key_result() -> None:
    trials, _ = growth_plan()
    (note,) = about(check_plan([trials], []), trials.id)
    assert "has 0 active key results" in note.message


def test_an_objective_with_six_key_results() -> None:
    trials, krs = growth_plan()
    more = [
        key_result(trials, f"Increase weekly active teams from {n}0 to {n}5", baseline=1, target=2)
        for n in range(1, 4)
    ]
    advice = check_plan([trials], [*krs, *more])
    (note,) = about(advice, trials.id)
    assert "has 6 active key results" in note.message
    assert about(check_plan([trials], [*krs, *more[:2]]), trials.id) == []


def test_retired_key_results_do_not_count_and_get_no_advice() -> None:
    trials, krs = growth_plan()
    retired = key_result(
        trials,
        "Publish 10 blog posts",
        baseline=0,
        target=10,
        status=Status.RETIRED,
        retired_reason="content moved to marketing",
    )
    advice = check_plan([trials], [krs[0], retired])
    assert about(advice, retired.id) == []
    assert "has 1 active key result;" in about(advice, trials.id)[0].message


def test_key_results_of_a_retired_objective_get_no_advice() -> None:
    old = objective("Win the Nordics", status=Status.RETIRED, retired_reason="market paused")
    activity = key_result(old, "Hold weekly webinars", baseline=0, target=12)
    assert check_plan([old], [activity]) == []


def test_a_milestone_on_a_learning_objective_is_fine() -> None:
    learn = objective(
        "Learn whether self-serve onboarding can work for enterprise customers",
        kind=ObjectiveKind.LEARNING,
    )
    decision = key_result(
        learn, "Decide on self-serve with evidence from 2 pilots", KrType.MILESTONE
    )
    survey = key_result(learn, "Reach 60% of admins answering the survey", baseline=0, target=60)
    assert check_plan([learn], [decision, survey]) == []


def test_a_milestone_elsewhere_gets_an_info_note() -> None:
    trials, krs = growth_plan()
    milestone = key_result(trials, "Self-serve checkout live for all plans", KrType.MILESTONE)
    (note,) = about(check_plan([trials], [*krs[:2], milestone]), milestone.id)
    assert note.severity is Severity.INFO
    assert "milestones measure activity" in note.message


def test_titles_stay_plain_text_in_messages() -> None:
    trials, krs = growth_plan()
    nasty = key_result(trials, "Launch [red]now[/] [@click=app.quit]x[/]", baseline=0, target=1)
    advice = about(check_plan([trials], [*krs[:2], nasty]), nasty.id)
    assert all("[red]now[/] [@click=app.quit]x[/]" in item.message for item in advice)
