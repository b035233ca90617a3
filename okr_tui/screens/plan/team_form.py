"""Create or edit a team: its name, its people and who facilitates its check-in.

Teams belong to the store, not to a cycle: a team's objectives come and go each quarter, its
people stay. The members are the attendees the check-in set-up ticks, and the names the owner
fields suggest. Dismisses with the saved team's id, or None when left with escape.
"""

from __future__ import annotations

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.suggester import SuggestFromList

from okr_tui.domain.models import Team
from okr_tui.domain.people import member_names, members_problem
from okr_tui.screens.form import FormScreen, validation_errors

FIELDS = ("name", "members", "facilitator")


class TeamFormScreen(FormScreen[str]):
    """`TeamFormScreen()` for a new team, `TeamFormScreen(team)` to edit one."""

    CSS_PATH = "team_form.tcss"
    HELP_TITLE = "Team"
    HELP_SUMMARY = (
        "A team's name, its people (the check-in's attendees) and its facilitator; Enter or "
        "ctrl+s saves, escape cancels."
    )

    def __init__(self, team: Team | None = None) -> None:
        super().__init__()
        self.editing = team

    def form_title(self) -> str:
        if self.editing is None:
            return "New team"
        return f"Edit team: {self.editing.name}"

    def compose_fields(self) -> ComposeResult:
        team = self.editing
        everyone = sorted({name for t in self.store.teams() for name in t.members})
        facilitator = self.text_input(
            "facilitator", team.facilitator if team else "", "who runs its check-in (optional)"
        )
        facilitator.suggester = SuggestFromList(everyone, case_sensitive=False)
        yield self.field(
            "name", "Name", self.text_input("name", team.name if team else "", "e.g. Growth")
        )
        yield self.field(
            "members",
            "Members",
            self.text_input(
                "members", ", ".join(team.members) if team else "", "e.g. Amara, Ben, Chen"
            ),
            hint="Comma-separated; the check-in ticks them as attendees",
        )
        yield self.field(
            "facilitator",
            "Facilitator",
            facilitator,
            hint="A member, or whoever runs the meeting for the team",
        )

    def submit(self) -> str | None:
        members = member_names(self.text("members"))
        if problem := members_problem(members):
            self.show_errors({"members": problem})
            return None
        values: dict[str, object] = {
            "name": self.text("name"),
            "members": members,
            "facilitator": " ".join(self.text("facilitator").split()),
        }
        if self.editing is None:
            teams = self.store.teams()
            values["order"] = max((t.order for t in teams), default=-1) + 1
            base = {}
        else:
            base = self.editing.model_dump()
        try:
            team = Team.model_validate({**base, **values})
        except ValidationError as error:
            self.show_errors(validation_errors(error, FIELDS, fallback="name"))
            return None
        return self.save_through(
            lambda: self.store.save_team(team, expected=self.editing),
            FIELDS,
            rule_field=lambda message: "name" if "team called" in message else "form",
        )
