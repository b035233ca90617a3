"""Modules that okr's libraries import at start-up but okr never calls: each is loaded the first
time something uses it (the standard library's `importlib.util.LazyLoader`), not at import.

- `dateutil.parser`: pendulum imports it for its lenient parse (`strict=False`); okr's parses
  are all strict, so the module (and the time zone code it pulls in) is never used.
"""

from __future__ import annotations

import importlib.util
import sys

LOADED_ON_FIRST_USE = ("dateutil.parser",)


def load_on_first_use(name: str) -> None:
    """Put `name` in `sys.modules` as a module that runs its code on first attribute access.
    Does nothing if it is imported already or not installed."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)


for _name in LOADED_ON_FIRST_USE:
    load_on_first_use(_name)
