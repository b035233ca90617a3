"""A realistic demo store: two teams, the current quarter with every past week checked in, and the
closed quarter before it with scores and retrospectives.

Everything time-related follows `store.clock`, and all variation comes from one seeded random
generator, so `okr --at 2026-11-23 demo` gives the same data on every machine and in tests. The
current meeting is left without check-ins, so a walkthrough has work to do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, time, timedelta

import pendulum

from okr_tui.domain.cadence import current_meeting, meetings, quarter_bounds, quarter_containing
from okr_tui.domain.models import (
    Action,
    CheckIn,
    Confidence,
    Cycle,
    CycleState,
    KeyResult,
    KrType,
    Level,
    Meeting,
    Objective,
    ObjectiveKind,
    Retrospective,
    Score,
    Team,
)
from okr_tui.domain.progress import histories, round_score, suggested_score
from okr_tui.store.errors import RuleViolation
from okr_tui.store.store import OkrStore

SEED = 20261123
TIMEZONE = "Europe/Berlin"
MEETING_WEEKDAY = 0  # Monday
MEETING_TIME = time(9, 30)
MEETING_MINUTES = 30
HISTORY_MEETINGS = 14  # every past meeting of the quarter, so nothing shows as missed
PREVIOUS_CHECK_IN_EVERY = 3  # the closed quarter has a check-in every third meeting


# --- the data -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamSpec:
    name: str
    members: tuple[str, ...]
    facilitator: str


@dataclass(frozen=True)
class KrSpec:
    """A key result and how its demo history behaves: `speed` 1 follows a straight line from
    baseline to target over the cycle, above 1 runs ahead, below 1 falls behind."""

    title: str
    owner: str
    kr_type: KrType
    baseline: float
    target: float
    unit: str = "%"
    decimals: int = 1
    speed: float = 1.0
    confidence: int = 7  # milestones only: their value says nothing until they are done
    notes: tuple[str, ...] = ()
    blockers: tuple[str, ...] = ()


@dataclass(frozen=True)
class ObjectiveSpec:
    title: str
    team: str | None  # None: a company objective
    kind: ObjectiveKind
    owner: str
    key_results: tuple[KrSpec, ...]
    description: str = ""


@dataclass(frozen=True)
class ActionSpec:
    kr_title: str
    text: str
    owner: str
    meetings_ago: int  # 1: agreed at the last meeting before the current one
    done: bool


TEAMS = (
    TeamSpec("Growth", ("Amara", "Ben", "Chen", "Dana"), "Dana"),
    TeamSpec("Sales", ("Elif", "Femi", "Gus", "Hana"), "Elif"),
)

COMPANY_OBJECTIVE = ObjectiveSpec(
    "Become the easiest analytics product to adopt",
    None,
    ObjectiveKind.COMMITTED,
    "Dana",
    (
        KrSpec(
            "Increase net revenue retention from 98% to 110%",
            "Elif",
            KrType.INCREASE,
            98,
            110,
            speed=0.8,
            notes=(
                "Two expansions closed in the mid-market segment.",
                "One downgrade from a seasonal customer pulled the figure back.",
                "Renewal calls with the top 20 accounts are booked.",
                "Usage-based add-on is starting to show in expansion revenue.",
            ),
            blockers=("Finance reports NRR monthly; weekly figure is an estimate",),
        ),
        KrSpec(
            "Reach 500 paying customers",
            "Dana",
            KrType.INCREASE,
            350,
            500,
            unit="customers",
            decimals=0,
            speed=0.9,
            notes=(
                "Self-serve sign-ups carried most of the week.",
                "Three customers churned at renewal; two came back on the starter plan.",
                "Annual-plan promotion ended; net adds slowed a little.",
                "Partner referrals brought in four new accounts.",
            ),
        ),
    ),
    description="Customers get value in days, not weeks, and stay because of it.",
)

CURRENT_OBJECTIVES = (
    ObjectiveSpec(
        "Rapidly convert trial users into value-generating customers",
        "Growth",
        ObjectiveKind.ASPIRATIONAL,
        "Dana",
        (
            KrSpec(
                "Increase activation rate from 30% to 45%",
                "Amara",
                KrType.INCREASE,
                30,
                45,
                speed=1.25,
                notes=(
                    "New empty-state templates lifted first-query completion.",
                    "Sample data set now loads by default for new workspaces.",
                    "Cohort from the webinar campaign activated well above average.",
                    "Fixed the broken CSV importer that stalled some trials.",
                ),
            ),
            KrSpec(
                "Improve trial-to-paid conversion from 6% to 10%",
                "Ben",
                KrType.INCREASE,
                6,
                10,
                decimals=2,
                speed=0.25,
                notes=(
                    "Pricing page test still inconclusive after two weeks.",
                    "Many trials stall at inviting a teammate.",
                    "Sales-assisted trials convert; pure self-serve does not yet.",
                    "Credit-card-upfront test paused after complaints.",
                ),
                blockers=(
                    "Billing page redesign waiting on Finance sign-off",
                    "No event tracking on the upgrade dialog yet",
                    "Payment provider migration froze checkout changes",
                ),
            ),
            KrSpec(
                "Increase the share of users reaching the 'aha moment' within 7 days "
                "from 40% to 60%",
                "Chen",
                KrType.INCREASE,
                40,
                60,
                speed=1.0,
                notes=(
                    "Day-3 nudge email shipped; early open rates are good.",
                    "In-app tour shortened from nine steps to four.",
                    "Interviews: 'aha' is the first shared dashboard, not the first chart.",
                    "Smaller sign-up cohort this week, so the share is noisy.",
                ),
            ),
            KrSpec(
                "Self-serve onboarding checklist live for all new trials",
                "Dana",
                KrType.MILESTONE,
                0,
                1,
                unit="",
                decimals=0,
                speed=1.2,
                confidence=7,
                notes=(
                    "Checklist copy reviewed with Support.",
                    "Analytics events for each checklist step in review.",
                    "QA found two edge cases with SSO sign-ups; fixing them.",
                    "Rollout plan agreed: 10%, then 50%, then everyone.",
                ),
                blockers=("Design review slipped a week",),
            ),
        ),
        description="Trials should reach real value on their own, fast.",
    ),
    ObjectiveSpec(
        "Make the sales pipeline predictable",
        "Sales",
        ObjectiveKind.COMMITTED,
        "Elif",
        (
            KrSpec(
                "Increase qualified leads per month from 120 to 200",
                "Femi",
                KrType.INCREASE,
                120,
                200,
                unit="leads",
                decimals=0,
                speed=1.1,
                notes=(
                    "Webinar follow-ups produced a strong batch of leads.",
                    "Tightened the qualification checklist; fewer but better leads.",
                    "Partner channel started sending leads.",
                    "Paid search budget moved to the best-converting keywords.",
                ),
            ),
            KrSpec(
                "Improve demo-to-proposal conversion from 35% to 50%",
                "Gus",
                KrType.INCREASE,
                35,
                50,
                speed=0.7,
                notes=(
                    "New demo script tailored per industry.",
                    "Several demos were with the wrong persona.",
                    "Proposal template now ready the same day.",
                    "Two large prospects asked for a second technical demo.",
                ),
                blockers=(
                    "Solution engineer is out two weeks",
                    "Security questionnaire slows enterprise proposals",
                ),
            ),
            KrSpec(
                "Reduce the average sales cycle from 42 days to 30 days",
                "Hana",
                KrType.DECREASE,
                42,
                30,
                unit="days",
                speed=0.9,
                notes=(
                    "Mutual close plans now used on every deal above 10k.",
                    "Legal review template cut contract back-and-forth.",
                    "Stale deals older than 60 days closed out of the pipeline.",
                    "Procurement at two prospects added a week each.",
                ),
                blockers=("Legal review queue is three deals deep",),
            ),
        ),
        description="We know in week 2 what we will close by the end of the quarter.",
    ),
)

PREVIOUS_OBJECTIVES = (
    ObjectiveSpec(
        "Make the first week of a trial feel effortless",
        "Growth",
        ObjectiveKind.COMMITTED,
        "Dana",
        (
            KrSpec(
                "Reduce median time to first dashboard from 3 days to 1 day",
                "Chen",
                KrType.DECREASE,
                3,
                1,
                unit="days",
                speed=0.95,
                notes=("Template gallery shipped.", "Connector set-up guide rewritten."),
            ),
            KrSpec(
                "Increase week-1 retention of trial users from 55% to 65%",
                "Amara",
                KrType.INCREASE,
                55,
                65,
                speed=0.6,
                notes=("Reminder emails helped less than hoped.", "Retention flat this week."),
            ),
        ),
    ),
    ObjectiveSpec(
        "Build a repeatable outbound motion",
        "Sales",
        ObjectiveKind.COMMITTED,
        "Elif",
        (
            KrSpec(
                "Improve cold email open rate from 22% to 35%",
                "Femi",
                KrType.INCREASE,
                22,
                35,
                speed=0.9,
                notes=("Subject line tests paying off.", "New sending domain warmed up."),
            ),
            KrSpec(
                "Increase outbound demo bookings per month from 40 to 52",
                "Gus",
                KrType.INCREASE,
                40,
                52,
                unit="demos",
                decimals=0,
                speed=0.75,
                notes=("Booking link added to every sequence.", "Summer slowdown in bookings."),
            ),
            KrSpec(
                "Shorten the average sales cycle from 48 days to 42 days",
                "Hana",
                KrType.DECREASE,
                48,
                42,
                unit="days",
                speed=1.05,
                notes=("Close plans piloted on five deals.", "Two long-stalled deals closed."),
            ),
        ),
    ),
)

ACTIONS = (
    ActionSpec(
        "Improve trial-to-paid conversion from 6% to 10%",
        "Call ten trial accounts that stalled at inviting a teammate",
        "Ben",
        meetings_ago=2,
        done=True,
    ),
    ActionSpec(
        "Improve demo-to-proposal conversion from 35% to 50%",
        "Agree with Growth which trial signals qualify a demo",
        "Gus",
        meetings_ago=1,
        done=False,
    ),
    ActionSpec(
        "Improve trial-to-paid conversion from 6% to 10%",
        "Get Finance sign-off on the billing page redesign",
        "Dana",
        meetings_ago=1,
        done=False,
    ),
)
DECISION = (
    "Sales keeps one SDR on inbound follow-up until the sales cycle is under 38 days",
    3,  # meetings ago
)
PARKED_TOPIC = (
    "Should the onboarding checklist also cover enterprise admins?",
    1,  # meetings ago
)

# The one score given differently from the suggestion, to show an override with its reason.
SCORE_OVERRIDE = (
    "Improve cold email open rate from 22% to 35%",
    -0.1,
    "Opens were inflated by mail privacy pre-fetching; replies grew far less",
)

RETROSPECTIVES = {
    "Growth": (
        (
            "Reviewing the activation funnel together every Monday",
            "Pairing with Support on stuck trials",
        ),
        (
            "Starting experiments without a success metric",
            "Letting the onboarding backlog grow past two sprints",
        ),
        (
            "Writing the hypothesis on every experiment ticket",
            "Sharing trial recordings with Sales each week",
        ),
    ),
    "Sales": (
        ("Tagging every lost deal with a reason", "Short Monday pipeline reviews"),
        ("Counting meetings booked as the goal", "Discounting to pull deals into the quarter"),
        (
            "Qualifying with one checklist across the team",
            "Asking Growth for trial insights before each demo",
        ),
    ),
}


# --- building -------------------------------------------------------------------------------


def build_demo(store: OkrStore) -> None:
    """Fill an empty store with the demo; refuse (writing nothing) if it already holds data."""
    if store.holds_data():
        raise RuleViolation(
            f"the store at {store.folder} already holds data; demo needs an empty store"
        )
    rng = random.Random(SEED)
    teams = _save_teams(store)
    today = store.clock.now().in_timezone(TIMEZONE).date()
    year, quarter = quarter_containing(today)
    previous = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    _build_previous_cycle(store, rng, teams, _save_cycle(store, *previous))
    _build_current_cycle(store, rng, teams, _save_cycle(store, year, quarter))


def _day(moment: pendulum.DateTime) -> date:
    """The local date of a meeting, as a plain date like the models keep."""
    return date(moment.year, moment.month, moment.day)


def _save_teams(store: OkrStore) -> dict[str, Team]:
    teams = {}
    for order, spec in enumerate(TEAMS):
        team = Team(
            name=spec.name, members=list(spec.members), facilitator=spec.facilitator, order=order
        )
        teams[spec.name] = store.save_team(team)
    return teams


def _save_cycle(store: OkrStore, year: int, quarter: int) -> Cycle:
    start, end = quarter_bounds(year, quarter)
    cycle = Cycle(
        name=f"{year}-Q{quarter}",
        start=start,
        end=end,
        timezone=TIMEZONE,
        meeting_weekday=MEETING_WEEKDAY,
        meeting_time=MEETING_TIME,
        state=CycleState.ACTIVE,
    )
    return store.save_cycle(cycle)


def _save_objective(
    store: OkrStore,
    cycle: Cycle,
    spec: ObjectiveSpec,
    teams: dict[str, Team],
    order: int,
    parent: Objective | None = None,
) -> tuple[Objective, list[tuple[KeyResult, KrSpec]]]:
    """Save an objective and its key results; returns it and the key results with their specs."""
    objective = store.save_objective(
        Objective(
            cycle_id=cycle.id,
            team_id=teams[spec.team].id if spec.team else None,
            title=spec.title,
            description=spec.description,
            owner=spec.owner,
            level=Level.TEAM if spec.team else Level.COMPANY,
            kind=spec.kind,
            parent_id=parent.id if parent else None,
            order=order,
        ),
        author=spec.owner,
    )
    # Planned the day before the quarter starts, so they owe every meeting of it.
    eve = cycle.start - timedelta(days=1)
    planned_at = pendulum.datetime(eve.year, eve.month, eve.day, 15, tz=TIMEZONE).in_timezone("UTC")
    saved = []
    for kr_order, kr_spec in enumerate(spec.key_results):
        kr = KeyResult(
            cycle_id=cycle.id,
            objective_id=objective.id,
            title=kr_spec.title,
            owner=kr_spec.owner,
            kr_type=kr_spec.kr_type,
            unit=kr_spec.unit,
            baseline=kr_spec.baseline,
            target=kr_spec.target,
            order=kr_order,
            created_at=planned_at,
        )
        saved.append((store.save_key_result(kr, author=spec.owner), kr_spec))
    return objective, saved


def _elapsed(cycle: Cycle, moment: pendulum.DateTime) -> float:
    """The share of the cycle's days gone by at a meeting."""
    return (_day(moment) - cycle.start).days / ((cycle.end - cycle.start).days + 1)


