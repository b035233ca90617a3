"""The file moves behind an import's `replace_everything`: the old store files go aside into a
backup folder, the new ones are read back whole, and on a failure the old ones come back."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel

from okr_tui.store.errors import StoreError
from okr_tui.store.layout import CYCLES_FOLDER, store_files
from okr_tui.store.migrations import migrate
from okr_tui.store.storage import fsync_folder, read_json_file


def check_written(path: Path, kind: str, meant: Mapping[str, Sequence[BaseModel]]) -> None:
    """Read a file an import wrote back from disk: it parses, has its kind and version, and
    holds exactly the records meant for it (by id, table by table)."""
    tables = migrate(path, read_json_file(path), kind)
    for table, models in meant.items():
        stored = sorted(str(document.get("id")) for document in tables.get(table, {}).values())
        if stored != sorted(model.id for model in models):  # type: ignore[attr-defined]
            raise StoreError(path, f"does not hold the {table} written to it")


def move_store_files(folder: Path, backup: Path) -> list[Path]:
    """Move every store file of `folder` into `backup` (same layout); the ones moved."""
    moved = []
    for relative in store_files(folder):
        os.replace(folder / relative, backup / relative)
        moved.append(relative)
    fsync_folder(folder / CYCLES_FOLDER)
    fsync_folder(folder)
    return moved


def put_back(folder: Path, backup: Path, moved: list[Path]) -> bool:
    """Undo a failed import: remove the files it wrote and move the old ones back. True when
    the store is as it was (the backup folder is then removed)."""
    try:
        for relative in store_files(folder):
            (folder / relative).unlink()
        for relative in moved:
            os.replace(backup / relative, folder / relative)
        fsync_folder(folder / CYCLES_FOLDER)
        fsync_folder(folder)
    except OSError:
        return False
    shutil.rmtree(backup, ignore_errors=True)
    return True
