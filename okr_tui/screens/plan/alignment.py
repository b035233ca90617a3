"""The alignment tree: company objectives, the team objectives aligned to them and the personal
ones under those, each with progress and confidence rolled up from below and its key results.

Read-only and foldable (Enter or space folds a node); from planning (a) and the palette. The team
filter keeps the objectives of the team in view and the company objectives above them.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from okr_tui.domain import board
from okr_tui.domain.alignment import AlignmentNode, alignment_tree
from okr_tui.domain.models import Confidence, KrType
from okr_tui.domain.progress import value_text
from okr_tui.screens.base import OkrScreen
from okr_tui.widgets.alignment_tree import FittedTree
from okr_tui.widgets.badges import CONFIDENCE_COLOUR, theme_style
from okr_tui.widgets.cycle_header import CycleHeader
from okr_tui.widgets.key_footer import KeyFooter

Colours = dict[str, str]
"""Theme variable -> colour: Tree labels are Rich Text, which takes colours, not $variables."""


def _figures(progress: float | None, confidence: Confidence | None, colours: Colours) -> Text:
    """" 62% ● on track  ": first, so a narrow terminal cuts the title, never the figures; the
    colour is paired with a symbol and a word."""
    shown = Text("–" if progress is None else f"{progress * 100:3.0f}%", style="bold")
    if confidence is None:
        shown.append("  – no check-in  ", style="dim")
    else:
        symbol, variable = confidence.symbol, CONFIDENCE_COLOUR[confidence]
        shown.append(f"  {symbol} {confidence.label:<9}  ", style=colours.get(variable, ""))
    return shown


def objective_label(node: AlignmentNode, colours: Colours) -> Text:
    """Its figures, the title as typed (a Text, never markup), then its team and level."""
    label = _figures(node.progress, node.confidence, colours)
    label.append(node.objective.title, style="bold")
    label.append(f"  {node.team_name} · {node.objective.level.value}", style="dim")
    return label


def key_result_label(line: board.KeyResultLine, colours: Colours) -> Text:
    value = value_text(line.kr, line.value)
    if line.kr.kr_type is not KrType.MILESTONE:
        value += f" / {value_text(line.kr, line.kr.target)}"
    label = _figures(line.progress, line.confidence, colours)
    label.append(line.kr.title)
    label.append(f"  {value}", style="dim")
    return label


class AlignmentScreen(OkrScreen):
    HELP_TITLE = "Alignment tree"
    HELP_SUMMARY = (
        "Company objectives, the team objectives aligned to them and the personal ones below, "
        "with progress and confidence rolled up. Enter or space folds a node."
    )
    BINDINGS = [
        Binding(
            "plus",
            "unfold_all",
            "Unfold all",
            id="alignment.unfold_all",
            tooltip="Show every objective and key result",
        ),
        Binding(
            "minus",
            "fold_all",
            "Fold all",
            id="alignment.fold_all",
            tooltip="Show the objectives only, each folded",
        ),
    ]
    CSS_PATH = "alignment.tcss"

    def compose(self) -> ComposeResult:
        yield CycleHeader()
        yield Static(id="alignment-empty")
        tree = FittedTree(Text("Alignment"), id="alignment-tree")
        tree.show_root = False
        tree.guide_depth = 3
        yield tree
        yield KeyFooter()

    def reload(self) -> None:
        cycle = self.cycle
        team = self.okr_app.team
        now = self.okr_app.clock.now()
        self.query_one(CycleHeader).show(cycle, team.name if team else None, now)
        tree = self.query_one("#alignment-tree", Tree)
        tree.clear()
        empty = self.query_one("#alignment-empty", Static)
        roots = self.roots()
        empty.display = not roots
        empty.update("No objectives in this cycle yet: plan some with p." if not roots else "")
        self._colours = {name: theme_style(self.app, name) for name in CONFIDENCE_COLOUR.values()}
        for root in roots:
            self._add(tree.root, root)
        tree.root.expand()

    def roots(self) -> list[AlignmentNode]:
        cycle = self.cycle
        if cycle is None:
            return []
        objectives = self.store.objectives(cycle.id)
        lines = board.key_result_lines(
            cycle,
            objectives,
            self.store.key_results(cycle.id),
            self.store.check_ins(cycle.id),
            self.okr_app.clock.now(),
        )
        team_names = {t.id: t.name for t in self.store.teams()}
        roots = alignment_tree(objectives, lines, team_names)
        if self.team_id is None:
            return roots
        return [root for root in roots if self._holds_team(root)]

    def _holds_team(self, node: AlignmentNode) -> bool:
        return node.objective.team_id == self.team_id or any(
            self._holds_team(child) for child in node.children
        )

    def _add(self, parent: TreeNode[None], node: AlignmentNode) -> None:
        branch = parent.add(objective_label(node, self._colours), expand=True)
        for line in node.key_results:
            branch.add_leaf(key_result_label(line, self._colours))
        for child in node.children:
            if self.team_id is None or self._holds_team(child) or child.objective.team_id is None:
                self._add(branch, child)

    def action_unfold_all(self) -> None:
        self.query_one("#alignment-tree", Tree).root.expand_all()

    def action_fold_all(self) -> None:
        root = self.query_one("#alignment-tree", Tree).root
        for child in root.children:
            child.collapse_all()
