"""Meeting history: the cycle's meetings held so far, newest first, one line each (who came, who
was missing, key results checked in and how many late, decisions, actions, parked topics).
Enter opens one meeting: its board as of that day and what changed since the meeting before.

`h` on the dashboard, or the palette's "Meeting history". Follows the team filter: one team's
meetings expect that team's people; company objectives stay in view.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import DataTable, Static

from okr_tui.domain import cadence
from okr_tui.domain.history import HistoryRecords, MeetingOverview, meeting_history
from okr_tui.domain.models import Cycle
from okr_tui.screens.base import OkrScreen
from okr_tui.screens.kr_detail import TABLE_FRAME, fitted_widths
from okr_tui.store.store import OkrStore
from okr_tui.widgets.cycle_header import CycleHeader
from okr_tui.widgets.key_footer import KeyFooter

# Label, key, least width, share of the room left for free text (see kr_detail.fitted_widths).
HISTORY_COLUMNS = (
    ("Meeting", "meeting", 10, 0),
    ("People", "people", 6, 0),
    ("Checked in", "checked_in", 10, 0),
    ("Decisions", "decisions", 4, 0),
    ("Actions", "actions", 4, 0),
    ("Parked", "parked", 4, 0),
    ("Missing", "missing", 10, 1),
)


def history_records(store: OkrStore, cycle: Cycle) -> HistoryRecords:
    """What the history reads of one cycle, from the store."""
    return HistoryRecords(
        cycle=cycle,
        objectives=store.objectives(cycle.id),
        key_results=store.key_results(cycle.id),
        check_ins=store.check_ins(cycle.id),
        meetings=store.meetings(cycle.id),
        actions=store.actions(cycle.id),
        teams=store.teams(),
    )


def _count(number: int) -> Text:
    return Text(str(number) if number else "–", style="" if number else "dim")


def history_cells(meeting: MeetingOverview) -> list[Text]:
    """One meeting's line: user text (names) as plain Text, never markup."""
    if not meeting.held:
        return [
            Text(cadence.day_text(meeting.day)),
            Text("–", style="dim"),
            Text("nothing recorded", style="dim"),
            _count(0),
            _count(0),
            _count(0),
            Text(""),
        ]
    people = Text(str(len(meeting.attendees)) if meeting.attendees else "–")
    checked = Text(f"{meeting.checked_in} of {meeting.owed}")
    if meeting.late:
        checked.append(f" · {meeting.late} late", style="bold")
    if meeting.missing is None:
        missing = Text("no attendance recorded", style="dim")
    elif meeting.missing:
        missing = Text(", ".join(meeting.missing))
    else:
        missing = Text("nobody", style="dim")
    return [
        Text(cadence.day_text(meeting.day)),
        people,
        checked,
        _count(len(meeting.decisions)),
        _count(len(meeting.actions)),
        _count(len(meeting.parked_topics)),
        missing,
    ]


class MeetingHistoryScreen(OkrScreen):
    HELP_TITLE = "Meeting history"
    HELP_SUMMARY = (
        "The cycle's meetings held so far, newest first: people there and missing, key results "
        "checked in (and how many late), decisions, actions, parked topics. Enter opens one."
    )
    CSS_PATH = "meeting_history.tcss"

    def compose(self) -> ComposeResult:
        yield CycleHeader()
        yield Static(id="history-intro")
        yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:  # type: ignore[override]  # Textual runs every class's on_mount
        self.query_one("#history", DataTable).focus()

    def reload(self) -> None:
        cycle = self.cycle
        team = self.okr_app.team
        now = self.okr_app.clock.now()
        self.query_one(CycleHeader).show(cycle, team.name if team else None, now)
        intro = self.query_one("#history-intro", Static)
        table = self.query_one("#history", DataTable)
        if cycle is None:
            intro.update(Content("No cycle yet: plan one with p."))
            table.clear(columns=True)
            return
        meetings = meeting_history(history_records(self.store, cycle), self.team_id, now)
        who = team.name if team else "All teams"
        intro.update(
            Content.assemble(
                Content(who),
                (
                    f" · {len(meetings)} meetings held so far, newest first · Enter opens one"
                    if meetings
                    else " · no meeting of this cycle has been held yet",
                    "$text-muted",
                ),
            )
        )
        rows = [(meeting.day.isoformat(), history_cells(meeting)) for meeting in meetings]
        highlighted = table.cursor_row
        table.clear(columns=True)
        room = self.app.size.width - TABLE_FRAME
        widths = fitted_widths(room, HISTORY_COLUMNS, [cells for _, cells in rows])
        for (label, key, _, _), width in zip(HISTORY_COLUMNS, widths, strict=True):
            table.add_column(label, key=key, width=width)
        for key, cells in rows:
            table.add_row(*cells, key=key, height=None)
        if rows:
            table.move_cursor(row=min(highlighted, len(rows) - 1))

    def on_resize(self) -> None:
        if self.is_mounted:
            self.call_later(self._reload)

    @on(DataTable.RowSelected, "#history")
    def open_meeting(self, event: DataTable.RowSelected) -> None:
        from okr_tui.screens.history.past_meeting import PastMeetingScreen

        if event.row_key.value:
            self.app.push_screen(PastMeetingScreen(date.fromisoformat(event.row_key.value)))
