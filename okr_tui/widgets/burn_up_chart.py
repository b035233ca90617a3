"""A key result's value meeting by meeting, drawn against the line it should follow.

Built from Textual's own pieces (a `Widget` whose `render()` returns `Content` made of block
characters) rather than a plotting library such as textual-plotext:
- no extra dependency to install, pin and keep working with our exact Textual version;
- snapshot-stable: plain characters in a fixed-height area, the same in every terminal and SVG;
- themeable: colours are theme variables (`$accent`, `$text-muted`), so it follows the theme.

Up always means "toward the target": for a decreasing key result (target below baseline) and for
"stay below" the value axis is flipped, so the bars grow as the number falls and the y labels say
which value each end stands for. The expected line runs from baseline to target over the cycle
(the same straight line the pace badge uses); for "stay above/below" and milestones it is the
line to hold or reach.

The forecast (domain/forecast.py) continues the bars as a dotted line: from the last check-in's
value to the value the trend of the last meetings reaches on the cycle's last day, straight,
across the meetings still to come; the legend says where it ends.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from textual.content import Content
from textual.widget import Widget

from okr_tui.domain import cadence, progress
from okr_tui.domain.forecast import Forecast
from okr_tui.domain.models import CheckIn, Cycle, KeyResult, KrType

EIGHTHS = " ▁▂▃▄▅▆▇█"
LINE = "─"
DOTS = "┈"
FORECAST_STYLE = "$accent"
BAR_STYLE = "$accent"
LINE_STYLE = "$warning"
AXIS_STYLE = "$text-muted"
MIN_PLOT_ROWS = 2


@dataclass(frozen=True)
class ChartPoint:
    """One meeting: the value checked in (None when nobody did) and the value expected then."""

    meeting: date
    value: float | None
    expected: float
    upcoming: bool
    current: bool = False
    projected: float | None = None
    """On the forecast's dotted line (from the last check-in on): its value at this meeting."""


@dataclass(frozen=True)
class ChartData:
    kr_type: KrType
    baseline: float
    target: float
    unit: str
    points: tuple[ChartPoint, ...]
    forecast_end: tuple[date, float] | None = None
    """Where the dotted line ends: the cycle's last day and the forecast value then."""

    @property
    def flipped(self) -> bool:
        """True when smaller is better, so the axis is drawn upside down."""
        return self.kr_type is KrType.STAY_BELOW or (
            self.kr_type in (KrType.INCREASE, KrType.DECREASE) and self.target < self.baseline
        )

    @property
    def holds_a_line(self) -> bool:
        """Stay above/below and milestones have a line to hold or reach, not a pace to follow."""
        return self.kr_type in (KrType.STAY_ABOVE, KrType.STAY_BELOW, KrType.MILESTONE)


def chart_data(
    kr: KeyResult,
    cycle: Cycle,
    check_ins: Sequence[CheckIn],
    now: datetime,
    projection: Forecast | None = None,
) -> ChartData:
    """The points of the chart: every meeting of the cycle with its effective check-in value;
    for a key result added mid-cycle, the meetings it owes, from the day it was added (the ones
    before it existed showed as missed), and any it was checked in for before that. With a
    `projection`, the meetings from the last check-in on carry the dotted line's value."""
    values = {c.meeting_date: c.value for c in progress.history(kr.id, check_ins)}
    current = cadence.current_meeting(cycle, now)
    current_day = current.date() if current is not None else None
    owed_from = cadence.first_day_owed(cycle, kr)
    meetings = cadence.meetings(cycle)
    if owed_from is not None:
        days = [date(m.year, m.month, m.day) for m in meetings]
        shown = [
            i for i, day in enumerate(days) if cadence.owes_meeting(day, owed_from) or day in values
        ]
        meetings = meetings[shown[0] :] if shown else meetings[-1:]
    points = []
    for meeting in meetings:
        day = date(meeting.year, meeting.month, meeting.day)
        if kr.kr_type in (KrType.INCREASE, KrType.DECREASE):
            share = progress.expected_progress(cycle, meeting, kr)
            expected = kr.baseline + (kr.target - kr.baseline) * share
        else:
            expected = kr.target
        points.append(
            ChartPoint(
                meeting=day,
                value=values.get(day),
                expected=expected,
                upcoming=current_day is not None and day > current_day,
                current=day == current_day,
            )
        )
    forecast_end = None
    if projection is not None and values:
        last_day = max(values)
        forecast_end = (cycle.end, projection.value)
        points = [
            replace(p, projected=_along(last_day, values[last_day], forecast_end, p.meeting))
            if p.meeting >= last_day
            else p
            for p in points
        ]
    return ChartData(kr.kr_type, kr.baseline, kr.target, kr.unit, tuple(points), forecast_end)


