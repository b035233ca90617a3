"""Closing a cycle: confirm, and choose the unfinished objectives and key results to carry into
the next cycle (all preselected). Dismisses with (objective ids, key result ids) or None.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, SelectionList, Static
from textual.widgets.selection_list import Selection

from okr_tui.domain import cadence
from okr_tui.domain.carry_over import UnfinishedObjective
from okr_tui.domain.models import Cycle
from okr_tui.domain.progress import counted, format_value

OBJECTIVE = "obj:"
KEY_RESULT = "kr:"


class CloseCycleDialog(ModalScreen[tuple[list[str], list[str]] | None]):
    CSS_PATH = "close_cycle.tcss"
    HELP_TITLE = "Close the cycle"
    HELP_SUMMARY = (
        "Space toggles what to carry over; a key result brings its objective along. "
        "ctrl+s closes the cycle, escape keeps it open."
    )
    BINDINGS = [
        Binding(
            "escape", "cancel", "Cancel", id="close_cycle.cancel", tooltip="Keep the cycle open"
        ),
        Binding(
            "ctrl+s",
            "confirm",
            "Close cycle",
            id="close_cycle.confirm",
            tooltip="Close the cycle and carry the checked items over",
        ),
    ]

    def __init__(
        self,
        cycle: Cycle,
        target: Cycle,
        target_is_new: bool,
        unfinished: Sequence[UnfinishedObjective],
        unscored: int,
        unsaved: int = 0,
        days_left: int = 0,
        meetings_left: int = 0,
    ) -> None:
        """`days_left`, `meetings_left`: of the cycle after today; closing before its end is
        allowed (a quarter wrapped up early) but said out loud."""
        super().__init__()
        self._cycle = cycle
        self._target = target
        self._target_is_new = target_is_new
        self._unfinished = list(unfinished)
        self._unscored = unscored
        self._unsaved = unsaved
        self._days_left = days_left
        self._meetings_left = meetings_left
        self._krs_of = {
            block.objective.id: [item.kr.id for item in block.key_results]
            for block in self._unfinished
        }
        self._objective_of = {
            kr_id: objective_id for objective_id, krs in self._krs_of.items() for kr_id in krs
        }

    def compose(self) -> ComposeResult:
        cycle, target = self._cycle, self._target
        with Vertical(id="close-dialog"):
            yield Static(
                Content.assemble("Close ", (cycle.name, "bold"), "?"), classes="dialog-title"
            )
            yield Static(
                Content.assemble(
                    "Its records stay as they are and become read-only. The app then moves to ",
                    (target.name, "bold"),
                    (
                        f" ({'a new cycle, ' if self._target_is_new else ''}"
                        f"{target.start:%d %b %Y} – {target.end:%d %b %Y})."
                    ),
                ),
                classes="dialog-note",
            )
            warnings = []
            if self._days_left:
                meetings = self._meetings_left
                warnings.append(
                    f"It runs until {cadence.day_text(cycle.end)}: closing now ends it "
                    f"{counted(self._days_left, 'day')} early"
                    + (f", with {counted(meetings, 'check-in meeting')} left." if meetings else ".")
                )
            if self._unscored:
                warnings.append(f"{self._unscored} key result(s) have no saved score yet.")
            if self._unsaved:
                warnings.append(f"{self._unsaved} score change(s) are not saved.")
            if warnings:
                yield Static(Content(" ".join(warnings)), classes="dialog-warning")
            if self._unfinished:
                yield Static(
                    Content("Carry over (unfinished: suggested score under 1.0):"),
                    classes="dialog-label",
                )
                yield SelectionList[str](*self._selections(), id="carry")
            else:
                yield Static(Content("Nothing unfinished to carry over."), classes="dialog-label")
            yield Static(Content.from_markup(self._keys_text()), id="close-keys")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Close cycle", id="confirm", variant="error")

    def _keys_text(self) -> str:
        """Which keys tick and which save: the dialog had no footer to say it."""
        ticks = "[b]space[/b] ticks or unticks the highlighted line · " if self._unfinished else ""
        carry = " and carries what is ticked" if self._unfinished else ""
        return f"{ticks}[b]ctrl+s[/b] closes the cycle{carry} · [b]escape[/b] keeps it open"

    def _selections(self) -> list[Selection[str]]:
        selections = []
        for block in self._unfinished:
            selections.append(
                Selection(
                    Content.assemble(("◆ ", "bold"), (block.objective.title, "bold")),
                    OBJECTIVE + block.objective.id,
                    True,
                )
            )
            for item in block.key_results:
                kr = item.kr
                selections.append(
                    Selection(
                        Content.assemble(
                            "   ",
                            kr.title,
                            (
                                f"  · score {item.suggested:.1f} · restarts at "
                                f"{format_value(item.current_value, kr.unit)}",
                                "$text-muted",
                            ),
                        ),
                        KEY_RESULT + kr.id,
                        True,
                    )
                )
        return selections

    def on_mount(self) -> None:
        if self._unfinished:
            self.query_one("#carry", SelectionList).focus()
        else:
            self.query_one("#confirm", Button).focus()

    @on(SelectionList.SelectionToggled, "#carry")
    def _keep_consistent(self, event: SelectionList.SelectionToggled) -> None:
        """Unchecking an objective unchecks its key results; checking a key result checks its
        objective (a key result cannot move without it)."""
        selection_list: SelectionList[str] = event.selection_list
        value = str(event.selection.value)
        selected = value in selection_list.selected
        if value.startswith(OBJECTIVE) and not selected:
            for kr_id in self._krs_of.get(value.removeprefix(OBJECTIVE), []):
                selection_list.deselect(KEY_RESULT + kr_id)
        elif value.startswith(KEY_RESULT) and selected:
            objective_id = self._objective_of.get(value.removeprefix(KEY_RESULT))
            if objective_id is not None:
                selection_list.select(OBJECTIVE + objective_id)

    def chosen(self) -> tuple[list[str], list[str]]:
        if not self._unfinished:
            return [], []
        selected = [str(value) for value in self.query_one("#carry", SelectionList).selected]
        objective_ids = [v.removeprefix(OBJECTIVE) for v in selected if v.startswith(OBJECTIVE)]
        kr_ids = [v.removeprefix(KEY_RESULT) for v in selected if v.startswith(KEY_RESULT)]
        return objective_ids, kr_ids

    def action_confirm(self) -> None:
        self.dismiss(self.chosen())

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#confirm")
    def _confirm_pressed(self) -> None:
        self.action_confirm()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()
