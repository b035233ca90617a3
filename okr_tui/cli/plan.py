"""The plan's commands: teams, cycles, the alignment tree and quarter statistics."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from okr_tui.cli.common import UserError, _current_cycle_or_fail, open_store

if TYPE_CHECKING:
    from okr_tui.domain.clock import Clock


def run_teams(args: argparse.Namespace, clock: Clock) -> int:
    store = open_store(args, clock, existing=True)
    teams = store.teams()
    if not teams:
        print('No teams yet: `okr team NAME --members "A, B"` adds one.')
    for team in teams:
        facilitator = f" · facilitator {team.facilitator}" if team.facilitator else ""
        print(f"{team.name}  ({team.id}){facilitator}")
        print(f"  {', '.join(team.members) if team.members else 'no members yet'}")
    return 0


def run_team(args: argparse.Namespace, clock: Clock) -> int:
    """Upsert by name, so a set-up script can run again: it changes what it names, no more."""
    from pydantic import ValidationError

    from okr_tui.domain.models import Team
    from okr_tui.domain.people import member_names, members_problem
    from okr_tui.domain.validation import first_problem

    store = open_store(args, clock)
    existing = store.team_named(args.name)
    changes: dict[str, object] = {}
    if args.members is not None:
        members = member_names(args.members)
        if problem := members_problem(members):
            raise UserError(f"--members: {problem}")
        changes["members"] = members
    if args.facilitator is not None:
        changes["facilitator"] = " ".join(args.facilitator.split())
    if args.rename is not None:
        changes["name"] = args.rename
    if existing is None:
        order = max((t.order for t in store.teams()), default=-1) + 1
        values = {"name": args.name, "order": order, **changes}
    else:
        values = {**existing.model_dump(), **changes}
    try:
        team = Team.model_validate(values)
    except ValidationError as error:
        loc, message, _ = first_problem(error)
        where = {"name": "--rename" if args.rename is not None else "NAME"}.get(
            str(loc[0]), f"--{loc[0]}"
        )
        raise UserError(f"{where}: {message}") from None
    saved = store.save_team(team, expected=existing)
    if existing is None:
        print(f"Created team {saved.name} ({saved.id}) with {_people(saved.members)}")
    elif saved == existing:
        print(f"Team {saved.name} unchanged")
    else:
        print(f"Changed team {saved.name}: now {_people(saved.members)}")
    return 0


def _people(members: list[str]) -> str:
    from okr_tui.domain.progress import counted

    return counted(len(members), "member")


def _cycle_line(cycle) -> str:
    from okr_tui.domain import cadence
    from okr_tui.domain.dates import MONTH_NAMES, WEEKDAY_NAMES
    from okr_tui.domain.progress import counted

    rhythm = "every 2 weeks" if cycle.cadence.weeks == 2 else "weekly"
    slot = f"{WEEKDAY_NAMES[cycle.meeting_weekday]}s {cycle.meeting_time.strftime('%H:%M')}"
    fiscal = (
        f", fiscal year from {MONTH_NAMES[cycle.fiscal_start_month - 1]}"
        if cycle.fiscal_start_month != 1
        else ""
    )
    meetings = counted(len(cadence.meeting_dates(cycle)), "meeting")
    return (
        f"{cycle.start.isoformat()} to {cycle.end.isoformat()}, {slot} {cycle.timezone}, "
        f"{rhythm}, {meetings}{fiscal}"
    )


def run_cycles(args: argparse.Namespace, clock: Clock) -> int:
    store = open_store(args, clock, existing=True)
    cycles = store.cycles()
    if not cycles:
        print("No cycles yet: `okr cycle 2027-Q1` adds one.")
    for cycle in sorted(cycles, key=lambda c: c.start):
        print(f"{cycle.name}  ({cycle.id})  {cycle.state.value}")
        print(f"  {_cycle_line(cycle)}")
    return 0


def run_cycle(args: argparse.Namespace, clock: Clock) -> int:
    """Upsert by name, as `okr team` does: a quarter's set-up script can run again, and it
    changes what it names, no more. A new cycle starts from the app's suggestion (the latest
    cycle's timezone, meeting slot and fiscal year) and takes its dates from a quarter's name
    ("2027-Q1", "FY2027-Q1") unless --start and --end give them."""
    from pydantic import ValidationError

    from okr_tui.domain import cadence, rules
    from okr_tui.domain.carry_over import suggested_cycle
    from okr_tui.domain.dates import parse_date, parse_meeting_slot, parse_month
    from okr_tui.domain.models import Cadence, Cycle, CycleState
    from okr_tui.domain.validation import first_problem

    store = open_store(args, clock)
    cycles = store.cycles()
    wanted = args.name.strip()
    existing = next((c for c in cycles if c.name == wanted), None)

    def read(option: str, parse, text: str):
        try:
            return parse(text)
        except ValueError as error:
            raise UserError(f"--{option}: {error}") from None

    changes: dict[str, object] = {}
    for option in ("start", "end", "review"):
        if (text := getattr(args, option)) is not None:
            changes[f"{option}_date" if option == "review" else option] = read(
                option, parse_date, text
            )
    if args.fiscal_start is not None:
        changes["fiscal_start_month"] = read("fiscal-start", parse_month, args.fiscal_start)
    if args.timezone is not None:
        changes["timezone"] = args.timezone.strip()
    if args.meeting is not None:
        weekday, at = read("meeting", parse_meeting_slot, args.meeting)
        if weekday is not None:
            changes["meeting_weekday"] = weekday
        if at is not None:
            changes["meeting_time"] = at
    if args.every is not None:
        changes["cadence"] = Cadence.BIWEEKLY if args.every == "2w" else Cadence.WEEKLY
    if args.skip is not None:
        changes["skipped_dates"] = sorted({read("skip", parse_date, day) for day in args.skip})
    if args.state is not None:
        changes["state"] = CycleState(args.state)
    if args.rename is not None:
        changes["name"] = args.rename

    if existing is None:
        values = suggested_cycle(cycles, clock.now()).model_dump(exclude={"id", "review_date"})
        values["name"] = args.name
        values.update(changes)
        if "start" not in changes or "end" not in changes:
            quarter = cadence.parse_quarter_name(wanted)
            if quarter is None:
                missing = " and ".join(f"--{o}" for o in ("start", "end") if o not in changes)
                raise UserError(
                    f"{missing} needed for a new cycle, or name it after its quarter "
                    "(2027-Q1, or FY2027-Q1 with --fiscal-start)"
                )
            fiscal_start_month = int(values["fiscal_start_month"])
            start, end = cadence.quarter_bounds(*quarter, fiscal_start_month)
            values["start"] = changes.get("start", start)
            values["end"] = changes.get("end", end)
    else:
        values = {**existing.model_dump(), **changes}
    try:
        cycle = Cycle.model_validate(values)
    except ValidationError as error:
        loc, message, _ = first_problem(error)
        field = str(loc[0]) if loc else ""
        option = {
            "name": "--rename" if args.rename is not None else "NAME",
            "meeting_weekday": "--meeting",
            "meeting_time": "--meeting",
            "cadence": "--every",
            "skipped_dates": "--skip",
            "review_date": "--review",
            "fiscal_start_month": "--fiscal-start",
        }.get(field, f"--{field}")
        # A rule across fields ("the cycle must end after it starts") names them itself.
        raise UserError(f"{option}: {message}" if field else message) from None
    if (problem := rules.skipped_dates_problem(cycle)) is not None:
        raise UserError(f"--skip: {problem}")
    if existing is None and "state" not in changes:
        today = clock.now().in_timezone(cycle.timezone).date()
        running = CycleState.ACTIVE if cycle.contains(today) else CycleState.PLANNING
        cycle = cycle.model_copy(update={"state": running})
    saved = store.save_cycle(cycle)
    if existing is None:
        print(f"Created cycle {saved.name} ({saved.id}), {saved.state.value}: {_cycle_line(saved)}")
    elif saved == existing:
        print(f"Cycle {saved.name} unchanged")
    else:
        print(f"Changed cycle {saved.name}: {_cycle_line(saved)}")
    return 0


def run_tree(args: argparse.Namespace, clock: Clock) -> int:
    """The alignment tree as indented text, each objective with its rolled-up progress and
    confidence, and its key results (with their ids, as `okr list` shows them)."""
    from okr_tui.domain import board
    from okr_tui.domain.alignment import alignment_tree
    from okr_tui.domain.models import KrType
    from okr_tui.domain.progress import value_text

    store = open_store(args, clock, existing=True)
    cycle = store.find_cycle(args.cycle) if args.cycle else _current_cycle_or_fail(store)
    objectives = store.objectives(cycle.id)
    lines = board.key_result_lines(
        cycle, objectives, store.key_results(cycle.id), store.check_ins(cycle.id), clock.now()
    )
    roots = alignment_tree(objectives, lines, {t.id: t.name for t in store.teams()})

    def figures(progress, confidence) -> str:
        shown = "–" if progress is None else f"{progress * 100:.0f}%"
        return f"{shown} · {confidence.label if confidence else 'no check-in'}"

    def show(node, prefix: str, last: bool, top: bool) -> None:
        branch = "" if top else ("└─ " if last else "├─ ")
        objective = node.objective
        print(
            f"{prefix}{branch}{objective.title}  [{node.team_name} · {objective.level.value}]  "
            f"{figures(node.progress, node.confidence)}"
        )
        inner = prefix + ("" if top else ("   " if last else "│  "))
        items = [*node.key_results, *node.children]
        for index, item in enumerate(items):
            end = index == len(items) - 1
            if isinstance(item, board.KeyResultLine):
                value = value_text(item.kr, item.value)
                if item.kr.kr_type is not KrType.MILESTONE:
                    value += f" / {value_text(item.kr, item.kr.target)}"
                print(
                    f"{inner}{'└─ ' if end else '├─ '}{item.kr.id}  {item.kr.title}  {value}  "
                    f"{figures(item.progress, item.confidence)}"
                )
            else:
                show(item, inner, end, top=False)

    print(f"{cycle.name} ({cycle.state.value})")
    if not roots:
        print("No objectives yet.")
    for root in roots:
        print()
        show(root, "", True, top=True)
    return 0


def run_stats(args: argparse.Namespace, clock: Clock) -> int:
    from okr_tui.domain.stats import as_json
    from okr_tui.exchange.stats_report import stats_history, stats_text

    if args.cycles < 1:
        raise UserError("--cycles: give 1 or more")
    store = open_store(args, clock, existing=True)
    cycle = store.find_cycle(args.cycle) if args.cycle else _current_cycle_or_fail(store)
    history = stats_history(store, cycle, args.cycles, clock.now())
    if args.json:
        print(json.dumps(as_json(history), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(stats_text(history))
    return 0