def _along(start_day: date, start: float, end: tuple[date, float], day: date) -> float:
    """The straight line from (start_day, start) to `end`, read on `day`."""
    end_day, end_value = end
    span = (end_day - start_day).days
    if span <= 0:
        return end_value
    return start + (end_value - start) * min((day - start_day).days / span, 1.0)


def _label(data: ChartData, value: float) -> str:
    if data.kr_type is KrType.MILESTONE:
        return "done" if value >= 1 else "not done"
    return progress.format_value(value, data.unit)


def _bounds(data: ChartData) -> tuple[float, float]:
    """The value range shown: baseline, target, every value and the expected line."""
    numbers = [data.baseline, data.target]
    numbers += [p.value for p in data.points if p.value is not None]
    numbers += [p.expected for p in data.points]
    numbers += [p.projected for p in data.points if p.projected is not None]
    if data.forecast_end is not None:
        numbers.append(data.forecast_end[1])
    low, high = min(numbers), max(numbers)
    if math.isclose(low, high):
        pad = max(abs(low) * 0.1, 1.0)
        low, high = low - pad, high + pad
    return low, high


def _height_fraction(data: ChartData, value: float, low: float, high: float) -> float:
    """0 at the bottom of the plot (the worse end), 1 at the top (the better end)."""
    fraction = (value - low) / (high - low) if high > low else 0.0
    fraction = min(max(fraction, 0.0), 1.0)
    return 1.0 - fraction if data.flipped else fraction


def _legend(data: ChartData, width: int | None = None) -> Content:
    """What the marks mean; in `width` cells, the longest wording that fits (the forecast's
    date, then the bars' words, then the arrow's note give way)."""
    variants = [(True, True, True), (False, True, True), (False, False, True)]
    variants.append((False, False, False))
    for dated, worded, arrow in variants:
        text = _legend_text(data, dated, worded, arrow)
        if width is None or text.cell_length <= width:
            break
    return text


def _legend_text(data: ChartData, dated: bool, worded: bool, arrow: bool) -> Content:
    if data.kr_type is KrType.MILESTONE:
        return Content.assemble(
            ("█", BAR_STYLE),
            " done  ",
            ("▁", BAR_STYLE),
            " not done   ",
            (LINE, LINE_STYLE),
            " the goal: done",
        )
    elif data.holds_a_line:
        line_text = f" {data.kr_type.label} {_label(data, data.target)}"
        bar_text = " value at each meeting"
    else:
        line_text = f" expected pace {_label(data, data.baseline)} → {_label(data, data.target)}"
        bar_text = " value at each meeting"
    parts: list[Content | str | tuple[str, str]] = [
        ("█", BAR_STYLE),
        bar_text if worded else " value",
        "   ",
        (LINE, LINE_STYLE),
        line_text,
    ]
    if data.forecast_end is not None:
        end_day, end_value = data.forecast_end
        parts += ["   ", (DOTS, FORECAST_STYLE), f" forecast {_label(data, end_value)}"]
        if dated:
            parts.append(f" by {_day_label(end_day)}")
    if arrow:
        parts.append(("   ↑ toward the target", AXIS_STYLE))
    return Content.assemble(*parts)


def _day_label(day: date) -> str:
    return f"{day.day} {day.strftime('%b')}"


