"""The baseline for the start-up benchmark: a Textual app that shows one label and quits.

It quits the way `okr` does under benchmarks/first_frame.py (right after the first frame that
shows its label), for instructions.py; with `--stay` it runs until ctrl+q, for run.py, which
waits for its label in the terminal's output as it waits for okr's data.
"""

from __future__ import annotations

import sys

from first_frame import BARE_LABEL, exit_after_first_frame
from textual.app import App, ComposeResult
from textual.widgets import Label


class BareApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Label(BARE_LABEL)

    def on_mount(self) -> None:
        if "--stay" not in sys.argv:  # the start-up benchmark reads the label, then quits it
            exit_after_first_frame(self, BARE_LABEL)


if __name__ == "__main__":
    BareApp().run()
