"""Quarter statistics on screen: scores by band, confidence and check-in discipline per team, a
team x meeting heat map, the confidence trend, and the cycles before side by side (the same text
`okr stats` prints). From the palette; the team filter does not narrow it (it compares teams)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from okr_tui.exchange.stats_report import stats_history, stats_text
from okr_tui.screens.base import OkrScreen
from okr_tui.widgets.cycle_header import CycleHeader
from okr_tui.widgets.key_footer import KeyFooter

CYCLES_COMPARED = 4


class StatisticsScreen(OkrScreen):
    HELP_TITLE = "Quarter statistics"
    HELP_SUMMARY = (
        "Scores by band, confidence and check-in discipline per team, check-ins given per "
        "meeting, the confidence trend, and the cycles before (okr stats prints the same)."
    )
    CSS_PATH = "statistics.tcss"

    def compose(self) -> ComposeResult:
        yield CycleHeader()
        with VerticalScroll(id="statistics-scroll"):
            yield Static(id="statistics")
        yield KeyFooter()

    def reload(self) -> None:
        cycle = self.cycle
        now = self.okr_app.clock.now()
        self.query_one(CycleHeader).show(cycle, None, now)
        shown = self.query_one("#statistics", Static)
        if cycle is None:
            shown.update(Content("No cycle yet: plan one with p."))
            return
        history = stats_history(self.store, cycle, CYCLES_COMPARED, now)
        shown.update(Content(stats_text(history)))
