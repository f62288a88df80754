"""Sliding-window rate limiters with the platform's documented budgets.

Why sliding windows rather than token buckets: the platform documents its limits as "N requests
per window" and a client that bursts N requests must then wait until the *oldest* of them leaves
the window. A sliding log reproduces exactly that, and gives an honest `Retry-After` (the seconds
until the oldest request in the window expires), which is what the wallboard's budget must honour.

Why real time, not the simulated clock: the platform's limits are about real seconds, and so is
the wallboard's own budget. An accelerated simulation must not let a client poll sixty times
faster than the real platform would allow.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Window:
    """At most `limit` requests in any `seconds`-long window."""

    limit: int
    seconds: float

    def __post_init__(self) -> None:
        if self.limit < 1 or self.seconds <= 0:
            raise ValueError("a window needs limit >= 1 and seconds > 0")


@dataclass(frozen=True)
class SimLimits:
    """The budgets the simulator enforces; tests may loosen one to exercise another feature.

    Defaults follow the seeds and API notes: real-time data and active calls share 120 requests
    per minute per token; reports allow 2 per minute and 9 per 15 minutes per sub-account (the
    stricter of the two documented limits); the RingCentral-to-RingCX token exchange allows 5
    per minute. An empty tuple disables a family's limit.
    """

    realtime: tuple[Window, ...] = (Window(120, 60.0),)
    reports: tuple[Window, ...] = (Window(2, 60.0), Window(9, 900.0))
    exchange: tuple[Window, ...] = (Window(5, 60.0),)

    @classmethod
    def unlimited(cls) -> SimLimits:
        return cls(realtime=(), reports=(), exchange=())


class SlidingWindowLimiter:
    """Admits a request if every window still has room for it under `key`; thread-safe.

    A refused request is not recorded, so a client that keeps hammering a full window is not
    punished beyond the documented budget (the platform counts admitted requests).
    """

    def __init__(
        self, windows: Iterable[Window], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._windows = tuple(windows)
        self._clock = clock
        self._lock = threading.Lock()
        self._hits: dict[str, deque[float]] = {}
        self._longest = max((w.seconds for w in self._windows), default=0.0)

    def acquire(self, key: str) -> float | None:
        """Record one request for `key`: None if admitted, else seconds until a slot frees."""
        if not self._windows:
            return None
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self._longest:
                hits.popleft()
            wait = max((self._wait(hits, window, now) for window in self._windows), default=0.0)
            if wait > 0:
                return wait
            hits.append(now)
            return None

    @staticmethod
    def _wait(hits: deque[float], window: Window, now: float) -> float:
        """Seconds until `window` has room again (0 if it has room now)."""
        start = now - window.seconds
        inside = [t for t in hits if t > start] if len(hits) >= window.limit else []
        if len(inside) < window.limit:
            return 0.0
        # The window is full; it frees a slot when the oldest request that must leave it does.
        blocking = inside[len(inside) - window.limit]
        return max(blocking + window.seconds - now, 1e-6)

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()


def retry_after_header(wait: float) -> str:
    """`Retry-After` in whole seconds, rounded up so a client that obeys it is always admitted."""
    return str(max(1, math.ceil(wait)))


@dataclass
class LimiterSet:
    """One limiter per limited family, built from a `SimLimits`."""

    limits: SimLimits = field(default_factory=SimLimits)
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self.realtime = SlidingWindowLimiter(self.limits.realtime, self.clock)
        self.reports = SlidingWindowLimiter(self.limits.reports, self.clock)
        self.exchange = SlidingWindowLimiter(self.limits.exchange, self.clock)
