"""Synthetic organisations for the benchmarks: many teams, years of weekly check-ins.

    python benchmarks/generate.py --quarters 8            # 50 teams, 8 quarters (~59k check-ins)
    python benchmarks/generate.py --quarters 32           # 50 teams, 32 quarters (~246k)
    python benchmarks/generate.py --quarters 1 --teams 2 --out /tmp/tiny

Every team has 3 objectives of 4 key results; every key result is checked in at 13 weekly
meetings of each closed quarter (scored, with a retrospective per team and a closed meeting
record per team and week). The last quarter (2026-Q4) is active: checked in up to the week
before the benchmark clock (`CLOCK_AT`, Monday of its week 8, 10:00 UTC), so the current meeting
is due. Check-ins are stored in the order they were recorded, meeting after meeting, as
`add_check_in` appends them in a real store. Everything comes from `random.Random` seeded by the
seed and the quarter, so a size and seed always give the same store.

Stores are written through `OkrStore.replace_everything` (one write per file), with each
quarter's contents built only when its file is written, so memory holds one quarter at a time.
`ensure_store` caches them under benchmarks/out/ (gitignored), keyed by size, seed and
generator version.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pendulum

from okr_tui.domain.cadence import meetings, quarter_bounds
from okr_tui.domain.clock import FixedClock
from okr_tui.domain.models import (
    Action,
    AuditEntry,
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
from okr_tui.domain.progress import format_value, round_score, suggested_score
from okr_tui.store.store import CycleContents, OkrStore

GENERATOR_VERSION = 2  # bump when the data changes, so cached stores are rebuilt
DEFAULT_SEED = 20261123
OUT = Path(__file__).resolve().parent / "out"

TEAMS = 50
OBJECTIVES_PER_TEAM = 3
KRS_PER_OBJECTIVE = 4
CHECK_INS_PER_QUARTER = 13
LAST_QUARTER = (2026, 4)
CLOCK_AT = "2026-11-23T10:00:00Z"  # Monday of week 8 of 2026-Q4, after its 09:30 meeting
CURRENT_WEEK = 8
TIMEZONE = "Europe/Berlin"
MEETING_MINUTES = 30

# --- vocabulary -------------------------------------------------------------------------------

AREAS = (
    "Growth", "Sales", "Platform", "Payments", "Mobile", "Web", "Data", "Search", "Security",
    "Infrastructure", "Support", "Success", "Marketing", "Brand", "Partnerships", "Finance",
    "People", "Recruiting", "Legal", "Design", "Research", "Onboarding", "Billing", "Identity",
    "Notifications", "Integrations", "API", "Analytics", "Reliability", "Developer Experience",
    "Enterprise", "Self-Serve", "Pricing", "Localization", "Accessibility", "Compliance",
    "Procurement", "Facilities", "IT", "Content", "Community", "Education", "Quality",
    "Performance", "Release", "Messaging", "Checkout", "Catalog", "Logistics", "Fraud",
)  # fmt: skip
FIRST_NAMES = (
    "Amara", "Ben", "Chen", "Dana", "Elif", "Femi", "Gus", "Hana", "Ivo", "Jia", "Kofi", "Lena",
    "Mateo", "Nour", "Olu", "Priya", "Quinn", "Rosa", "Sami", "Tara", "Uma", "Vik", "Wren",
    "Xavi", "Yara", "Zoe", "Ali", "Bea", "Cem", "Dev", "Eva", "Finn", "Gita", "Hugo", "Ines",
    "Jon", "Kai", "Lea", "Milo", "Nia", "Omar", "Pia", "Raj", "Sofia", "Tom", "Ugo", "Vera",
)  # fmt: skip
OBJECTIVE_TITLES = (
    "Make {area} effortless for new customers",
    "Build a predictable {area} pipeline",
    "Cut the cost of running {area} in half",
    "Turn {area} into a reason customers stay",
    "Make every {area} release boring and safe",
    "Win the mid-market with {area}",
    "Know in week 2 what {area} will deliver this quarter",
    "Earn trust through {area} quality",
)
DESCRIPTIONS = (
    "Customers get value in days, not weeks, and stay because of it.",
    "Fewer surprises for the rest of the company.",
    "Less toil, more time for the work that moves the needle.",
    "",
)
METRICS = (
    # (title template, unit, baseline range, factor to target, decimals, decreasing)
    ("Increase weekly active teams in {area}", "teams", (200, 900), 1.4, 0, False),
    ("Improve {area} activation rate", "%", (20, 45), 1.35, 1, False),
    ("Increase {area} net revenue retention", "%", (92, 104), 1.08, 1, False),
    ("Grow qualified {area} leads per month", "leads", (80, 300), 1.5, 0, False),
    ("Raise {area} NPS", "", (10, 40), 1.5, 0, False),
    ("Reduce {area} median response time", "min", (40, 240), 0.6, 0, True),
    ("Cut {area} incidents per month", "incidents", (8, 30), 0.5, 0, True),
    ("Reduce {area} cost per transaction", "€", (0.4, 2.0), 0.75, 2, True),
    ("Shorten the {area} lead time for changes", "days", (5, 20), 0.6, 1, True),
    ("Increase {area} revenue per month", "$", (50_000, 400_000), 1.25, 0, False),
)
MILESTONES = (
    "Launch the new {area} onboarding checklist",
    "Migrate {area} to the shared event pipeline",
    "Publish the {area} public roadmap",
    "Ship {area} single sign-on for enterprise accounts",
)
STAY_METRICS = (
    ("Keep {area} availability above 99.9%", KrType.STAY_ABOVE, 99.9, "%"),
    ("Keep {area} churn below 2% a month", KrType.STAY_BELOW, 2.0, "%"),
)
NOTES = (
    "Good week: the experiment from last sprint is paying off.",
    "Flat this week; holiday traffic skews the figure.",
    "Two big accounts moved the number more than expected.",
    "Shipped the quick win we agreed last Monday.",
    "Data pipeline was late, so this figure is an estimate.",
    "Interviews suggest the real blocker is onboarding, not pricing.",
    "Small sample this week, treat the change as noise.",
    "Back on plan after the migration finished.",
    "Slipped a little: the team spent the week on an incident.",
    "New dashboard lets us see this daily now.",
    "Partner channel started contributing.",
    "Waiting on the design review before the next step.",
    "",
    "",
)
BLOCKERS = (
    "Waiting on Finance sign-off",
    "Two engineers out sick",
    "Vendor contract still in legal review",
    "Tracking events missing in the new flow",
    "Depends on the Platform migration",
)
DECISIONS = (
    "Pause the pricing experiment until the data is clean",
    "Move one engineer to the onboarding work for two weeks",
    "Ask Data for a daily export of this figure",
)
RETRO = (
    ("Short Monday check-ins", "Pairing across teams", "Writing the hypothesis first"),
    ("Starting work without a metric", "Letting the backlog grow past two sprints"),
    ("Sharing recordings with Sales", "A mid-quarter demo for the whole company"),
)


# --- the organisation -------------------------------------------------------------------------


@dataclass(frozen=True)
class Size:
    quarters: int
    teams: int = TEAMS
    seed: int = DEFAULT_SEED

    @property
    def name(self) -> str:
        return f"store-{self.quarters}q-{self.teams}t-seed{self.seed}-v{GENERATOR_VERSION}"

    def cycles_expected(self) -> int:
        return self.quarters

    def key_results_per_quarter(self) -> int:
        return self.teams * OBJECTIVES_PER_TEAM * KRS_PER_OBJECTIVE

    def check_ins_expected(self) -> int:
        """Up to 13 per key result in a closed quarter (some have only 12 Mondays), and one per
        meeting before the current one in the active quarter."""
        weeks = CURRENT_WEEK - 1
        for year, quarter in quarters_back(self.quarters)[:-1]:
            start, end = quarter_bounds(year, quarter)
            mondays = sum(
                1 for d in range((end - start).days + 1) if (start.toordinal() + d) % 7 == 1
            )
            weeks += min(mondays, CHECK_INS_PER_QUARTER)
        return self.key_results_per_quarter() * weeks


def quarters_back(count: int, last: tuple[int, int] = LAST_QUARTER) -> list[tuple[int, int]]:
    """`count` quarters ending with `last`, oldest first."""
    year, quarter = last
    result = []
    for _ in range(count):
        result.append((year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return result[::-1]


def _day(moment: pendulum.DateTime) -> date:
    return date(moment.year, moment.month, moment.day)


class Ids:
    """Short random ids like the app's (`kr-3f9a2c1b`), from the seeded generator, never twice."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._seen: set[str] = set()

    def __call__(self, prefix: str) -> str:
        while True:
            candidate = f"{prefix}-{self._rng.getrandbits(32):08x}"
            if candidate not in self._seen:
                self._seen.add(candidate)
                return candidate