def _progress_path(
    rng: random.Random, cycle: Cycle, moments: list[pendulum.DateTime], speed: float
) -> list[float]:
    """Progress 0..1 at each meeting: a noisy straight line through the cycle at `speed`."""
    path, progress, before = [], 0.0, 0.0
    for moment in moments:
        elapsed = _elapsed(cycle, moment)
        progress += speed * (elapsed - before) * rng.uniform(0.4, 1.6)
        before = elapsed
        path.append(min(progress, 1.0))
    return path


def _value(spec: KrSpec, progress: float) -> float:
    if spec.kr_type is KrType.MILESTONE:
        return 1.0 if progress >= 1.0 else 0.0
    return round(spec.baseline + (spec.target - spec.baseline) * progress, spec.decimals)


def _confidence_score(
    rng: random.Random, spec: KrSpec, cycle: Cycle, moment: pendulum.DateTime, progress: float
) -> int:
    """The owner's 0-10 confidence: how the key result keeps pace with the calendar."""
    if spec.kr_type is KrType.MILESTONE:
        return 10 if progress >= 1.0 else spec.confidence + rng.choice((-1, 0, 0, 1))
    pace = progress / max(_elapsed(cycle, moment), 0.01)
    if pace >= 1.0:
        return rng.choice((8, 8, 9))
    if pace >= 0.85:
        return rng.choice((7, 7, 8))
    if pace >= 0.6:
        return rng.choice((5, 6))
    if pace >= 0.45:
        return 4
    return rng.choice((2, 3))


