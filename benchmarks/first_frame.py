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


def exit_after_first_frame(app: App) -> None:
    """From the app's mount handler: quit once the screen on top when the handlers are done
    has finished loading (its async mount, with the dashboard's reload, has returned) and has
    been painted. `Screen._mounted_event` is private: checked on Textual 8.2.8."""

    async def exit_when_painted() -> None:
        await app.screen._mounted_event.wait()
        app.call_after_refresh(app.call_after_refresh, leave)

    def leave() -> None:
        if os.environ.get("FIRST_FRAME_HARD_EXIT"):
            # instructions.py: count to the first frame, not the shutdown after it.
            sys.stdout.flush()
            os._exit(0)
        app.exit()

    app.call_later(exit_when_painted)


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
            exit_after_first_frame(self)

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
