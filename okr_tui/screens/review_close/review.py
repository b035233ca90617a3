"""The mid-quarter review: each active key result against the pace it should have, its confidence
over the last weeks, and a decision: keep it, adjust its target, or retire it (with a reason).

Decisions are saved one by one (each applies to the key result and writes the audit log at
once); finishing the review records it, so the cycle no longer reports it due. Decisions not yet
part of a finished review are shown as "this review", so leaving and coming back loses nothing.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Static

from okr_tui.domain import board
from okr_tui.domain import progress as progress_math
from okr_tui.domain.models import (
    KeyResult,
    KrType,
    Review,
    ReviewDecision,
    ReviewDecisionKind,
    Status,
)
from okr_tui.domain.progress import Pace, format_value
from okr_tui.screens.base import OkrScreen, after_typed_keys, typed_keys_binding
from okr_tui.screens.dialogs.adjust_target_dialog import AdjustTargetDialog
from okr_tui.screens.dialogs.reason_dialog import ReasonDialog
from okr_tui.screens.form import validation_message
from okr_tui.store.errors import RuleViolation, StoreError
from okr_tui.widgets.badges import (
    CONFIDENCE_COLOUR,
    CONFIDENCE_SYMBOL,
    PACE_COLOUR,
    PACE_SYMBOL,
    PACE_WORDS,
    theme_style,
)
from okr_tui.widgets.cycle_header import CycleHeader
from okr_tui.widgets.key_footer import KeyFooter

TREND_LENGTH = 5
MAX_DECISION_WIDTH = 34


def one_line(text: str) -> str:
    """User text for a one-line cell: line breaks and tabs become spaces."""
    return " ".join(text.split())


def title_cell(title: str, detail: str) -> Text:
    """A two-line cell: user text as typed on the first line, muted detail below, both cut with
    an ellipsis rather than wrapped."""
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    text.append(one_line(title))
    text.append("\n")
    text.append(detail, style="dim")
    return text


def cell_width(cell: Text) -> int:
    return max((len(line) for line in cell.plain.split("\n")), default=0)


def review_widths(width: int, rows: list[list[Text]]) -> tuple[int, int, int, int]:
    """Widths of the review's columns: progress, confidence and decision take what their cells
    need ("▼ not done, late in the cycle" was cut at 20), and the title takes the rest (it got
    33 columns at 100 while the Decision column stood empty). When the title would get less
    than two fifths, the decision and the progress give way, cut with "…"."""
    room = width - 2 * 4 - 4  # a cell of padding either side of 4 columns, margins, scrollbar
    needs = [
        max([len("Progress"), *(cell_width(row[1]) for row in rows)]),
        max([len("Confidence"), len("no check-in"), *(cell_width(row[2]) for row in rows)]),
        max([len("Decision"), *(cell_width(row[3]) for row in rows)]),
    ]
    pace, confidence, decision = needs[0], needs[1], min(needs[2], MAX_DECISION_WIDTH)
    least_title = room * 2 // 5
    if room - pace - confidence - decision < least_title:
        decision = max(len("– undecided"), room - least_title - pace - confidence)
    if room - pace - confidence - decision < least_title:
        pace = max(len("■ on track"), room - least_title - confidence - decision)
    return max(20, room - pace - confidence - decision), pace, confidence, decision


def decision_author(screen: OkrScreen) -> str:
    """Who decides: the facilitator of the team on screen, if any."""
    team = screen.okr_app.team
    return team.facilitator if team is not None else ""


# --- modals -------------------------------------------------------------------------------


class ReviewScreen(OkrScreen):
    HELP_TITLE = "Mid-quarter review"
    HELP_SUMMARY = (
        "Each active key result against its expected pace. Keep it, adjust its target or retire "
        "it; finish the review when every key result has been discussed."
    )
    CSS_PATH = "review.tcss"
    FILTERS_OWNER = True
    BINDINGS = [
        Binding("k", "keep", "Keep", id="review.keep", tooltip="Keep this key result as it is"),
        # a and x act as they arrive and wait for their dialog (typed_keys.py): "a105%⏎" typed
        # at once puts 105% in the dialog, not into the table before the dialog is up.
        typed_keys_binding(
            "a",
            "adjust",
            "Adjust target",
            id="review.adjust",
            tooltip="Give this key result a new target, with a reason",
        ),
        typed_keys_binding(
            "x",
            "retire",
            "Retire",
            id="review.retire",
            tooltip="Retire this key result, with a reason",
        ),
        Binding(
            "f,ctrl+s",
            "finish",
            "Finish review",
            id="review.finish",
            tooltip="Record the review as done for this team",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._lines: dict[str, board.KeyResultLine] = {}
        self._pending: dict[str, list[ReviewDecision]] = {}
        self._read_only = False
        self._finish_asked = False  # f pressed once with key results still undecided
        self._cursor_to: str | None = None  # where the cursor goes at the next reload

    def compose(self) -> ComposeResult:
        yield CycleHeader()
        yield Static(id="review-intro")
        yield DataTable(id="review-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="review-summary")
        yield KeyFooter()

    # --- reading ------------------------------------------------------------------------

    def reload(self) -> None:
        cycle = self.cycle
        team = self.okr_app.team
        now = self.okr_app.clock.now()
        self.query_one(CycleHeader).show(cycle, team.name if team else None, now)
        table = self.query_one("#review-table", DataTable)
        # After a decision the cursor moves on to the next undecided key result.
        previous_key = self._cursor_to or self._highlighted_kr_id()
        self._cursor_to = None
        table.clear(columns=True)
        self._lines, self._pending = {}, {}
        intro = self.query_one("#review-intro", Static)
        if cycle is None:
            intro.update(Content("No cycle yet. Press escape, then p to plan one."))
            return
        self._read_only = bool(self.read_only_reason())
        check_ins = progress_math.histories(self.store.check_ins(cycle.id))
        decisions = self.store.review_decisions(cycle.id)
        finished = {d for review in self.store.reviews(cycle.id) for d in review.decision_ids}
        for decision in decisions:
            if decision.id not in finished:
                self._pending.setdefault(decision.kr_id, []).append(decision)
        lines = board.key_result_lines(
            cycle,
            self.store.objectives(cycle.id),
            self.store.key_results(cycle.id),
            check_ins,
            now,
            include_retired=True,
        )
        shown = [
            line
            for line in lines
            if self.shows_team(line.objective.team_id)
            and self.shows_owner(line.kr.owner)
            and line.objective.status is Status.ACTIVE
            and (line.kr.is_active or line.kr.id in self._pending)
        ]
        self._lines = {line.kr.id: line for line in shown}
        expected = progress_math.expected_progress(cycle, now)
        intro_parts: list[str | tuple[str, str]] = [
            ("Mid-quarter review", "bold"),
            f"  ·  expected progress today {expected * 100:.0f}%",
        ]
        if self._read_only:
            intro_parts.append((f"  ·  read-only: {self.read_only_reason()}", "$warning"))
        else:
            intro_parts.append(("  ·  k keep · a adjust · x retire · f finish", "$text-muted"))
        intro.update(Content.assemble(*intro_parts))
        self._fill(table, shown, check_ins)
        if previous_key in self._lines:
            table.move_cursor(row=table.get_row_index(previous_key), animate=False)
        self._show_summary()

    def _fill(
        self, table: DataTable, lines: list[board.KeyResultLine], check_ins: progress_math.Histories
    ) -> None:
        rows = [self._cells(line, check_ins) for line in lines]
        widths = review_widths(max(self.size.width or self.app.size.width, 60), rows)
        labels = ("Key result", "Progress", "Confidence", "Decision")
        keys = ("kr", "pace", "confidence", "decision")
        for label, key, column_width in zip(labels, keys, widths, strict=True):
            table.add_column(label, width=column_width, key=key)
        for line, cells in zip(lines, rows, strict=True):
            table.add_row(*cells, height=2, key=line.kr.id)
        if not lines:
            self.query_one("#review-summary", Static).update(
                Content("No active key results to review.")
            )

    def _cells(self, line: board.KeyResultLine, check_ins: progress_math.Histories) -> list[Text]:
        kr = line.kr
        if kr.kr_type is KrType.MILESTONE:  # "done" / "not done", not "1 / 1"
            figures = progress_math.value_text(kr, line.value)
        else:
            figures = f"{format_value(line.value, kr.unit)} / {format_value(kr.target, kr.unit)}"
        detail = f"{figures} · {kr.kr_type.label}"
        if kr.owner:
            detail += f" · {kr.owner}"
        pace = line.pace
        symbol = PACE_SYMBOL[pace.pace]
        versus = Text(no_wrap=True, overflow="ellipsis", end="")
        versus.append(f"{line.progress * 100:.0f}%", style="bold")
        if kr.kr_type.has_line:  # else no straight line to compare with (progress.pace_words)
            versus.append(f" vs {pace.expected * 100:.0f}%", style="dim")
        versus.append("\n")
        # Worded as in the walkthrough and the KR detail: "▼ 23 pts behind", not "-23 pts".
        # Within the tolerance the verdict is "on pace", as there: "■ 7 pts ahead" read as
        # ahead beside the on-track symbol (the figures above give the gap).
        if kr.kr_type.has_line and pace.pace is Pace.ON_TRACK:
            verdict = f"{symbol} {PACE_WORDS[pace.pace]}"
        else:
            verdict = f"{symbol} {progress_math.pace_words(kr, pace)}"
        versus.append(verdict, style=theme_style(self.app, PACE_COLOUR[pace.pace]))
        return [
            title_cell(kr.title, detail),
            versus,
            self._trend(kr.id, check_ins),
            self._decision_cell(kr),
        ]

    def _trend(self, kr_id: str, check_ins: progress_math.Histories) -> Text:
        history = progress_math.history(kr_id, check_ins)[-TREND_LENGTH:]
        text = Text(no_wrap=True, end="")
        if not history:
            text.append("–\nno check-in", style="dim")
            return text
        for check_in in history:
            if check_in.confidence is None:  # a value read from a source
                text.append("·", style="dim")
                continue
            text.append(
                CONFIDENCE_SYMBOL[check_in.confidence],
                style=theme_style(self.app, CONFIDENCE_COLOUR[check_in.confidence]),
            )
        text.append("\n")
        latest = progress_math.latest_confidence(history)
        if latest is None:
            text.append("no confidence", style="dim")
            return text
        text.append(latest.label, style=theme_style(self.app, CONFIDENCE_COLOUR[latest]))
        return text

    def _decision_cell(self, kr: KeyResult) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        pending = self._pending.get(kr.id)
        if not pending:
            text.append("– undecided", style="dim")
            return text
        decision = pending[-1]
        if decision.decision is ReviewDecisionKind.KEEP:
            text.append("✔ keep", style=theme_style(self.app, "success", "bold"))
        elif decision.decision is ReviewDecisionKind.ADJUST:
            # "✎ 500 → 480 customers": a word unit once, so the new target fits the column
            # ("110% → 105%" and "$1,200 → $1,500" keep their signs).
            unit = "" if " " in format_value(1, kr.unit) else kr.unit
            old = "?" if decision.old_target is None else format_value(decision.old_target, unit)
            new = format_value(decision.new_target or 0.0, kr.unit)
            text.append(f"✎ {old} → {new}", style=theme_style(self.app, "accent", "bold"))
        else:
            text.append("✖ retired", style=theme_style(self.app, "error", "bold"))
        text.append("\n")
        text.append(decision.reason, style="dim")
        return text

    def _show_summary(self) -> None:
        if not self._lines:
            return
        decided = [kr_id for kr_id in self._lines if kr_id in self._pending]
        counts: dict[str, int] = {}
        for kr_id in decided:
            kind = self._pending[kr_id][-1].decision.value
            counts[kind] = counts.get(kind, 0) + 1
        parts = ", ".join(f"{count} {kind}" for kind, count in counts.items())
        summary = (
            f"{len(decided)} of {progress_math.counted(len(self._lines), 'key result')} decided"
        )
        if parts:
            summary += f" ({parts})"
        self.query_one("#review-summary", Static).update(Content(summary))

    def _highlighted_kr_id(self) -> str | None:
        table = self.query_one("#review-table", DataTable)
        if table.row_count == 0:
            return None
        try:
            row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        except Exception:
            return None
        return row_key.value

    def on_resize(self) -> None:
        if self.is_mounted and self._lines:
            self.call_later(self._reload)

    # --- deciding -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"keep", "adjust", "retire", "finish"} and self._read_only:
            return None
        return True

    def _target_kr(self) -> KeyResult | None:
        if self._read_only:
            self.notify(
                f"The review is read-only: {self.read_only_reason()}.",
                severity="warning",
            )
            return None
        kr_id = self._highlighted_kr_id()
        line = self._lines.get(kr_id or "")
        if line is None:
            return None
        if line.kr.status is Status.RETIRED:
            self.notify(
                "This key result is retired; it takes no more decisions.", severity="warning"
            )
            return None
        return line.kr

    def _record(
        self,
        kr: KeyResult,
        kind: ReviewDecisionKind,
        reason: str = "",
        new_target: float | None = None,
        new_title: str | None = None,
    ) -> None:
        """Record the decision; `new_title` retitles the key result too, with the same reason
        in its audit history."""
        cycle = self.cycle
        if cycle is None:
            return
        try:
            decision = ReviewDecision(
                cycle_id=cycle.id,
                kr_id=kr.id,
                decision=kind,
                new_target=new_target,
                reason=reason,
                decided_at=self.okr_app.clock.now(),
                author=decision_author(self),
            )
            decided = self.store.record_review_decision(decision)
            if new_title and new_title != decided.title:
                self.store.save_key_result(
                    decided.model_copy(update={"title": new_title}),
                    author=decision.author,
                    reason=reason,
                    expected=decided,
                )
        except (RuleViolation, StoreError, ValueError) as error:
            self.notify(validation_message(error), severity="error", markup=False)
            return
        self._finish_asked = False
        self._cursor_to = self._next_undecided(kr.id)
        self.reload()

    def _next_undecided(self, kr_id: str) -> str:
        """The key result to decide next: the first undecided one below `kr_id`, else above
        it; `kr_id` itself when every other one is decided."""
        order = list(self._lines)
        if kr_id not in order:
            return kr_id
        start = order.index(kr_id)
        for other in order[start + 1 :] + order[:start]:
            if other not in self._pending and self._lines[other].kr.is_active:
                return other
        return kr_id

    def action_keep(self) -> None:
        kr = self._target_kr()
        if kr is not None:
            self._record(kr, ReviewDecisionKind.KEEP)

    @after_typed_keys
    async def action_adjust(self) -> None:
        kr = self._target_kr()
        if kr is None:
            return
        if kr.kr_type is KrType.MILESTONE:
            self.notify("A milestone is done or not done; it has no target to adjust.")
            return

        def adjusted(result: tuple[float, str, str] | None) -> None:
            if result is not None:
                target, reason, title = result
                self._record(kr, ReviewDecisionKind.ADJUST, reason, target, title)

        await self.app.push_screen(AdjustTargetDialog(kr), adjusted)

    @after_typed_keys
    async def action_retire(self) -> None:
        kr = self._target_kr()
        if kr is None:
            return

        def retired(reason: str | None) -> None:
            if reason:
                self._record(kr, ReviewDecisionKind.RETIRE, reason)

        modal = ReasonDialog(
            f"Retire: {kr.title}",
            "A retired key result takes no more check-ins and no longer counts in scores.",
            "Retire",
        )
        await self.app.push_screen(modal, retired)

    def action_finish(self) -> None:
        cycle = self.cycle
        if cycle is None or self._read_only:
            return
        # One stray f (or ctrl+s) finished a review with nothing decided: with key results
        # still undecided, it asks for a second press.
        undecided = sum(1 for kr_id in self._lines if kr_id not in self._pending)
        if undecided and not self._finish_asked:
            self._finish_asked = True
            self.notify(
                f"{undecided} key result{'s have' if undecided != 1 else ' has'} no decision yet: "
                "press f (or ctrl+s) again to finish the review anyway.",
                severity="warning",
            )
            return
        self._finish_asked = False
        decision_ids = [
            decision.id
            for kr_id, decisions in self._pending.items()
            if kr_id in self._lines
            for decision in decisions
        ]
        try:
            self.store.complete_review(
                Review(
                    cycle_id=cycle.id,
                    team_id=self.team_id,
                    completed_at=self.okr_app.clock.now(),
                    decision_ids=decision_ids,
                )
            )
        except (RuleViolation, StoreError) as error:
            self.notify(str(error), severity="error", markup=False)
            return
        team = self.okr_app.team
        who = team.name if team else "all teams"
        count = len(decision_ids)
        self.notify(
            f"Review of {cycle.name} ({who}) finished with {count} "
            f"decision{'s' if count != 1 else ''}.",
            title="Review",
            markup=False,
        )
        self.action_back()
