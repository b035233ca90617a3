"""A TinyDB storage that never leaves a half-written file.

TinyDB's stock JSONStorage rewrites its file in place and re-parses it on every query. This one
keeps the tables in memory, serialises with orjson, and saves by writing a temp file, fsyncing it,
`os.replace`-ing it over the old file and fsyncing the folder: a crash at any moment leaves the
old file or the new one. Inside a transaction, writes only touch memory and the commit saves once,
so a multi-table change is all-or-nothing. A failed save reloads memory from disk, so memory and
disk always agree.
"""

from __future__ import annotations

import bisect
import contextlib
import errno
import os
import secrets
import stat
from itertools import repeat
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from okr_tui.store.errors import StoreError
from okr_tui.store.migrations import META_DOC_ID, META_TABLE, migrate, new_meta

TEMP_MARK = ".tmp-"
FILE_MODE = 0o600
# A quarter of a large organisation is a few MB (benchmarks/generate.py: 3.3 MB): the cap only
# stops a file that cannot be a store file (a link to /dev/zero, a disk image) from filling memory.
MAX_STORE_FILE_BYTES = 256 * 1024 * 1024


def file_signature(path: Path) -> tuple[int, int, int] | None:
    """(inode, mtime_ns, size): changes whenever another process replaces the file. The entry
    itself, not what a symlink points to: a link put in place of a file is a change."""
    try:
        found = path.lstat()
    except FileNotFoundError:
        return None
    return (found.st_ino, found.st_mtime_ns, found.st_size)


def what_it_is(mode: int) -> str:
    """What a path that is not a regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _symlink_problem(path: Path) -> str:
    """A store file that is a symlink is refused: a save renames a new file over the path, which
    would replace the link and leave the file it points to behind, no longer updated."""
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    dangling = "" if path.exists() else ", which does not exist"
    return (
        f"is a symbolic link (to {target}{dangling}); okr-tui keeps its store in regular files "
        "only: put the file itself in its place"
    )


def read_store_bytes(path: Path) -> bytes:
    """The bytes of a store file, read only if it is a regular file (not a symlink, a FIFO or a
    device, which could block or never end) of at most MAX_STORE_FILE_BYTES."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError as error:
        if os.path.islink(path):
            raise StoreError(path, _symlink_problem(path)) from error
        raise StoreError(path, "is missing") from error
    except PermissionError as error:
        raise StoreError(path, "cannot be read (permission denied)") from error
    except IsADirectoryError as error:
        raise StoreError(path, "is a folder, not a store file") from error
    except OSError as error:
        if error.errno == errno.ELOOP or os.path.islink(path):
            raise StoreError(path, _symlink_problem(path)) from error
        raise StoreError(path, f"cannot be read ({error.strerror})") from error
    try:
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode):
            raise StoreError(path, f"is {what_it_is(found.st_mode)}, not a store file")
        if found.st_size > MAX_STORE_FILE_BYTES:
            raise StoreError(path, _too_large(found.st_size))
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(MAX_STORE_FILE_BYTES + 1)  # it may grow while we read
    except OSError as error:
        raise StoreError(path, f"cannot be read ({error.strerror})") from error
    finally:
        os.close(fd)
    if len(raw) > MAX_STORE_FILE_BYTES:
        raise StoreError(path, _too_large(len(raw)))
    return raw


def _too_large(size: int) -> str:
    mib = 1024 * 1024
    return (
        f"is {size / mib:,.0f} MiB; store files are limited to {MAX_STORE_FILE_BYTES // mib} MiB "
        "(a large organisation's quarter is a few MiB), so this is not a store file"
    )


def read_json_file(path: Path) -> dict[str, Any]:
    """Parse a store file, or raise a StoreError that names the file and the problem.

    Never writes: a broken file is left byte-for-byte as it was.
    """
    raw = read_store_bytes(path)
    if not raw.strip():
        raise StoreError(path, "is empty")
    try:
        parsed = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise StoreError(path, f"is not valid JSON ({error}); it may be truncated") from error
    if not isinstance(parsed, dict) or not all(isinstance(t, dict) for t in parsed.values()):
        raise StoreError(path, "is JSON but not an okr-tui store file (expected tables)")
    for name, table in parsed.items():
        # TinyDB needs integer document ids and object documents; anything else would crash
        # deep inside it later, so refuse the file here with a clear message. Checked at C
        # speed first (a quarter's file holds about 10,000 records), then found one by one.
        if all(map(str.isdecimal, table)) and all(map(isinstance, table.values(), repeat(dict))):
            continue
        for doc_id, document in table.items():
            if not doc_id.isdecimal() or not isinstance(document, dict):
                raise StoreError(
                    path,
                    f"is JSON but not an okr-tui store file (entry {doc_id!r} of table "
                    f"{name!r} is not a record)",
                )
    return parsed


