"""The plan check panel: lint advice on the cycle's objectives and key results.

Advice never blocks anything; it is shown beside the plan while people edit it. Messages carry
user titles, so every line is built as Content and shown exactly as typed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from okr_tui.domain.lint import Advice, Severity

SEVERITY_STYLE = {Severity.WARNING: ("⚠", "$warning"), Severity.INFO: ("ℹ", "$accent")}
ALL_CLEAR = "✓ No advice: the plan looks focused and measurable."
NOTHING_PLANNED = "Nothing to check yet: no objectives are planned."


def advice_text(
    advice: Sequence[Advice], team_names: Mapping[str, str], planned: bool = True
) -> Content:
    """One paragraph per piece of advice; team-wide advice is prefixed with the team's name.

    An empty plan (`planned` False) gets no advice and no praise: it is not focused, it is
    not there yet."""
    if not planned:
        return Content.styled(NOTHING_PLANNED, "$text-muted")
    if not advice:
        return Content.styled(ALL_CLEAR, "$success")
    paragraphs = []
    for item in advice:
        symbol, style = SEVERITY_STYLE[item.severity]
        parts: list[Content | str | tuple[str, str]] = [(f"{symbol} ", style)]
        if item.subject_id in team_names:
            parts.append((f"{team_names[item.subject_id]}: ", "bold"))
        parts.append(item.message)
        paragraphs.append(Content.assemble(*parts))
    return Content("\n\n").join(paragraphs)


class PlanCheck(VerticalScroll):
    """Shows the advice the screen hands it (`show`); it reads nothing itself."""

    DEFAULT_CSS = """
    PlanCheck {
        border: round $primary 60%;
        border-title-color: $text;
        padding: 0 1;
        height: 1fr;
    }
    PlanCheck:focus {
        border: round $accent;
    }
    PlanCheck #plan-check-body {
        height: auto;
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.border_title = "Plan check"
        self.advice: tuple[Advice, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static(Content(""), id="plan-check-body")

    def show(
        self, advice: Sequence[Advice], team_names: Mapping[str, str], planned: bool = True
    ) -> None:
        """`team_names` maps a team id (and "company") to the name shown before team advice;
        `planned` is False when the plan on screen has no objective."""
        self.advice = tuple(advice)
        count = len(self.advice)
        self.border_title = f"Plan check ({count})" if count else "Plan check"
        self.query_one("#plan-check-body", Static).update(
            advice_text(self.advice, team_names, planned)
        )
