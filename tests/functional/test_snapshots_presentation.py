"""Snapshots: the dashboard and presentation mode in every shipped theme, and presentation mode
small (80x24) and large (200x60)."""

from __future__ import annotations

import pytest

SHIPPED = ("okr-dark", "okr-light", "okr-projector")


@pytest.mark.parametrize("theme", SHIPPED)
def test_dashboard_in_theme(snap_compare, demo_store, make_app, theme):
    assert snap_compare(make_app(demo_store, theme=theme), terminal_size=(100, 30))


@pytest.mark.parametrize("theme", SHIPPED)
def test_presentation_in_theme(snap_compare, demo_store, make_app, theme):
    assert snap_compare(make_app(demo_store, theme=theme), press=["m"], terminal_size=(100, 30))


@pytest.mark.parametrize("size", [(80, 24), (200, 60)], ids=["80x24", "200x60"])
def test_presentation_sizes(snap_compare, demo_store, make_app, size):
    # The second objective: a team objective with four key results, one a milestone.
    app = make_app(demo_store, theme="okr-dark")
    assert snap_compare(app, press=["m", "right"], terminal_size=size)
