"""The one way okr writes a file outside the store: exports, meeting notes, the config, the
trusted sources. (The store's own files have their own durable writer in store/.)

A file appears at its path only once it is complete: it is written beside it, synced, and
renamed over it, so an error halfway leaves the old file (or none), never half a file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


@contextlib.contextmanager
def complete_file(path: Path, *, mode: int | None = None) -> Iterator[BinaryIO]:
    """A binary handle whose bytes replace `path` when the block ends without an error.

    `mode` is the file's permissions; None keeps those of the file replaced, so it keeps its
    readers (a new file gets the default, as open() gives). A symbolic link is written through,
    as writing in place would.
    """
    final = Path(os.path.realpath(path))
    temp = final.with_name(f".{final.name}.tmp-{secrets.token_hex(4)}")
    if mode is None:
        try:
            mode = stat.S_IMODE(final.stat().st_mode)
        except OSError:
            mode = None
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    descriptor = os.open(temp, flags, 0o666 if mode is None else mode)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            if mode is not None and hasattr(os, "fchmod"):  # not on Windows
                os.fchmod(handle.fileno(), mode)  # the umask does not narrow it
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, final)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def write_file(path: Path, text: str, *, mode: int | None = None) -> None:
    """Write `text` (UTF-8) to `path` through `complete_file`."""
    with complete_file(path, mode=mode) as handle:
        handle.write(text.encode("utf-8"))


def write_private_file(path: Path, text: str) -> None:
    """Write `text` to `path` whole, readable by its owner only (0600), in a folder of the
    owner's made if it is missing (settings and trust records)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_file(path, text, mode=0o600)
