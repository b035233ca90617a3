"""Updating a Static only when what it shows changes, and without a layout when it cannot move.

`Static.update` repaints the widget and lays the screen out again even when the content is the
same, and `Content.__eq__` compares the text only, so a screen that refreshes many widgets at
once (a walkthrough step) compares text and styles itself and leaves the rest alone.

A layout of the whole screen is most of a walkthrough step's frame (benchmarks/run.py), and a
widget whose new content takes the lines the old one took, at a width that does not follow the
content, keeps its size: repainting it is enough (`Static.update(layout=False)`).
"""

from __future__ import annotations

from textual.content import Content
from textual.css.scalar import Unit
from textual.css.styles import RenderStyles
from textual.widgets import Static


def same_content(shown: object, content: Content) -> bool:
    """True when `shown` is Content with the same text and the same styles as `content`."""
    return (
        isinstance(shown, Content)
        and shown.plain == content.plain
        and list(shown.spans) == list(content.spans)
    )


def keeps_its_size(widget: Static, shown: object, content: Content) -> bool:
    """True when `widget` is certain to keep its size showing `content` instead of `shown`: it
    is laid out, no width around it follows content, and both take as many lines."""
    if not isinstance(shown, Content) or not widget.is_mounted or not widget.display:
        return False
    width = widget.content_size.width
    if width <= 0:
        return False
    # A width that follows the content, the widget's or a container's, may grow or shrink.
    # (No width at all fills the container.)
    for node in widget.ancestors_with_self:
        node_width = getattr(node.styles, "width", None)
        if node_width is not None and node_width.is_auto:
            return False
    styles = widget.styles
    if styles.box_sizing != "border-box":
        return False  # the limits below would apply to the content alone
    if styles.height is not None and not styles.height.is_auto:
        return True  # rows, a fraction or a percentage: none of them follows the content
    gutter = styles.gutter.height
    before = _rows(styles, shown.get_height(styles, width) + gutter)
    return before is not None and before == _rows(
        styles, content.get_height(styles, width) + gutter
    )


def _rows(styles: RenderStyles, height: int) -> int | None:
    """The rows a widget of auto height takes for `height` rows of content and gutter, within
    its min-height and max-height; None when a limit is not in rows (it depends on layout)."""
    for limit, bound in ((styles.min_height, max), (styles.max_height, min)):
        if limit is None:
            continue
        if limit.unit is not Unit.CELLS:
            return None
        height = bound(height, int(limit.value))
    return height


def show(widget: Static, content: Content) -> bool:
    """Show `content` in `widget` unless it already does; True if the widget was updated."""
    shown = widget.content
    if same_content(shown, content):
        return False
    widget.update(content, layout=not keeps_its_size(widget, shown, content))
    return True
