"""Snapshot tests: the screen at 80x24 (SSH), 200x60 (desk) and 240x67 (wall TV), fixed data.

Built with the same factory the CLI uses (`build_app`), fed by a store holding hand-made
snapshots, so every number, age and duration is identical on every run.
"""

from __future__ import annotations

from typing import Any

import pytest
from ui_data import fixed_store

from wallboard.config import WallboardConfig
from wallboard.ui.app import WallboardApp
from wallboard.ui.factory import AppOptions, FixedCore, build_app, fixed_opener


def make_app(**options: Any) -> WallboardApp:
    core = FixedCore(fixed_store())
    return build_app(WallboardConfig(), AppOptions(**options), fixed_opener(core))


async def _painted(pilot: Any) -> None:
    app = pilot.app
    for _ in range(200):
        if app.views_applied:
            break
        await pilot.pause(0.02)
    assert app.views_applied, "the fixed view was never applied"
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (200, 60), (240, 67)])
def test_desk_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=_painted)


@pytest.mark.parametrize("size", [(80, 24), (240, 67)])
def test_kiosk_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(kiosk=True), terminal_size=size, run_before=_painted)


def test_help_screen(snap_compare: Any) -> None:
    async def open_help(pilot: Any) -> None:
        await _painted(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(200, 60), run_before=open_help)
