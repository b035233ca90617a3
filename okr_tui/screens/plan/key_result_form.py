"""Create or edit a key result: how the objective is measured, from a baseline to a target.

Dismisses with the saved key result's id, or None when left with escape. When editing, an
optional reason goes into the audit history with every changed field (a moved target above all).
"""

from __future__ import annotations

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.suggester import SuggestFromList
from textual.widgets import Select, Static

from okr_tui.domain.models import KeyResult, KrType, Objective
from okr_tui.domain.values import ValueInputError, parse_number
from okr_tui.screens.form import FormScreen, validation_errors

FIELDS = ("title", "kr_type", "unit", "baseline", "target", "owner", "weight", "reason")
TYPE_HINTS = {
    KrType.INCREASE: "progress runs from the baseline up to the target",
    KrType.DECREASE: "progress runs from the baseline down to the target",
    KrType.MILESTONE: "done or not done; no baseline or target",
    KrType.STAY_ABOVE: "met while the value stays at or above the target",
    KrType.STAY_BELOW: "met while the value stays at or below the target",
}


def number_text(value: float) -> str:
    """A stored number as a person would type it back: 1200, 0.5, 12.75."""
    return f"{value:.10g}"


class KeyResultFormScreen(FormScreen[str]):
    """`KeyResultFormScreen(objective)` for a new one, `key_result=` to edit one."""

    CSS_PATH = "key_result_form.tcss"
    HELP_TITLE = "Key result"
    HELP_SUMMARY = "How the objective is measured; Enter or ctrl+s saves, escape cancels."

    def __init__(self, objective: Objective, *, key_result: KeyResult | None = None) -> None:
        super().__init__()
        self.objective = objective
        self.editing = key_result

    def form_title(self) -> str:
        if self.editing is None:
            return f"New key result for: {self.objective.title}"
        return f"Edit key result: {self.editing.title}"

    def compose_fields(self) -> ComposeResult:
        kr = self.editing
        kr_type = kr.kr_type if kr else KrType.INCREASE
        members = sorted({name for team in self.store.teams() for name in team.members})
        owner = self.text_input("owner", kr.owner if kr else self.objective.owner, "a name")
        owner.suggester = SuggestFromList(members, case_sensitive=False)

        yield self.field(
            "title",
            "Title",
            self.text_input(
                "title", kr.title if kr else "", "e.g. Increase trial conversion from 8% to 12%"
            ),
        )
        yield self.field(
            "kr_type",
            "Type",
            self.select("kr_type", ((t.label, t) for t in KrType), kr_type),
            hint=TYPE_HINTS[kr_type],
        )
        yield self.field(
            "unit", "Unit", self.text_input("unit", kr.unit if kr else "", "e.g. %, $, days")
        )
        yield self.field(
            "baseline",
            "Baseline",
            self.number_input(
                "baseline", number_text(kr.baseline) if kr else "0", "where it starts"
            ),
        )
        yield self.field(
            "target",
            "Target",
            self.number_input("target", number_text(kr.target) if kr else "", "where it should be"),
        )
        yield self.field("owner", "Owner", owner)
        yield self.field(
            "weight",
            "Weight",
            self.number_input("weight", number_text(kr.weight) if kr else "1", "1"),
            hint="How much it counts in the objective's progress",
        )
        if kr is not None:
            yield self.field(
                "reason",
                "Why the change?",
                self.text_input("reason", "", "optional; kept in the history"),
            )

    def on_mount(self) -> None:
        self._show_type(self.choice("kr_type"))  # type: ignore[arg-type]

    @on(Select.Changed, "#kr_type")
    def _type_changed(self, event: Select.Changed) -> None:
        self._show_type(event.value)  # type: ignore[arg-type]
        # Whether a baseline and target fit depends on the type: their messages are stale now
        # (switching back to "increase" kept "a 'decrease' key result needs a target below").
        self.clear_field_errors("baseline", "target")

    def _show_type(self, kr_type: KrType) -> None:
        """A milestone is done or not: its baseline and target are not asked for."""
        numeric = kr_type is not KrType.MILESTONE
        self.query_one("#baseline-field").display = numeric
        self.query_one("#target-field").display = numeric
        self.query_one("#kr_type-field .field-hint", Static).update(TYPE_HINTS[kr_type])

    def submit(self) -> str | None:
        kr_type = self.choice("kr_type")
        errors: dict[str, str] = {}
        numbers: dict[str, float] = {}
        names = ["weight"] if kr_type is KrType.MILESTONE else ["baseline", "target", "weight"]
        for name in names:
            try:
                numbers[name] = parse_number(self.text(name), self.text("unit"))
            except ValueInputError as error:
                errors[name] = str(error)
        if kr_type is KrType.MILESTONE:
            numbers.update(baseline=0.0, target=1.0)
        values = {
            "cycle_id": self.objective.cycle_id,
            "objective_id": self.objective.id,
            "title": self.text("title"),
            "kr_type": kr_type,
            "unit": self.text("unit"),
            "owner": self.text("owner"),
            **numbers,
        }
        if self.editing is None:
            siblings = self.store.key_results(self.objective.cycle_id, self.objective.id)
            values["order"] = len(siblings)
            base = {}
        else:
            base = self.editing.model_dump()
        if errors:
            # Still check the other fields, with a shape that needs no numbers, so every
            # problem shows at once.
            values.update(kr_type=KrType.MILESTONE, weight=numbers.get("weight", 1.0))
        try:
            kr = KeyResult.model_validate({**base, **values})
        except ValidationError as error:
            for name, message in validation_errors(error, FIELDS, fallback="target").items():
                errors.setdefault(name, message)
        if errors:
            self.show_errors(errors)
            return None
        reason = self.text("reason").strip() if self.editing is not None else ""
        return self.save_through(
            lambda: self.store.save_key_result(kr, reason=reason, expected=self.editing), FIELDS
        )
