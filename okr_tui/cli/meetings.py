"""The meeting's commands: what is due, the key results with their ids, a check-in, the prep
lane."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from okr_tui.cli.common import (
    UserError,
    _current_cycle_or_fail,
    _first_validation_message,
    _team_option,
    open_store,
)

if TYPE_CHECKING:
    from okr_tui.domain.clock import Clock
    from okr_tui.store.store import OkrStore


def due_report(store: OkrStore) -> dict:
    """What is due now, per team, as plain data (the JSON of `okr due --json`): the domain's
    list, which the dashboard shows too."""
    from okr_tui.domain.due import due_report_of

    return due_report_of(store, _current_cycle_or_fail(store), store.clock.now())


def run_owner_due(args: argparse.Namespace, clock: Clock) -> int:
    """`okr due --owner NAME`: one person's reminder, for a cron job or a chat bot."""
    from okr_tui.domain.people import same_person
    from okr_tui.domain.prep import owed_by

    store = open_store(args, clock, existing=True)
    cycle = _current_cycle_or_fail(store)
    key_results = store.key_results(cycle.id)
    owners = sorted({kr.owner for kr in key_results if kr.owner and kr.is_active})
    name = next((owner for owner in owners if same_person(owner, args.owner)), None)
    if name is None:
        # A typo in a cron job's name would otherwise remind nobody, silently.
        raise UserError(
            f"--owner: no key result of {cycle.name} is owned by {args.owner!r} "
            f"(owners: {', '.join(owners) or 'none yet'})"
        )
    owed = owed_by(
        name,
        cycle,
        key_results,
        store.check_ins(cycle.id),
        store.actions(cycle.id),
        clock.now(),
    )
    titles = {kr.id: kr.title for kr in key_results}
    day = owed.meeting.isoformat() if owed.meeting else None
    if args.json:
        data = {
            "owner": name,
            "cycle": cycle.name,
            "meeting": day,
            "key_results": [{"kr_id": kr.id, "title": kr.title} for kr in owed.key_results],
            "overdue_actions": [
                {
                    "text": a.text,
                    "due": a.due.isoformat() if a.due else None,
                    "kr_id": a.kr_id,
                    "kr_title": titles.get(a.kr_id, ""),
                }
                for a in owed.actions
            ],
        }
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    who = name
    if not owed.key_results and not owed.actions:
        print(f"{who} owes nothing for the {day} meeting of {cycle.name}.")
        return 0
    print(f"{who} owes the {day} meeting of {cycle.name}:")
    for kr in owed.key_results:
        print(f"  check-in  {kr.id}  {kr.title}")
    for action in owed.actions:
        due = action.due.isoformat() if action.due else ""
        print(f"  action    {action.text} (was due {due}) · {titles.get(action.kr_id, '')}")
    return 0


def run_due(args: argparse.Namespace, clock: Clock) -> int:
    if args.owner is not None:
        return run_owner_due(args, clock)
    report = due_report(open_store(args, clock, existing=True))
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    cycle = report["cycle"]
    from okr_tui.domain.progress import counted

    if cycle["starts_in_days"]:  # as the app's header says it
        starts = counted(cycle["starts_in_days"], "day")
        header = f"{cycle['name']} · starts {cycle['start']} · in {starts}"
    else:
        header = (
            f"{cycle['name']} · week {cycle['week']} of {cycle['weeks']}"
            f" · {counted(cycle['days_left'], 'day')} left"
        )
    if cycle["next_meeting"]:
        header += (
            f" · next check-in {cycle['next_meeting'][:16].replace('T', ' ')} ({cycle['timezone']})"
        )
    print(header)
    for team in report["teams"]:
        extras = [name for name in ("review", "scoring", "retrospective") if team[f"{name}_due"]]
        if not team["due"] and not team["overdue"] and not extras and not team["overdue_actions"]:
            print(f"\n{team['team']}: nothing due")
            continue
        print(f"\n{team['team']} (meeting {team['current_meeting']})")
        missed = {item["kr_id"]: ", ".join(item["missed"]) for item in team["overdue"]}
        for item in team["due"]:
            late = f" (also missed {missed.pop(item['kr_id'])})" if item["kr_id"] in missed else ""
            print(f"  due      {item['kr_id']}  {item['title']}{late}")
        for item in team["overdue"]:
            if (dates := missed.get(item["kr_id"])) is not None:
                print(f"  overdue  {item['kr_id']}  {item['title']} (missed {dates})")
        for name in extras:
            print(f"  {name} due")
        for action in team["overdue_actions"]:
            owner = f"{action['owner']}, " if action["owner"] else ""
            print(
                f"  action   {action['text']} ({owner}was due {action['due']}) · "
                f"{action['kr_title']}"
            )
    return 0


