"""User settings: a small TOML file in the config folder, validated.

The app reads it at start-up and writes it when the user changes something it remembers (the
theme). The file is read with tomllib and written by hand (it holds a few plain values), created
readable by its owner only.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from okr_tui import paths

MAX_CONFIG_BYTES = 64_000

_THEME_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
_BINDING_ID = re.compile(r"[A-Za-z0-9_.-]{1,80}")
_KEYS = re.compile(r"[^\s,]+(,[^\s,]+)*")


def _theme_name(value: str) -> str:
    if not _THEME_NAME.fullmatch(value):
        raise ValueError(f"{value!r} is not a theme name")
    return value


def _keymap(value: dict[str, str]) -> dict[str, str]:
    for binding_id, keys in value.items():
        if not _BINDING_ID.fullmatch(binding_id):
            raise ValueError(f"{binding_id!r} is not a binding id (like 'dashboard.check_in')")
        if not _KEYS.fullmatch(keys):
            raise ValueError(
                f"{binding_id} = {keys!r}: write keys like 'ctrl+k' or 'f5,m' (no spaces)"
            )
    return value


class Settings(BaseModel):
    """What the config file may hold. Every field has a default, so an empty file is valid."""

    # Built on first validation: with no config file the app never validates one.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)

    theme: Annotated[str, AfterValidator(_theme_name)] | None = Field(
        default=None, description="Theme name; none means the default (okr-dark)"
    )
    cursor_blink: bool = Field(default=True, description="Blink the cursor in text fields")
    keymap: Annotated[dict[str, str], AfterValidator(_keymap)] = Field(
        default_factory=dict, description="Binding id -> keys, e.g. 'dashboard.check_in' = 'i'"
    )
    digest_webhook: str | None = Field(
        default=None,
        description="Slack or Teams incoming-webhook URL that `okr digest --post` sends to",
    )


def default_settings() -> Settings:
    """The settings when nothing was chosen: the defaults need no validation, and building
    the validator would cost every start-up without a config file a few milliseconds."""
    return Settings.model_construct()


def _describe(error: ValidationError) -> str:
    known = ", ".join(Settings.model_fields)
    parts = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "file"
        if item["type"] == "extra_forbidden":
            parts.append(f"{where}: not a setting (known settings: {known})")
        else:
            parts.append(f"{where}: {item['msg'].removeprefix('Value error, ')}")
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


def _toml_string(text: str) -> str:
    escaped = []
    for char in text:
        if char in ('"', "\\"):
            escaped.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04x}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def dumps_settings(settings: Settings) -> str:
    """The settings as TOML; values left at their default are left out."""
    lines = ["# okr-tui settings. Written by the app; edit freely while it is closed.", ""]
    if settings.theme is not None:
        lines.append(f"theme = {_toml_string(settings.theme)}")
    if not settings.cursor_blink:
        lines.append("cursor_blink = false")
    if settings.digest_webhook is not None:
        lines.append(f"digest_webhook = {_toml_string(settings.digest_webhook)}")
    if settings.keymap:
        lines += ["", "[keymap]"]
        lines += [f"{_toml_string(k)} = {_toml_string(v)}" for k, v in settings.keymap.items()]
    return "\n".join(lines) + "\n"


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write the settings atomically, the file readable by its owner only (0600).

    Raises OSError when the folder or file cannot be written.
    """
    path = path if path is not None else paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), 0o600)  # a leftover file would keep its mode
            handle.write(dumps_settings(settings))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path