class Organisation:
    """Teams and quarters of a synthetic company; `contents(cycle)` builds one quarter's file."""

    def __init__(self, size: Size) -> None:
        self.size = size
        rng = random.Random(f"{size.seed}-organisation")
        self.ids = Ids(random.Random(f"{size.seed}-ids"))
        self.teams: list[Team] = []
        for order in range(size.teams):
            area = AREAS[order % len(AREAS)]
            name = area if order < len(AREAS) else f"{area} {order // len(AREAS) + 1}"
            members = rng.sample(FIRST_NAMES, rng.randint(4, 8))
            self.teams.append(
                Team(
                    id=self.ids("team"),
                    name=name,
                    members=members,
                    facilitator=members[0],
                    order=order,
                )
            )
        self.cycles: list[Cycle] = []
        quarters = quarters_back(size.quarters)
        for index, (year, quarter) in enumerate(quarters):
            start, end = quarter_bounds(year, quarter)
            self.cycles.append(
                Cycle(
                    id=self.ids("cycle"),
                    name=f"{year}-Q{quarter}",
                    start=start,
                    end=end,
                    timezone=TIMEZONE,
                    meeting_weekday=0,
                    meeting_time="09:30",
                    state=CycleState.ACTIVE if index == len(quarters) - 1 else CycleState.CLOSED,
                )
            )

    @property
    def clock(self) -> FixedClock:
        return FixedClock(CLOCK_AT)

    def contents(self, cycle: Cycle) -> CycleContents:
        return _QuarterBuilder(self, cycle).build()


