"""Python's cyclic garbage collector, paced to the poll cycle, for a screen that runs for months.

Why: at 10,000 calls a cycle brings thousands of new records, views and strings that live for a
cycle or more. Left to its allocation counters, the collector scans them over and over while
they are being built (young collections every few hundred allocations, each survivor scanned
again when promoted), and then runs a full collection over everything the wallboard holds every
cycle or two: about a quarter of the wallboard's CPU in a steady state, for garbage that is
almost all freed by reference counting anyway.

Paced, it scans nothing between full collections. Once a cycle, after a view is on screen
(views come once per source polled, so several a cycle; `freeze_every_s` apart at most once),
what the cycle made is moved out of the collector's sight (`gc.freeze()`, no scan), so no
collection scans it until the full one that runs every `full_every_s` over everything (frozen
objects included). Reference counting frees all of it that is not in a reference cycle, as it
always does. What the wallboard makes in cycles each poll is small: the providers' client
leaves none per request (`wallboard.providers.http_client.AcyclicClient`; httpx's own left 40
objects and the whole answer body per request), and Textual a few hundred objects of its
caches. A young collection every cycle to find those scanned 25,000 objects, 15-25 ms of CPU
a cycle; the full collection every few minutes costs a few ms a cycle, spread. A cycle that
never comes (a hung platform) does not stop collection: `tick()` on a timer freezes when no
view did for a while, and the full collection runs on its schedule.

Not used by one-shot commands or tests: they end before the collector's pace matters.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

#: Seconds between full collections. Garbage in reference cycles waits at most this long.
FULL_EVERY_S = 300.0
#: Seconds without a view after which `tick()` freezes (and collects, when due) anyway.
IDLE_COLLECT_S = 60.0
#: Seconds from one freeze to the next: views come several times a cycle (one per source
#: polled), and once a cycle is enough to keep what the cycle left out of the counters.
FREEZE_EVERY_S = 10.0


class PacedCollector:
    """`start()` once the program is built, `after_view()` after each view, `tick()` on a
    timer, `stop()` at exit. Counts its collections for tests and the log."""

    def __init__(
        self,
        *,
        full_every_s: float = FULL_EVERY_S,
        idle_collect_s: float = IDLE_COLLECT_S,
        freeze_every_s: float = FREEZE_EVERY_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.full_every_s = full_every_s
        self.idle_collect_s = idle_collect_s
        self.freeze_every_s = freeze_every_s
        self._clock = clock
        self._active = False
        self._last = self._last_full = 0.0
        self.freezes = 0
        """Cycles' leftovers frozen without a scan (one per cycle's views, or per idle tick)."""
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
        """A view is on screen: freeze what the cycle left (a full collection first, when one
        is due), unless that ran less than `freeze_every_s` ago (then the next one takes this
        view's leftovers too)."""
        if self._active and self._clock() - self._last >= self.freeze_every_s:
            self._collect()

    def tick(self) -> None:
        """On a timer: do what a view would, if no view did for `idle_collect_s`."""
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
            self.freezes += 1
        gc.freeze()