def _check_in(
    rng: random.Random,
    cycle: Cycle,
    kr: KeyResult,
    spec: KrSpec,
    moment: pendulum.DateTime,
    progress: float,
    week: int,
) -> CheckIn:
    score = _confidence_score(rng, spec, cycle, moment, progress)
    confidence = Confidence.from_score(score)
    blocker = ""
    if confidence is not Confidence.ON_TRACK and spec.blockers and rng.random() < 0.6:
        blocker = spec.blockers[week % len(spec.blockers)]
    return CheckIn(
        cycle_id=cycle.id,
        kr_id=kr.id,
        meeting_date=_day(moment),
        value=_value(spec, progress),
        confidence=confidence,
        confidence_score=score,
        note=spec.notes[week % len(spec.notes)] if spec.notes else "",
        blockers=blocker,
        author=spec.owner,
        recorded_at=moment.in_timezone("UTC"),
    )


def _record_history(
    store: OkrStore,
    rng: random.Random,
    cycle: Cycle,
    key_results: list[tuple[KeyResult, KrSpec]],
    moments: list[pendulum.DateTime],
    recorded: set[date],
) -> dict[date, list[str]]:
    """Check in every key result at the `recorded` meetings, its value following a path drawn
    over all `moments` so far; returns the check-in ids by meeting date."""
    by_day: dict[date, list[str]] = {}
    for kr, spec in key_results:
        path = _progress_path(rng, cycle, moments, spec.speed)
        for week, (moment, progress) in enumerate(zip(moments, path, strict=True)):
            if _day(moment) not in recorded:
                continue
            check_in = store.add_check_in(_check_in(rng, cycle, kr, spec, moment, progress, week))
            by_day.setdefault(check_in.meeting_date, []).append(check_in.id)
    return by_day


