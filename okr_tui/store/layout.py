"""Where a store keeps what: the file names, the cycle-id rule that makes a file name safe, and
which table of which file holds each kind of record. Shared by the store, import/export and the
git sync and merge driver, which all read the same files."""

from __future__ import annotations

import os
import re
from pathlib import Path

from pydantic import BaseModel

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
)

ROOT_FILE = "okr.json"
CYCLES_FOLDER = "cycles"
LOCK_FILE = ".lock"
# Where an import keeps the files it replaces until the new ones are written and checked.
BACKUP_PREFIX = ".import-backup-"
# A cycle id names its file: nothing that could climb out of the cycles folder (an import
# file chooses the ids).
SAFE_CYCLE_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")
# In the root file's meta: every cycle it lists has its file, so a missing one was deleted.
# A store written before this mark read a cycle without a file as empty (its file was made at
# the cycle's first objective); its first save by this version gives each cycle its file.
EVERY_CYCLE_HAS_A_FILE = "every_cycle_has_a_file"


ROOT_TABLES: dict[type[BaseModel], str] = {Team: "teams", Cycle: "cycles"}
CYCLE_TABLES: dict[type[BaseModel], str] = {
    Objective: "objectives",
    KeyResult: "key_results",
    CheckIn: "check_ins",
    Meeting: "meetings",
    Action: "actions",
    ReviewDecision: "review_decisions",
    Review: "reviews",
    Score: "scores",
    Retrospective: "retrospectives",
    AuditEntry: "audit",
}


def store_files(folder: Path) -> list[Path]:
    """The store files in a folder (okr.json and cycles/*.json), relative to it; a dangling
    symlink counts too."""
    found = [Path(ROOT_FILE)] if os.path.lexists(folder / ROOT_FILE) else []
    cycles = folder / CYCLES_FOLDER
    if cycles.is_dir():
        found += sorted(path.relative_to(folder) for path in cycles.glob("*.json"))
    return found
