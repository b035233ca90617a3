"""Presentation mode: one objective at a time, large, for the shared screen of the meeting.

No editing keys and no footer: the room sees the objective, its key results with bars big
enough to read from the back, current / target, confidence, pace and score. Left / right (or
page up / page down, space) move between objectives; escape goes back.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult, RenderResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.events import Resize
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Digits, Static

from okr_tui.domain import board
from okr_tui.domain.models import KrType, Objective
from okr_tui.domain.progress import format_value, latest_given_scores
from okr_tui.screens.base import OkrScreen, after_typed_keys, typed_keys_binding
from okr_tui.widgets.badges import confidence_badge, pace_badge, score_badge

LARGE_WIDTH = 120  # from this size on, bars and percentages grow
LARGE_HEIGHT = 40
# Columns beside the bars (presentation.tcss): the body's padding either side (small, large),
# the key results' scrollbar, the big digits of "100%" with their margin, the small
# percentage, and the margin before the figures on the bar's line.
BODY_PADDING = {False: 2, True: 4}
SCROLLBAR = 1
DIGITS_WIDTH = 10 + 2
PERCENT_WIDTH = 6
FIGURES_MARGIN = 2
MIN_BAR_WIDTH = 20  # narrower, the figures go under the bar


class Bar(Widget):
    """A progress bar that fills its width (and height): "█" done, "░" still to go."""

    DEFAULT_CSS = """
    Bar { width: 1fr; height: 1; }
    """

    fraction: reactive[float] = reactive(0.0)

    def __init__(self, fraction: float, style: str = "$primary", **kwargs) -> None:
        super().__init__(**kwargs)
        self.fraction = fraction
        self._style = style

    def render(self) -> RenderResult:
        width = self.size.width
        fraction = min(1.0, max(0.0, self.fraction))
        filled = round(fraction * width)
        line = Content.assemble(
            Content.styled("█" * filled, self._style),
            Content.styled("░" * (width - filled), "$text-muted"),
        )
        return Content("\n").join([line] * max(1, self.size.height))


def percent(fraction: float | None) -> str:
    return "–" if fraction is None else f"{min(1.0, max(0.0, fraction)) * 100:.0f}%"


@dataclass(frozen=True)
class Slide:
    """One objective as the room sees it."""

    block: board.ObjectiveBlock
    group: str  # "Company" or the team's name
    parent: Objective | None
    scores: dict[str, float]  # kr id -> given score, for the scored key results


def value_text(line: board.KeyResultLine) -> Content:
    """ "current / target unit"; a milestone reads done / not done, stay above/below says so."""
    kr = line.kr
    if kr.kr_type is KrType.MILESTONE:
        return Content.styled("done", "bold") if line.progress >= 1 else Content("not done yet")
    value = Content.styled(format_value(line.value, kr.unit), "bold")
    target = format_value(kr.target, kr.unit)
    if kr.kr_type in (KrType.STAY_ABOVE, KrType.STAY_BELOW):
        return Content.assemble(value, f" ({kr.kr_type.label} {target})")
    return Content.assemble(value, " / ", target)


def figures_text(line: board.KeyResultLine, score: float | None) -> Content:
    parts: list[Content | str] = [
        value_text(line),
        "   ",
        confidence_badge(line.confidence),
        "   ",
        pace_badge(line.pace.pace),
    ]
    if score is not None:
        parts += ["   score ", score_badge(score, line.objective.kind)]
    return Content.assemble(*parts)


def key_result_view(line: board.KeyResultLine, score: float | None) -> Vertical:
    """Small screens: title, then bar and figures on one line. Large: a tall bar with big
    digits, figures below (CSS shows one or the other)."""
    kr = line.kr
    owner = Content.styled(f"  · {kr.owner}", "$text-muted") if kr.owner else Content("")
    figures = figures_text(line, score)
    return Vertical(
        Static(Content.assemble(Content.styled(kr.title, "bold"), owner), classes="kr-title"),
        Horizontal(
            Bar(line.progress, "$primary", classes="kr-bar"),
            Static(Content(percent(line.progress)), classes="kr-percent"),
            Digits(percent(line.progress), classes="kr-digits"),
            Static(figures, classes="kr-figures-inline"),
            classes="kr-bar-row",
        ),
        Static(figures, classes="kr-figures"),
        classes="kr",
    )


class PresentationScreen(OkrScreen):
    HELP_TITLE = "Presentation mode"
    HELP_SUMMARY = "One objective at a time for the shared screen; left/right move, Esc leaves."
    CSS_PATH = "presentation.tcss"
    FILTERS_OWNER = True
    BINDINGS = [
        typed_keys_binding(
            "right,pagedown,space",
            "next",
            "Next objective",
            id="presentation.next",
            tooltip="Show the next objective",
        ),
        typed_keys_binding(
            "left,pageup,shift+space",
            "previous",
            "Previous objective",
            id="presentation.previous",
            tooltip="Show the previous objective",
        ),
        typed_keys_binding(
            "home",
            "first",
            "First objective",
            show=False,
            id="presentation.first",
            tooltip="Back to the first objective",
        ),
        typed_keys_binding(
            "end",
            "last",
            "Last objective",
            show=False,
            id="presentation.last",
            tooltip="Jump to the last objective",
        ),
    ]

    index: reactive[int] = reactive(0, init=False)

    def __init__(self) -> None:
        super().__init__()
        self.slides: list[Slide] = []

    def compose(self) -> ComposeResult:
        with Horizontal(id="present-top"):
            yield Static(id="present-context")
            yield Static(id="present-counter")
        with Vertical(id="present-body"):
            yield Static(id="present-title")
            yield Static(id="present-meta")
            with Horizontal(id="present-summary"):
                yield Digits("", id="present-digits")
                yield Bar(0.0, "$accent", id="present-bar")
            yield VerticalScroll(id="present-krs")
        yield Static(Content.styled("← → objectives   Esc back", "$text-muted"), id="present-hint")

    def on_resize(self, event: Resize) -> None:
        large = event.size.width >= LARGE_WIDTH and event.size.height >= LARGE_HEIGHT
        self.set_class(large, "-large")
        self._fit_bars()

    def _fit_bars(self) -> None:
        """Give every bar of the slide the same width, so equal percentages have equal lengths
        (each bar filled what its figures left, and a 53% bar looked shorter than a 41% one).
        The figures go under the bars when beside them the bars would be too short."""
        width, height = self.app.size
        large = width >= LARGE_WIDTH and height >= LARGE_HEIGHT
        content = width - 2 * BODY_PADDING[large]
        figures = 0
        if self.slides:
            slide = self.slides[self.index]
            figures = max(
                (
                    figures_text(line, slide.scores.get(line.kr.id)).cell_length
                    for line in slide.block.lines
                ),
                default=0,
            )
        beside = content - SCROLLBAR - PERCENT_WIDTH - FIGURES_MARGIN - figures
        stacked = large or beside < MIN_BAR_WIDTH
        for view in self.query(".kr"):
            view.set_class(stacked and not large, "-stacked")
        if large:
            bar = content - SCROLLBAR - DIGITS_WIDTH
        elif stacked:
            bar = content - SCROLLBAR - PERCENT_WIDTH
        else:
            bar = beside
        bar = max(1, min(bar, content - DIGITS_WIDTH))  # the objective's bar beside its digits
        for widget in self.query(Bar):
            widget.styles.width = bar

    # --- data ------------------------------------------------------------------------------

    def reload(self) -> None:
        current = self.slides[self.index].block.objective.id if self.slides else None
        self.slides = self._read_slides()
        ids = [slide.block.objective.id for slide in self.slides]
        index = ids.index(current) if current in ids else min(self.index, len(ids) - 1)
        self.set_reactive(PresentationScreen.index, max(0, index))
        self.call_later(self.show_slide)

    def _read_slides(self) -> list[Slide]:
        cycle = self.cycle
        if cycle is None:
            return []
        now = self.okr_app.clock.now()
        objectives = self.store.objectives(cycle.id)
        lines = board.key_result_lines(
            cycle, objectives, self.store.key_results(cycle.id), self.store.check_ins(cycle.id), now
        )
        scores = latest_given_scores(self.store.scores(cycle.id))
        blocks = board.owner_blocks(
            board.objective_blocks(objectives, lines, scores), self.owner_filter()
        )
        by_id = {o.id: o for o in objectives}
        groups: list[tuple[str, str | None]] = [("Company", None)]
        groups += [(team.name, team.id) for team in self.store.teams()]
        slides = []
        for name, team_id in groups:
            if not self.shows_team(team_id):
                continue
            for block in blocks:
                if block.objective.team_id == team_id:
                    parent = by_id.get(block.objective.parent_id or "")
                    slides.append(Slide(block, name, parent, scores))
        return slides

    # --- showing ---------------------------------------------------------------------------

    def watch_index(self) -> None:
        self.call_later(self.show_slide)

    async def show_slide(self) -> None:
        cycle = self.cycle
        counter = self.query_one("#present-counter", Static)
        title = self.query_one("#present-title", Static)
        meta = self.query_one("#present-meta", Static)
        krs = self.query_one("#present-krs", VerticalScroll)
        summary = self.query_one("#present-summary", Horizontal)
        await krs.remove_children()
        if not self.slides:
            self.query_one("#present-context", Static).update(
                Content.assemble(
                    ("okr-tui", "bold"), "  ", cycle.name if cycle else "", *self._owner_parts()
                )
            )
            counter.update("")
            title.update(
                Content("Nothing to present: this cycle has no objectives yet.")
                if self.owner_filter() is None
                else Content("Nothing to present: no key result of this owner (ctrl+g).")
            )
            meta.update(Content("Press Esc to go back."))
            summary.display = False
            return
        slide = self.slides[self.index]
        block = slide.block
        objective = block.objective
        self.query_one("#present-context", Static).update(
            Content.assemble(
                ("okr-tui", "bold"),
                "  ",
                (cycle.name if cycle else "", "bold $accent"),
                "  │  ",
                (slide.group, "bold"),
                *self._owner_parts(),
            )
        )
        counter.update(Content(f"{self.index + 1} of {len(self.slides)}"))
        title.update(Content.styled(objective.title, "bold"))
        meta.update(self._meta(slide))
        summary.display = True
        self.query_one("#present-digits", Digits).update(percent(block.progress))
        self.query_one("#present-bar", Bar).fraction = block.progress or 0.0
        views: list[Widget] = [
            key_result_view(line, slide.scores.get(line.kr.id)) for line in block.lines
        ]
        if not views:
            views = [Static(Content("No key results yet."), classes="kr-empty")]
        await krs.mount_all(views)
        self._fit_bars()
        krs.scroll_home(animate=False)

    def _owner_parts(self) -> list[str | tuple[str, str]]:
        """The owner filter, said on every slide: a shortened deck is never the whole team's."""
        owner = self.owner_filter()
        return ["  ·  ", ("Owner: ", "bold $warning"), (owner, "bold")] if owner else []

    def _meta(self, slide: Slide) -> Content:
        objective = slide.block.objective
        parts: list[Content | str | tuple[str, str]] = [
            Content.styled(f"{objective.level.value} · {objective.kind.value}", "$text-muted"),
        ]
        if objective.owner:
            parts += [Content.styled(" · ", "$text-muted"), Content(objective.owner)]
        parts += ["   ", confidence_badge(slide.block.confidence)]
        # The dashboard's number (board.ObjectiveBlock.score): given scores where there are
        # some, suggested ones elsewhere. The mean of the given ones alone read 0.7 on the
        # projector while the dashboard read 0.5.
        if slide.block.score is not None:
            parts += ["   score ", score_badge(slide.block.score, objective.kind)]
        if slide.parent is not None:
            parts += [
                Content.styled("   ↳ aligns to: ", "$text-muted"),
                Content(slide.parent.title),
            ]
        return Content.assemble(*parts)

    # --- keys ------------------------------------------------------------------------------

    def _go(self, index: int) -> None:
        if self.slides:
            self.index = min(max(index, 0), len(self.slides) - 1)

    @after_typed_keys
    def action_next(self) -> None:
        self._go(self.index + 1)

    @after_typed_keys
    def action_previous(self) -> None:
        self._go(self.index - 1)

    @after_typed_keys
    def action_first(self) -> None:
        self._go(0)

    @after_typed_keys
    def action_last(self) -> None:
        self._go(len(self.slides) - 1)
