"""Exports made from inside the app: a new file in the exports folder, never an overwrite.

Meeting notes and exports hold what the store holds (blockers, notes, who said what), so they
are created as the store's files are: readable by their owner only, in a folder of the owner's.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from okr_tui.file_writer import write_file
from okr_tui.paths import exports_folder
from okr_tui.store.storage import FILE_MODE
from okr_tui.store.store import OkrStore

FOLDER_MODE = 0o700
"""The exports folder's, as the store folder's (a folder made earlier keeps its mode)."""

EXTENSIONS = {"json": "json", "md": "md", "csv": "csv"}


def not_an_import_file(path: Path) -> str | None:
    """Why `path` cannot be imported (None: a regular file). Says what it is instead of "no
    such file": a FIFO or a device would block or never end, so they are not read."""
    from okr_tui.store.storage import what_it_is

    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "is a symbolic link to nothing" if path.is_symlink() else "no such file"
    except OSError as error:
        return f"cannot be read ({error.strerror})"
    if stat.S_ISREG(mode):
        return None
    return f"is {what_it_is(mode)}, not an export file"


def render_export(store: OkrStore, cycle_id: str, file_format: str) -> str:
    if file_format == "json":
        from okr_tui.exchange.json_export import export_json

        return export_json(store, cycle_id)
    from okr_tui.exchange import reports

    if file_format == "md":
        return reports.markdown_notes(store, cycle_id)
    if file_format == "csv":
        return reports.check_ins_csv(store, cycle_id)
    raise ValueError(f"unknown export format {file_format!r}")


def ready_exports_folder() -> Path:
    """The exports folder, made if it is missing."""
    folder = exports_folder()
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    return folder


def create_in_folder(folder: Path, stem: str, extension: str, text: str) -> Path:
    """Write `text` to `stem.ext` in `folder`, or `stem-2.ext`, ... : the first name not taken,
    never an overwrite. Each name is claimed by creating the file (O_EXCL), so two exports at
    once (two workers, two processes) never pick the same name; the text then replaces the
    empty file whole. Readable by its owner only (0600, as the store's files)."""
    number = 1
    while True:
        suffix = "" if number == 1 else f"-{number}"
        path = folder / f"{stem}{suffix}.{extension}"
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        except FileExistsError:
            number += 1
            continue
        os.close(descriptor)
        write_file(path, text, mode=FILE_MODE)
        return path


def export_to_folder(store: OkrStore, cycle_id: str | None, file_format: str) -> Path:
    """A new export file in the exports folder: one cycle, or (JSON, `cycle_id` None) every
    cycle of the store, as `okr export` writes a backup."""
    if cycle_id is None:
        return _whole_store_to_folder(store)
    cycle = store.cycle(cycle_id)
    text = render_export(store, cycle_id, file_format)
    folder = ready_exports_folder()
    stamp = store.clock.now().format("YYYYMMDD-HHmm")
    safe_name = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in cycle.name)
    return create_in_folder(folder, f"okr-{safe_name}-{stamp}", EXTENSIONS[file_format], text)


def _whole_store_to_folder(store: OkrStore) -> Path:
    """The JSON export of every cycle, written a cycle at a time (years of history never held
    whole in memory) into a hidden file, then given its name only once complete: a refused or
    failed export, or okr killed half-way, never leaves a file that looks like a backup."""
    from okr_tui.exchange.json_export import write_export
    from okr_tui.store.storage import TEMP_MARK

    folder = ready_exports_folder()
    stamp = store.clock.now().format("YYYYMMDD-HHmm")
    temp = create_in_folder(
        folder, f".okr-all-{stamp}.json{TEMP_MARK}{secrets.token_hex(4)}", "part", ""
    )
    try:
        with temp.open("wb") as handle:
            write_export(store, handle)
        number = 1
        while True:  # the first name not taken, claimed by the link as O_EXCL would
            path = folder / f"okr-all-{stamp}{'' if number == 1 else f'-{number}'}.json"
            try:
                os.link(temp, path)
            except FileExistsError:
                number += 1
                continue
            return path
    finally:
        temp.unlink(missing_ok=True)
