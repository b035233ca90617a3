"""Create or edit an objective: what it says, whose it is, and which company objective it serves.

Dismisses with the saved objective's id, or None when left with escape. The store writes the
audit entries for every changed field.
"""

from __future__ import annotations

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.suggester import SuggestFromList
from textual.widgets import Select

from okr_tui.domain.models import Level, Objective, ObjectiveKind, Status
from okr_tui.screens.form import FormScreen, validation_errors

NONE = ""  # the Select value for "company" (no team) and "no parent"
FIELDS = ("title", "description", "team_id", "owner", "level", "kind", "parent_id")
KIND_HINT = "committed: fully expected · aspirational: a stretch, 0.7 is good · learning: discover"


class ObjectiveFormScreen(FormScreen[str]):
    """`ObjectiveFormScreen(cycle_id, team_id=...)` for a new one, `objective=` to edit."""

    CSS_PATH = "objective_form.tcss"
    HELP_TITLE = "Objective"
    HELP_SUMMARY = "What the team wants to achieve; Enter or ctrl+s saves, escape cancels."

    def __init__(
        self, cycle_id: str, *, objective: Objective | None = None, team_id: str | None = None
    ) -> None:
        super().__init__()
        self.cycle_id = cycle_id
        self.editing = objective
        self.team_id = objective.team_id if objective else team_id

    def form_title(self) -> str:
        if self.editing is None:
            return "New objective"
        return f"Edit objective: {self.editing.title}"

    def compose_fields(self) -> ComposeResult:
        objective = self.editing
        teams = self.store.teams()
        members = sorted({name for team in teams for name in team.members})
        team_choices = [("Company (no team)", NONE)] + [(team.name, team.id) for team in teams]
        if self.team_id not in {value for _, value in team_choices}:
            self.team_id = None
        level = objective.level if objective else (Level.TEAM if self.team_id else Level.COMPANY)
        parents = [
            o
            for o in self.store.objectives(self.cycle_id)
            if o.level is Level.COMPANY
            and o.status is Status.ACTIVE
            and (objective is None or o.id != objective.id)
        ]
        parent_id = objective.parent_id if objective else None
        parent_choices = [("(none)", NONE)] + [(o.title, o.id) for o in parents]
        if parent_id and parent_id not in {o.id for o in parents}:
            parent_choices.append(("(an objective no longer active)", parent_id))
        owner = self.text_input("owner", objective.owner if objective else "", "a name")
        owner.suggester = SuggestFromList(members, case_sensitive=False)

        yield self.field(
            "title",
            "Title",
            self.text_input(
                "title", objective.title if objective else "", "a qualitative, inspiring goal"
            ),
        )
        yield self.field(
            "description",
            "Description",
            self.text_input(
                "description", objective.description if objective else "", "why it matters"
            ),
        )
        yield self.field(
            "team_id", "Team", self.select("team_id", team_choices, self.team_id or NONE)
        )
        yield self.field("owner", "Owner", owner)
        yield self.field(
            "level",
            "Level",
            self.select("level", ((lv.value, lv) for lv in Level), level),
        )
        yield self.field(
            "kind",
            "Kind",
            self.select(
                "kind",
                ((k.value, k) for k in ObjectiveKind),
                objective.kind if objective else ObjectiveKind.COMMITTED,
            ),
            hint=KIND_HINT,
        )
        yield self.field(
            "parent_id",
            "Aligns to",
            self.select("parent_id", parent_choices, parent_id or NONE),
            hint="A company objective this one moves",
        )

    @on(Select.Changed, "#team_id")
    def _team_changed(self, event: Select.Changed) -> None:
        """Keep the level in step: no team means a company objective, and a team's is not."""
        level = self.query_one("#level", Select)
        if event.value == NONE and level.value is Level.TEAM:
            level.value = Level.COMPANY
        elif event.value != NONE and level.value is Level.COMPANY:
            level.value = Level.TEAM

    def submit(self) -> str | None:
        team_id = self.choice("team_id")
        parent_id = self.choice("parent_id")
        values = {
            "cycle_id": self.cycle_id,
            "title": self.text("title"),
            "description": self.text("description"),
            "team_id": team_id or None,
            "owner": self.text("owner"),
            "level": self.choice("level"),
            "kind": self.choice("kind"),
            "parent_id": parent_id or None,
        }
        if self.editing is None:
            values["order"] = len(self.store.objectives(self.cycle_id))
            base = {}
        else:
            base = self.editing.model_dump()
        try:
            objective = Objective.model_validate({**base, **values})
        except ValidationError as error:
            self.show_errors(validation_errors(error, FIELDS, fallback="title"))
            return None
        return self.save_through(
            lambda: self.store.save_objective(objective, expected=self.editing),
            FIELDS,
            rule_field=lambda message: (
                "parent_id" if "align" in message or "loop" in message else "form"
            ),
        )
