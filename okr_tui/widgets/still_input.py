"""An Input whose typing repaints the field instead of laying the whole screen out."""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class StillInput(Input):
    """An Input whose value changes do not lay the screen out.

    Textual's Input sets its virtual size (the width it can scroll over) to its text's width on
    every change of value, and a widget's virtual size is a reactive that lays the whole screen
    out: 7-10 ms on a walkthrough step, whose value field gets the next key result's value
    (benchmarks/run.py). An input's size is set by its CSS, never by its text, and it scrolls by
    its virtual size as read, so a repaint is enough. Recheck on a Textual upgrade.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
