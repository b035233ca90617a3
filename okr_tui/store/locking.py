"""The folder lock every okr process holds around its read-modify-write of a store's files.

One file lock per store folder (`.lock`), so a CLI check-in, a second app window and a git sync
never interleave their saves. Waiting is bounded: a lock held longer than LOCK_TIMEOUT_SECONDS
gives the one-line "is locked by another okr process" instead of a hung meeting.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from okr_tui.store.errors import StoreError
from okr_tui.store.layout import LOCK_FILE

if TYPE_CHECKING:
    from filelock import FileLock

LOCK_TIMEOUT_SECONDS = 15.0


def import_lock_library() -> None:
    """Import filelock ahead of the first save (about 15 ms, 68 M instructions): the app does
    it in the worker of its full check, so the meeting's first check-in does not pay it."""
    import filelock  # noqa: F401


class FolderLock:
    """A store folder's lock, with errors said as the store says them (StoreError)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._file_lock: FileLock | None = None

    @property
    def _lock(self) -> FileLock:
        """Made (and filelock imported) at the first save, not before the app's first frame."""
        if self._file_lock is None:
            from filelock import FileLock

            self._file_lock = FileLock(
                str(self.folder / LOCK_FILE), timeout=LOCK_TIMEOUT_SECONDS, mode=0o600
            )
        return self._file_lock

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """Hold the lock (waiting up to the timeout), or say why it cannot be had."""
        from filelock import Timeout

        try:
            self._lock.acquire()
        except Timeout as error:
            raise StoreError(self.folder, "is locked by another okr process; try again") from error
        except OSError as error:
            raise StoreError(self.folder, f"cannot be locked ({error.strerror})") from error
        try:
            yield
        finally:
            self._lock.release()

    @contextlib.contextmanager
    def held_if_free(self) -> Iterator[bool]:
        """Take the lock only if nobody holds it now; yields whether it was taken (a read-only
        folder or a save in progress: False, and nothing waits)."""
        from filelock import Timeout

        try:
            self._lock.acquire(timeout=0)
        except (Timeout, OSError):
            yield False
            return
        try:
            yield True
        finally:
            self._lock.release()
