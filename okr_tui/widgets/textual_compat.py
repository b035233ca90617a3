"""Everything okr-tui relies on inside Textual beyond its public API, in one place.

Checked against Textual 8.2.8 (`CHECKED_TEXTUAL_VERSION`, the version pyproject pins), and each
piece says why it is here. tests/functional/test_textual_compat.py holds the canaries: it fails
when the installed Textual is another version, and each of its other tests fails when Textual
changes what a piece relies on. On an upgrade, read each piece against the new Textual, run
those tests and the walk row of benchmarks/run.py, then move `CHECKED_TEXTUAL_VERSION` on.

1. `show()` and `StillInput` skip layouts of the whole screen that Textual would run. Measured
   with the walk row of benchmarks/run.py (8q store, 3 teams, interleaved runs; medians of 165
   to 198 key results; the machine shared, so wall times are noisy):
   - without `show()`'s layout skip, Enter to the next key result shown took 79 ms instead of
     62 ms, the CPU of one key result 45 ms instead of 39 ms, and the CPU of a key that only
     moves the confidence highlight 7.4 ms instead of 5.2 ms;
   - without `StillInput`, one walk of 11 key results lays the screen out 32 times instead of
     22 (one layout more per key result); its CPU time is within the noise (+2.1, +0.8 and
     -0.8 ms per key result in three runs, against about 30 ms).
2. `dispatch_key` (textual._dispatch_key) is what `App._on_key` runs after the bindings:
   OkrApp._on_key calls it so that a key whose action is off says why instead of doing nothing
   (tests/functional/test_refusals.py). `active_message_pump` (textual._context) tells the
   typed-keys wait which widget is running it, so a widget never waits on its own queue
   (tests/functional/test_typed_keys.py).
3. `working_toast` and `withdraw_toast`: `App.notify` returns nothing and the public API only
   clears every toast at once; slow work (an export, a sync) shows a toast that stays while it
   runs and goes when it ends (OkrApp.run_slow_work), so it keeps the Notification it posts and
   removes just that one with `App._unnotify` (tests/functional/test_app_shell.py).
4. `start_with_theme`: setting `App.theme` queues a re-parse of every stylesheet
   (App._watch_theme calls refresh_css), which at start-up parses the app's CSS twice: about
   48 M instructions, 2% of okr's start (benchmarks/instructions.py, 8q: 2,588 M with the theme
   set the usual way, 2,540 M starting on Textual's default theme). It sets the theme before
   the stylesheet is first parsed and does the rest of what `_watch_theme` does, the
   ANSI-to-truecolor filter included (`App._refresh_truecolor_filter`).
5. `frames_dropped`: the app mounts (and so pushes okr's first screen) inside
   `App.batch_update`, and `App._display` draws nothing while a batch is open; yet the first
   layout of the pushed screen (`Screen._refresh_layout`) renders the whole screen for it
   (`call_later(self._compositor_refresh)`). OkrScreen skips that render: its regions stay
   dirty, and the first refresh after the batch draws the same frame. 73 M instructions, about
   4% of okr's start (benchmarks/instructions.py, main thread, 8q: 1,918 M -> 1,845 M).
   The same test tells OkrApp when its first frame is drawn (`post_display_hook`, public, runs
   after every `_display`, the dropped ones included): Textual's `call_after_refresh` runs its
   callbacks while the batch is still open, before any frame is drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual._context import active_message_pump as active_message_pump
from textual._dispatch_key import dispatch_key as dispatch_key
from textual.content import Content
from textual.css.scalar import Unit
from textual.css.styles import RenderStyles
from textual.geometry import Size
from textual.notifications import Notification, Notify
from textual.reactive import Reactive
from textual.widgets import Input, Static

if TYPE_CHECKING:
    from textual.app import App

CHECKED_TEXTUAL_VERSION = "8.2.8"
"""The Textual version every piece of this module was read against."""

__all__ = [
    "CHECKED_TEXTUAL_VERSION",
    "StillInput",
    "frames_dropped",
    "show",
    "start_with_theme",
    "working_toast",
    "withdraw_toast",
]


# --- 1. layouts a walkthrough step does not need ---------------------------------------------


class StillInput(Input):
    """An Input whose value changes do not lay the screen out.

    Textual's Input sets its virtual size (the width it can scroll over) to its text's width on
    every change of value, and `Widget.virtual_size` is a reactive that lays the whole screen
    out; a walkthrough step gives the value field the next key result's value. An input's size
    is set by its CSS, never by its text, and it scrolls by its virtual size as read, so a
    repaint is enough.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)


def same_content(shown: object, content: Content) -> bool:
    """True when `shown` is Content with the same text and the same styles as `content`
    (`Content.__eq__` compares the text only)."""
    return (
        isinstance(shown, Content)
        and shown.plain == content.plain
        and list(shown.spans) == list(content.spans)
    )


def show(widget: Static, content: Content) -> bool:
    """Show `content` in `widget` unless it already does; True if the widget was updated.

    `Static.update` repaints and lays the whole screen out even when the content is the same;
    a widget that keeps its size only needs the repaint (`Static.update(layout=False)`).
    """
    shown = widget.content
    if same_content(shown, content):
        return False
    widget.update(content, layout=not keeps_its_size(widget, shown, content))
    return True


def keeps_its_size(widget: Static, shown: object, content: Content) -> bool:
    """True when `widget` is certain to keep its size showing `content` instead of `shown`: it
    is laid out, no width around it follows content, and both take as many lines.

    This repeats the part of Textual's layout that sizes a Static of auto height: recheck it
    against Textual's `Widget._get_box_model` on an upgrade.
    """
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
    # Textual itself passes a widget's styles where get_height is typed to take a RulesMap
    rules: Any = styles
    before = _rows(styles, shown.get_height(rules, width) + gutter)
    return before is not None and before == _rows(styles, content.get_height(rules, width) + gutter)


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


def working_toast(app: App[Any], message: str, title: str, seconds: float) -> Notification:
    """Show `message` (plain text) as a toast that stays up to `seconds`, and return it for
    `withdraw_toast`: what App.notify does, keeping hold of the notification."""
    notification = Notification(message, title, "information", seconds, markup=False)
    app.post_message(Notify(notification))
    return notification


def withdraw_toast(app: App[Any], notification: Notification) -> None:
    """Take that one toast away now (if it has not timed out or been dismissed)."""
    if notification in app._notifications:
        app._unnotify(notification)


# --- 4. the theme at start-up ----------------------------------------------------------------


def start_with_theme(app: App[Any], name: str) -> None:
    """Start `app` (not yet running) on the registered theme `name`: what `App._watch_theme`
    does, without queueing the re-parse of every stylesheet it would parse anyway."""
    from textual.app import App

    app.set_reactive(App.theme, name)
    theme = app.current_theme
    classes = {name: False for name in app.classes if name.startswith("-theme-")}
    classes.update({f"-theme-{theme.name}": True, "-dark-mode": theme.dark})
    classes["-light-mode"] = not theme.dark
    app.update_classes(classes, update=False)
    app._refresh_truecolor_filter(app.ansi_theme)
    app.stylesheet.set_variables(app.get_css_variables())


# --- 5. the frame rendered while the app's start-up batch is open ----------------------------


def frames_dropped(app: App[Any]) -> bool:
    """Whether a frame rendered now would be thrown away: the app holds a batch (its start-up
    mount, `App.batch_update`), in which `App._display` draws nothing."""
    return bool(app._batch_count)
