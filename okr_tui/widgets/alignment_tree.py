"""A Tree whose labels end in "…" where the terminal is too narrow, instead of running off the
right edge or scrolling sideways (the alignment tree's titles are long, its figures come first)."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode


class FittedTree(Tree[None]):
    def render_label(self, node: TreeNode[None], base_style: Style, style: Style) -> Text:
        label = super().render_label(node, base_style, style)
        depth = 0
        parent = node.parent
        while parent is not None:
            depth, parent = depth + 1, parent.parent
        guides = max(0, depth - (0 if self.show_root else 1)) * self.guide_depth
        room = self.scrollable_content_region.width - guides - 1
        if room > 0 and label.cell_len > room:
            label.truncate(room, overflow="ellipsis")
        return label