def chart_lines(data: ChartData, width: int, height: int) -> list[Content]:
    """The chart as `height` lines of at most `width` cells: plot, x axis, dates, legend."""
    if not data.points:
        return [Content.styled("No meetings in this cycle.", AXIS_STYLE)]
    rows = height - 3
    if rows < MIN_PLOT_ROWS or width < 20:
        return [Content.styled("Too little room for the chart.", AXIS_STYLE)]
    low, high = _bounds(data)
    top_value, bottom_value = (low, high) if data.flipped else (high, low)
    middle_value = (low + high) / 2
    labels = {0: _label(data, top_value), rows - 1: _label(data, bottom_value)}
    if rows >= 5 and data.kr_type is not KrType.MILESTONE:
        labels[(rows - 1) // 2] = _label(data, middle_value)
    label_width = max(len(text) for text in labels.values()) + 1
    plot_width = max(width - label_width - 1, 1)
    count = len(data.points)
    column = max(plot_width // count, 1)
    bar_width = max(column - 1, 1) if column < 4 else column - 2
    total = rows * 8

    lines: list[Content] = []
    for row in range(rows):
        from_bottom = rows - 1 - row
        parts: list[Content | str | tuple[str, str]] = [
            (labels.get(row, "").rjust(label_width - 1) + " ", AXIS_STYLE),
            ("┤" if row in labels else "│", AXIS_STYLE),
        ]
        used = 0
        for index, point in enumerate(data.points):
            if used + column > plot_width:
                break
            used += column
            dotted = _dotted_rows(data, index, column, rows, low, high)
            expected_row = min(
                int(_height_fraction(data, point.expected, low, high) * rows), rows - 1
            )
            on_line = expected_row == from_bottom
            filled = 0
            if point.value is not None:
                # At least a sliver, so a value at the bottom differs from no check-in.
                eighths = max(round(_height_fraction(data, point.value, low, high) * total), 1)
                filled = min(max(eighths - from_bottom * 8, 0), 8)
            for cell in range(column):
                if cell < bar_width and filled:
                    parts.append((EIGHTHS[filled], BAR_STYLE))
                elif dotted and dotted[cell] == from_bottom:
                    parts.append((DOTS, FORECAST_STYLE))
                elif on_line:
                    style = AXIS_STYLE if point.upcoming else LINE_STYLE
                    parts.append((LINE, style))
                else:
                    parts.append(" ")
        lines.append(Content.assemble(*parts))

    used = min(column * count, plot_width - plot_width % column)
    lines.append(Content.styled(" " * label_width + "└" + "─" * used, AXIS_STYLE))
    lines.append(_date_row(data, label_width, column, plot_width))
    lines.append(_legend(data, width))
    return lines


def _dotted_rows(
    data: ChartData, index: int, column: int, rows: int, low: float, high: float
) -> list[int] | None:
    """The plot row of the forecast's dotted line in each cell of meeting `index`'s column
    (None off the line): the value is read across the column, from this meeting's toward the
    next one's (the cycle's end after the last), so the line slopes within a column too."""
    point = data.points[index]
    if point.projected is None:
        return None
    if index + 1 < len(data.points):
        following = data.points[index + 1].projected
    else:
        following = data.forecast_end[1] if data.forecast_end else None
    following = point.projected if following is None else following
    cells = []
    for cell in range(column):
        value = point.projected + (following - point.projected) * (cell + 0.5) / column
        cells.append(min(int(_height_fraction(data, value, low, high) * rows), rows - 1))
    return cells


def _date_row(data: ChartData, label_width: int, column: int, plot_width: int) -> Content:
    """Meeting dates under their columns, as many as fit without overlapping."""
    parts: list[Content | str | tuple[str, str]] = [" " * (label_width + 1)]
    position = 0
    free_from = 0
    for index, point in enumerate(data.points):
        start = index * column
        if start + column > plot_width:
            break
        text = _day_label(point.meeting)
        if start < free_from or start + len(text) > plot_width:
            continue
        parts.append(" " * (start - position))
        if point.current:
            style = "bold $foreground"
        elif point.upcoming:
            style = AXIS_STYLE
        else:
            style = "$foreground"
        parts.append((text, style))
        position = start + len(text)
        free_from = position + 1
    return Content.assemble(*parts)


class BurnUpChart(Widget):
    """Shows `chart_lines` for the data the screen hands over with `show()`."""

    DEFAULT_CSS = """
    BurnUpChart {
        height: 12;
        width: 1fr;
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._data: ChartData | None = None

    def show(self, data: ChartData | None) -> None:
        self._data = data
        self.refresh()

    def render(self) -> Content:
        if self._data is None:
            return Content("")
        width, height = self.size
        if not width or not height:
            return Content("")
        return Content("\n").join(chart_lines(self._data, width, height))
