"""Where a key result's value can be read from: a command, a JSON URL, a CSV file, a SQLite file.

A source is data: its definition never runs here (okr_tui/pull.py runs it, and only when the
user asks and trusts it). A command is an argument list run without a shell, so no text of the
store is ever interpolated into a command line. The exact text of a definition (`source_text`)
is what a machine trusts: a changed source needs trusting again.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import shlex
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

if TYPE_CHECKING:  # models.py imports this module: the key result holds a Source
    from okr_tui.domain.models import KrType

# A path into a JSON document: names and list indexes joined by dots (`data.items.0.rate`).
_JSON_PATH = re.compile(r"[^.\s]+(\.[^.\s]+)*")
_SOURCE_TEXT_MAX = 2000


def _http_url(value: str) -> str:
    if not value.lower().startswith(("http://", "https://")):
        raise ValueError("must be an http:// or https:// URL")
    return value


def _json_path(value: str) -> str:
    if not _JSON_PATH.fullmatch(value):
        raise ValueError("must be names and list indexes joined by dots, like data.rate")
    return value


# Shown by okr sources and okr pull: no escape sequence of a store may reach the terminal.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROLS_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _one_line(value: str) -> str:
    if _CONTROLS.search(value):
        raise ValueError("must be one line, without control characters")
    return value


def _no_controls(value: str) -> str:
    if _CONTROLS_BUT_LINES.search(value):
        raise ValueError("must not contain control characters")
    return value


SourceText = Annotated[
    str, Field(min_length=1, max_length=_SOURCE_TEXT_MAX), AfterValidator(_one_line)
]
# A command's arguments and a query may hold line breaks and tabs (`python3 -c` code).
MultiLineText = Annotated[
    str, Field(min_length=1, max_length=_SOURCE_TEXT_MAX), AfterValidator(_no_controls)
]


class _Source(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class CommandSource(_Source):
    """A program that prints the value; `argv` is run as it is, never through a shell."""

    kind: Literal["command"] = "command"
    argv: list[MultiLineText] = Field(min_length=1, max_length=100)

    def describe(self) -> str:
        shown = shlex.join(self.argv)
        return "command " + shown.replace("\n", "\\n").replace("\t", "\\t")


class HttpSource(_Source):
    """An HTTP(S) URL answering JSON, and the path to the value in it."""

    kind: Literal["http"] = "http"
    url: Annotated[
        str,
        Field(min_length=8, max_length=_SOURCE_TEXT_MAX),
        AfterValidator(_one_line),
        AfterValidator(_http_url),
    ]
    path: Annotated[
        str, Field(max_length=500), AfterValidator(_one_line), AfterValidator(_json_path)
    ]

    def describe(self) -> str:
        return f"http {self.url} {self.path}"


class CsvSource(_Source):
    """A CSV file with a header row: `column` of the last row, or of the last row whose
    `key_column` holds `key`."""

    kind: Literal["csv"] = "csv"
    file: SourceText
    column: SourceText
    key_column: SourceText | None = None
    key: SourceText | None = None

    @model_validator(mode="after")
    def _key_and_its_column(self) -> CsvSource:
        if (self.key_column is None) != (self.key is None):
            raise ValueError("a key and its key_column go together (or neither: the last row)")
        return self

    def describe(self) -> str:
        row = f" where {self.key_column} = {self.key}" if self.key_column else " (last row)"
        return f"csv {self.file} {self.column}{row}"


class SqliteSource(_Source):
    """A SQLite file, opened read-only, and a query whose first row's first column is the
    value."""

    kind: Literal["sqlite"] = "sqlite"
    file: SourceText
    query: MultiLineText

    def describe(self) -> str:
        return f"sqlite {self.file}: {' '.join(self.query.split())}"


Source = Annotated[
    CommandSource | HttpSource | CsvSource | SqliteSource, Field(discriminator="kind")
]


def printable(text: str) -> str:
    """`text` (a command's error output, a server's reason) safe for one terminal line."""
    return _CONTROLS.sub(" ", text)


def source_text(source: Source) -> str:
    """The exact text of a definition, the same on every machine (what trust is given to)."""
    return json.dumps(source.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))


def source_digest(source: Source) -> str:
    """A fingerprint of `source_text`: what a machine records when it trusts a source."""
    return hashlib.sha256(source_text(source).encode("utf-8")).hexdigest()


class Trust(StrEnum):
    """Whether a source may run on this machine."""

    OWN = "own"  # defined in the user's own config: theirs to run
    TRUSTED = "trusted"  # defined in the store, and its exact text was trusted here
    UNTRUSTED = "untrusted"  # defined in the store, never trusted here
    CHANGED = "changed"  # defined in the store, trusted here once, changed since

    @property
    def runs(self) -> bool:
        return self in (Trust.OWN, Trust.TRUSTED)


def trust_of(source: Source, *, own: bool, trusted_digest: str | None) -> Trust:
    """May `source` run here? `own`: it comes from the user's config; `trusted_digest`: what
    this machine recorded for the key result when it was trusted, if ever."""
    if own:
        return Trust.OWN
    if trusted_digest is None:
        return Trust.UNTRUSTED
    return Trust.TRUSTED if trusted_digest == source_digest(source) else Trust.CHANGED


class SourceValueError(ValueError):
    """What a source gave is not a value of its key result."""


def value_from(raw: object, kr_type: KrType, unit: str = "") -> float:
    """The key result's value in what a source gave: a number, or text read as the app reads a
    typed value (`45%`, `1,200`, a milestone's `done`); a JSON true/false is a milestone's
    done/not done."""
    from okr_tui.domain.models import KrType
    from okr_tui.domain.values import ValueInputError, parse_value

    if isinstance(raw, bool):
        if kr_type is not KrType.MILESTONE:
            raise SourceValueError(f"{str(raw).lower()} is not a number")
        return 1.0 if raw else 0.0
    if isinstance(raw, int | float):
        value = float(raw)
        if not math.isfinite(value):
            raise SourceValueError(f"{raw!r} is not a finite number")
        if kr_type is KrType.MILESTONE and value not in (0.0, 1.0):
            raise SourceValueError("a milestone is 'done' or 'not done' (or 1 / 0)")
        return value + 0.0
    if isinstance(raw, str):
        text = raw.strip()
        if not text:
            raise SourceValueError("gave no value (empty output)")
        if "\n" in text:
            raise SourceValueError("gave several lines; print the value alone")
        try:
            return parse_value(text, kr_type, unit)
        except ValueInputError as error:
            raise SourceValueError(str(error)) from None
    raise SourceValueError(f"gave {type(raw).__name__}, not a number")


def walk_json(document: object, path: str) -> object:
    """The value at `path` (names and list indexes joined by dots) in a JSON document."""
    here = document
    walked: list[str] = []
    for part in path.split("."):
        walked.append(part)
        if isinstance(here, dict) and part in here:
            here = here[part]
        elif (
            isinstance(here, list)
            and part.lstrip("-").isdigit()
            and -len(here) <= int(part) < len(here)
        ):
            here = here[int(part)]
        else:
            raise SourceValueError(f"the JSON has nothing at {'.'.join(walked)}")
    return here
