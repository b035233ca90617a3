"""The end-of-cycle retrospective: what to continue, stop and start, one item per line.

One retrospective per team and cycle (or for all teams when no team is picked); saving again
replaces it. A closed cycle's retrospective is shown read-only.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Label, Static, TextArea

from okr_tui.domain.models import Retrospective
from okr_tui.screens.base import OkrScreen, after_typed_keys, move_focus, typed_keys_binding
from okr_tui.screens.form import validation_message
from okr_tui.store.errors import RuleViolation, StoreError
from okr_tui.widgets.cycle_header import CycleHeader
from okr_tui.widgets.key_footer import KeyFooter

COLUMNS = (
    ("keep_doing", "Continue", "what worked"),
    ("stop_doing", "Stop", "what got in the way"),
    ("start_doing", "Start", "what to try next"),
)


def items(text: str) -> list[str]:
    """One item per non-empty line, trimmed."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class RetrospectiveScreen(OkrScreen):
    HELP_TITLE = "Retrospective"
    HELP_SUMMARY = (
        "Continue / stop / start: one item per line. Tab moves between the columns; ctrl+s "
        "saves, and so does leaving with escape."
    )
    CSS_PATH = "retrospective.tcss"
    # Both save what was typed: they act once the text typed before them is in.
    BINDINGS = [
        typed_keys_binding(
            "ctrl+s",
            "save",
            "Save",
            id="retrospective.save",
            tooltip="Save the retrospective of this cycle",
        ),
        typed_keys_binding(
            "escape",
            "back",
            "Back",
            id="retrospective.back",
            tooltip="Save what was typed and go back",
        ),
        # Tab moves on only once the text typed before it is in the list it was typed into:
        # bound the usual way, "Weekly<tab>Late" typed fast put both words in the first list.
        typed_keys_binding(
            "tab",
            "move_focus(1)",
            "Next list",
            show=False,
            id="retrospective.next_list",
            tooltip="On to the next list",
        ),
        typed_keys_binding(
            "shift+tab",
            "move_focus(-1)",
            "Previous list",
            show=False,
            id="retrospective.previous_list",
            tooltip="Back to the previous list",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._loaded_for: tuple[str | None, str | None] | None = None
        self._loaded_notes: dict[str, list[str]] = {}
        self._read_only = False
        self._refused = False  # escape met a refused save: escape again leaves without it

    def compose(self) -> ComposeResult:
        yield CycleHeader()
        yield Static(id="retro-intro")
        with Horizontal(id="retro-columns"):
            for field, title, hint in COLUMNS:
                with Vertical(classes="retro-column"):
                    yield Label(title)
                    area = TextArea(id=field, soft_wrap=True, show_line_numbers=False)
                    area.border_subtitle = hint
                    area.cursor_blink = self.okr_app.cursor_blink
                    yield area
        error = Static("", id="retro-error", classes="field-error")
        error.display = False
        yield error
        yield KeyFooter()

    def reload(self) -> None:
        cycle = self.cycle
        team = self.okr_app.team
        self.query_one(CycleHeader).show(
            cycle, team.name if team else None, self.okr_app.clock.now()
        )
        intro = self.query_one("#retro-intro", Static)
        if cycle is None:
            intro.update(Content("No cycle yet."))
            return
        self._read_only = bool(self.read_only_reason())
        who = team.name if team else "all teams"
        parts: list = [("Retrospective", "bold"), " of ", (cycle.name, "bold"), " · ", who]
        if self._read_only:
            parts.append((f"  ·  read-only: {self.read_only_reason()}", "$warning"))
        else:
            parts.append(("  ·  one item per line · ctrl+s saves", "$text-muted"))
        intro.update(Content.assemble(*parts))
        for field, _, _ in COLUMNS:
            self.query_one(f"#{field}", TextArea).read_only = self._read_only
        context = (cycle.id, self.team_id)
        if context == self._loaded_for:
            return  # keep what is being typed
        self._loaded_for = context
        existing = next(
            (r for r in self.store.retrospectives(cycle.id) if r.team_id == self.team_id), None
        )
        for field, _, _ in COLUMNS:
            lines = getattr(existing, field) if existing is not None else []
            self.query_one(f"#{field}", TextArea).load_text("\n".join(lines))
        self._loaded_notes = self._typed()
        if self._read_only and existing is None:
            intro.update(
                Content.assemble(
                    *parts, ("\nNo retrospective was written for ", "$text-muted"), who
                )
            )
        self.set_focus(self.query_one(f"#{COLUMNS[0][0]}", TextArea))  # at once: keys may follow

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "save" and self._read_only else True

    def _typed(self) -> dict[str, list[str]]:
        return {field: items(self.query_one(f"#{field}", TextArea).text) for field, _, _ in COLUMNS}

    action_move_focus = move_focus

    @after_typed_keys
    def action_back(self) -> None:
        """Esc keeps what was typed: leaving with changed items saves them first (Esc threw a
        retrospective written in the meeting away). A save refused stays here with its error,
        and a second escape leaves without saving; emptied columns are left as stored."""
        typed = self._typed()
        changed = not self._read_only and typed != self._loaded_notes and any(typed.values())
        if changed and not self._refused and not self._save():
            self._refused = True
            self.notify(
                "Not saved (the reason is above the keys). Escape again leaves without saving.",
                title="Retrospective",
                severity="warning",
            )
            return
        super().action_back()

    @on(TextArea.Changed)
    def _typing(self) -> None:
        self._refused = False

    @after_typed_keys
    def action_save(self) -> None:
        if self._save():
            super().action_back()

    def _save(self) -> bool:
        """Store the typed items; False (with the reason on screen) when refused."""
        cycle = self.cycle
        if cycle is None or self._read_only:
            return False
        error = self.query_one("#retro-error", Static)
        notes = self._typed()
        if not any(notes.values()):
            error.update(Content("Write at least one item to continue, stop or start."))
            error.display = True
            return False
        try:
            retrospective = Retrospective.model_validate(
                {
                    "cycle_id": cycle.id,
                    "team_id": self.team_id,
                    "written_at": self.okr_app.clock.now(),
                    **notes,
                }
            )
            self.store.save_retrospective(retrospective)
        except (RuleViolation, StoreError, ValueError) as problem:
            error.update(Content(validation_message(problem)))
            error.display = True
            return False
        error.display = False
        self._loaded_notes = notes
        count = sum(len(lines) for lines in notes.values())
        self.notify(f"Retrospective saved ({count} items).", title="Retrospective")
        return True
