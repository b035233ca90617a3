"""Everything okr-tui relies on inside Textual beyond its public API, in one place.

Checked against Textual 8.2.8 (`CHECKED_TEXTUAL_VERSION`, the version pyproject pins), and each
piece says why it is here. tests/functional/test_textual_compat.py holds the canaries: it fails
when the
installed Textual is another version, and each of its other tests fails when Textual changes what
a piece relies on. On an upgrade, read each piece against the new Textual, run those tests and
the walk row of benchmarks/run.py, then move `CHECKED_TEXTUAL_VERSION` on.

1. The footer's keys (`FooterKey`, `FooterLabel`, `KeyGroup`) are not exported by
   textual.widgets, and their widths below follow Footer's and FooterKey's DEFAULT_CSS: the key
   footer needs both to show every key whole on a narrow terminal (README, "The footer on a
   narrow terminal"; tests/functional/test_key_footer.py). `compose_keys_at_once` and
   `set_key_style`
   save a rebuild of the footer, a layout and two restyles of each key each time a screen opens.
2. `show()` and `StillInput` skip layouts of the whole screen that Textual would run. Measured
   with the walk row of benchmarks/run.py (8q store, 3 teams, interleaved runs; medians of 165
   to 198 key results; the machine shared, so wall times are noisy):
   - without `show()`'s layout skip, Enter to the next key result shown took 79 ms instead of
     62 ms, the CPU of one key result 45 ms instead of 39 ms, and the CPU of a key that only
     moves the confidence highlight 7.4 ms instead of 5.2 ms;
   - without `StillInput`, one walk of 11 key results lays the screen out 32 times instead of
     22 (one layout more per key result); its CPU time is within the noise (+2.1, +0.8 and
     -0.8 ms per key result in three runs, against about 30 ms).
3. `dispatch_key` (textual._dispatch_key) is what `App._on_key` runs after the bindings:
   OkrApp._on_key calls it so that a key whose action is off says why instead of doing nothing
   (tests/functional/test_refusals.py). `active_message_pump` (textual._context) tells the
   typed-keys wait which widget is running it, so a widget never waits on its own queue
   (tests/functional/test_typed_keys.py).
4. `working_toast` and `withdraw_toast`: `App.notify` returns nothing and the public API only
   clears every toast at once; slow work (an export, a sync) shows a toast that stays while it
   runs and goes when it ends (OkrApp.run_slow_work), so it keeps the Notification it posts and
   removes just that one with `App._unnotify` (tests/functional/test_app_shell.py).
5. `start_with_theme`: setting `App.theme` queues a re-parse of every stylesheet
   (App._watch_theme calls refresh_css), which at start-up parses the app's CSS twice: about
   48 M instructions, 2% of okr's start (benchmarks/instructions.py, 8q: 2,588 M with the theme
   set the usual way, 2,540 M starting on Textual's default theme). It sets the theme before
   the stylesheet is first parsed and does the rest of what `_watch_theme` does, the
   ANSI-to-truecolor filter included (`App._refresh_truecolor_filter`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from textual._context import active_message_pump as active_message_pump
from textual._dispatch_key import dispatch_key as dispatch_key
from textual.content import Content
from textual.css.scalar import Unit
from textual.css.styles import RenderStyles
from textual.geometry import Size
from textual.notifications import Notification, Notify
from textual.reactive import Reactive
from textual.widget import Widget
from textual.widgets import Footer, Input, Static
from textual.widgets._footer import FooterKey, FooterLabel, KeyGroup

if TYPE_CHECKING:
    from textual.app import App

CHECKED_TEXTUAL_VERSION = "8.2.8"
"""The Textual version every piece of this module was read against."""

__all__ = [
    "CHECKED_TEXTUAL_VERSION",
    "FooterKey",
    "FooterLabel",
    "KeyGroup",
    "StillInput",
    "compose_keys_at_once",
    "set_key_style",
    "footer_place_width",
    "palette_key_width",
    "show",
    "start_with_theme",
    "working_toast",
    "withdraw_toast",
]


# --- 1. the footer ---------------------------------------------------------------------------


def footer_place_width(place: Sequence[Widget], compact: bool) -> int:
    """Columns a place of the footer takes in Footer's horizontal layout, in the full or compact
    style, margins included (Footer's and FooterKey's DEFAULT_CSS): a key, or a group of keys
    and its label. (No binding of okr-tui is in a group, so the group's widths are not checked
    by a canary.)"""
    width = 0
    for widget in place:
        if isinstance(widget, FooterLabel):
            width += cell_len(str(widget.content)) + (0 if compact else 1)  # margin 0 1 0 0
        elif isinstance(widget, FooterKey) and widget.has_class("-grouped"):
            width += cell_len(widget.key_display) + 2  # no description, margin 0 1
        elif isinstance(widget, FooterKey):
            display, description = cell_len(widget.key_display), cell_len(widget.description)
            if compact:  # "k Description" and a margin of one on the right
                width += display + (1 + description if description else 0) + 1
            else:  # " k Description ", or the key alone
                width += display + 2 + description + 1 if description else display
    return width


def compose_keys_at_once(footer: Footer) -> None:
    """Let Footer.compose show the keys the first time the footer is composed.

    Textual's Footer composes no keys until the screen first reports its bindings (its
    bindings_changed sets the private `_bindings_ready`), then mounts them all and lays the
    screen out again: a first frame without keys, and, counted on the walk benchmark (the
    dashboard, then one walk), 2 rebuilds of the footer more, each with a layout of the
    screen. Call it before the footer is mounted.
    """
    footer.set_reactive(Footer._bindings_ready, True)


def set_key_style(key: FooterKey, compact: bool) -> None:
    """Give a key its style before it is mounted: FooterKey's `compact` reactive runs its
    watcher when the key is mounted (adding `-compact`, a restyle) and Footer's data binding
    then sets it again (removing it, another restyle). Counted on the walk benchmark (the
    dashboard, then one walk): 36 restyles of footer keys without this, none with it."""
    key.set_reactive(FooterKey.compact, compact)
    key.set_class(compact, "-compact", update=False)


def palette_key_width(key: FooterKey) -> int:
    """The command palette's key is compact in either footer ("^p palette"), with a border on
    the left, and a padding (full footer) or a margin (compact footer) of one on the right."""
    return cell_len(key.key_display) + 1 + cell_len(key.description) + 2


# --- 2. layouts a walkthrough step does not need ---------------------------------------------


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


# --- 5. the theme at start-up ----------------------------------------------------------------


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
