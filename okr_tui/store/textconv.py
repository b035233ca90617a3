"""Git's textconv for store files: one field per line, keys sorted, so `git diff` and
`git log -p` of a store read as changes to records (a save writes each file as one line).

Run by git as `python -m okr_tui.store.textconv FILE` (`okr sync` registers it).
"""

from __future__ import annotations

import sys
from pathlib import Path

import orjson


def main(argv: list[str] | None = None) -> int:
    path = Path((argv or sys.argv[1:])[0])
    raw = path.read_bytes()
    try:
        options = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS
        readable = orjson.dumps(orjson.loads(raw), option=options)
    except orjson.JSONDecodeError:
        readable = raw  # not JSON (a conflict, a broken file): show it as it is
    sys.stdout.buffer.write(readable + b"\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
