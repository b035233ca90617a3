"""Quit an app once its first screen has loaded and been painted: how the start-up benchmark
times `okr` and the bare Textual app alike (benchmarks/run.py).

    python benchmarks/first_frame.py --db STORE --at 2026-11-23T10:00:00Z   # okr, then quit

It runs okr's command line (`okr_tui.cli.main`) with OkrApp's mount handler wrapped to quit
after the first frame, so the app itself carries no benchmark hook.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # okr imports Textual itself, when and as it does without this file
    from textual.app import App


def exit_after_first_frame(app: App, mark: str) -> None:
    """From the app's mount handler: quit right after the first frame that shows `mark` (okr:
    a key result's title; the bare app: its label) has been handed to the terminal, as the
    wall-clock benchmark (run.py) stops its clock when the title appears in the terminal's
    output. Not later: the relayout after the terminal's size arrives and the workers started
    after the first frame are not what the first frame waits for.

    Textual's `post_display_hook` runs after each frame is written; the driver's `write` is
    wrapped to see the frame's text. Private: `App._driver` and the driver's writer thread,
    stopped (and so drained into the terminal) before the hard exit. Checked on Textual 8.2.8."""
    driver = app._driver
    assert driver is not None, "the app's driver starts before its mount handler runs"
    write = driver.write
    hook = app.post_display_hook  # okr's own: what waits for the first frame
    shown = False

    def write_and_look(text: str) -> None:
        nonlocal shown
        shown = shown or mark in text
        write(text)

    def leave_once_shown() -> None:
        hook()
        if not shown:
            return
        app.post_display_hook = hook  # type: ignore[method-assign]
        if os.environ.get("FIRST_FRAME_HARD_EXIT"):
            # instructions.py: count to the first frame, not the shutdown after it.
            driver._writer_thread.stop()  # type: ignore[attr-defined]
            sys.stdout.flush()
            os._exit(0)
        app.exit()

    driver.write = write_and_look  # type: ignore[method-assign]
    app.post_display_hook = leave_once_shown  # type: ignore[method-assign]


DATA_TITLE = "Reduce Growth median response time from 67 min to 39 min"
"""A key result title on the benchmark stores' first screen: the sign of a first data frame."""
BARE_LABEL = "Hello from a bare Textual app"
"""The bare app's one label (bare_app.py)."""


def install_in_okr() -> None:
    """Make OkrApp quit after its first frame. Its mount handler is wrapped rather than the
    class subclassed here: Textual reads a relative CSS_PATH from the folder of the class. The
    wrap waits until `okr` itself imports okr_tui.app, so start-up runs in the order `okr`
    runs it (the collector is paused before the app's modules are imported, not after)."""
    import importlib.abc
    import importlib.util

    def wrap(okr_app: type) -> None:
        on_mount = okr_app.on_mount

        def on_mount_then_exit(self: App) -> None:
            on_mount(self)  # pushes the first screen
            exit_after_first_frame(self, DATA_TITLE)

        okr_app.on_mount = on_mount_then_exit

    class WrapWhenImported(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):  # noqa: ANN001, ANN202
            if name != "okr_tui.app":
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(name)
            assert spec is not None and spec.loader is not None
            exec_module = spec.loader.exec_module

            def exec_then_wrap(module):  # noqa: ANN001, ANN202
                exec_module(module)
                wrap(module.OkrApp)

            spec.loader.exec_module = exec_then_wrap  # type: ignore[method-assign]
            return spec

    sys.meta_path.insert(0, WrapWhenImported())


if __name__ == "__main__":
    from okr_tui.cli import main

    install_in_okr()
    sys.exit(main(sys.argv[1:]))
