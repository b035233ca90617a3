"""Quarter statistics as text: the same lines for `okr stats` and the statistics screen, with
bars, a team x meeting heat map and a trend line made of characters every terminal draws."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from okr_tui.domain.models import Cycle
from okr_tui.domain.progress import Band
from okr_tui.domain.stats import CycleStats, Discipline, cycle_stats
from okr_tui.store.store import OkrStore

SPARKS = "▁▂▃▄▅▆▇█"
HEAT = ((0.9, "█"), (0.6, "▓"), (0.3, "▒"), (0.0001, "░"))
BAR_WIDTH = 20


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f}%"


def _bar(part: int, whole: int) -> str:
    filled = round(BAR_WIDTH * part / whole) if whole else 0
    return "█" * filled + "░" * (BAR_WIDTH - filled)


def _heat(share: float | None) -> str:
    if share is None:
        return " "
    return next((mark for floor, mark in HEAT if share >= floor), "·")


def _spark(value: float | None) -> str:
    if value is None:
        return " "
    return SPARKS[min(len(SPARKS) - 1, round(value / 2 * (len(SPARKS) - 1)))]


def _discipline(discipline: Discipline) -> str:
    if not discipline.owed:
        return "nothing owed yet"
    return (
        f"on time {_percent(discipline.share(discipline.on_time)):>4}  "
        f"late {_percent(discipline.share(discipline.late)):>4}  "
        f"missed {_percent(discipline.share(discipline.missed)):>4}  "
        f"(of {discipline.owed} owed)"
    )


def cycle_lines(stats: CycleStats) -> list[str]:
    mean = "–" if stats.mean_score is None else f"{stats.mean_score:.2f}"
    lines = [
        f"{stats.cycle} ({stats.state}) · {stats.key_results} key results · mean score {mean}",
        "",
        "Scores (given, else suggested)",
    ]
    for band in (Band.GREEN, Band.YELLOW, Band.RED):
        count = stats.bands[band.value]
        mark = f"{band.symbol} {band.value:<6}"
        lines.append(f"  {mark}  {_bar(count, stats.key_results)}  {count}")
    width = max((len(team.name) for team in stats.teams), default=4)
    lines += ["", "Confidence now"]
    for team in stats.teams:
        counts = team.confidence
        lines.append(
            f"  {team.name:<{width}}  ● on track {counts.get('on_track', 0):>2}  "
            f"◐ at risk {counts.get('at_risk', 0):>2}  ○ off track {counts.get('off_track', 0):>2}"
            f"  – none {counts.get('none', 0):>2}"
        )
    lines += ["", "Check-ins given"]
    for team in stats.teams:
        lines.append(f"  {team.name:<{width}}  {_discipline(team.discipline)}")
    if stats.meetings:
        first = stats.meetings[0]
        lines += [
            "",
            f"Check-ins given per meeting (m1 = {first})",
            "  █ 90%+  ▓ 60%+  ▒ 30%+  ░ some  · none",
        ]
        width = max(width, len("Confidence"))
        numbers = "".join(f"m{index}".ljust(4) for index in range(1, len(stats.meetings) + 1))
        lines.append(f"  {'':<{width}}  {numbers}".rstrip())
        for team in stats.teams:
            cells = "".join(_heat(team.heat.get(day)).ljust(4) for day in stats.meetings)
            lines.append(f"  {team.name:<{width}}  {cells}".rstrip())
        trend = "".join(_spark(stats.confidence_trend.get(day)).ljust(4) for day in stats.meetings)
        lines.append(f"  {'Confidence':<{width}}  {trend}".rstrip())
    return lines


def stats_text(history: Sequence[CycleStats]) -> str:
    """The newest cycle in full, then the cycles before it side by side, oldest first."""
    if not history:
        return "No cycles yet.\n"
    lines = cycle_lines(history[-1])
    if len(history) > 1:
        header = "  cycle          key results  mean score  green  on time"
        lines += ["", "Quarter over quarter", header]
        for stats in history:
            mean = "–" if stats.mean_score is None else f"{stats.mean_score:.2f}"
            green = stats.bands["green"] / stats.key_results if stats.key_results else None
            total = stats.discipline
            lines.append(
                f"  {stats.cycle[:14]:<14} {stats.key_results:>11}  {mean:>10}  "
                f"{_percent(green):>5}  {_percent(total.share(total.on_time)):>7}"
            )
    return "\n".join(lines) + "\n"


def stats_history(store: OkrStore, cycle: Cycle, count: int, now: datetime) -> list[CycleStats]:
    """Statistics of `cycle` and of up to `count - 1` cycles before it, oldest first."""
    earlier = [c for c in store.cycles() if c.start <= cycle.start]
    chosen = sorted(earlier, key=lambda c: c.start)[-max(1, count) :]
    team_names = {t.id: t.name for t in sorted(store.teams(), key=lambda t: t.order)}
    return [
        cycle_stats(
            c,
            team_names,
            store.objectives(c.id),
            store.key_results(c.id),
            store.check_ins(c.id),
            store.scores(c.id),
            now,
        )
        for c in chosen
    ]
