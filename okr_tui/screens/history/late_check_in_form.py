"""A late check-in: the value and confidence a key result had at a past meeting it missed.

Opened with `l` on the key result's detail. It offers only this cycle's meetings before today
that the key result owed and has no check-in for, and saves the check-in exactly as `okr checkin
--meeting DATE` does: filed under that meeting, recorded now, through the store's rules under its
lock. Nothing marks it but those two dates: given after the meeting's day, every screen and
export shows it as late (domain/history.is_late). Dismisses with the saved check-in's id.
"""

from __future__ import annotations

from datetime import date

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Input

from okr_tui.domain import cadence
from okr_tui.domain.models import CheckIn, Cycle, KeyResult
from okr_tui.domain.values import ValueInputError, parse_confidence, parse_value
from okr_tui.domain.walkthrough import field_text
from okr_tui.screens.form import FormScreen, validation_errors

FIELDS = ("meeting", "value", "confidence", "note")


class LateCheckInForm(FormScreen[str]):
    """`LateCheckInForm(cycle, kr, missed, values_before)`: `missed` are the meetings to offer,
    newest first; `values_before` the key result's value as of each (for the hint)."""

    CSS_PATH = "late_check_in_form.tcss"
    HELP_TITLE = "Late check-in"
    HELP_SUMMARY = (
        "A check-in for a past meeting this key result missed: choose the meeting, type the "
        "value and confidence it had then; Enter or ctrl+s saves, escape cancels."
    )

    def __init__(
        self, cycle: Cycle, kr: KeyResult, missed: list[date], values_before: dict[date, float]
    ) -> None:
        super().__init__()
        self.late_cycle = cycle
        self.late_kr = kr
        self.missed = missed
        self.values_before = values_before

    def form_title(self) -> str:
        return f"Late check-in: {self.late_kr.title}"

    def compose_fields(self) -> ComposeResult:
        choices = [(f"{cadence.day_text(day)} {day.year}", day.isoformat()) for day in self.missed]
        yield self.field(
            "meeting",
            "Missed meeting",
            self.select("meeting", choices, self.missed[0].isoformat()),
            hint="Past meetings without a check-in for this key result",
        )
        unit = f" ({self.late_kr.unit})" if self.late_kr.unit else ""
        yield self.field(
            "value",
            f"Value{unit}",
            self.number_input("value", "", self._value_placeholder()),
        )
        yield self.field(
            "confidence",
            "Confidence",
            self.text_input("confidence", "", "on track, at risk, off track, or 0-10"),
        )
        yield self.field("note", "Note", self.text_input("note", "", "optional"))

    def first_field(self) -> Widget | None:
        """The value: the latest missed meeting is chosen already, so "l 42 ⇥ g ⏎" checks it
        in; shift+tab reaches the meeting."""
        return self.query_one("#value", Input)

    def _value_placeholder(self) -> str:
        before = self.values_before.get(self.missed[0])
        example = field_text(before, self.late_kr) if before is not None else "42"
        return f"e.g. {example}" if self.late_kr.kr_type.value != "milestone" else "done / not done"

    def submit(self) -> str | None:
        errors: dict[str, str] = {}
        meeting = date.fromisoformat(str(self.choice("meeting")))
        value = confidence = score = None
        try:
            value = parse_value(self.text("value"), self.late_kr.kr_type, self.late_kr.unit)
        except ValueInputError as problem:
            errors["value"] = str(problem) if self.text("value").strip() else "required"
        if not self.text("confidence").strip():
            errors["confidence"] = "required: on track, at risk, off track, or 0-10"
        else:
            try:
                confidence, score = parse_confidence(self.text("confidence"))
            except ValueInputError as problem:
                errors["confidence"] = str(problem)
        if errors or value is None:  # a value that parsed is never None
            self.show_errors(errors)
            return None
        try:
            check_in = CheckIn(
                cycle_id=self.late_cycle.id,
                kr_id=self.late_kr.id,
                meeting_date=meeting,
                value=value,
                confidence=confidence,
                confidence_score=score,
                note=self.text("note"),
                recorded_at=self.store.clock.now(),
            )
        except ValidationError as error:
            self.show_errors(validation_errors(error, FIELDS, fallback="form"))
            return None
        return self.save_through(lambda: self.store.add_check_in(check_in), FIELDS)
