"""Where key results' values come from: pull them, list the sources and trust them, set one."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from okr_tui.cli.common import UserError, _current_cycle_or_fail, _team_option, open_store

if TYPE_CHECKING:
    from okr_tui.domain.clock import Clock
    from okr_tui.store.store import OkrStore


def _settings_or_fail():
    from okr_tui.config import load_settings

    settings, problems = load_settings()
    if problems:
        raise UserError(problems[0])
    return settings


def run_pull(args: argparse.Namespace, clock: Clock) -> int:
    """Read every source that may run here and record the values for the coming meeting;
    status 1 when any source failed or was not run (the others are recorded)."""
    from okr_tui.domain.progress import value_text
    from okr_tui.pull import SourceFailure, failure_line, pull

    store = open_store(args, clock, existing=True)
    cycle = _current_cycle_or_fail(store)
    team = _team_option(store, args.team)
    settings = _settings_or_fail()
    try:
        result = pull(
            store,
            cycle,
            settings.sources,
            now=clock.now(),
            timeout=settings.source_timeout,
            team_id=team.id if team else None,
            dry_run=args.dry_run,
        )
    except SourceFailure as error:
        raise UserError(str(error)) from None
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    else:
        verb = "would record" if args.dry_run else "recorded"
        for reading in result.recorded:
            kr = reading.item.kr
            print(f"{kr.id}  {value_text(kr, reading.number)}  {verb}  {kr.title}")
        for reading in result.unchanged:
            kr = reading.item.kr
            print(f"{kr.id}  {value_text(kr, reading.number)}  unchanged  {kr.title}")
        print(result.summary())
    for reading in result.failed:
        print(f"okr: pull: {failure_line(reading)}", file=sys.stderr)
    return 1 if result.failed else 0


def _planned_sources(store: OkrStore, cycle, settings):
    from okr_tui.pull import load_trust, plan

    return plan(store.key_results(cycle.id), settings.sources, load_trust())


def run_sources(args: argparse.Namespace, clock: Clock) -> int:
    """List the sources with whether they may run here; --trust trusts those of the store."""
    from okr_tui.domain.sources import source_text
    from okr_tui.pull import trust_sources

    store = open_store(args, clock, existing=True)
    cycle = _current_cycle_or_fail(store)
    settings = _settings_or_fail()
    planned = _planned_sources(store, cycle, settings)
    if args.trust is not None:
        wanted = [store.find_key_result(kr_id).id for kr_id in args.trust]
        for kr_id in wanted:
            if not any(item.kr.id == kr_id for item in planned):
                raise UserError(f"key result {kr_id} has no source")
            if any(item.kr.id == kr_id and item.own for item in planned):
                print(f"{kr_id}: its source is in your config, which is always trusted")
        trusted = trust_sources(planned, wanted)
        for item in trusted:
            print(f"Trusted {item.kr.id} {item.kr.title}: {source_text(item.source)}")
        if not trusted:
            print("Nothing to trust: every source here is trusted already.")
        return 0
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "kr_id": item.kr.id,
                        "key_result": item.kr.title,
                        "where": item.where,
                        "state": item.trust.value,
                        "source": item.source.model_dump(mode="json"),
                    }
                    for item in planned
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    if not planned:
        print(f"No key result of {cycle.name} has a source.")
    for item in planned:
        print(f"{item.kr.id}  {item.trust.value:<9}  {item.where:<6}  {item.kr.title}")
        print(f"    {item.source.describe()}")
    return 0


def run_source(args: argparse.Namespace, clock: Clock) -> int:
    """Keep a key result's source in the store; the one who sets it here trusts it here."""
    import shlex

    from pydantic import TypeAdapter, ValidationError

    from okr_tui.domain.sources import Source, source_text
    from okr_tui.pull import PlannedSource, trust_sources

    store = open_store(args, clock, existing=True)
    kr = store.find_key_result(args.kr)
    definition: dict[str, object] | None
    if args.clear:
        definition = None
    elif args.program is not None:
        try:
            definition = {"kind": "command", "argv": shlex.split(args.program)}
        except ValueError as error:
            raise UserError(f"--command: {error}") from None
    elif args.http is not None:
        definition = {"kind": "http", "url": args.http, "path": args.path}
    elif args.csv is not None:
        definition = {"kind": "csv", "file": args.csv, "column": args.column}
        definition |= {"key_column": args.key_column, "key": args.key}
    else:
        definition = {"kind": "sqlite", "file": args.sqlite, "query": args.query}
    source = None
    if definition is not None:
        try:
            source = TypeAdapter(Source).validate_python(definition)
        except ValidationError as error:
            from okr_tui.domain.validation import errors_of, problem_text

            problem = errors_of(error)[0]
            where = ".".join(str(part) for part in problem["loc"][1:]) or "source"
            flag = {"argv": "--command", "url": "--http", "file": "--csv/--sqlite"}.get(
                where, f"--{where.replace('_', '-')}"
            )
            raise UserError(f"{flag}: {problem_text(problem)}") from None
    saved = store.save_key_result(kr.model_copy(update={"source": source}), expected=kr)
    if source is None:
        print(f"{saved.id} {saved.title}: no source")
        return 0
    from okr_tui.domain.sources import Trust

    trust_sources([PlannedSource(saved, source, False, Trust.UNTRUSTED)])
    print(f"{saved.id} {saved.title}: {source_text(source)} (trusted on this machine)")
    return 0