class _QuarterBuilder:
    def __init__(self, org: Organisation, cycle: Cycle) -> None:
        self.org = org
        self.cycle = cycle
        self.rng = random.Random(f"{org.size.seed}-{cycle.name}")
        self.ids = org.ids
        self.closed = cycle.state is CycleState.CLOSED
        schedule = meetings(cycle)
        if self.closed:
            self.schedule = schedule[:CHECK_INS_PER_QUARTER]
        else:
            self.schedule = schedule[: CURRENT_WEEK - 1]  # the current meeting is still to do
        self.planned_at = pendulum.datetime(
            cycle.start.year, cycle.start.month, cycle.start.day, 9, tz=TIMEZONE
        ).subtract(days=7)
        self.out = CycleContents()
        self.decimals: dict[str, int] = {}

    def build(self) -> CycleContents:
        for team in self.org.teams:
            self._team(team)
        # In the order a real store holds them: `add_check_in` appends each check-in as it is
        # recorded, meeting after meeting, not one key result's whole quarter after another's.
        self.out.check_ins.sort(key=lambda check_in: check_in.recorded_at)
        return self.out

    # one team's quarter

    def _team(self, team: Team) -> None:
        rng, cycle = self.rng, self.cycle
        by_meeting: dict[date, list[str]] = {}
        actions_by_meeting: dict[date, list[str]] = {}
        krs: list[tuple[KeyResult, list[CheckIn]]] = []
        titles = rng.sample(OBJECTIVE_TITLES, OBJECTIVES_PER_TEAM)
        kinds = [*METRICS, *MILESTONES, *STAY_METRICS]
        deck = rng.sample(kinds, len(kinds))  # no two key results of a team alike
        for order, template in enumerate(titles):
            objective = Objective(
                id=self.ids("obj"),
                cycle_id=cycle.id,
                team_id=team.id,
                title=template.format(area=team.name),
                description=rng.choice(DESCRIPTIONS),
                owner=rng.choice(team.members),
                level=Level.TEAM,
                kind=rng.choice((ObjectiveKind.COMMITTED, ObjectiveKind.ASPIRATIONAL)),
                order=order,
            )
            self.out.objectives.append(objective)
            self._audit_created(objective)
            for kr_order in range(KRS_PER_OBJECTIVE):
                kr = self._key_result(team, objective, kr_order, deck.pop())
                self.out.key_results.append(kr)
                self._audit_created(kr)
                history = self._history(team, kr)
                self.out.check_ins.extend(history)
                krs.append((kr, history))
                for check_in in history:
                    by_meeting.setdefault(check_in.meeting_date, []).append(check_in.id)
                    if check_in.confidence is Confidence.OFF_TRACK and rng.random() < 0.3:
                        action = self._action(team, check_in)
                        self.out.actions.append(action)
                        actions_by_meeting.setdefault(check_in.meeting_date, []).append(action.id)
        for week, moment in enumerate(self.schedule):
            self.out.meetings.append(
                Meeting(
                    id=self.ids("mtg"),
                    cycle_id=cycle.id,
                    team_id=team.id,
                    meeting_date=_day(moment),
                    facilitator=team.members[week % len(team.members)],
                    attendees=[m for m in team.members if rng.random() < 0.9],
                    check_in_ids=by_meeting.get(_day(moment), []),
                    action_ids=actions_by_meeting.get(_day(moment), []),
                    decisions=[rng.choice(DECISIONS)] if rng.random() < 0.15 else [],
                    parked_topics=[],
                    notes="",
                    closed_at=moment.add(minutes=MEETING_MINUTES).in_timezone("UTC"),
                )
            )
        if self.closed:
            self._wrap_up(team, krs)

    def _key_result(self, team: Team, objective: Objective, order: int, kind) -> KeyResult:
        rng = self.rng
        common = {
            "id": self.ids("kr"),
            "cycle_id": self.cycle.id,
            "objective_id": objective.id,
            "owner": rng.choice(team.members),
            "order": order,
        }
        if isinstance(kind, str):
            title = kind.format(area=team.name)
            return KeyResult(**common, title=title, kr_type=KrType.MILESTONE, unit="")
        if len(kind) == 4:
            template, kr_type, line, unit = kind
            return KeyResult(
                **common,
                title=template.format(area=team.name),
                kr_type=kr_type,
                unit=unit,
                baseline=line,
                target=line,
            )
        template, unit, (low, high), factor, decimals, decreasing = kind
        baseline = round(rng.uniform(low, high), decimals)
        target = round(baseline * factor * rng.uniform(0.95, 1.05), decimals)
        if target == baseline:
            target = baseline + (-1 if decreasing else 1) * 10 ** (-decimals)
        self.decimals[common["id"]] = decimals
        title = template.format(area=team.name)
        title += f" from {format_value(baseline, unit)} to {format_value(target, unit)}"
        return KeyResult(
            **common,
            title=title,
            kr_type=KrType.DECREASE if decreasing else KrType.INCREASE,
            unit=unit,
            baseline=baseline,
            target=target,
        )

    def _history(self, team: Team, kr: KeyResult) -> list[CheckIn]:
        """A check-in at every recorded meeting: a noisy path at this KR's own speed."""
        rng, cycle = self.rng, self.cycle
        speed = rng.uniform(0.4, 1.35)
        total_days = (cycle.end - cycle.start).days + 1
        progress, before, result = 0.0, 0.0, []
        for week, moment in enumerate(self.schedule):
            elapsed = (_day(moment) - cycle.start).days / total_days
            progress = min(progress + speed * (elapsed - before) * rng.uniform(0.3, 1.7), 1.0)
            before = elapsed
            value, score = self._value_and_score(kr, progress, elapsed)
            confidence = Confidence.from_score(score)
            blockers = ""
            if confidence is not Confidence.ON_TRACK and rng.random() < 0.5:
                blockers = rng.choice(BLOCKERS)
            result.append(
                CheckIn(
                    id=self.ids("ci"),
                    cycle_id=cycle.id,
                    kr_id=kr.id,
                    meeting_date=_day(moment),
                    value=value,
                    confidence=confidence,
                    confidence_score=score,
                    note=NOTES[(week + rng.randrange(len(NOTES))) % len(NOTES)],
                    blockers=blockers,
                    author=kr.owner,
                    recorded_at=moment.add(minutes=rng.randint(-90, 25)).in_timezone("UTC"),
                )
            )
        return result

    def _value_and_score(self, kr: KeyResult, progress: float, elapsed: float) -> tuple[float, int]:
        rng = self.rng
        pace = progress / max(elapsed, 0.01)
        if kr.kr_type is KrType.MILESTONE:
            done = progress >= 1.0
            return (1.0 if done else 0.0), (10 if done else rng.choice((5, 6, 7, 8)))
        if kr.kr_type in (KrType.STAY_ABOVE, KrType.STAY_BELOW):
            holds = rng.random() < 0.85
            above = holds == (kr.kr_type is KrType.STAY_ABOVE)
            step = 0.05 if kr.target > 10 else 0.2
            value = round(kr.target + (step if above else -step) * rng.randint(1, 5), 2)
            return value, (rng.choice((8, 9)) if holds else rng.choice((3, 4, 5)))
        value = round(kr.baseline + (kr.target - kr.baseline) * progress, self.decimals[kr.id])
        if pace >= 1.0:
            score = rng.choice((8, 8, 9))
        elif pace >= 0.85:
            score = rng.choice((7, 7, 8))
        elif pace >= 0.6:
            score = rng.choice((5, 6))
        elif pace >= 0.45:
            score = 4
        else:
            score = rng.choice((2, 3))
        return value, score

    def _action(self, team: Team, check_in: CheckIn) -> Action:
        return Action(
            id=self.ids("act"),
            cycle_id=self.cycle.id,
            kr_id=check_in.kr_id,
            text=f"Unblock: {check_in.blockers or 'agree a recovery plan'}",
            owner=self.rng.choice(team.members),
            due=check_in.meeting_date + timedelta(weeks=1),
            done=self.closed or self.rng.random() < 0.5,
            created_at=check_in.recorded_at,
            meeting_date=check_in.meeting_date,
        )

    def _audit_created(self, model: Objective | KeyResult) -> None:
        self.out.audit.append(
            AuditEntry(
                id=self.ids("audit"),
                cycle_id=self.cycle.id,
                entity_id=model.id,
                field="created",
                new=model.title,
                author=model.owner,
                at=self.planned_at.in_timezone("UTC"),
            )
        )

    def _wrap_up(self, team: Team, krs: list[tuple[KeyResult, list[CheckIn]]]) -> None:
        rng = self.rng
        scored_at = self.schedule[-1].add(days=10).in_timezone("UTC")
        for kr, history in krs:
            suggested = suggested_score(kr, history)
            given, reason = suggested, ""
            if rng.random() < 0.05:
                given = round_score(suggested - 0.1 if suggested >= 0.1 else suggested + 0.1)
                reason = "Figure inflated by a one-off; the real change was smaller"
            self.out.scores.append(
                Score(
                    id=self.ids("score"),
                    cycle_id=self.cycle.id,
                    kr_id=kr.id,
                    suggested=suggested,
                    given=given,
                    reason=reason,
                    scored_at=scored_at,
                )
            )
        keep, stop, start = RETRO
        self.out.retrospectives.append(
            Retrospective(
                id=self.ids("retro"),
                cycle_id=self.cycle.id,
                team_id=team.id,
                keep_doing=list(rng.sample(keep, 2)),
                stop_doing=list(rng.sample(stop, 1)),
                start_doing=list(rng.sample(start, 1)),
                written_at=scored_at.add(hours=1),
            )
        )


