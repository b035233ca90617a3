"""The review's and the scoring's tables, read and driven the same way (one key result a row, the
demo's 2026-Q4 cycle), for tests/functional/test_review.py, test_scoring.py and the tests that
borrow from them."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import DataTable
from waiting import settle


async def type_text(pilot, text: str) -> None:
    """Type the text key by key, as a person types it (a space is the "space" key)."""
    await pilot.press(*("space" if char == " " else char for char in text))


def q4(store):
    return store.find_cycle("2026-Q4")


def kr_by_title(store, start: str):
    return next(kr for kr in store.key_results(q4(store).id) if kr.title.startswith(start))


class KrTable:
    """A screen with a table of key results: the key that opens it from the dashboard, the
    screen's type and the table's id."""

    def __init__(self, key: str, screen_type: type[Screen], table_id: str) -> None:
        self.key = key
        self.screen_type = screen_type
        self.table_id = table_id

    def table(self, app) -> DataTable:
        return app.screen.query_one(f"#{self.table_id}", DataTable)

    def highlighted(self, app) -> str:
        table = self.table(app)
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return row_key.value

    def cell(self, app, row_key: str, column: str) -> str:
        return str(self.table(app).get_cell(row_key, column))

    async def open(self, pilot, app, title_start: str | None = None) -> None:
        """From the dashboard: open the screen (waiting until it is on top), then move the
        cursor down to the key result whose title starts so, if one is given."""
        await pilot.pause()
        await pilot.press(self.key)
        await settle(pilot, lambda: isinstance(app.screen, self.screen_type))
        assert isinstance(app.screen, self.screen_type), app.screen
        if title_start is None:
            return
        target = kr_by_title(app.store, title_start).id
        for _ in range(self.table(app).row_count):
            if self.highlighted(app) == target:
                break
            await pilot.press("down")
        assert self.highlighted(app) == target
