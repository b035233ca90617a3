"""Colour themes as data: `themes/*.toml` -> `textual.theme.Theme`, validated.

The shipped themes live in the repository's `themes/` folder (in an installed wheel:
`okr_tui/_themes`); people add their own by dropping a `.toml` file into
`paths.user_themes_folder()`. A broken file is skipped with a message saying what is wrong, so
the app always starts with a usable theme.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from textual.color import Color, ColorParseError
from textual.css.constants import VALID_STYLE_FLAGS
from textual.theme import Theme

from okr_tui import paths
from okr_tui.domain.validation import errors_of, problem_text

DEFAULT_THEME = "okr-dark"
FALLBACK_THEME = "textual-dark"  # Textual's own; used only if the shipped themes are missing
MAX_THEME_BYTES = 64_000

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
_VARIABLE_NAME = re.compile(r"[a-z][a-z0-9-]{0,63}")
_PERCENT = re.compile(r"\d{1,3}(\.\d+)?%")


class ThemeError(ValueError):
    """A theme file that cannot be used; the message says what to fix."""


def _is_colour(text: str) -> bool:
    try:
        Color.parse(text)
    except (ColorParseError, ValueError):
        return False
    return True


def _colour(value: str) -> str:
    if not _is_colour(value):
        raise ValueError(f"{value!r} is not a colour (write it like #2A7FFF or rgb(42,127,255))")
    return value


def _theme_name(value: str) -> str:
    if not _NAME.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a usable name (letters, digits, - and _, at most 40 characters)"
        )
    return value


def _check_variables(variables: dict[str, str]) -> dict[str, str]:
    """Variables go into Textual's CSS, where a bad value would stop the app at start-up."""
    for name, value in variables.items():
        if not _VARIABLE_NAME.fullmatch(name):
            raise ValueError(f"{name!r} is not a variable name (lowercase letters, digits and -)")
        tokens = value.split()
        if name.endswith("-style"):
            if not tokens or not all(token in VALID_STYLE_FLAGS for token in tokens):
                raise ValueError(
                    f"{name} = {value!r} is not a text style "
                    f"(use words from: {', '.join(sorted(VALID_STYLE_FLAGS))})"
                )
            continue
        head_ok = bool(tokens) and (tokens[0] in ("auto", "initial") or _is_colour(tokens[0]))
        alpha_ok = len(tokens) == 1 or (len(tokens) == 2 and _PERCENT.fullmatch(tokens[1]))
        if not (head_ok and alpha_ok):
            raise ValueError(
                f"{name} = {value!r} is not a colour (write it like #2A7FFF or #2A7FFF 50%)"
            )
    return variables


Colour = Annotated[str, AfterValidator(_colour)]


class ThemeFile(BaseModel):
    """What a theme file may hold: the fields of `textual.theme.Theme`.

    Name, primary, foreground and background are required: text on background is what people
    must be able to read, so a theme states both rather than relying on Textual's defaults.
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    name: Annotated[str, AfterValidator(_theme_name)]
    primary: Colour
    foreground: Colour
    background: Colour
    secondary: Colour | None = None
    accent: Colour | None = None
    surface: Colour | None = None
    panel: Colour | None = None
    boost: Colour | None = None
    success: Colour | None = None
    warning: Colour | None = None
    error: Colour | None = None
    dark: bool = True
    luminosity_spread: float = Field(default=0.15, ge=0, le=1)
    text_alpha: float = Field(default=0.95, ge=0, le=1)
    variables: Annotated[dict[str, str], AfterValidator(_check_variables)] = Field(
        default={}
    )

    def to_theme(self) -> Theme:
        return Theme(**self.model_dump())


def _describe(error: ValidationError) -> str:
    """Pydantic's errors as one line a person can act on: `primary: '#zz' is not a colour`."""
    missing = [str(item["loc"][0]) for item in errors_of(error) if item["type"] == "missing"]
    parts = []
    if missing:
        parts.append(
            f"missing {', '.join(missing)} (every theme needs name, primary, foreground and "
            "background)"
        )
    for item in errors_of(error):
        where = ".".join(str(part) for part in item["loc"]) or "file"
        kind = item["type"]
        if kind == "missing":
            continue
        if kind == "extra_forbidden":
            known = ", ".join(ThemeFile.model_fields)
            parts.append(f"{where}: not a theme field (known fields: {known})")
        else:
            parts.append(f"{where}: {problem_text(item)}")
    return "; ".join(parts)


def parse_theme(text: str) -> Theme:
    """A theme from the text of a TOML file; raises ThemeError with what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ThemeError(f"not valid TOML ({error})") from None
    try:
        return ThemeFile.model_validate(data).to_theme()
    except ValidationError as error:
        raise ThemeError(_describe(error)) from None


def read_theme(file: Traversable) -> Theme:
    """A theme from a file (a Path, or a resource inside an installed package)."""
    try:
        raw = file.read_bytes()
    except OSError as error:
        raise ThemeError(f"cannot be read ({error.strerror or error})") from None
    if len(raw) > MAX_THEME_BYTES:
        raise ThemeError(f"is larger than {MAX_THEME_BYTES // 1000} kB; a theme is a few lines")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ThemeError("is not UTF-8 text") from None
    return parse_theme(text)


def shipped_themes_folder() -> Traversable | None:
    """Where the themes that come with okr-tui are: inside the package when installed from a
    wheel, else the repository's top-level `themes/` (a checkout or an editable install)."""
    packaged = resources.files("okr_tui").joinpath("_themes")
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "themes"
    return checkout if checkout.is_dir() else None


def _theme_files(folder: Traversable) -> list[Traversable]:
    return sorted(
        (item for item in folder.iterdir() if item.name.endswith(".toml") and item.is_file()),
        key=lambda item: item.name,
    )


def load_folder(folder: Traversable) -> tuple[list[Theme], list[str]]:
    """Every valid theme of a folder, and one problem line per file that was skipped."""
    themes: list[Theme] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    try:
        files = _theme_files(folder)
    except OSError as error:
        return [], [f"Themes folder {folder}: cannot be read ({error.strerror or error})"]
    for file in files:
        try:
            theme = read_theme(file)
        except ThemeError as error:
            problems.append(f"Theme file {file.name} skipped: {error}")
            continue
        if theme.name in seen:
            problems.append(
                f"Theme file {file.name} skipped: the name {theme.name!r} is already used by "
                f"{seen[theme.name]}"
            )
            continue
        seen[theme.name] = file.name
        themes.append(theme)
    return themes, problems


def load_themes(user_folder: Path | None = None) -> tuple[dict[str, Theme], list[str]]:
    """The shipped themes, then the user's (a user theme may replace a shipped one by name).

    Returns the themes by name and the problems to show; a skipped user file never removes the
    shipped theme of the same name, so the default stays usable.
    """
    themes: dict[str, Theme] = {}
    problems: list[str] = []
    shipped = shipped_themes_folder()
    folders: Iterable[Traversable] = [shipped] if shipped is not None else []
    user = user_folder if user_folder is not None else paths.user_themes_folder()
    try:
        if user.is_dir():
            folders = [*folders, user]
        elif user.exists():
            problems.append(f"Themes folder {user} is not a folder; no user themes loaded")
    except OSError as error:
        problems.append(f"Themes folder {user}: cannot be read ({error.strerror or error})")
    for folder in folders:
        found, skipped = load_folder(folder)
        problems += skipped
        themes.update((theme.name, theme) for theme in found)
    return themes, problems