class _LazyContents(dict):
    """`replace_everything` looks up each cycle's contents as it writes that cycle's file: build
    them then (keeping only the latest), so only one quarter is ever in memory."""

    def __init__(self, org: Organisation) -> None:
        super().__init__()
        self._org = org
        self._cycles = {cycle.id: cycle for cycle in org.cycles}
        self._latest: tuple[str, CycleContents] | None = None
        self.counts: dict[str, int] = {}

    def __missing__(self, cycle_id: str) -> CycleContents:
        if self._latest is not None and self._latest[0] == cycle_id:
            return self._latest[1]
        contents = self._org.contents(self._cycles[cycle_id])
        for table, models in vars(contents).items():
            self.counts[table] = self.counts.get(table, 0) + len(models)
        self._latest = (cycle_id, contents)
        return contents


def write_store(folder: Path, size: Size) -> dict[str, int]:
    """Write the organisation of `size` into an empty store folder; returns the counts."""
    org = Organisation(size)
    store = OkrStore(folder, org.clock)
    contents = _LazyContents(org)
    store.replace_everything(org.teams, org.cycles, contents)
    return {"teams": len(org.teams), "cycles": len(org.cycles), **contents.counts}


def ensure_store(size: Size, out: Path = OUT, *, log=print) -> Path:
    """The cached store folder for `size`, generated first if missing."""
    folder = out / size.name
    if (folder / "okr.json").exists():
        return folder
    partial = out / f"{size.name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    started = time.perf_counter()
    counts = write_store(partial, size)
    partial.rename(folder)
    log(
        f"generated {folder.name} in {time.perf_counter() - started:.1f}s: "
        + ", ".join(f"{count} {table}" for table, count in counts.items())
    )
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quarters", type=int, default=8)
    parser.add_argument("--teams", type=int, default=TEAMS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, help="write here (an empty folder) instead of cache")
    args = parser.parse_args(argv)
    size = Size(args.quarters, args.teams, args.seed)
    if args.out is not None:
        started = time.perf_counter()
        counts = write_store(args.out, size)
        print(f"wrote {args.out} in {time.perf_counter() - started:.1f}s: {counts}")
    else:
        print(ensure_store(size))
    return 0


if __name__ == "__main__":
    sys.exit(main())
