"""How a pydantic validation error is said to a person: one wording for the forms, the CLI, import,
the store and the merge driver (pydantic's own report is several lines with a URL)."""

from __future__ import annotations

from pydantic import ValidationError
from pydantic_core import ErrorDetails

_PREFIXES = ("Value error, ", "Assertion failed, ")


def problem_text(detail: ErrorDetails) -> str:
    """One error's message without pydantic's "Value error, " prefix: the validators' own words."""
    message = str(detail.get("msg", "invalid"))
    for prefix in _PREFIXES:
        message = message.removeprefix(prefix)
    return message


def field_message(detail: ErrorDetails) -> str:
    """One error worded for the field it is shown under ("required", "at most 120 characters")."""
    kind = detail.get("type", "")
    context = detail.get("ctx") or {}
    if kind == "string_too_short" and context.get("min_length") == 1:
        return "required"
    if kind == "string_too_long":
        return f"at most {context.get('max_length')} characters"
    message = problem_text(detail)
    return message[:1].lower() + message[1:]


def errors_of(error: ValidationError) -> list[ErrorDetails]:
    """Every error of `error`, without documentation URLs."""
    return error.errors(include_url=False)


def first_problem(error: ValidationError) -> tuple[tuple[int | str, ...], str, int]:
    """The first error's location and message, and how many more there are: the one line a
    person can act on."""
    first = errors_of(error)[0]
    return tuple(first["loc"]), problem_text(first), error.error_count() - 1
