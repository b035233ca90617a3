"""The full-fidelity JSON exchange format: its models, validated import, and its JSON Schema.

The export itself is written by json_export. An import is checked completely (shape, then every
reference) before anything is written; a problem is reported with its JSON path.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from okr_tui.domain import rules
from okr_tui.domain.models import (
    Action,
    AuditEntry,
    CheckIn,
    Cycle,
    KeyResult,
    Meeting,
    Objective,
    Retrospective,
    Review,
    ReviewDecision,
    Score,
    Team,
    line_problem,
)
from okr_tui.domain.progress import counted
from okr_tui.domain.validation import errors_of, problem_text
from okr_tui.exchange.errors import ImportProblem
from okr_tui.exchange.json_export import FORMAT_NAME, FORMAT_VERSION, READABLE_VERSIONS
from okr_tui.store.layout import SAFE_CYCLE_ID
from okr_tui.store.store import CycleContents, OkrStore

MAX_IMPORT_BYTES = 64 * 1024 * 1024


class CycleExport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cycle: Cycle
    objectives: list[Objective] = Field(default_factory=list)
    key_results: list[KeyResult] = Field(default_factory=list)
    check_ins: list[CheckIn] = Field(default_factory=list)
    meetings: list[Meeting] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    review_decisions: list[ReviewDecision] = Field(default_factory=list)
    reviews: list[Review] = Field(default_factory=list)
    scores: list[Score] = Field(default_factory=list)
    retrospectives: list[Retrospective] = Field(default_factory=list)
    audit: list[AuditEntry] = Field(default_factory=list)


class ExportDocument(BaseModel):
    """An okr-tui export: teams, and for each cycle everything recorded in it."""

    model_config = ConfigDict(extra="forbid", title="okr-tui export")

    format: Literal["okr-tui"] = FORMAT_NAME
    version: Literal[1, 2, 3, 4] = FORMAT_VERSION
    teams: list[Team] = Field(default_factory=list)
    cycles: list[CycleExport] = Field(default_factory=list)


def json_path(location: Iterable[str | int]) -> str:
    path = "$"
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def read_import(path: Path) -> ExportDocument:
    """Load and fully check an export file; raise ImportProblem listing every error."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ImportProblem([("$", f"cannot read {path}: {error.strerror}")]) from error
    if size > MAX_IMPORT_BYTES:
        raise ImportProblem(
            [
                (
                    "$",
                    f"{path} is {size // (1024 * 1024)} MiB; imports are limited to "
                    f"{MAX_IMPORT_BYTES // (1024 * 1024)} MiB",
                )
            ]
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ImportProblem([("$", f"cannot read {path}: {error.strerror}")]) from error
    try:
        raw = orjson.loads(data)
    except (orjson.JSONDecodeError, RecursionError) as error:
        where = _number_too_large(data)
        if where is not None:
            raise ImportProblem([(where, "number is too large")]) from None
        raise ImportProblem([("$", f"not valid JSON: {error}")]) from None
    return check_document(raw)


def _number_too_large(data: bytes) -> str | None:
    """The JSON path of a number like 1e400 that orjson refused, so the message can point at it.

    orjson only gives a line and column; the standard parser reads such a number as infinity,
    and the path of that infinity is what a person needs to find it.
    """

    def refuse(constant: str) -> float:
        raise ValueError(constant)

    try:
        parsed = json.loads(data, parse_constant=refuse)
    except (ValueError, RecursionError):
        return None
    stack: list[tuple[Any, str]] = [(parsed, "$")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            return where
        if isinstance(value, dict):
            stack.extend((item, f"{where}.{key}") for key, item in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((item, f"{where}[{i}]") for i, item in reversed(list(enumerate(value))))
    return None


def check_document(raw: Any) -> ExportDocument:
    if not isinstance(raw, dict) or raw.get("format") != FORMAT_NAME:
        raise ImportProblem(
            [("$.format", f"not an okr-tui export (expected format {FORMAT_NAME!r})")]
        )
    if raw.get("version") not in READABLE_VERSIONS or isinstance(raw.get("version"), bool):
        raise ImportProblem(
            [
                (
                    "$.version",
                    f"export format version {raw.get('version')!r} is not supported; "
                    f"this okr-tui reads versions 1 to {FORMAT_VERSION}",
                )
            ]
        )
    try:
        document = ExportDocument.model_validate(raw)
    except ValidationError as error:
        raise ImportProblem(
            [(json_path(e["loc"]), problem_text(e)) for e in errors_of(error)]
        ) from None
    errors = reference_errors(document)
    if errors:
        raise ImportProblem(errors)
    return document


def reference_errors(document: ExportDocument) -> list[tuple[str, str]]:
    """Every dangling reference, duplicate id and entity filed under the wrong cycle, and every
    break of the store's rules (domain/rules.py), each with its JSON path."""
    check = DocumentCheck(document.teams, [export.cycle for export in document.cycles])
    for index, export in enumerate(document.cycles):
        check.cycle_entry(index, export)
    return check.errors


class DocumentCheck:
    """The checks of a whole export beyond its shape, one cycle at a time: an import runs them
    over the file, an export over the store before it writes a line (whatever an export writes,
    an import takes). `errors` are (JSON path, message) pairs."""

    def __init__(self, teams: Sequence[Team], cycles: Sequence[Cycle]) -> None:
        self.errors: list[tuple[str, str]] = []
        self._first_use: dict[str, str | tuple[str, str, int]] = {}
        self._team_ids = {team.id for team in teams}
        for position, team in enumerate(teams):
            self._check_unique(team.id, f"$.teams[{position}]")
        self._add(rules.team_violations(teams))
        for index, cycle in enumerate(cycles):
            if not SAFE_CYCLE_ID.fullmatch(cycle.id):
                self.errors.append(
                    (
                        f"$.cycles[{index}].cycle.id",
                        "a cycle id may only hold letters, digits, '-' and '_'",
                    )
                )
        self._add(rules.cycle_violations(cycles))

    def _add(self, violations: Iterable[rules.Violation]) -> None:
        self.errors.extend((json_path(v.where), v.message) for v in violations)

    def _check_unique(self, entity_id: str, where: str) -> None:
        if entity_id in self._first_use:
            first = self._first_use[entity_id]
            if isinstance(first, tuple):  # (base, table, position), written out when needed
                first = f"{first[0]}.{first[1]}[{first[2]}]"
            self.errors.append((f"{where}.id", f"id {entity_id!r} is already used at {first}"))
        else:
            self._first_use[entity_id] = where
        if (problem := line_problem(entity_id)) is not None:
            self.errors.append((f"{where}.id", problem))

    def known_entry(
        self, index: int, cycle_id: str, tables: Mapping[str, Sequence[Mapping[str, Any]]]
    ) -> None:
        """`cycles[index]`, an entry that passed `cycle_entry` before with the same contents
        (the export's record of checked entries): only its ids are taken in, so that an id it
        shares with another cycle is found as `cycle_entry` would find it."""
        base = f"$.cycles[{index}]"
        self._check_unique(cycle_id, f"{base}.cycle")
        first_use = self._first_use
        for table in CycleContents.__dataclass_fields__:
            for position, document in enumerate(tables[table]):
                model_id = document["id"]
                if model_id in first_use:
                    self._check_unique(model_id, f"{base}.{table}[{position}]")
                else:
                    first_use[model_id] = (base, table, position)

    def cycle_entry(self, index: int, export: CycleExport) -> None:
        """Check `cycles[index]` of the document (its cycle was given at the start)."""
        errors = self.errors
        team_ids = self._team_ids
        base = f"$.cycles[{index}]"
        cycle_id = export.cycle.id
        self._check_unique(cycle_id, f"{base}.cycle")
        objective_ids = {o.id for o in export.objectives}
        kr_ids = {kr.id for kr in export.key_results}
        check_in_ids = {ci.id for ci in export.check_ins}
        first_use = self._first_use
        for table in CycleContents.__dataclass_fields__:
            models = getattr(export, table)
            if not models:
                continue
            # One search over all the table's ids (joined by a space, which no check refuses)
            # instead of one per id: only a table with a refused character is searched id by id.
            ids_ok = line_problem(" ".join([model.id for model in models])) is None
            # Asked once a table: hasattr on a model without the field goes through pydantic's
            # __getattr__, which cost a fifth of this check over 60k records.
            has_kr = "kr_id" in type(models[0]).model_fields
            for position, model in enumerate(models):
                model_id = model.id
                if model_id in first_use or (not ids_ok and line_problem(model_id) is not None):
                    self._check_unique(model_id, f"{base}.{table}[{position}]")
                else:
                    first_use[model_id] = (base, table, position)
                if model.cycle_id != cycle_id:
                    where = f"{base}.{table}[{position}]"
                    errors.append((f"{where}.cycle_id", f"belongs to cycle {cycle_id!r}"))
                if has_kr and model.kr_id not in kr_ids:
                    where = f"{base}.{table}[{position}]"
                    errors.append(
                        (f"{where}.kr_id", f"no key result {model.kr_id!r} in this cycle")
                    )
        for position, objective in enumerate(export.objectives):
            where = f"{base}.objectives[{position}]"
            if objective.team_id is not None and objective.team_id not in team_ids:
                errors.append((f"{where}.team_id", f"no team {objective.team_id!r}"))
            if objective.parent_id is not None and objective.parent_id not in objective_ids:
                errors.append((f"{where}.parent_id", f"no objective {objective.parent_id!r}"))
        for position, kr in enumerate(export.key_results):
            if kr.objective_id not in objective_ids:
                errors.append(
                    (
                        f"{base}.key_results[{position}].objective_id",
                        f"no objective {kr.objective_id!r} in this cycle",
                    )
                )
        for position, check_in in enumerate(export.check_ins):
            if check_in.supersedes is not None and check_in.supersedes not in check_in_ids:
                errors.append(
                    (
                        f"{base}.check_ins[{position}].supersedes",
                        f"no check-in {check_in.supersedes!r}",
                    )
                )
        for position, meeting in enumerate(export.meetings):
            for missing in sorted(set(meeting.check_in_ids) - check_in_ids):
                errors.append(
                    (f"{base}.meetings[{position}].check_in_ids", f"no check-in {missing!r}")
                )
            for missing in sorted(set(meeting.reviewed_kr_ids) - kr_ids):
                errors.append(
                    (
                        f"{base}.meetings[{position}].reviewed_kr_ids",
                        f"no key result {missing!r} in this cycle",
                    )
                )
            if meeting.team_id is not None and meeting.team_id not in team_ids:
                errors.append(
                    (f"{base}.meetings[{position}].team_id", f"no team {meeting.team_id!r}")
                )
        self._add(
            rules.cycle_contents_violations(
                index, export.cycle, export.objectives, export.check_ins
            )
        )


def apply_import(store: OkrStore, document: ExportDocument, *, replace: bool = False) -> None:
    """Write an import into the store; a store that holds data is only replaced when asked."""
    if not replace and store.holds_data():
        raise ImportProblem(
            [
                (
                    "$",
                    f"the store at {store.folder} already holds data; use --replace to replace "
                    "it with the file's contents (export it first to keep a copy)",
                )
            ]
        )
    contents = {
        export.cycle.id: CycleContents(
            **{table: getattr(export, table) for table in CycleContents.__dataclass_fields__}
        )
        for export in document.cycles
    }
    store.replace_everything(document.teams, [e.cycle for e in document.cycles], contents)


def import_summary(document: ExportDocument) -> str:
    check_ins = sum(len(e.check_ins) for e in document.cycles)
    key_results = sum(len(e.key_results) for e in document.cycles)
    objectives = sum(len(e.objectives) for e in document.cycles)
    counts = (
        (len(document.teams), "team"),
        (len(document.cycles), "cycle"),
        (objectives, "objective"),
        (key_results, "key result"),
        (check_ins, "check-in"),
    )
    return ", ".join(counted(count, word) for count, word in counts)


def export_schema() -> str:
    return json.dumps(ExportDocument.model_json_schema(), indent=2, sort_keys=True) + "\n"
