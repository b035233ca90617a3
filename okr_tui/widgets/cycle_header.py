"""The top line of every screen: cycle, "week n of N", days left, next check-in, team filter
and owner filter."""

from __future__ import annotations

from datetime import datetime

from textual.content import Content
from textual.widgets import Static

from okr_tui.domain import cadence
from okr_tui.domain.models import Cycle
from okr_tui.domain.progress import counted
from okr_tui.widgets.textual_compat import show


def header_text(
    cycle: Cycle | None,
    team_name: str | None,
    now: datetime,
    read_only: bool = False,
    width: int | None = None,
    owner: str | None = None,
    as_of: datetime | None = None,
) -> Content:
    """The header as Content; cycle and team names are user text, shown as typed.

    In `width` columns it drops the least needed parts first (the app's name, the time of the
    next check-in, the next check-in, then the week and days left), so the team and the badges
    stay in view at 80 columns; what still does not fit ends in "…" (CycleHeader's style).
    `owner`: the owner filter is on, said after the team ("Owner: Dana") so a filtered board is
    never taken for the whole team's. `as_of`: the moment the store is shown as it was
    (`okr --at`), said beside the cycle so a replay is never taken for today."""
    variants = [(True, True, True, True), (False, True, True, True), (False, True, False, True)]
    # Last the week and days left: a replay's "as of" and the owner filter say more than them.
    variants += [(False, False, False, True), (False, False, False, False)]
    for brand, upcoming, time, calendar in variants:
        text = _header(cycle, team_name, now, read_only, brand, upcoming, time, as_of, calendar)
        if owner:
            text = Content.assemble(text, "  ·  ", ("Owner: ", "bold $warning"), (owner, "bold"))
        if width is None or text.cell_length <= width:
            break
    return text


def _header(
    cycle: Cycle | None,
    team_name: str | None,
    now: datetime,
    read_only: bool,
    brand: bool,
    upcoming_shown: bool,
    time: bool,
    as_of: datetime | None = None,
    calendar: bool = True,
) -> Content:
    if cycle is None:
        return Content.assemble(("okr-tui", "bold"), "  no cycle yet")
    week, weeks = cadence.week_of_cycle(cycle, now)
    parts: list[Content | str | tuple[str, str]] = [("okr-tui", "bold"), "  "] if brand else []
    parts.append((cycle.name, "bold $accent"))
    if read_only:  # early in the line: at 80 columns its end is cut
        parts.append(("  read-only", "bold $warning"))
    if as_of is not None:  # a replay of the past, not today
        moment = cadence.local_time(cycle, as_of).format("D MMM YYYY HH:mm")
        parts.append((f"  as of {moment}", "bold $warning"))
    to_start = cadence.days_to_start(cycle, now)
    if calendar and to_start > 0:  # "week 1 of 13 · 127 days left" read as if it had begun
        parts.append(f"  starts {cadence.day_text(cycle.start)} · in {counted(to_start, 'day')}")
    elif calendar:
        left = counted(cadence.days_left(cycle, now), "day")
        parts.append(f"  week {week} of {weeks} · {left} left")
    upcoming = cadence.next_meeting(cycle, now)
    if cycle.state.value == "closed":
        parts.append(" · closed")
    elif upcoming is not None and upcoming_shown:
        shown = upcoming.format("ddd D MMM HH:mm" if time else "ddd D MMM")
        parts.append(f" · next check-in {shown}")
    parts.append("  │  ")
    parts.append((team_name, "bold") if team_name else "all teams")
    return Content.assemble(*parts)


class CycleHeader(Static):
    """Shows `header_text`; the screen calls `show()` when the context changes."""

    DEFAULT_CSS = """
    CycleHeader {
        dock: top; height: 1; padding: 0 1;
        background: $panel; color: $foreground;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    """

    def show(
        self, cycle: Cycle | None, team_name: str | None, now: datetime, read_only: bool = False
    ) -> None:
        """`read_only`: what is on screen cannot change; a store opened for viewing only says
        so on every screen (the review, scoring and walk headers did not)."""
        store = getattr(self.app, "store", None)
        read_only = read_only or bool(getattr(store, "read_only", False))
        self._shown_with = (cycle, team_name, now, read_only)
        width = (self.size.width or self.app.size.width) - 2  # its padding
        owner_filter = getattr(self.screen, "owner_filter", None)
        owner = owner_filter() if owner_filter is not None else None
        as_of = getattr(store, "as_of", None)
        show(self, header_text(cycle, team_name, now, read_only, width, owner, as_of))

    def on_resize(self) -> None:
        if shown_with := getattr(self, "_shown_with", None):
            self.show(*shown_with)