def _build_current_cycle(
    store: OkrStore, rng: random.Random, teams: dict[str, Team], cycle: Cycle
) -> None:
    """The quarter in progress: history up to the current meeting, which is left to do."""
    company, key_results = _save_objective(store, cycle, COMPANY_OBJECTIVE, teams, order=0)
    for order, spec in enumerate(CURRENT_OBJECTIVES, start=1):
        key_results += _save_objective(store, cycle, spec, teams, order, company)[1]

    current = current_meeting(cycle, store.clock.now())
    if current is None:
        return
    past = [m for m in meetings(cycle) if _day(m) < _day(current)]
    recorded = past[-HISTORY_MEETINGS:]
    check_ins = _record_history(store, rng, cycle, key_results, past, {_day(m) for m in recorded})
    actions = _save_actions(store, cycle, key_results, recorded)
    _save_meetings(store, rng, cycle, recorded, check_ins, actions)


def _save_actions(
    store: OkrStore,
    cycle: Cycle,
    key_results: list[tuple[KeyResult, KrSpec]],
    recorded: list[pendulum.DateTime],
) -> dict[date, list[str]]:
    """The actions agreed at recent meetings, due a week later; returns their ids by date."""
    by_title = {kr.title: kr for kr, _ in key_results}
    by_day: dict[date, list[str]] = {}
    for spec in ACTIONS:
        if spec.meetings_ago > len(recorded):
            continue
        moment = recorded[-spec.meetings_ago]
        action = store.save_action(
            Action(
                cycle_id=cycle.id,
                kr_id=by_title[spec.kr_title].id,
                text=spec.text,
                owner=spec.owner,
                due=_day(moment) + timedelta(weeks=1),
                done=spec.done,
                created_at=moment.in_timezone("UTC"),
                meeting_date=_day(moment),
            )
        )
        by_day.setdefault(_day(moment), []).append(action.id)
    return by_day


