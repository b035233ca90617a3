"""The text and number checks of the models run in pydantic-core (issue 19): they must refuse
exactly what line_problem / text_problem refuse, with the messages the Python validators gave."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from okr_tui.domain.models import (
    CONTROL_CHARACTERS_MESSAGE,
    LINE_BREAKS_MESSAGE,
    CheckIn,
    Team,
    line_problem,
    text_problem,
)

CHECK_IN = {
    "cycle_id": "c",
    "kr_id": "k",
    "meeting_date": "2026-01-05",
    "value": 1,
    "confidence": "on_track",
    "recorded_at": "2026-01-05T09:30:00Z",
}
# Every character of the first planes' blocks that matter, and the separators.
CHARACTERS = [chr(code) for code in range(0x0, 0x3000)] + ["\ufeff", "\U0001f600"]


def _errors(model: type, data: dict) -> list[tuple[tuple, str, str]]:
    try:
        model.model_validate(data)
    except ValidationError as error:
        return [(e["loc"], e["type"], e["msg"]) for e in error.errors(include_url=False)]
    return []


def test_a_one_line_field_refuses_what_line_problem_refuses() -> None:
    for character in CHARACTERS:
        name = f"a{character}b"
        expected = (
            [(("name",), "value_error", f"Value error, {LINE_BREAKS_MESSAGE}")]
            if line_problem(name)
            else []
        )
        assert _errors(Team, {"name": name}) == expected, repr(character)


def test_a_note_refuses_what_text_problem_refuses() -> None:
    for character in CHARACTERS:
        note = f"a{character}b"
        expected = (
            [(("note",), "value_error", f"Value error, {CONTROL_CHARACTERS_MESSAGE}")]
            if text_problem(note)
            else []
        )
        assert _errors(CheckIn, {**CHECK_IN, "note": note}) == expected, repr(character)


def test_the_whitespace_around_a_field_is_stripped_before_it_is_checked() -> None:
    assert Team(name="  Growth \n").name == "Growth"
    assert CheckIn.model_validate({**CHECK_IN, "note": "line one\nline two\n"}).note == (
        "line one\nline two"
    )
    assert _errors(Team, {"name": "Growth\nSales"}) == [
        (("name",), "value_error", f"Value error, {LINE_BREAKS_MESSAGE}")
    ]


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), "nan", "inf"])
def test_a_value_must_be_a_finite_number(value: object) -> None:
    assert _errors(CheckIn, {**CHECK_IN, "value": value}) == [
        (("value",), "value_error", "Value error, must be a finite number")
    ]


def test_a_value_that_is_no_number_says_so_as_before() -> None:
    assert _errors(CheckIn, {**CHECK_IN, "value": "x"}) == [
        (
            ("value",),
            "float_parsing",
            "Input should be a valid number, unable to parse string as a number",
        )
    ]


def test_a_list_field_left_out_starts_empty_for_each_record() -> None:
    """List fields default with `default=[]` (issue 19: a builtin factory's signature cost
    start-up): each record gets its own list, never one shared by all."""
    first, second = Team(name="Growth"), Team(name="Sales")
    first.members.append("Ana")
    assert second.members == [] and Team(name="Ops").members == []
    assert first.members == ["Ana"]
