"""Create or edit a cycle: its dates and the meeting rhythm the cadence engine follows.

Dismisses with the saved cycle's id, or None when left with escape. A new cycle starts from
sensible defaults: the quarter after the latest cycle (or the one containing today), with the
previous cycle's timezone and meeting slot.
"""

from __future__ import annotations

from datetime import date, time

from pydantic import ValidationError
from textual.app import ComposeResult

from okr_tui.domain import rules
from okr_tui.domain.carry_over import suggested_cycle
from okr_tui.domain.dates import MONTH_NAMES, WEEKDAY_NAMES, parse_date, parse_dates, parse_time
from okr_tui.domain.models import Cadence, Cycle, CycleState
from okr_tui.screens.form import FormScreen, validation_errors

CADENCES = ((Cadence.WEEKLY, "weekly"), (Cadence.BIWEEKLY, "every 2 weeks"))
STATES = (
    (CycleState.PLANNING, "planning (objectives being drafted)"),
    (CycleState.ACTIVE, "active (weekly check-ins)"),
)
FIELDS = (
    "name",
    "start",
    "end",
    "timezone",
    "meeting_weekday",
    "meeting_time",
    "cadence",
    "skipped_dates",
    "state",
    "fiscal_start_month",
)


class CycleFormScreen(FormScreen[str]):
    """New cycle (no argument) or edit one (`CycleFormScreen(cycle)`)."""

    CSS_PATH = "cycle_form.tcss"
    HELP_TITLE = "Cycle"
    HELP_SUMMARY = "Dates and meeting rhythm of a cycle; Enter or ctrl+s saves, escape cancels."

    def __init__(self, cycle: Cycle | None = None) -> None:
        super().__init__()
        self.editing = cycle

    def form_title(self) -> str:
        if self.editing is None:
            return "New cycle"
        return f"Edit cycle {self.editing.name}"

    def compose_fields(self) -> ComposeResult:
        cycle = self.editing or suggested_cycle(self.store.cycles(), self.store.clock.now())
        self._initial = cycle
        states = list(STATES)
        if cycle.state not in dict(STATES):
            states.append((cycle.state, cycle.state.value))
        yield self.field("name", "Name", self.text_input("name", cycle.name, "e.g. 2027-Q1"))
        yield self.field(
            "start", "Starts", self.text_input("start", cycle.start.isoformat(), "YYYY-MM-DD")
        )
        yield self.field("end", "Ends", self.text_input("end", cycle.end.isoformat(), "YYYY-MM-DD"))
        yield self.field(
            "timezone",
            "Timezone",
            self.text_input("timezone", cycle.timezone, "e.g. Europe/Berlin"),
            hint="IANA name; meetings keep their local time across daylight saving",
        )
        yield self.field(
            "meeting_weekday",
            "Meeting day",
            self.select(
                "meeting_weekday",
                ((day, number) for number, day in enumerate(WEEKDAY_NAMES)),
                cycle.meeting_weekday,
            ),
        )
        yield self.field(
            "meeting_time",
            "Meeting time",
            self.text_input("meeting_time", cycle.meeting_time.strftime("%H:%M"), "HH:MM"),
        )
        yield self.field(
            "cadence",
            "Cadence",
            self.select("cadence", ((label, c) for c, label in CADENCES), cycle.cadence),
        )
        yield self.field(
            "skipped_dates",
            "Skipped dates",
            self.text_input(
                "skipped_dates",
                ", ".join(day.isoformat() for day in cycle.skipped_dates),
                "e.g. 2026-12-28, 2027-01-04",
            ),
            hint="Meetings that do not happen (holidays), comma-separated",
        )
        yield self.field(
            "state",
            "State",
            self.select("state", ((label, s) for s, label in states), cycle.state),
            hint="Close a cycle from scoring, once key results are scored",
        )
        yield self.field(
            "fiscal_start_month",
            "Fiscal year starts",
            self.select(
                "fiscal_start_month",
                ((name, number) for number, name in enumerate(MONTH_NAMES, start=1)),
                cycle.fiscal_start_month,
            ),
            hint="Names the next quarter (FY2027-Q1 when not January) and dates it",
        )

    def submit(self) -> str | None:
        store = self.store
        errors: dict[str, str] = {}
        values: dict[str, object] = {
            "name": self.text("name"),
            "timezone": self.text("timezone").strip(),
            "meeting_weekday": self.choice("meeting_weekday"),
            "cadence": self.choice("cadence"),
            "state": self.choice("state"),
            "fiscal_start_month": self.choice("fiscal_start_month"),
        }
        parsers = (
            ("start", parse_date),
            ("end", parse_date),
            ("meeting_time", parse_time),
            ("skipped_dates", parse_dates),
        )
        for name, parse in parsers:
            try:
                values[name] = parse(self.text(name))
            except ValueError as error:
                errors[name] = str(error)
        if not values["timezone"]:
            errors["timezone"] = "enter a timezone, e.g. Europe/Berlin or UTC"
        base = self.editing.model_dump() if self.editing else {}
        # Dates or a time that did not parse are stood in for, so the other fields still get
        # checked and every problem shows at once.
        stand_ins = {
            "start": date(2000, 1, 1),
            "end": date(2000, 3, 1),
            "meeting_time": time(9, 0),
            "skipped_dates": [],
            "review_date": None,
        }
        candidate = {**base, **values}
        if errors:
            replaced = set(errors) | {"review_date"}
            if replaced & {"start", "end"}:
                replaced |= {"start", "end"}
            candidate.update({k: v for k, v in stand_ins.items() if k in replaced})
        try:
            cycle = Cycle.model_validate(candidate)
        except ValidationError as error:
            for name, message in validation_errors(error, FIELDS, fallback="end").items():
                errors.setdefault(name, message)
        if errors:
            self.show_errors(errors)
            return None
        if (problem := rules.skipped_dates_problem(cycle)) is not None:
            self.show_errors({"skipped_dates": problem})
            return None
        if (other := rules.overlapping_cycle(cycle, store.cycles())) is not None:
            span = f"{other.name} ({other.start.isoformat()} to {other.end.isoformat()})"
            if other.contains(cycle.start):
                clash = {"start": f"falls within {span}: start after {other.end.isoformat()}"}
            else:
                clash = {"end": f"reaches into {span}: end before {other.start.isoformat()}"}
            self.show_errors(clash)
            return None
        return self.save_through(
            lambda: store.save_cycle(cycle),
            FIELDS,
            rule_field=lambda message: "name" if "called" in message else "form",
        )
