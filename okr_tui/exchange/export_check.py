"""An export checked as an import will check it, so whatever `okr export` writes, `okr import`
takes: a backup that cannot be restored is refused when it is made, not on the day it is needed.

The export writes the documents the store keeps without building models (see json_export); this
runs the import's models, references and rules (json_exchange.DocumentCheck, domain/rules.py)
over the same documents, one cycle at a time, and names the store file and record at fault.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from okr_tui.domain.models import Cycle, Team
from okr_tui.domain.validation import errors_of
from okr_tui.exchange.json_exchange import CycleExport, DocumentCheck, json_path
from okr_tui.store.errors import StoreError
from okr_tui.store.layout import CYCLES_FOLDER, ROOT_FILE
from okr_tui.store.store import OkrStore

_TEAMS = re.compile(r"\$\.teams\[(\d+)\]\.?(.*)")
_CYCLE = re.compile(r"\$\.cycles\[(\d+)\]\.cycle\.?(.*)")
_RECORD = re.compile(r"\$\.cycles\[(\d+)\]\.(\w+)\[(\d+)\]\.?(.*)")


class ExportCheck:
    """Checks an export as it is written: teams and cycles at the start, then each cycle's
    entry before it is written. Raises a StoreError (one line) on the first refusal."""

    def __init__(self, store: OkrStore, teams: list[dict[str, Any]], cycles: list[Cycle]) -> None:
        self._store = store
        self._teams = teams
        self._cycles = cycles
        try:
            team_models = TypeAdapter(list[Team]).validate_python(teams)
        except ValidationError as error:
            raise self._refusal(_errors(error, ("teams",)), None) from None
        self._check = DocumentCheck(team_models, cycles)  # the store's own validated cycles
        if self._check.errors:
            raise self._refusal(self._check.errors, None)

    def cycle_entry(self, index: int, entry: dict[str, Any]) -> None:
        """Check `cycles[index]` of the export, as the import will read it back."""
        try:
            export = CycleExport.model_validate(entry)
        except ValidationError as error:
            raise self._refusal(_errors(error, ("cycles", index)), entry) from None
        self._check.cycle_entry(index, export)
        if self._check.errors:
            raise self._refusal(self._check.errors, entry)

    def _refusal(self, errors: list[tuple[str, str]], entry: dict[str, Any] | None) -> StoreError:
        json_path, message = errors[0]
        path, what = self._place(json_path, entry)
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return StoreError(
            path, f"{what}: {message}{more}; nothing exported, as an import would refuse it"
        )

    def _place(self, json_path: str, entry: dict[str, Any] | None) -> tuple[Path, str]:
        """The store file and the record a problem of the export is in."""
        folder = self._store.folder
        if match := _TEAMS.fullmatch(json_path):
            team = self._teams[int(match[1])]
            return folder / ROOT_FILE, _record("team", team.get("id"), match[2])
        if match := _CYCLE.fullmatch(json_path):
            cycle = self._cycles[int(match[1])]
            return folder / ROOT_FILE, _record("cycle", cycle.id, match[2])
        if (match := _RECORD.fullmatch(json_path)) and entry is not None:
            cycle = self._cycles[int(match[1])]
            table, position = match[2], int(match[3])
            document = entry[table][position]
            record_id = document.get("id") if isinstance(document, dict) else None
            path = folder / CYCLES_FOLDER / f"{cycle.id}.json"
            return path, _record(f"{table} entry", record_id, match[4])
        return folder, json_path


def _record(kind: str, record_id: Any, field: str) -> str:
    named = f"{kind} {record_id!r}" if record_id is not None else kind
    return f"{named}, {field}" if field else named


def _errors(error: ValidationError, prefix: tuple[str | int, ...]) -> list[tuple[str, str]]:
    return [(json_path((*prefix, *e["loc"])), e["msg"]) for e in errors_of(error)]