def write_atomically(path: Path, payload: bytes) -> None:
    """Replace `path` with `payload` durably: temp file, fsync, rename, fsync the folder."""
    temp = path.with_name(f".{path.name}{TEMP_MARK}{secrets.token_hex(4)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
    fsync_folder(path.parent)


def fsync_folder(folder: Path) -> None:
    """Make a rename durable; a no-op where folders cannot be opened (Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def stale_temp_files(folder: Path) -> list[Path]:
    """The temp files of saves in `folder`: left by a save that was killed before its rename,
    unless a save is running now."""
    if not folder.is_dir():
        return []
    return list(folder.glob(f".*{TEMP_MARK}*"))


def remove_stale_temp_files(folder: Path) -> None:
    """Temp files left by a save that was killed before its rename are garbage: remove them."""
    for leftover in stale_temp_files(folder):
        with contextlib.suppress(OSError):
            leftover.unlink()


class _EncodedTable:
    """One table's JSON as `orjson.dumps(table, option=OPT_SORT_KEYS)` writes it, kept in pieces
    so that a change to a few documents re-encodes only their piece (a check-in save appends one
    document to a table of thousands; encoding it all again was a third of the save's CPU).

    A piece holds the documents whose ids share their first `width` characters. Pieces in the
    order of those prefixes, each sorted inside, are the whole table sorted: of two ids in
    different pieces, either their prefixes differ at a character both have, which orders the ids
    the same way, or one prefix is a shorter id itself, which sorts before the ids it begins.

    Pieces cost three times a whole encoding to make, so a table is kept whole (`pieces`
    False: an import, a table rewritten) until a save changes a few of its documents.
    """

    def __init__(self, raw: dict[str, Any], pieces: bool) -> None:
        self._raw = raw
        self._whole: bytes | None = None
        self.width = max(1, max(map(len, raw), default=0) - 2)  # about 100 documents a piece
        self._ids: dict[str, set[str]] = {}
        self._order: list[str] = []
        self._pieces: dict[str, bytes] = {}
        if pieces:
            self._cut()
        else:
            self._whole = orjson.dumps(raw, option=orjson.OPT_SORT_KEYS)

    def _cut(self) -> None:
        """Make the pieces of the table as it is now."""
        self._whole = None
        for key in self._raw:
            self._ids.setdefault(key[: self.width], set()).add(key)
        self._order = sorted(self._ids)
        self._pieces = {prefix: self._encode(ids) for prefix, ids in self._ids.items()}

    def _encode(self, ids: set[str]) -> bytes:
        raw = self._raw
        return orjson.dumps({key: raw[key] for key in ids}, option=orjson.OPT_SORT_KEYS)[1:-1]

    def keeps_up_with(self, raw: dict[str, Any], touched: set[str]) -> bool:
        """Re-encode the pieces of the documents touched; False if this is not worth it (most of
        the table touched, ids grown longer) or not possible (another table object): encode the
        table whole instead."""
        if raw is not self._raw or len(touched) * 8 > len(raw) + 8:
            return False
        if any(len(key) > self.width + 2 for key in touched):
            return False
        if self._whole is not None and touched:
            self._cut()  # from the table as it is now: the touched documents included
            return True
        changed = set()
        for key in touched:
            prefix = key[: self.width]
            ids = self._ids.get(prefix)
            if ids is None:
                ids = self._ids[prefix] = set()
                bisect.insort(self._order, prefix)
            if key in raw:
                ids.add(key)
            else:
                ids.discard(key)
            changed.add(prefix)
        for prefix in changed:
            ids = self._ids[prefix]
            if ids:
                self._pieces[prefix] = self._encode(ids)
            else:
                del self._ids[prefix]
                self._pieces.pop(prefix, None)  # added and removed in one save: never encoded
                self._order.remove(prefix)
        return True

    def parts(self) -> list[bytes]:
        """The table's JSON in order, to be joined: braces, pieces and the commas between."""
        if self._whole is not None:
            return [self._whole]
        parts = [b"{"]
        for prefix in self._order:
            parts += (self._pieces[prefix], b",")
        if len(parts) > 1:
            parts.pop()
        parts.append(b"}")
        return parts


class AtomicJSONStorage(Storage):
    """In-memory tables, saved atomically. `read_only` refuses every write.

    `kind` names what the file holds ("root" or "cycle"); a new file starts with a meta table
    carrying the schema version, and every load checks it and runs the migrations. `missing`:
    the problem to report if the file does not exist, for a file that must (a cycle the root
    file lists); without it a missing file is a new, empty one.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        kind: str,
        meta: dict[str, Any] | None = None,
        read_only: bool = False,
        missing: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.kind = kind
        self.meta = meta or {}
        self.read_only = read_only
        self.missing = missing
        self._tables: dict[str, dict[str, Any]] | None = None
        # Each table's JSON as last saved, in pieces: a check-in save re-encodes the piece of the
        # new check-in, not the other check-ins nor the audit, meetings and key results beside.
        self._encoded: dict[str, _EncodedTable] = {}
        # table -> ids of its documents changed since the last save (to re-encode)
        self._touched: dict[str, set[str]] = {}
        self.signature: tuple[int, int, int] | None = None
        self._in_transaction = False
        self._dirty = False

    def read(self) -> dict[str, dict[str, Any]] | None:
        if self._tables is None:
            self.reload()
        return self._tables

    def reload(self) -> None:
        """Read the file as it is on disk now (it may not exist yet: then no tables)."""
        signature = file_signature(self.path)
        self._encoded.clear()
        self._touched.clear()
        if signature is None and self.missing is not None:
            raise StoreError(self.path, self.missing)
        if signature is None:
            self._tables = {META_TABLE: {META_DOC_ID: new_meta(self.kind, **self.meta)}}
        else:
            self._tables = migrate(self.path, read_json_file(self.path), self.kind)
        self.signature = signature

    def changed_on_disk(self) -> bool:
        return file_signature(self.path) != self.signature

    def write(
        self,
        data: dict[str, dict[str, Any]],
        changed: str | None = None,
        ids: set[str] | None = None,
    ) -> None:
        """Take the tables after a change; `changed` names the one table that changed and `ids`
        the documents of it that may have (the store's table class knows them), else every
        table is encoded again at the next save."""
        if self.read_only:
            self.reload()
            raise StoreError(self.path, "is read-only")
        if changed is None:
            self._encoded.clear()
            self._touched.clear()
        elif ids is None:
            self._encoded.pop(changed, None)
            self._touched.pop(changed, None)
        else:
            self._touched.setdefault(changed, set()).update(ids)
        self._tables = data
        if self._in_transaction:
            self._dirty = True
            return
        self._save()

    def _save(self) -> None:
        assert self._tables is not None
        try:
            write_atomically(self.path, self._payload())
        except BaseException as error:
            # Memory already holds the change; bring it back in line with the disk.
            self.reload()
            if isinstance(error, OSError):
                reason = error.strerror or str(error)
                raise StoreError(
                    self.path, f"could not be saved ({reason}); nothing was changed"
                ) from error
            raise
        self.signature = file_signature(self.path)

    def _payload(self) -> bytes:
        """The file's bytes, exactly as `orjson.dumps(tables, option=OPT_SORT_KEYS)`."""
        assert self._tables is not None
        touched, self._touched = self._touched, {}
        parts = [b"{"]
        for name in sorted(self._tables):
            table = self._tables[name]
            encoded = self._encoded.get(name)
            changed = touched.get(name, set())
            if encoded is None or not encoded.keeps_up_with(table, changed):
                # In pieces at once when a few documents changed (a check-in appended): more
                # such saves are likely; whole after an import or a rewrite of the table.
                few = bool(changed) and len(changed) * 8 <= len(table) + 8
                encoded = self._encoded[name] = _EncodedTable(table, pieces=few)
            parts += (b"," if len(parts) > 1 else b"", orjson.dumps(name), b":", *encoded.parts())
        parts.append(b"}")
        return b"".join(parts)  # one copy of the megabytes, not one per table and one more

    def begin(self) -> None:
        self._in_transaction = True
        self._dirty = False

    def commit(self) -> None:
        self._in_transaction = False
        if self._dirty:
            self._dirty = False
            self._save()

    def rollback(self) -> None:
        self._in_transaction = False
        self._dirty = False
        self.reload()

    def close(self) -> None:
        """Nothing to flush: every committed write is already on disk."""
