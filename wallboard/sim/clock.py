"""Simulated time for the contact center.

Why its own clock: the simulator must run faster than real time (a day of dialing in minutes for
soak and midnight-reset tests) and must also stand still for deterministic tests. Everything in
the simulator that means "platform time" (token expiry, daily counters, call durations, report
windows) reads this clock; rate limits do not, because the platform's limits are about real
seconds and so is the wallboard's budget.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta


class SimClock:
    """Platform time = `start` + (real seconds since creation) x `speed` + manual advances.

    `speed=0` freezes the clock: only `advance()` moves it (the tests' mode). The clock is
    thread-safe because the HTTP server and a test may read and advance it from different
    threads.
    """

    def __init__(self, start: datetime | None = None, speed: float = 1.0) -> None:
        if speed < 0:
            raise ValueError("speed must be >= 0")
        if start is None:
            start = datetime.now(UTC)
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        self._lock = threading.Lock()
        self._start = start.astimezone(UTC)
        self._speed = float(speed)
        self._real_origin = time.monotonic()
        self._offset = 0.0

    @property
    def speed(self) -> float:
        return self._speed

    def now(self) -> datetime:
        """Current platform time, timezone-aware in UTC."""
        with self._lock:
            elapsed = (time.monotonic() - self._real_origin) * self._speed + self._offset
        return self._start + timedelta(seconds=elapsed)

    def advance(self, seconds: float) -> datetime:
        """Move platform time forward by `seconds` (never backward) and return the new time."""
        if seconds < 0:
            raise ValueError("the clock never runs backward")
        with self._lock:
            self._offset += seconds
        return self.now()

    def set_speed(self, speed: float) -> None:
        """Change speed without a jump: time so far is kept, the new rate applies from now."""
        if speed < 0:
            raise ValueError("speed must be >= 0")
        with self._lock:
            now_real = time.monotonic()
            self._offset += (now_real - self._real_origin) * self._speed
            self._real_origin = now_real
            self._speed = float(speed)
