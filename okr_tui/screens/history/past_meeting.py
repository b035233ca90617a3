"""One past meeting, opened from the meeting history: who was there and who was missing, the
board as of that meeting (each key result's latest value and confidence up to and including it)
with what changed since the meeting before (value, confidence, new blockers), and the meeting's
decisions, actions and parked topics. A check-in given after the meeting's day is marked late.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Static

from okr_tui.domain import cadence
from okr_tui.domain.history import BoardRow, MeetingBoard, meeting_board
from okr_tui.domain.progress import counted, delta_text, value_text
from okr_tui.domain.walkthrough import action_text
from okr_tui.exchange.reports import confidence_text
from okr_tui.screens.base import OkrScreen
from okr_tui.screens.history.meeting_history import history_records
from okr_tui.screens.kr_detail import TABLE_FRAME, fitted_widths
from okr_tui.widgets.badges import CONFIDENCE_COLOUR, CONFIDENCE_SYMBOL, theme_style
from okr_tui.widgets.cycle_header import CycleHeader
from okr_tui.widgets.key_footer import KeyFooter

BOARD_COLUMNS = (
    ("Key result", "kr", 16, 1),
    ("Value", "value", 9, 0),
    ("Δ prev", "delta", 9, 0),
    ("Confidence", "confidence", 11, 0),
    ("Given", "given", 7, 0),
)


class PastMeetingScreen(OkrScreen):
    HELP_TITLE = "Past meeting"
    HELP_SUMMARY = (
        "One meeting as it was: the board as of that day and what changed since the meeting "
        "before, its people, decisions, actions and parked topics. Escape returns to the history."
    )
    CSS_PATH = "past_meeting.tcss"

    def __init__(self, day: date) -> None:
        super().__init__()
        self.day = day

    def compose(self) -> ComposeResult:
        yield CycleHeader()
        with VerticalScroll(id="meeting"):
            yield Static(id="meeting-header")
            yield Static(Content("Board as of this meeting"), classes="section-title")
            yield DataTable(id="meeting-board", cursor_type="row", zebra_stripes=True)
            yield Static(id="meeting-changes")
            yield Static(Content("Decisions, actions and parked topics"), classes="section-title")
            yield Static(id="meeting-notes")
        yield KeyFooter()

    def on_mount(self) -> None:  # type: ignore[override]  # Textual runs every class's on_mount
        self.query_one("#meeting", VerticalScroll).focus()

    def _theme_changed(self, _theme) -> None:
        if self.is_mounted:
            self.reload()

    def on_resize(self) -> None:
        if self.is_mounted:
            self.call_later(self._reload)

    def reload(self) -> None:
        cycle = self.cycle
        team = self.okr_app.team
        self.query_one(CycleHeader).show(
            cycle, team.name if team else None, self.okr_app.clock.now()
        )
        if cycle is None or not cycle.contains(self.day):
            self.query_one("#meeting-header", Static).update(
                Content("This meeting is not in the cycle shown. Press Escape to go back.")
            )
            self.query_one("#meeting-board", DataTable).clear(columns=True)
            self.query_one("#meeting-changes", Static).update("")
            self.query_one("#meeting-notes", Static).update("")
            return
        board = meeting_board(history_records(self.store, cycle), self.team_id, self.day)
        self.query_one("#meeting-header", Static).update(self._header(board, team))
        self._fill_board(board)
        self.query_one("#meeting-changes", Static).update(self._changes(board))
        self.query_one("#meeting-notes", Static).update(self._notes(board))

    def _header(self, board: MeetingBoard, team) -> Content:
        overview = board.overview
        parts: list[Content | str | tuple[str, str]] = [
            Content.styled(
                f"Meeting of {cadence.day_text(overview.day)} {overview.day.year}", "bold"
            ),
            ("  ·  ", "$text-muted"),
            Content(team.name if team else "All teams"),
        ]
        if board.previous_day is not None:
            parts.append(
                (f"  ·  changes since {cadence.day_text(board.previous_day)}", "$text-muted")
            )
        parts.append("\n")
        if overview.facilitator:
            parts += [("Facilitator ", "$text-muted"), Content(overview.facilitator), "   "]
        if overview.attendees:
            parts += [("Present ", "$text-muted"), Content(", ".join(overview.attendees))]
        else:
            parts.append(("No attendance recorded", "$text-muted"))
        if overview.missing:
            parts += ["\n", ("Missing ", "$warning"), Content(", ".join(overview.missing))]
        elif overview.missing is not None:
            parts += ["\n", ("Missing ", "$text-muted"), "nobody"]
        parts += [
            "\n",
            ("Checked in ", "$text-muted"),
            f"{overview.checked_in} of {overview.owed} key results",
        ]
        if overview.late:
            parts.append((f" ({overview.late} late: given after the meeting's day)", "$warning"))
        return Content.assemble(*parts)

    def _confidence_cell(self, row: BoardRow) -> Text:
        if row.confidence is None:
            return Text("– none yet", style="dim")
        colour = theme_style(self.app, CONFIDENCE_COLOUR[row.confidence])
        text = Text(f"{CONFIDENCE_SYMBOL[row.confidence]} {row.confidence.label}", style=colour)
        if row.check_in is not None and row.check_in.confidence_score is not None:
            text = Text(confidence_text(row.check_in), style=colour)
        if row.confidence_changed and row.confidence_before is not None:
            text.append(f"\nwas {row.confidence_before.label}", style="dim")
        return text

    def _fill_board(self, board: MeetingBoard) -> None:
        table = self.query_one("#meeting-board", DataTable)
        rows: list[tuple[str, list[Text]]] = []
        for row in board.rows:
            if row.check_in is None:
                given = Text("– none", style="dim")
            elif row.late:
                given = Text("✓ late", style="bold")
            else:
                given = Text("✓ given")
            rows.append(
                (
                    row.kr.id,
                    [
                        Text(row.kr.title),
                        Text(value_text(row.kr, row.value)),
                        Text(delta_text(row.kr, row.value_delta) if row.value_delta else ""),
                        self._confidence_cell(row),
                        given,
                    ],
                )
            )
        table.clear(columns=True)
        room = self.app.size.width - TABLE_FRAME
        widths = fitted_widths(room, BOARD_COLUMNS, [cells for _, cells in rows])
        for (label, key, _, _), width in zip(BOARD_COLUMNS, widths, strict=True):
            table.add_column(label, key=key, width=width)
        for key, cells in rows:
            table.add_row(*cells, key=key, height=None)

    def _changes(self, board: MeetingBoard) -> Content:
        """In words, what moved since the meeting before: values, confidence, new blockers."""
        lines: list[Content] = []
        moved = sum(1 for row in board.rows if row.value_delta)
        if moved:
            lines.append(
                Content.styled(
                    f"{counted(moved, 'key result')} moved (Δ prev above)", "$text-muted"
                )
            )
        for row in board.rows:
            if row.confidence_changed and row.confidence and row.confidence_before:
                lines.append(
                    Content.assemble(
                        ("confidence  ", "$text-muted"),
                        Content(row.kr.title),
                        f": {row.confidence_before.label} → {row.confidence.label}",
                    )
                )
        for row in board.rows:
            if row.new_blockers:
                lines.append(
                    Content.assemble(
                        ("new blocker  ", "$warning"),
                        Content(row.kr.title),
                        ": ",
                        Content(row.new_blockers),
                    )
                )
        if not lines:
            lines = [Content.styled("Nothing changed since the meeting before.", "$text-muted")]
        title = Content.styled("Since the meeting before", "bold")
        return Content("\n").join([title, *lines])

    def _notes(self, board: MeetingBoard) -> Content:
        overview = board.overview
        titles = {row.kr.id: row.kr.title for row in board.rows}
        lines: list[Content] = []

        def section(name: str, items: list[Content]) -> None:
            lines.append(Content.styled(name, "bold"))
            lines.extend(items or [Content.styled("none", "$text-muted")])

        section("Decisions", [Content.assemble("• ", Content(d)) for d in overview.decisions])
        section(
            "Actions",
            [
                Content.assemble(
                    "☑ " if action.done else "☐ ",
                    Content(action_text(action)),
                    Content.styled(f"  ({titles[action.kr_id]})", "$text-muted")
                    if action.kr_id in titles
                    else "",
                )
                for action in overview.actions
            ],
        )
        section(
            "Parked topics", [Content.assemble("• ", Content(t)) for t in overview.parked_topics]
        )
        return Content("\n").join(lines)
