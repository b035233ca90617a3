"""A second start-up reference: the bare Textual app (bare_app.py) that first imports the
libraries okr needs before its first frame (pydantic, pendulum, TinyDB, filelock, orjson), the
names okr uses (pydantic imports its modules lazily, on first use of a name).

It is not a target; it shows how much of okr's start-up is the cost of its dependencies being
imported, which no change to okr's own code can remove.
"""

from __future__ import annotations

import orjson  # noqa: F401
import pendulum  # noqa: F401
from bare_app import BareApp
from filelock import FileLock  # noqa: F401
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError  # noqa: F401
from tinydb import Query, TinyDB  # noqa: F401

if __name__ == "__main__":
    BareApp().run()
