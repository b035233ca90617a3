"""The dashboard's prep lane (domain/prep.py): one line that counts what to raise at the coming
meeting, which unfolds into the list itself.

Folded, it takes one line above the board, "▸ l Prep lane · Mon 30 Nov: 9 not updated · 6 behind
pace", so the board keeps its room at 80x24 while the facilitator still sees at a glance whether
there is anything to raise. Unfolded (`l` on the dashboard, or a click on the line) the list
below it takes at most 40% of the screen and scrolls (tab reaches it, or the mouse); each item
says what to say first ("from on track to at risk", "23 pts behind", "the trend says 0.3, Dana
says on track: talk"), then the key result, whose title gives way with "…" at 80 columns. The
screen decides whether it is open, and remembers it (`prep_panel` in config.toml); the panel
only shows a lane it is handed.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from okr_tui.widgets.textual_compat import show

if TYPE_CHECKING:
    # The prep lane's module is imported with the first lane (the dashboard's worker, after
    # the first frame): its records cost start-up 9 M instructions (issue 19).
    from okr_tui.domain.prep import PrepLane

@functools.cache
def short_names() -> dict[str, str]:
    """How the folded line names each section (a section without a short name uses its
    heading)."""
    from okr_tui.domain.prep import STALE_DAYS

    return {
        "Not updated yet": "not updated",
        "Confidence dropped": "confidence dropped",
        "Behind pace": "behind pace",
        "New blockers": "new blockers",
        "Actions past due": "actions past due",
        f"No check-in for {STALE_DAYS} days or more": f"quiet {STALE_DAYS}+ days",
        "Forecast and owner disagree": "forecast disagrees",
    }


def _day(day: date) -> str:
    return f"{day.strftime('%a')} {day.day} {day.strftime('%b')}"


def summary_text(lane: PrepLane, is_open: bool, key: str = "l") -> Content:
    """The folded line: a disclosure triangle, the key that unfolds it, the meeting, and how
    many key results each section names ("nothing to raise" when none)."""
    counts = [
        f"{count} {short_names().get(heading, heading[0].lower() + heading[1:])}"
        for heading, count in lane.counts()
    ]
    meeting = f" · {_day(lane.meeting)}" if lane.meeting else ""
    return Content.assemble(
        ("▾ " if is_open else "▸ ", "$accent"),
        (key, "bold $accent"),
        (" Prep lane", "bold"),
        (f"{meeting}: ", "$text-muted"),
        " · ".join(counts) if counts else ("nothing to raise", "$text-muted"),
    )


def working_out_text(meeting: date, is_open: bool, key: str = "l") -> Content:
    """The folded line while the lane is worked out, after the first frame (issue 19)."""
    return Content.assemble(
        ("▾ " if is_open else "▸ ", "$accent"),
        (key, "bold $accent"),
        (" Prep lane", "bold"),
        (f" · {_day(meeting)}: ", "$text-muted"),
        ("working out…", "$text-muted"),
    )


def lane_text(lane: PrepLane) -> Content:
    """The unfolded list: each section that names something, then its items, one a line.
    Titles and what is said come from users (titles, blockers, action texts): Content."""
    lines: list[Content] = []
    for heading, items in lane.sections():
        if not items:
            continue
        lines.append(Content.styled(f"{heading} ({len(items)})", "bold"))
        for item in items:
            # What to say first: at 80 columns the title gives way, not "23 pts behind".
            lines.append(
                Content.assemble(
                    "  ", (item.said, "$warning"), ("  ·  ", "$text-muted"), Content(item.kr.title)
                )
            )
    if not lines:
        return Content.styled("Nothing to raise: every key result is up to date.", "$text-muted")
    return Content("\n").join(lines)


class PrepPanel(Vertical):
    """Shows a `PrepLane` folded or unfolded; a click on its line posts `Toggled`."""

    DEFAULT_CSS = """
    PrepPanel {
        height: auto;
    }
    PrepPanel > #prep-summary {
        height: 1;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    PrepPanel > #prep-body {
        height: auto;
        padding: 0 1 0 3;
        border-bottom: hkey $primary-muted;
    }
    PrepPanel > #prep-body > Static {
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    class Toggled(Message):
        """The user clicked the folded line: the screen opens or closes the panel."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.lane: PrepLane | None = None
        self.is_open = False
        self.key = "l"

    def compose(self) -> ComposeResult:
        yield Static(id="prep-summary", markup=False)
        with VerticalScroll(id="prep-body"):
            yield Static(id="prep-lines", markup=False)

    def show(self, lane: PrepLane | None, is_open: bool, key: str = "l") -> None:
        """Show `lane` (None: no meeting to prepare, the panel hides), unfolded if `is_open`."""
        self.lane, self.is_open, self.key = lane, is_open, key
        self.display = lane is not None
        body = self.query_one("#prep-body", VerticalScroll)
        body.display = lane is not None and is_open
        if lane is None:
            return
        show(self.query_one("#prep-summary", Static), summary_text(lane, is_open, key))
        if is_open:
            text = lane_text(lane)
            show(self.query_one("#prep-lines", Static), text)
            # At most 40% of the screen (and its bottom border), the rest scrolls: set here, as
            # an auto height under a max-height left the room of the whole list blank.
            room = max(self.app.size.height * 2 // 5, 3)
            body.styles.height = min(len(text.plain.split("\n")), room) + 1

    def show_working_out(self, meeting: date, is_open: bool, key: str = "l") -> None:
        """The lane for `meeting` is being worked out: its line says so until `show`."""
        self.lane, self.is_open, self.key = None, is_open, key
        self.display = True
        body = self.query_one("#prep-body", VerticalScroll)
        body.display = is_open
        show(self.query_one("#prep-summary", Static), working_out_text(meeting, is_open, key))
        if is_open:
            text = Content.styled("Working out what to raise…", "$text-muted")
            show(self.query_one("#prep-lines", Static), text)
            body.styles.height = 2

    def on_click(self, event) -> None:
        if getattr(event.widget, "id", None) == "prep-summary":
            event.stop()
            self.post_message(self.Toggled())