def _save_meetings(
    store: OkrStore,
    rng: random.Random,
    cycle: Cycle,
    recorded: list[pendulum.DateTime],
    check_ins: dict[date, list[str]],
    actions: dict[date, list[str]],
) -> None:
    """A closed record of each past meeting: both teams together, facilitators taking turns."""
    everyone = [member for spec in TEAMS for member in spec.members]
    for index, moment in enumerate(recorded):
        meetings_ago = len(recorded) - index
        day = _day(moment)
        absent = rng.choice(everyone) if rng.random() < 0.5 else None
        store.save_meeting(
            Meeting(
                cycle_id=cycle.id,
                team_id=None,
                meeting_date=day,
                facilitator=TEAMS[index % len(TEAMS)].facilitator,
                attendees=[member for member in everyone if member != absent],
                check_in_ids=check_ins.get(day, []),
                action_ids=actions.get(day, []),
                decisions=[DECISION[0]] if meetings_ago == DECISION[1] else [],
                parked_topics=[PARKED_TOPIC[0]] if meetings_ago == PARKED_TOPIC[1] else [],
                closed_at=moment.add(minutes=MEETING_MINUTES).in_timezone("UTC"),
            )
        )


def _build_previous_cycle(
    store: OkrStore, rng: random.Random, teams: dict[str, Team], cycle: Cycle
) -> None:
    """The quarter before: a few check-ins, final scores and retrospectives, then closed."""
    key_results: list[tuple[KeyResult, KrSpec]] = []
    for order, spec in enumerate(PREVIOUS_OBJECTIVES):
        key_results += _save_objective(store, cycle, spec, teams, order)[1]
    schedule = meetings(cycle)
    last = len(schedule) - 1
    recorded = {
        _day(m) for i, m in enumerate(schedule) if (last - i) % PREVIOUS_CHECK_IN_EVERY == 0
    }
    _record_history(store, rng, cycle, key_results, schedule, recorded)

    wrap_up = schedule[-1].add(minutes=MEETING_MINUTES).in_timezone("UTC")
    _save_scores(store, cycle, key_results, wrap_up)
    for team_name, (keep, stop, start) in RETROSPECTIVES.items():
        store.save_retrospective(
            Retrospective(
                cycle_id=cycle.id,
                team_id=teams[team_name].id,
                keep_doing=list(keep),
                stop_doing=list(stop),
                start_doing=list(start),
                written_at=wrap_up.add(hours=1),
            )
        )
    store.close_cycle(cycle.id)


def _save_scores(
    store: OkrStore,
    cycle: Cycle,
    key_results: list[tuple[KeyResult, KrSpec]],
    scored_at: pendulum.DateTime,
) -> None:
    """Score every key result as suggested, except the one override with its reason."""
    check_ins = histories(store.check_ins(cycle.id))
    override_title, change, override_reason = SCORE_OVERRIDE
    for kr, spec in key_results:
        suggested = suggested_score(kr, check_ins)
        given, reason = suggested, ""
        if kr.title == override_title:
            given = round_score(
                suggested + change if 0 <= suggested + change <= 1 else suggested - change
            )
            reason = override_reason
        store.save_score(
            Score(
                cycle_id=cycle.id,
                kr_id=kr.id,
                suggested=suggested,
                given=given,
                reason=reason,
                scored_at=scored_at,
            ),
            author=spec.owner,
        )
