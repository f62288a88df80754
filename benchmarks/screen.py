"""Measure 1: CPU time from a View arriving to the screen fully updated (headless, 200x60).

The views are derived by the real `Store` before the clock starts (that is the poller's thread's
work, not the screen's). The clock (`time.process_time`, so other processes on the machine do
not count) starts when the view is posted to the app and stops when the app has applied it and
the compositor has rendered the refreshed screen. The first two views (the initial fill) are
not timed: a poll on a wall is an update, not a first paint. Garbage left by building the views
is collected before each clock starts (for both apps): building them is the poller's side.

How the end is seen: Textual's public `wait_for_refresh` (a callback the screen runs once it has
no dirty widget left, i.e. after the compositor rendered the update), twice, so that work the
first refresh set off (a resize, a widget's own queued message) is inside the clock too. Not
`Pilot.pause()`: a pause posts a callback to every widget and polls for idle CPU, which costs
the measuring process about 7 ms per pause on the wallboard's 57 widgets; the clock measured
the harness as much as the screen. When this was changed, every widget's queue was checked to
be empty and no region dirty at the clock's stop, and the settling pause after it cost what a
pause on an idle app does: no work is left outside the clock.
"""

from __future__ import annotations

import gc
import time
from typing import Any

from benchmarks.baseline_app import BaselineApp, Show
from benchmarks.data import Center, Size
from wallboard.config import WallboardConfig
from wallboard.store import Store, View
from wallboard.ui.app import ViewArrived
from wallboard.ui.factory import AppOptions, FixedCore, build_app, fixed_opener

SCREEN = (200, 60)
WARMUP = 2


def views(size: Size, count: int) -> list[View]:
    center = Center(size)
    store = Store()
    return [store.publish(center.step()) for _ in range(count)]


async def _until_painted(app: Any, count: int) -> None:
    """Until the view posted last is applied and the screen rendered (see the docstring)."""
    await app.wait_for_refresh()  # runs after the app handled the view: it was posted first
    await app.wait_for_refresh()
    if app.views_applied != count:
        raise RuntimeError(f"{type(app).__name__} applied {app.views_applied} views, not {count}")


async def _time_app(app: Any, message: type[Any], stream: list[View]) -> list[float]:
    times: list[float] = []
    async with app.run_test(size=SCREEN) as pilot:
        await pilot.pause()
        for index, view in enumerate(stream):
            gc.collect()  # the views' allocation debt is the store's work, not the screen's
            started = time.process_time()
            app.post_message(message(view))
            await _until_painted(app, index + 1)
            if index >= WARMUP:
                times.append(time.process_time() - started)
            await pilot.pause()  # settle outside the clock: the next view starts from quiet
    return times


def wallboard_app_on(store: Store) -> Any:
    """The wallboard as the CLI builds it, reading `store` instead of a live runtime."""
    return build_app(WallboardConfig(), AppOptions(), fixed_opener(FixedCore(store)))


def wallboard_app() -> Any:
    return wallboard_app_on(Store())  # stays empty: the measure posts views to the app itself


async def measure(size: Size, runs: int) -> tuple[list[float], list[float]]:
    """(wallboard seconds per poll, baseline seconds per poll) for `runs` polls each."""
    stream = views(size, WARMUP + runs)
    ours = await _time_app(wallboard_app(), ViewArrived, stream)
    base = await _time_app(BaselineApp(), Show, stream)
    return ours, base