def run_list(args: argparse.Namespace, clock: Clock) -> int:
    from okr_tui.domain.models import KrType
    from okr_tui.domain.people import same_person
    from okr_tui.domain.progress import current_value, histories, value_text

    store = open_store(args, clock, existing=True)
    cycle = store.find_cycle(args.cycle) if args.cycle else _current_cycle_or_fail(store)
    teams = {team.id: team.name for team in store.teams()}
    check_ins = histories(store.check_ins(cycle.id))  # sorted once, not once per key result
    by_objective: dict[str, list] = {}
    for kr in store.key_results(cycle.id):
        if args.owner is None or same_person(kr.owner, args.owner):
            by_objective.setdefault(kr.objective_id, []).append(kr)
    print(f"{cycle.name} ({cycle.state.value})")
    if args.owner is not None and not by_objective:
        print(f"No key result of {cycle.name} is owned by {args.owner.strip()!r}.")
    for objective in store.objectives(cycle.id):
        if args.owner is not None and objective.id not in by_objective:
            continue  # only the objectives holding the person's key results
        team = teams.get(objective.team_id, "Company") if objective.team_id else "Company"
        print(f"\n{team}: {objective.title} [{objective.kind.value}]")
        for kr in by_objective.get(objective.id, []):
            value = value_text(kr, current_value(kr, check_ins))
            if kr.kr_type is not KrType.MILESTONE:  # a milestone is done or not done
                value += f" / {value_text(kr, kr.target)}"
            retired = " (retired)" if not kr.is_active else ""
            print(f"  {kr.id}  {kr.title}  {value}{retired}")
    return 0


