"""One key result in full: its figures, the burn-up chart, the confidence history, every
check-in (corrections and what they replaced included), its actions and its audit log.

Opened with Enter on a dashboard row, Escape goes back; `d` ticks off done actions and `l` gives
a late check-in for a past meeting the key result missed. The key result is looked up
by id in every cycle (the one on screen first), so it stays on screen if the context changes.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Static

from okr_tui.domain import board, forecast, progress
from okr_tui.domain.history import is_late
from okr_tui.domain.models import (
    AuditEntry,
    CheckIn,
    Cycle,
    CycleState,
    KeyResult,
    Objective,
    Status,
)
from okr_tui.exchange.reports import (
    COMPANY,
    confidence_text,
    delta_text,
    previous_values,
    value_text,
)
from okr_tui.screens.base import OkrScreen, after_typed_keys, typed_keys_binding
from okr_tui.widgets.badges import (
    CONFIDENCE_COLOUR,
    confidence_badge,
    confidence_trend,
    pace_badge,
    progress_bar,
    theme_style,
)
from okr_tui.widgets.burn_up_chart import BurnUpChart, chart_data
from okr_tui.widgets.confidence_history import ConfidenceHistory, ConfidencePoint
from okr_tui.widgets.cycle_header import CycleHeader
from okr_tui.widgets.key_footer import KeyFooter

# Label, key, the width a cell may wrap down to, and the share of the room left over that a
# column of free text takes (0: as wide as its widest cell, while the room allows).
CHECK_IN_COLUMNS = (
    ("Meeting", "meeting", 10, 0),
    ("Value", "value", 6, 0),
    ("Δ prev", "delta", 5, 0),
    ("Confidence", "confidence", 9, 0),
    ("Note", "note", 10, 3),
    ("Blockers", "blockers", 8, 2),
    ("Author", "author", 6, 0),
    ("Recorded", "recorded", 10, 0),
)
AUDIT_COLUMNS = (
    ("At", "at", 10, 0),
    ("Field", "field", 6, 0),
    ("Old → new", "change", 12, 3),
    ("Reason", "reason", 10, 2),
    ("Author", "author", 6, 0),
)
# Columns the detail's frame takes from a table: its padding, its scrollbar, the table's own.
TABLE_FRAME = 2 + 2 + 2


def fitted_widths(room: int, columns, rows: list[list[Text]]) -> list[int]:
    """Column widths that fit `room`, so the table never scrolls sideways (at 100-120 columns
    Blockers, Author and Recorded were cut or off-screen): the short columns as wide as their
    cells while free text keeps some room, else they wrap down to their least width (never
    under their label), widest first; free text shares the rest by weight. Rows take the lines
    their cells need."""
    room -= 2 * len(columns)  # a cell of padding either side
    natural = [
        max([len(label), *(max(map(len, row[i].plain.split("\n"))) for row in rows)])
        for i, (label, _, _, _) in enumerate(columns)
    ]
    fixed = [i for i, column in enumerate(columns) if not column[3]]
    free = [i for i, column in enumerate(columns) if column[3]]
    widths = list(natural)
    wanted = sum(min(natural[i], 2 * columns[i][2] + 4) for i in free)
    for i in sorted(fixed, key=lambda i: -natural[i]):
        excess = sum(widths[j] for j in fixed) + wanted - room
        if excess <= 0:
            break
        least = max(columns[i][2], len(columns[i][0]))
        widths[i] = max(least, widths[i] - excess)
    rest = room - sum(widths[i] for i in fixed)
    open_columns = list(free)
    while open_columns:
        shares = sum(columns[i][3] for i in open_columns)
        share = {i: max(columns[i][2], rest * columns[i][3] // shares) for i in open_columns}
        capped = [i for i in open_columns if natural[i] <= share[i]]
        if not capped:
            for i in open_columns:
                widths[i] = share[i]
            break
        for i in capped:
            widths[i] = natural[i]
            rest -= natural[i]
            open_columns.remove(i)
    return widths


def _local(moment, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


def _audit_value(value: str | float | int | bool | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return progress.format_value(value, "")
    return str(value)


class KeyResultDetailScreen(OkrScreen):
    HELP_TITLE = "Key result"
    HELP_SUMMARY = (
        "Every check-in, the burn-up chart, confidence history, actions and audit log of one "
        "key result. Tab moves between the tables; l checks in for a missed past meeting; "
        "Escape returns to the dashboard."
    )
    CSS_PATH = "kr_detail.tcss"
    BINDINGS = [
        typed_keys_binding(
            "d",
            "follow_up",
            "Actions done",
            id="kr_detail.follow_up",
            tooltip="Tick off this key result's open actions that are done",
        ),
        typed_keys_binding(
            "l",
            "late_check_in",
            "Late check-in",
            id="kr_detail.late_check_in",
            tooltip="Check in for a past meeting this key result missed (marked late)",
        ),
    ]

    def __init__(self, kr_id: str) -> None:
        super().__init__()
        self.kr_id = kr_id
        self._found: tuple[Cycle, KeyResult] | None = None  # as last shown

    def compose(self) -> ComposeResult:
        yield CycleHeader()
        with VerticalScroll(id="detail"):
            yield Static(id="kr-header")
            yield BurnUpChart(id="burn-up")
            yield ConfidenceHistory(id="confidence-history")
            yield Static(Content("Check-ins"), classes="section-title")
            yield DataTable(id="check-ins", cursor_type="row", zebra_stripes=True)
            yield Static(Content("Actions"), classes="section-title")
            yield Static(id="actions")
            yield Static(Content("Audit log"), classes="section-title")
            yield DataTable(id="audit", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:  # type: ignore[override]  # Textual runs every class's on_mount
        self.query_one("#detail", VerticalScroll).focus()
        # Table cells are rich Text with colours read from the theme: re-read on a new theme.
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "follow_up" and self.store.read_only:
            return None  # off (out of the footer; the key says why): a viewer changes nothing
        if action == "late_check_in" and self._late_check_in_refusal():
            return None
        return True

    def refusal(self, action: str) -> str:
        if action == "late_check_in":
            return self._late_check_in_refusal()
        return "this okr only views the store" if self.store.read_only else ""

    def _late_check_in_refusal(self) -> str:
        """Why no late check-in can be given for this key result now ("" when one can)."""
        if self.store.read_only:
            return "this okr only views the store"
        found = self._found
        if found is None:
            return ""
        cycle, kr = found
        if cycle.state is CycleState.CLOSED:
            return "its cycle is closed"
        if kr.status is Status.RETIRED:
            return "this key result is retired"
        return ""

    @after_typed_keys
    async def action_late_check_in(self) -> None:
        """l: a check-in for a past meeting this key result missed; the keys typed after l
        reach the form."""
        from okr_tui.domain import cadence
        from okr_tui.domain.history import missed_meetings
        from okr_tui.screens.history.late_check_in_form import LateCheckInForm

        found = self._find()
        if found is None:
            return
        if reason := self._late_check_in_refusal():
            self.notify(f"Late check-in: not now, {reason}.", severity="warning", markup=False)
            return
        cycle, kr = found
        check_ins = self.store.check_ins(cycle.id, kr.id)
        today = cadence.local_time(cycle, self.okr_app.clock.now()).date()
        missed = missed_meetings(cycle, kr, check_ins, today)
        if not missed:
            self.notify(
                "No missed meeting: this key result has a check-in for every past meeting.",
                timeout=4,
            )
            return
        history = progress.history(kr.id, check_ins)
        values_before = {
            day: next((c.value for c in reversed(history) if c.meeting_date < day), kr.baseline)
            for day in missed
        }

        def saved(check_in_id: str | None) -> None:
            # The form's save told every screen (StoreChanged): this one re-reads as it
            # comes back on top, the dashboard below when it does.
            if check_in_id is None:
                return
            saved_in = next(
                (c for c in self.store.check_ins(cycle.id, kr.id) if c.id == check_in_id), None
            )
            if saved_in is not None:
                self.notify(
                    f"Late check-in saved for the {cadence.day_text(saved_in.meeting_date)} "
                    "meeting.",
                    timeout=4,
                )

        await self.app.push_screen(LateCheckInForm(cycle, kr, missed, values_before), saved)

    @after_typed_keys
    def action_follow_up(self) -> Awaitable[object] | None:
        """d: tick off the key result's open actions, as ctrl+l does in the walk; the keys
        typed after d reach the dialog."""
        found = self._find()
        if found is None:
            return None
        return self.tick_off_actions(*found, self.reload)

    def _theme_changed(self, _theme) -> None:
        if self.is_mounted:
            self.reload()

    # --- finding the key result --------------------------------------------------------

    def _find(self) -> tuple[Cycle, KeyResult] | None:
        cycles = self.store.cycles()
        shown = self.cycle
        if shown is not None:
            cycles.sort(key=lambda c: c.id != shown.id)
        for cycle in cycles:
            for kr in self.store.key_results(cycle.id):
                if kr.id == self.kr_id:
                    return cycle, kr
        return None

    # --- reload --------------------------------------------------------------------------

    def reload(self) -> None:
        now = self.okr_app.clock.now()
        team = self.okr_app.team
        found = self._find()
        self.query_one(CycleHeader).show(
            found[0] if found else self.cycle, team.name if team else None, now
        )
        if found is None:
            self.query_one("#kr-header", Static).update(
                Content("This key result no longer exists. Press Escape to go back.")
            )
            self.query_one(BurnUpChart).show(None)
            self.query_one(ConfidenceHistory).update("")
            self.query_one("#actions", Static).update("")
            for table in self.query(DataTable):
                table.clear()
            return
        cycle, kr = found
        self._found = found
        objectives = self.store.objectives(cycle.id)
        objective = next((o for o in objectives if o.id == kr.objective_id), None)
        check_ins = self.store.check_ins(cycle.id, kr.id)
        line = None
        if objective is not None:
            lines = board.key_result_lines(
                cycle, [objective], [kr], check_ins, now, include_retired=True
            )
            line = lines[0] if lines else None
        projection = forecast.forecast(kr, cycle, check_ins)
        self.query_one("#kr-header", Static).update(
            self._header(kr, objective, line, projection, cycle.end)
        )
        data = chart_data(kr, cycle, check_ins, now, projection)
        self.query_one(BurnUpChart).show(data)
        effective = {c.meeting_date: c for c in progress.history(kr.id, check_ins)}
        self.query_one(ConfidenceHistory).show(
            [
                ConfidencePoint(
                    point.meeting,
                    effective[point.meeting].confidence if point.meeting in effective else None,
                    point.upcoming,
                )
                for point in data.points
            ]
        )
        self._fill_check_ins(kr, cycle, check_ins)
        self._fill_actions(kr)
        self._fill_audit(cycle, self.store.audit(cycle.id, kr.id))

    def _header(
        self,
        kr: KeyResult,
        objective: Objective | None,
        line: board.KeyResultLine | None,
        projection: forecast.Forecast | None = None,
        cycle_end: date | None = None,
    ) -> Content:
        team_name = COMPANY
        if objective is not None and objective.team_id is not None:
            team = self.store.team_or_none(objective.team_id)
            team_name = team.name if team else objective.team_id
        value = line.value if line else kr.baseline
        status = "active" if kr.status is Status.ACTIVE else "retired"
        parts: list[Content | str | tuple[str, str]] = [
            (f"{team_name} · objective: ", "$text-muted"),
            Content(objective.title if objective else "(objective missing)"),
            "\n",
            Content.styled(kr.title, "bold"),
            "\n",
            (kr.kr_type.label, "$text-muted"),
            "  ",
            Content(value_text(kr, kr.baseline)),
            (" → ", "$text-muted"),
            Content.styled(value_text(kr, value), "bold"),
            (" → ", "$text-muted"),
            Content(value_text(kr, kr.target)),
            ("   unit ", "$text-muted"),
            Content(kr.unit or "–"),
            ("   owner ", "$text-muted"),
            Content(kr.owner or "–"),
            ("   weight ", "$text-muted"),
            f"{kr.weight:g}",
            ("   status ", "$text-muted"),
            status,
        ]
        if kr.status is Status.RETIRED and kr.retired_reason:
            parts += [(": ", "$text-muted"), Content(kr.retired_reason)]
        if line is not None:
            parts += [
                "\n",
                progress_bar(line.progress, 20, "$accent"),
                "  ",
                confidence_badge(line.confidence),
                confidence_trend(line.confidence_change),
                "  pace ",
                pace_badge(line.pace.pace),
                (
                    f" (expected {line.pace.expected * 100:.0f}%)"
                    if kr.kr_type.has_line
                    else f" ({progress.pace_words(kr, line.pace)})",
                    "$text-muted",
                ),
            ]
        if projection is not None and cycle_end is not None:
            # The trend of the last meetings read at the cycle's end (domain/forecast.py).
            parts += [
                ("\nforecast ", "$text-muted"),
                Content(value_text(kr, projection.value)),
                (f" by {cycle_end.strftime('%d %b')} · score ", "$text-muted"),
                f"{projection.score:.1f}",
                (f" · trend of the last {len(projection.points)} meetings", "$text-muted"),
            ]
            if said := forecast.disagreement(projection, line.latest_given if line else None):
                parts += ["  ", Content.styled(said, "$warning")]
        return Content.assemble(*parts)

    def _confidence_cell(self, check_in: CheckIn) -> Text:
        if check_in.confidence is None:
            return Text(confidence_text(check_in), style="dim")
        colour = theme_style(self.app, CONFIDENCE_COLOUR[check_in.confidence])
        return Text(confidence_text(check_in), style=colour)

    def _fill_check_ins(self, kr: KeyResult, cycle: Cycle, check_ins: list[CheckIn]) -> None:
        """Newest first; a correction is marked, the check-in it replaced is struck through."""
        table = self.query_one("#check-ins", DataTable)
        rows: list[tuple[str, list[Text]]] = []
        before = previous_values(check_ins)
        superseded = {c.supersedes for c in check_ins if c.supersedes}
        for check_in in reversed(check_ins):
            previous = before[check_in.id]
            delta = None if previous is None else check_in.value - previous
            meeting = check_in.meeting_date.isoformat()
            if check_in.id in superseded:
                meeting += " superseded"
            elif check_in.supersedes:
                meeting += " ✎ correction"
            if is_late(cycle, check_in):
                meeting += " · late"
            cells = [
                Text(meeting),
                Text(value_text(kr, check_in.value)),
                Text(delta_text(kr, delta)),
                self._confidence_cell(check_in),
                Text(check_in.note),
                Text(check_in.blockers),
                Text(check_in.author),
                Text(_local(check_in.recorded_at, cycle.timezone)),
            ]
            if check_in.id in superseded:
                for cell in cells:
                    cell.stylize("dim strike")
            rows.append((check_in.id, cells))
        columns: tuple[tuple[str, str, int, int], ...] = CHECK_IN_COLUMNS
        room = self.app.size.width - TABLE_FRAME - 2 * len(columns)
        if sum(least for _, _, least, _ in columns) > room:
            # At 80 columns: the time recorded goes under the author, in one column.
            columns = (*CHECK_IN_COLUMNS[:-2], ("Author", "author", 10, 0))
            for _, cells in rows:
                recorded = cells.pop()
                cells[-1] = Text("\n").join([cells[-1], recorded])
        self._fill_table(table, columns, rows)

    def _fill_table(self, table: DataTable, columns, rows: list[tuple[str, list[Text]]]) -> None:
        """The rows, under columns fitted to the screen's width."""
        table.clear(columns=True)
        room = self.app.size.width - TABLE_FRAME
        widths = fitted_widths(room, columns, [cells for _, cells in rows])
        for (label, key, _, _), width in zip(columns, widths, strict=True):
            table.add_column(label, key=key, width=width)
        for row_key, cells in rows:
            table.add_row(*cells, key=row_key, height=None)

    def on_resize(self) -> None:
        if self.is_mounted:
            self.call_later(self._reload)

    def _fill_actions(self, kr: KeyResult) -> None:
        actions = self.store.actions(kr.cycle_id, kr.id)
        if not actions:
            self.query_one("#actions", Static).update(
                Content.styled("No actions for this key result.", "$text-muted")
            )
            return
        lines = []
        for action in actions:
            parts: list[Content | str | tuple[str, str]] = [
                ("☑ " if action.done else "☐ ", "$success" if action.done else "$foreground"),
                Content(action.text),
            ]
            if action.owner:
                parts += [("  owner ", "$text-muted"), Content(action.owner)]
            if action.due:
                parts.append((f"  due {action.due.isoformat()}", "$text-muted"))
            parts.append((" · done" if action.done else " · open", "$text-muted"))
            lines.append(Content.assemble(*parts))
        self.query_one("#actions", Static).update(Content("\n").join(lines))

    def _fill_audit(self, cycle: Cycle, entries: list[AuditEntry]) -> None:
        rows: list[tuple[str, list[Text]]] = []
        for entry in reversed(entries):
            change = f"{_audit_value(entry.old)} → {_audit_value(entry.new)}"
            cells = [
                Text(_local(entry.at, cycle.timezone)),
                Text(entry.field),
                Text(change),
                Text(entry.reason),
                Text(entry.author),
            ]
            rows.append((entry.id, cells))
        self._fill_table(self.query_one("#audit", DataTable), AUDIT_COLUMNS, rows)
