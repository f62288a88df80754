"""What the screen tests against the in-process demo center share: the app, and a bounded wait."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from wallboard.config import WallboardConfig
from wallboard.ui.app import WallboardApp
from wallboard.ui.factory import AppOptions, build_app


def demo_app(**options: object) -> WallboardApp:
    """The wallboard on a fresh demo center, with no history on disk."""
    config = WallboardConfig.model_validate({"history": {"enabled": False}})
    return build_app(config, AppOptions(demo=True, keep_history=False, **options))  # type: ignore[arg-type]


async def until(pilot: Pilot[None], condition: Any, what: str, tries: int = 600) -> None:
    """Let the app run until `condition()` holds (bounded; asserts nothing about time)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"gave up waiting for {what}")