def run_checkin(args: argparse.Namespace, clock: Clock) -> int:
    from okr_tui.domain import cadence
    from okr_tui.domain.clock import MomentOutOfRange, typed_moment
    from okr_tui.domain.models import CheckIn
    from okr_tui.domain.progress import effective_check_ins, latest_confidence
    from okr_tui.domain.values import ValueInputError, parse_confidence, parse_value

    store = open_store(args, clock, existing=True)
    kr = store.find_key_result(args.kr)
    cycle = store.cycle(kr.cycle_id)
    try:
        value = parse_value(args.value, kr.kr_type, kr.unit)
        if args.confidence:
            confidence, score = parse_confidence(args.confidence)
        else:
            given = latest_confidence(store.check_ins(cycle.id, kr.id))
            if given is None:
                raise ValueInputError("--confidence is needed for a first check-in")
            confidence, score = given, None
    except ValueInputError as error:
        raise UserError(str(error)) from None
    if cadence.days_to_start(cycle, clock.now()):
        # A clock set back (--at, or a machine's date) would file it under the first meeting,
        # correcting what was said there.
        today = cadence.local_time(cycle, clock.now()).date().isoformat()
        raise UserError(
            f"{cycle.name} has not started: it starts on {cycle.start.isoformat()} and today is "
            f"{today} ({cycle.timezone}); check-ins begin with the cycle"
        )
    if args.meeting:
        try:
            day = typed_moment(args.meeting, cycle.timezone).in_timezone(cycle.timezone).date()
        except MomentOutOfRange as error:
            raise UserError(f"--meeting {error}") from None
        except ValueError as error:
            raise UserError(f"--meeting {args.meeting!r}: {error}") from None
        meeting = cadence.meeting_on(cycle, day)
        if meeting is None:
            dates = ", ".join(d.isoformat() for d in cadence.meeting_dates(cycle))
            raise UserError(f"no meeting of {cycle.name} on {day.isoformat()}; meetings: {dates}")
        coming = cadence.update_meeting(cycle, clock.now())
        if coming is not None and meeting.date() > coming.date():
            raise UserError(
                f"the {day.isoformat()} meeting is not the coming one; updates now go to the "
                f"{coming.date().isoformat()} meeting"
            )
    else:
        meeting = cadence.update_meeting(cycle, clock.now())
        if meeting is None:
            raise UserError(f"{cycle.name} has no meetings")
    # A correction without --note or --blockers keeps what the earlier check-in said: a
    # script fixing a value must not wipe what the meeting wrote down.
    earlier = next(
        (
            c
            for c in reversed(effective_check_ins(store.check_ins(cycle.id, kr.id)))
            if c.meeting_date == meeting.date()
        ),
        None,
    )
    kept = []
    note, blockers = args.note, args.blockers
    if note is None:
        note = earlier.note if earlier else ""
        if note:
            kept.append("note")
    if blockers is None:
        blockers = earlier.blockers if earlier else ""
        if blockers:
            kept.append("blockers")
    try:
        check_in = CheckIn(
            cycle_id=cycle.id,
            kr_id=kr.id,
            meeting_date=meeting.date(),
            value=value,
            confidence=confidence,
            confidence_score=score,
            note=note,
            blockers=blockers,
            author=args.author,
            recorded_at=clock.now(),
        )
    except ValueError as error:
        raise UserError(_first_validation_message(error)) from None
    stored = store.add_check_in(check_in)
    verb = "Corrected the check-in" if stored.supersedes else "Checked in"
    print(f"{verb} for {kr.title!r} at the {meeting.date().isoformat()} meeting of {cycle.name}")
    if kept:
        flags = " and ".join(f"--{name}" for name in kept)
        replace = "replace them" if len(kept) > 1 else "replaces it"
        print(f'Kept the earlier {" and ".join(kept)} ({flags} {replace}; "" clears)')
    return 0


def run_prep(args: argparse.Namespace, clock: Clock) -> int:
    """The agenda before the walk: who has not updated, confidence drops, behind pace, new
    blockers, actions past due, stale key results, forecast disagreements."""
    from okr_tui.domain.prep import prep_lane

    store = open_store(args, clock, existing=True)
    cycle = _current_cycle_or_fail(store)
    team = _team_option(store, args.team)
    objectives = [o for o in store.objectives(cycle.id) if team is None or o.team_id == team.id]
    lane = prep_lane(
        cycle,
        objectives,
        store.key_results(cycle.id, objective_ids=[o.id for o in objectives]),
        store.check_ins(cycle.id),
        store.actions(cycle.id),
        clock.now(),
    )
    who = team.name if team else "All teams"
    day = lane.meeting.isoformat() if lane.meeting else "none"
    if args.json:
        print(
            json.dumps(
                {
                    "cycle": cycle.name,
                    "team": who,
                    "meeting": lane.meeting.isoformat() if lane.meeting else None,
                    "sections": [
                        {
                            "title": title,
                            "items": [
                                {"kr_id": i.kr.id, "key_result": i.kr.title, "said": i.said}
                                for i in items
                            ],
                        }
                        for title, items in lane.sections()
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    print(f"Prep for the {day} meeting · {who} · {cycle.name}")
    for title, items in lane.sections():
        print(f"\n{title} ({len(items)})")
        for item in items:
            print(f"  {item.kr.title}: {item.said}")
        if not items:
            print("  none")
    return 0
