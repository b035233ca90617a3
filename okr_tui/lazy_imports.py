"""Modules that okr's libraries import at start-up but okr never calls: each is loaded the first
time something uses it (the standard library's `importlib.util.LazyLoader`), not at import.

- `dateutil.parser`: pendulum imports it for its lenient parse (`strict=False`); okr's parses
  are all strict, so the module (and the time zone code it pulls in) is never used.

One more is left out while pydantic's plugins are off, as `okr` starts them
(`without_pydantic_plugin_search`).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import types

PLUGINS_OFF = ("__all__", "1", "true")
"""PYDANTIC_DISABLE_PLUGINS values that turn every plugin off (pydantic.plugin._loader)."""
PLUGIN_LOADER = "pydantic.plugin._loader"

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


def without_pydantic_plugin_search() -> None:
    """With pydantic's plugins off, stand in for the module that would look for them.

    Building a model's validator, pydantic imports `pydantic.plugin._loader` and asks its
    `get_plugins()`, which returns no plugin when PYDANTIC_DISABLE_PLUGINS turns them all off;
    but importing the module imports `importlib.metadata` (email, zipfile, csv): 23 M
    instructions of start-up for nothing. The stand-in answers the same. Private to pydantic:
    tests/functional/test_import_hygiene.py checks that pydantic still asks this module and
    that a model builds and validates with the stand-in. Does nothing when plugins are on or
    the loader is imported already."""
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") not in PLUGINS_OFF:
        return
    if PLUGIN_LOADER in sys.modules:
        return
    loader = types.ModuleType(PLUGIN_LOADER, "okr: pydantic's plugins are off")
    loader.get_plugins = tuple  # type: ignore[attr-defined]  # no plugins: ()
    sys.modules[PLUGIN_LOADER] = loader


for _name in LOADED_ON_FIRST_USE:
    load_on_first_use(_name)
