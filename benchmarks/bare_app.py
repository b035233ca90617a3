"""The baseline for the start-up benchmark: a Textual app that shows one label and quits.

It quits the way `okr` does under OKR_EXIT_AFTER_FIRST_FRAME: once its screen is mounted and has
been painted, so both processes pay for the same start-up, first frame and shutdown.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Label


class BareApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Label("Hello from a bare Textual app")

    def on_mount(self) -> None:
        self.call_later(self._exit_after_first_frame)

    async def _exit_after_first_frame(self) -> None:
        await self.screen._mounted_event.wait()
        self.call_after_refresh(self.call_after_refresh, self.exit)


if __name__ == "__main__":
    BareApp().run()
