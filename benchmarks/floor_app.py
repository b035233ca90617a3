"""Start-up references: the bare Textual app (bare_app.py) that first imports the libraries okr
needs before its first frame, the names okr uses (pydantic imports its modules lazily, on first
use of a name).

    python benchmarks/floor_app.py             # pydantic, pendulum, TinyDB, filelock, orjson
    python benchmarks/floor_app.py --minimum   # pydantic and pendulum only

Neither is a target. The first shows how much of okr's start-up is the cost of its dependencies
being imported. The second is the least any app on this stack imports before a first frame
that shows validated data with meeting dates (the store's lock and TinyDB could in principle
wait): its ratio to the bare app is what remains of the start-up target for everything else.
"""

from __future__ import annotations

import sys

if __name__ == "__main__":
    import pendulum  # noqa: F401
    from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError  # noqa: F401

    if "--minimum" not in sys.argv:
        import orjson  # noqa: F401
        from filelock import FileLock  # noqa: F401
        from tinydb import Query, TinyDB  # noqa: F401
    from bare_app import BareApp

    BareApp().run()
