"""Python's cyclic garbage collector, paced to the poll cycle, for a screen that runs for months.

Why: at 10,000 calls a cycle brings thousands of new records, views and strings that live for a
cycle or more. Left to its allocation counters, the collector scans them over and over while
they are being built (young collections every few hundred allocations, each survivor scanned
again when promoted), and then runs a full collection over everything the wallboard holds every
cycle or two: about a quarter of the wallboard's CPU in a steady state, for garbage that is
almost all freed by reference counting anyway.

Paced, it runs once a cycle, after a view is on screen (views come once per source polled, so
several a cycle; `young_every_s` apart at most once): one young collection over what the
cycle made, whose survivors are then moved out of the collector's sight (`gc.freeze()`), so no
later collection scans them again. Reference counting still frees them when they are replaced;
only garbage in reference cycles among them waits, until the full collection that runs every
`full_every_s` over everything (frozen objects included). A cycle that never comes (a hung
platform) does not stop collection: `tick()` on a timer collects when no view did for a while.

Not used by one-shot commands or tests: they end before the collector's pace matters.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

#: Seconds between full collections. Garbage in reference cycles waits at most this long.
FULL_EVERY_S = 600.0
#: Seconds without a view after which `tick()` collects anyway.
IDLE_COLLECT_S = 60.0
#: Seconds from one young collection to the next: views come several times a cycle (one per
#: source polled), and one collection a cycle scans what the cycle left in one pass.
YOUNG_EVERY_S = 10.0


class PacedCollector:
    """`start()` once the program is built, `after_view()` after each view, `tick()` on a
    timer, `stop()` at exit. Counts its collections for tests and the log."""

    def __init__(
        self,
        *,
        full_every_s: float = FULL_EVERY_S,
        idle_collect_s: float = IDLE_COLLECT_S,
        young_every_s: float = YOUNG_EVERY_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.full_every_s = full_every_s
        self.idle_collect_s = idle_collect_s
        self.young_every_s = young_every_s
        self._clock = clock
        self._active = False
        self._last = self._last_full = 0.0
        self.young = 0
        """Young collections run (one per view, or per idle tick)."""
        self.full = 0
        """Full collections run."""

    @property
    def active(self) -> bool:
        return self._active

    def start(self) -> None:
        """What is built by now (modules, classes, styles) lives as long as the process: out of
        the collector's sight; automatic collection off."""
        gc.collect()
        gc.freeze()
        gc.disable()
        self._active = True
        self._last = self._last_full = self._clock()

    def stop(self) -> None:
        """Back to Python's own pacing."""
        if self._active:
            self._active = False
            gc.unfreeze()
            gc.enable()

    def after_view(self) -> None:
        """A view is on screen: collect what the cycle left, unless a collection ran less
        than `young_every_s` ago (then the next one scans this view's leftovers too)."""
        if self._active and self._clock() - self._last >= self.young_every_s:
            self._collect()

    def tick(self) -> None:
        """On a timer: collect if no view did for `idle_collect_s`."""
        if self._active and self._clock() - self._last >= self.idle_collect_s:
            self._collect()

    def _collect(self) -> None:
        now = self._clock()
        self._last = now
        if now - self._last_full >= self.full_every_s:
            self._last_full = now
            gc.unfreeze()
            gc.collect()
            self.full += 1
        else:
            gc.collect(1)
            self.young += 1
        gc.freeze()
