"""End-of-cycle scoring: each active key result's suggested score, the score the team gives (in
0.1 steps, with a reason when it differs), the colour band read by the objective's kind, and the
weighted objective scores. From here: the retrospective (t) and closing the cycle (c).

A closed cycle's scores are shown read-only.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widget import AwaitMount
from textual.widgets import DataTable, Static

from okr_tui.domain import cadence, carry_over, progress
from okr_tui.domain.models import (
    KeyResult,
    Objective,
    ObjectiveKind,
    Score,
    Status,
)
from okr_tui.screens.base import OkrScreen, after_typed_keys, typed_keys_binding
from okr_tui.screens.dialogs.reason_dialog import ReasonDialog
from okr_tui.screens.form import validation_message
from okr_tui.screens.review_close.review import decision_author, one_line
from okr_tui.store.errors import RuleViolation, StoreError
from okr_tui.widgets.badges import BAND_COLOUR, theme_style
from okr_tui.widgets.cycle_header import CycleHeader
from okr_tui.widgets.key_footer import KeyFooter

OBJECTIVE_ROW = "obj:"
STEP = 0.1
READ_ONLY_HIDDEN = {"step", "save_score", "accept_suggestions", "close_cycle"}


def band_text(score: float | None, kind: ObjectiveKind, app) -> Text:
    """The band as symbol + word in its colour ("✔ success"); a dash before any score."""
    if score is None:
        return Text("–", style="dim", end="")
    score_band = progress.band(score, kind)
    return Text(
        f"{score_band.symbol} {score_band.label}",
        style=theme_style(app, BAND_COLOUR[score_band]),
        end="",
    )


def score_text(score: float | None, style: str = "") -> Text:
    return Text("–" if score is None else f"{score:.1f}", style=style or "", end="")


class ScoringScreen(OkrScreen):
    HELP_TITLE = "Scoring"
    HELP_SUMMARY = (
        "Score each key result: left/right (or -/+) changes the given score by 0.1, Enter saves "
        "it (a score that differs from the suggestion needs a reason). Aspirational and learning "
        "objectives: 0.7 is success. Committed objectives: anything under 1.0 is a miss."
    )
    CSS_PATH = "scoring.tcss"
    FILTERS_OWNER = True
    # Short descriptions, so that every key fits the footer at 80 columns (t and c were left
    # out there); the tooltips, shown in help, say the rest.
    BINDINGS = [
        typed_keys_binding(
            "right,plus,equals_sign",
            "step(1)",
            "+0.1",
            id="scoring.raise",
            tooltip="Raise the given score of this key result by 0.1",
        ),
        typed_keys_binding(
            "left,minus",
            "step(-1)",
            "-0.1",
            id="scoring.lower",
            tooltip="Lower the given score of this key result by 0.1",
        ),
        typed_keys_binding(
            "enter",
            "save_score",
            "Save",
            id="scoring.save",
            tooltip="Save the given score of this key result (asks why if it differs)",
        ),
        Binding(
            "a",
            "accept_suggestions",
            "Accept rest",
            id="scoring.accept",
            tooltip="Save the suggested score for every key result not scored yet",
        ),
        typed_keys_binding(
            "t",
            "retrospective",
            "Retro",
            id="scoring.retrospective",
            tooltip="Continue / stop / start notes for this cycle",
        ),
        typed_keys_binding(
            "c",
            "close_cycle",
            "Close",
            id="scoring.close_cycle",
            tooltip="Close the cycle and carry unfinished work into the next one",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._objectives: list[Objective] = []
        self._krs: dict[str, KeyResult] = {}
        # Every active key result of the objectives shown, the owner filter's or not: an
        # objective's weighted score is that of all its key results.
        self._objective_krs: dict[str, KeyResult] = {}
        self._kinds: dict[str, ObjectiveKind] = {}
        self._suggested: dict[str, float] = {}
        self._saved: dict[str, Score] = {}
        self._pending: dict[str, float] = {}
        self._read_only = False

    def compose(self) -> ComposeResult:
        yield CycleHeader()
        yield Static(id="scoring-intro")
        yield DataTable(id="scoring-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="scoring-summary")
        yield KeyFooter()

    # --- reading ------------------------------------------------------------------------

    def given(self, kr_id: str) -> float | None:
        """The score shown as given: an unsaved change, else the saved score, else (while the
        cycle is open) the suggestion."""
        if kr_id in self._pending:
            return self._pending[kr_id]
        if kr_id in self._saved:
            return self._saved[kr_id].given
        return None if self._read_only else self._suggested.get(kr_id)

    def reload(self) -> None:
        cycle = self.cycle
        team = self.okr_app.team
        now = self.okr_app.clock.now()
        self.query_one(CycleHeader).show(cycle, team.name if team else None, now)
        table = self.query_one("#scoring-table", DataTable)
        previous_key = self._highlighted_key()
        table.clear(columns=True)
        self._objectives, self._krs, self._kinds, self._suggested, self._saved = [], {}, {}, {}, {}
        self._objective_krs = {}
        intro = self.query_one("#scoring-intro", Static)
        if cycle is None:
            intro.update(Content("No cycle yet. Press escape, then p to plan one."))
            return
        self._read_only = bool(self.read_only_reason())
        check_ins = progress.histories(self.store.check_ins(cycle.id))
        key_results = self.store.key_results(cycle.id)
        self._saved = {score.kr_id: score for score in self.store.scores(cycle.id)}
        self._objectives = [
            o
            for o in self.store.objectives(cycle.id)
            if o.status is Status.ACTIVE and self.shows_team(o.team_id)
        ]
        shown_objectives = {o.id: o for o in self._objectives}
        for kr in key_results:
            if kr.is_active and kr.objective_id in shown_objectives:
                self._objective_krs[kr.id] = kr
                self._kinds[kr.id] = shown_objectives[kr.objective_id].kind
                self._suggested[kr.id] = progress.suggested_score(kr, check_ins)
                if self.shows_owner(kr.owner):
                    self._krs[kr.id] = kr
        # The owner filter: objectives with none of the owner's key results are left out.
        owning = {kr.objective_id for kr in self._krs.values()}
        self._objectives = [
            o for o in self._objectives if o.id in owning or not self.owner_filter()
        ]
        self._pending = {
            kr_id: given
            for kr_id, given in self._pending.items()
            if kr_id in self._objective_krs and not self._read_only
        }
        if self._read_only:
            intro.update(
                Content.assemble(
                    ("Scores", "bold"),
                    (f"  ·  scores are read-only: {self.read_only_reason()}", "$warning"),
                )
            )
        else:
            intro.update(
                Content.assemble(
                    ("Scores", "bold"),
                    (
                        "  ·  suggested = progress now · aspirational: 0.7+ succeeds · "
                        "committed: under 1.0 misses",
                        "$text-muted",
                    ),
                )
            )
        self._fill(table)
        keys = [OBJECTIVE_ROW + o.id for o in self._objectives] + list(self._krs)
        if previous_key in keys:
            table.move_cursor(row=table.get_row_index(previous_key), animate=False)
        elif self._krs:
            table.move_cursor(row=1, animate=False)
        self._show_summary()

    def _fill(self, table: DataTable) -> None:
        width = max(self.size.width or self.app.size.width, 60)
        # "● unsaved: Enter saves" and "objective (weighted)" are the widest Saved cells; a
        # saved reason ends in "…". The title takes the rest.
        fixed = {"Suggested": 9, "Given": 5, "Band": 9, "Saved": 20}
        title_width = max(20, width - sum(fixed.values()) - 2 * (len(fixed) + 1) - 4)
        table.add_column("Objective / key result", width=title_width, key="title")
        for label, column_width in fixed.items():
            table.add_column(label, width=column_width, key=label.lower())
        for objective in self._objectives:
            table.add_row(*self._objective_cells(objective), key=OBJECTIVE_ROW + objective.id)
            for kr in self._krs.values():
                if kr.objective_id == objective.id:
                    table.add_row(*self._kr_cells(kr), key=kr.id)

    def _objective_scores(self, objective: Objective) -> tuple[float | None, float | None]:
        own = [kr for kr in self._objective_krs.values() if kr.objective_id == objective.id]
        given = {kr.id: g for kr in own if (g := self.given(kr.id)) is not None}
        suggested = {kr.id: self._suggested[kr.id] for kr in own}
        return progress.objective_score(own, suggested), progress.objective_score(own, given)

    def _objective_cells(self, objective: Objective) -> list[Text]:
        suggested, given = self._objective_scores(objective)
        title = Text(no_wrap=True, overflow="ellipsis", end="")
        title.append("◆ ", style="bold")
        title.append(one_line(objective.title), style="bold")
        title.append(f"  {objective.kind.value}", style="dim")
        return [
            title,
            score_text(suggested, "dim"),
            score_text(given, "bold"),
            band_text(given, objective.kind, self.app),
            Text("objective (weighted)", style="dim", end=""),
        ]

    def _kr_cells(self, kr: KeyResult) -> list[Text]:
        given = self.given(kr.id)
        suggested = self._suggested[kr.id]
        saved = self._saved.get(kr.id)
        title = Text(no_wrap=True, overflow="ellipsis", end="")
        title.append("   ")
        title.append(one_line(kr.title))
        status = Text(no_wrap=True, overflow="ellipsis", end="")
        if kr.id in self._pending and (saved is None or saved.given != given):
            status.append("● unsaved: Enter", style=theme_style(self.app, "warning"))
        elif saved is not None:
            status.append("✔ saved", style=theme_style(self.app, "success"))
            if saved.reason:
                status.append(" · ")
                status.append(saved.reason, style="dim")
        else:
            status.append("– not scored", style="dim")
        overridden = given is not None and abs(given - suggested) > 1e-9
        return [
            title,
            score_text(suggested, "dim"),
            score_text(given, theme_style(self.app, "accent", "bold") if overridden else "bold"),
            band_text(given, self._kinds[kr.id], self.app),
            status,
        ]

    def _refresh_row(self, kr_id: str) -> None:
        table = self.query_one("#scoring-table", DataTable)
        kr = self._krs[kr_id]
        objective = next(o for o in self._objectives if o.id == kr.objective_id)
        for row_key, cells in (
            (kr_id, self._kr_cells(kr)),
            (OBJECTIVE_ROW + objective.id, self._objective_cells(objective)),
        ):
            for column, cell in zip(
                ("title", "suggested", "given", "band", "saved"), cells, strict=True
            ):
                table.update_cell(row_key, column, cell)
        self._show_summary()

    def _show_summary(self) -> None:
        summary = self.query_one("#scoring-summary", Static)
        if not self._krs:
            summary.update(Content("No active key results to score."))
            return
        scored = sum(1 for kr_id in self._krs if kr_id in self._saved)
        text = f"{scored} of {progress.counted(len(self._krs), 'key result')} scored"
        if self._pending:
            text += f" · {len(self._pending)} unsaved"
        summary.update(Content(text))

    def _highlighted_key(self) -> str | None:
        table = self.query_one("#scoring-table", DataTable)
        if table.row_count == 0:
            return None
        try:
            row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        except Exception:
            return None
        return row_key.value

    def _highlighted_kr(self) -> KeyResult | None:
        key = self._highlighted_key()
        return self._krs.get(key or "")

    def on_resize(self) -> None:
        if self.is_mounted and self._krs:
            self.call_later(self._reload)

    # --- scoring ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # None: off, out of the footer, and the key says why (OkrApp._on_key).
        return None if self._read_only and action in READ_ONLY_HIDDEN else True

    @after_typed_keys
    def action_step(self, direction: int) -> None:
        kr = self._highlighted_kr()
        if kr is None or self._read_only:
            return
        current = self.given(kr.id)
        current = self._suggested[kr.id] if current is None else current
        new = progress.round_score(current + direction * STEP)
        saved = self._saved.get(kr.id)
        if saved is not None and saved.given == new:
            self._pending.pop(kr.id, None)
        else:
            self._pending[kr.id] = new
        self._refresh_row(kr.id)

    @after_typed_keys
    def action_save_score(self) -> None:
        kr = self._highlighted_kr()
        if kr is None or self._read_only:
            return
        given = self.given(kr.id)
        suggested = self._suggested[kr.id]
        if given is None:
            return
        if abs(given - suggested) < 1e-9:
            self._save(kr, given, "")
            return
        saved = self._saved.get(kr.id)
        initial = saved.reason if saved is not None and saved.given == given else ""

        def reasoned(reason: str | None) -> None:
            if reason:
                self._save(kr, given, reason)

        modal = ReasonDialog(
            f"Score: {kr.title}",
            f"Given {given:.1f}, suggested {suggested:.1f}: a score that differs from the "
            "suggestion needs a reason.",
            "Save score",
            initial,
        )
        self.app.push_screen(modal, reasoned)

    def _save(self, kr: KeyResult, given: float, reason: str) -> bool:
        cycle = self.cycle
        if cycle is None:
            return False
        try:
            self.store.save_score(
                Score(
                    cycle_id=cycle.id,
                    kr_id=kr.id,
                    suggested=self._suggested[kr.id],
                    given=given,
                    reason=reason,
                    scored_at=self.okr_app.clock.now(),
                ),
                author=decision_author(self),
            )
        except (RuleViolation, StoreError, ValueError) as error:
            self.notify(validation_message(error), severity="error", markup=False)
            return False
        self._pending.pop(kr.id, None)
        self.reload()
        return True

    def action_accept_suggestions(self) -> None:
        cycle = self.cycle
        if cycle is None or self._read_only:
            return
        todo = [
            kr
            for kr_id, kr in self._krs.items()
            if kr_id not in self._saved and kr_id not in self._pending
        ]
        for kr in todo:
            if not self._save(kr, self._suggested[kr.id], ""):
                return
        self.notify(f"Saved {len(todo)} suggested score{'s' if len(todo) != 1 else ''}.")

    # --- retrospective and closing ------------------------------------------------------

    @after_typed_keys
    def action_retrospective(self) -> AwaitMount | None:
        if self.cycle is None:
            return None
        from okr_tui.screens.review_close.retrospective import RetrospectiveScreen

        return self.app.push_screen(RetrospectiveScreen())

    @after_typed_keys
    def action_close_cycle(self) -> AwaitMount | None:
        cycle = self.cycle
        if cycle is None or self._read_only:
            return None
        from okr_tui.screens.review_close.close_cycle import CloseCycleDialog

        objectives = self.store.objectives(cycle.id)
        key_results = self.store.key_results(cycle.id)
        check_ins = self.store.check_ins(cycle.id)
        now = self.okr_app.clock.now().in_timezone(cycle.timezone)
        today = date(now.year, now.month, now.day)
        target, is_new = carry_over.next_cycle(cycle, self.store.cycles(), today)
        open_work = carry_over.unfinished(objectives, key_results, check_ins)
        active_objectives = {o.id for o in objectives if o.status is Status.ACTIVE}
        scored = {score.kr_id for score in self.store.scores(cycle.id)}
        unscored = sum(
            1
            for kr in key_results
            if kr.is_active and kr.objective_id in active_objectives and kr.id not in scored
        )

        def chosen(result: tuple[list[str], list[str]] | None) -> None:
            if result is None:
                return
            objective_ids, kr_ids = result
            carried = carry_over.carry_over(
                objectives, key_results, check_ins, target, objective_ids, kr_ids
            )
            try:
                self.store.close_cycle(
                    cycle.id,
                    carry_into=target,
                    objectives=carried.objectives,
                    key_results=carried.key_results,
                )
            except (RuleViolation, StoreError, ValueError) as error:
                self.notify(validation_message(error), severity="error", markup=False)
                return
            self._pending.clear()
            self.okr_app.cycle_id = target.id
            self.okr_app.open_dashboard()
            self.notify(
                f"{cycle.name} is closed. Carried "
                f"{progress.counted(len(carried.objectives), 'objective')} and "
                f"{progress.counted(len(carried.key_results), 'key result')} into {target.name}.",
                title="Cycle closed",
                markup=False,
                timeout=8,
            )

        return self.app.push_screen(
            CloseCycleDialog(
                cycle,
                target,
                is_new,
                open_work,
                unscored,
                len(self._pending),
                days_left=cadence.days_left(cycle, now),
                meetings_left=sum(1 for day in cadence.meeting_dates(cycle) if day > today),
            ),
            chosen,
        )
