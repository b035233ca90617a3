"""The architecture holds: the domain imports neither Textual nor TinyDB, only the store imports
TinyDB, and the CLI's quick commands start without loading Textual."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from repo import ROOT

PACKAGE = ROOT / "okr_tui"


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(','.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return set(result.stdout.strip().split(","))


def _loaded_after(statement: str) -> set[str]:
    return {name.split(".")[0] for name in _modules_after(statement)}


def test_domain_imports_neither_textual_nor_tinydb():
    statement = "import " + ", ".join(
        f"okr_tui.domain.{path.stem}"
        for path in (PACKAGE / "domain").glob("*.py")
        if path.stem != "__init__"
    )
    loaded = _loaded_after(statement)
    assert "textual" not in loaded
    assert "tinydb" not in loaded


def test_cli_help_path_does_not_load_textual():
    loaded = _loaded_after("import okr_tui.cli")
    assert "textual" not in loaded
    assert "tinydb" not in loaded


def test_reading_the_config_does_not_load_tomlkit(tmp_path: Path):
    """Start-up only reads the config (tomllib); tomlkit is for writing a remembered theme."""
    config = tmp_path / "config.toml"
    config.write_text('theme = "okr-light"  # mine\n[keymap]\n"app.help" = "f1"\n')
    loaded = _loaded_after(
        "import okr_tui.app; from okr_tui import config; from pathlib import Path; "
        f"settings, problems = config.load_settings(Path({str(config)!r})); "
        "assert settings.theme == 'okr-light' and not problems"
    )
    assert "textual" in loaded
    assert "tomlkit" not in loaded


def test_start_up_leaves_out_what_its_first_screen_does_not_use():
    """Start-up (issue 19) does not run TextArea's module (no start-up screen has one: about
    34 M instructions) nor dateutil's parser (pendulum's lenient parse, which okr never asks
    for: about 16 M), not even after a strict parse as `--at` makes; the prep lane's module
    is imported by the worker that works out the first lane, after the first frame."""
    modules = _modules_after(
        "import okr_tui.cli, okr_tui.app, okr_tui.screens.dashboard; "
        "from okr_tui.domain.clock import to_utc; "
        "to_utc('2026-11-23T10:00:00Z'); "
        "lazy = sys.modules['dateutil.parser']; "
        "assert type(lazy).__name__ == '_LazyModule', type(lazy)"
    )
    assert "okr_tui.screens.dashboard" in modules
    assert "textual.widgets._text_area" not in modules
    assert "okr_tui.domain.prep" not in modules
    assert "dateutil.tz" not in modules  # the parser's first import, left for its first use


def test_pendulums_lenient_parse_still_works_when_first_used():
    """dateutil's parser is loaded on first use, not left out: pendulum's lenient parse."""
    modules = _modules_after(
        "import okr_tui, pendulum; assert pendulum.parse('Nov 23 2026', strict=False).day == 23"
    )
    assert "dateutil.tz" in modules


def _with_plugins(setting: str, statement: str) -> set[str]:
    code = (
        f"import os; os.environ['PYDANTIC_DISABLE_PLUGINS'] = {setting!r}; "
        "from okr_tui.lazy_imports import without_pydantic_plugin_search; "
        f"without_pydantic_plugin_search(); {statement}"
    )
    return _modules_after(code)


def test_with_pydantic_plugins_off_a_model_builds_without_the_plugin_search():
    """okr turns pydantic's plugins off; the stand-in for pydantic's plugin loader answers
    "none" without importing importlib.metadata, and pydantic builds and validates with it."""
    modules = _with_plugins(
        "__all__",
        # The stand-in, counting the calls: pydantic must still ask it, or it stands for nothing.
        "stand_in = sys.modules['pydantic.plugin._loader']; asked = []; "
        "stand_in.get_plugins = lambda: asked.append(1) or (); "
        "from okr_tui.domain.models import Team; "
        "assert Team.model_validate({'name': 'Growth', 'members': ['Ana']}).members == ['Ana']; "
        "assert asked, 'pydantic no longer asks pydantic.plugin._loader for its plugins'",
    )
    assert "okr_tui.domain.models" in modules
    assert "importlib.metadata" not in modules


def test_with_pydantic_plugins_on_pydantic_searches_for_them():
    """PYDANTIC_DISABLE_PLUGINS set empty (a user who wants their plugins): pydantic's own
    loader, which searches the installed packages."""
    modules = _with_plugins(
        "",
        "from okr_tui.domain.models import Team; Team(name='Growth'); "
        "import pydantic.plugin._loader as loader; assert loader.__file__",
    )
    assert "importlib.metadata" in modules


def test_only_the_store_imports_tinydb():
    importers = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(name.split(".")[0] == "tinydb" for name in names):
                importers.append(path.relative_to(PACKAGE).parts[0])
    assert importers and set(importers) == {"store"}


def test_a_json_export_does_not_load_textual(tmp_path: Path) -> None:
    """`okr export` is a script's command: it needs the store, not the app. It does load the
    import's validation models: what it writes is checked as an import will check it."""
    (tmp_path / "store").mkdir()  # an empty store
    argv = ["--db", str(tmp_path / "store"), "export", "-o", str(tmp_path / "export.json")]
    code = (
        f"import sys; from okr_tui.cli import main; main({argv!r}); "
        "print(','.join(sorted(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    loaded = set(result.stdout.strip().split(","))

    assert "okr_tui.exchange.json_export" in loaded
    assert "okr_tui.exchange.json_exchange" in loaded
    assert not any(name.split(".")[0] == "textual" for name in loaded)
    assert (tmp_path / "export.json").read_text().startswith('{\n  "cycles": []')
