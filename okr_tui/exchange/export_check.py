"""An export checked as an import will check it, so whatever `okr export` writes, `okr import`
takes: a backup that cannot be restored is refused when it is made, not on the day it is needed.

The export writes the documents the store keeps without building models (see json_export); this
runs the import's models, references and rules (json_exchange.DocumentCheck, domain/rules.py)
over the same documents, one cycle at a time, and names the store file and record at fault.

A closed cycle's entry that passed is remembered on this machine by a digest of exactly what
was checked (the entry's bytes as the export writes them, the teams they refer to, and the
source of the code that checks them): the next export of the same bytes under the same code
takes in only its ids, for the checks across cycles, instead of validating tens of thousands
of records again. Anything that differs (a record changed by hand, a new okr) is checked.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from okr_tui.domain.models import Cycle, CycleState, Team
from okr_tui.domain.validation import errors_of, problem_text
from okr_tui.exchange.json_exchange import CycleExport, DocumentCheck, json_path
from okr_tui.store.errors import StoreError
from okr_tui.store.layout import CYCLES_FOLDER, ROOT_FILE
from okr_tui.store.store import OkrStore

_TEAMS = re.compile(r"\$\.teams\[(\d+)\]\.?(.*)")
_CYCLE = re.compile(r"\$\.cycles\[(\d+)\]\.cycle\.?(.*)")
_RECORD = re.compile(r"\$\.cycles\[(\d+)\]\.(\w+)\[(\d+)\]\.?(.*)")


# How many checked entries a machine remembers (a few years of quarters of a few stores).
REMEMBERED_ENTRIES = 512


def _code_digest() -> bytes:
    """A digest of the code an import's check runs (okr's version, the source of its models,
    rules and checks, and pydantic's version): an entry checked by other code is checked
    again. Worked out once, when the first export imports this module; okr's version is part
    of it, so an upgrade changes it even where the sources read the same."""
    import pydantic

    from okr_tui import __version__

    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(f"{__version__} {pydantic.VERSION}".encode())
    for path in sorted([*root.glob("domain/*.py"), *root.glob("exchange/*.py")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.digest()


CODE_DIGEST = _code_digest()


class CheckedEntries:
    """The digests of entries that passed, read from and saved to this machine's data folder
    (paths.checked_exports_file); a file that cannot be read or written only costs time."""

    def __init__(self) -> None:
        from okr_tui.paths import checked_exports_file

        self._path = checked_exports_file()
        self._known: list[str] = []
        with contextlib.suppress(OSError, UnicodeDecodeError):
            self._known = self._path.read_text(encoding="ascii").split()
        self._seen = set(self._known)
        self._added = False

    def __contains__(self, digest: str) -> bool:
        return digest in self._seen

    def add(self, digest: str) -> None:
        if digest not in self._seen:
            self._seen.add(digest)
            self._known.append(digest)
            self._added = True

    def save(self) -> None:
        if not self._added:
            return
        from okr_tui.store.storage import write_atomically

        lines = "".join(f"{digest}\n" for digest in self._known[-REMEMBERED_ENTRIES:])
        with contextlib.suppress(OSError):
            self._path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            write_atomically(self._path, lines.encode("ascii"))


class ExportCheck:
    """Checks an export as it is written: teams and cycles at the start, then each cycle's
    entry before it is written. Raises a StoreError (one line) on the first refusal.
    `remember`: skip closed cycles' entries that passed before (see the module docstring)."""

    def __init__(
        self,
        store: OkrStore,
        teams: list[dict[str, Any]],
        cycles: list[Cycle],
        remember: bool = True,
    ) -> None:
        self._store = store
        self._teams = teams
        self._cycles = cycles
        self._checked = CheckedEntries() if remember else None
        self._teams_digest = hashlib.sha256(repr(teams).encode()).digest()
        try:
            team_models = TypeAdapter(list[Team]).validate_python(teams)
        except ValidationError as error:
            raise self._refusal(_errors(error, ("teams",)), None) from None
        self._check = DocumentCheck(team_models, cycles)  # the store's own validated cycles
        if self._check.errors:
            raise self._refusal(self._check.errors, None)

    def cycle_entry(self, index: int, entry: dict[str, Any], encoded: bytes = b"") -> None:
        """Check `cycles[index]` of the export, as the import will read it back. `encoded`:
        the entry as the export writes it, by which a closed cycle's entry is remembered."""
        digest = None
        if self._checked is not None and encoded and self._cycles[index].state is CycleState.CLOSED:
            hashed = hashlib.sha256(CODE_DIGEST)
            hashed.update(self._teams_digest)
            hashed.update(encoded)
            digest = hashed.hexdigest()
            if digest in self._checked:
                self._check.known_entry(index, self._cycles[index].id, entry)
                if self._check.errors:
                    raise self._refusal(self._check.errors, entry)
                return
        try:
            export = CycleExport.model_validate(entry)
        except ValidationError as error:
            raise self._refusal(_errors(error, ("cycles", index)), entry) from None
        self._check.cycle_entry(index, export)
        if self._check.errors:
            raise self._refusal(self._check.errors, entry)
        if digest is not None and self._checked is not None:
            self._checked.add(digest)

    def done(self) -> None:
        """The whole export passed: remember the closed cycles' entries checked."""
        if self._checked is not None:
            self._checked.save()

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
    return [(json_path((*prefix, *e["loc"])), problem_text(e)) for e in errors_of(error)]
