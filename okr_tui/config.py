"""User settings: a small TOML file in the config folder, validated.

The app reads it at start-up and writes it when the user changes something it remembers (the
theme, the owner filter). It reads with tomllib (in the standard library, so start-up imports
nothing more) and writes with tomlkit, which rewrites only the values that change: the user's
comments, order and layout stay. The file is created readable by its owner only.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from okr_tui import paths
from okr_tui.domain.sources import Source
from okr_tui.domain.validation import errors_of, problem_text
from okr_tui.file_writer import write_private_file

if TYPE_CHECKING:
    from tomlkit import TOMLDocument

# Room for a source per key result of a large organisation (600 take about 100 kB).
MAX_CONFIG_BYTES = 1_000_000

_THEME_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
_BINDING_ID = re.compile(r"[A-Za-z0-9_.-]{1,80}")
_KEYS = re.compile(r"[^\s,]+(,[^\s,]+)*")
_KR_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")


def _theme_name(value: str) -> str:
    if not _THEME_NAME.fullmatch(value):
        raise ValueError(f"{value!r} is not a theme name")
    return value


def _owner_name(value: str) -> str:
    name = " ".join(value.split())
    if not name or len(name) > 80 or not name.isprintable():
        raise ValueError(f"{value[:40]!r} is not a person's name (one line, at most 80 characters)")
    return name


def _keymap(value: dict[str, str]) -> dict[str, str]:
    for binding_id, keys in value.items():
        if not _BINDING_ID.fullmatch(binding_id):
            raise ValueError(f"{binding_id!r} is not a binding id (like 'dashboard.check_in')")
        if not _KEYS.fullmatch(keys):
            raise ValueError(
                f"{binding_id} = {keys!r}: write keys like 'ctrl+k' or 'f5,m' (no spaces)"
            )
    return value


def _sources(value: dict[str, Source]) -> dict[str, Source]:
    for kr_id in value:
        if not _KR_ID.fullmatch(kr_id):
            raise ValueError(f"{kr_id!r} is not a key result id (like 'kr-3f9a2c1b')")
    return value


class Settings(BaseModel):
    """What the config file may hold. Every field has a default, so an empty file is valid."""

    # Built on first validation: with no config file the app never validates one.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)

    theme: Annotated[str, AfterValidator(_theme_name)] | None = Field(
        default=None, description="Theme name; none means the default (okr-dark)"
    )
    owner: Annotated[str, AfterValidator(_owner_name)] | None = Field(
        default=None,
        description="The owner filter ('My key results', ctrl+g): only this person's key results",
    )
    cursor_blink: bool = Field(default=True, description="Blink the cursor in text fields")
    keymap: Annotated[dict[str, str], AfterValidator(_keymap)] = Field(
        default={}, description="Binding id -> keys, e.g. 'dashboard.check_in' = 'i'"
    )
    prep_panel: bool = Field(
        default=False, description="The dashboard's prep lane unfolded (the l key remembers it)"
    )
    digest_webhook: str | None = Field(
        default=None,
        description="Slack or Teams incoming-webhook URL that `okr digest --post` sends to",
    )
    sources: Annotated[dict[str, Source], AfterValidator(_sources)] = Field(
        default={},
        description="Key result id -> where `okr pull` reads its value (yours: always trusted)",
    )
    source_timeout: float = Field(
        default=10.0, gt=0, le=600, description="Seconds a source may take in `okr pull`"
    )


def default_settings() -> Settings:
    """The settings when nothing was chosen: the defaults need no validation, and building
    the validator would cost every start-up without a config file a few milliseconds."""
    return Settings.model_construct()


def _describe(error: ValidationError) -> str:
    known = ", ".join(Settings.model_fields)
    parts = []
    for item in errors_of(error):
        where = ".".join(str(part) for part in item["loc"]) or "file"
        if item["type"] == "extra_forbidden":
            parts.append(f"{where}: not a setting (known settings: {known})")
        else:
            parts.append(f"{where}: {problem_text(item)}")
    return "; ".join(parts)


def load_settings(path: Path | None = None) -> tuple[Settings, list[str]]:
    """The settings and the problems found; with any problem, the defaults.

    A missing file is not a problem: it means nothing was chosen yet.
    """
    path = path if path is not None else paths.config_file()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return default_settings(), []
    except OSError as error:
        return default_settings(), [
            f"Config file {path} cannot be read ({error.strerror or error})"
        ]
    if len(raw) > MAX_CONFIG_BYTES:
        return default_settings(), [
            f"Config file {path} is larger than {MAX_CONFIG_BYTES // 1000} kB"
        ]
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return default_settings(), [f"Config file {path} is not UTF-8 text; using the defaults"]
    except tomllib.TOMLDecodeError as error:
        return default_settings(), [
            f"Config file {path} is not valid TOML ({error}); using the defaults"
        ]
    try:
        return Settings.model_validate(data), []
    except ValidationError as error:
        return default_settings(), [f"Config file {path}: {_describe(error)}; using the defaults"]


NEW_FILE = "# okr-tui settings (README: Config). The app rewrites only what you change in it.\n"


def dumps_settings(settings: Settings, previous: str = NEW_FILE) -> str:
    """`previous` (the config file's text) with every value of `settings` written into it.

    Raises ValueError when `previous` is not valid TOML.
    """
    import tomlkit  # only when writing: reading uses tomllib, and start-up only reads

    document = tomlkit.parse(previous)
    _apply(document, {name: getattr(settings, name) for name in Settings.model_fields})
    return tomlkit.dumps(document)


def _apply(document: TOMLDocument, changes: Mapping[str, object]) -> None:
    """Write `changes` into `document`, rewriting only the values that differ: comments, order
    and layout stay. A value at its default that the file does not hold is not added."""
    import tomlkit

    defaults = default_settings()
    for name, value in changes.items():
        if name == "sources":  # read from the file, never written by the app
            continue
        if name in document:
            held = document[name]  # tomlkit hands a bool back as a plain bool
            if (held.unwrap() if hasattr(held, "unwrap") else held) == value:
                continue
        elif value == getattr(defaults, name):
            continue
        if value is None:  # no theme: the default; no owner: everyone's key results
            del document[name]
        elif name != "keymap":
            document[name] = value
        else:  # key by key, so the comments beside the unchanged ones stay
            assert isinstance(value, dict)
            if "keymap" not in document:
                document["keymap"] = tomlkit.table()
            table = document["keymap"]
            for binding_id in [binding_id for binding_id in table if binding_id not in value]:
                del table[binding_id]
            for binding_id, keys in value.items():
                if table.get(binding_id) != keys:
                    table[binding_id] = keys


def _read_for_writing(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return NEW_FILE


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write `settings` into the config file as it is now (see `dumps_settings`).

    Raises OSError when the file cannot be read or written, ValueError when it is not valid TOML
    (it is left as it is).
    """
    path = path if path is not None else paths.config_file()
    write_private_file(path, dumps_settings(settings, _read_for_writing(path)))
    return path


def update_settings(changes: Mapping[str, object], path: Path | None = None) -> Settings:
    """Change only `changes` in the config file as it is now (edits made since start-up stay)
    and return the settings the file then holds.

    Raises OSError when the file cannot be read or written, ValueError when it is not valid TOML
    or would not hold valid settings (nothing is written then).
    """
    import tomlkit

    path = path if path is not None else paths.config_file()
    document = tomlkit.parse(_read_for_writing(path))
    _apply(document, changes)
    try:
        settings = Settings.model_validate(document.unwrap())
    except ValidationError as error:
        raise ValueError(f"Config file {path}: {_describe(error)}") from None
    write_private_file(path, tomlkit.dumps(document))
    return settings
