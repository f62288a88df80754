"""Rate budget: one sliding-window log per account and limit family, shared by the whole process.

Why a sliding-window *log* and not a token bucket: a bucket that starts full lets a burst of N
go out and then refills continuously, so across the boundary it can put up to 2N requests inside
one window. A server that counts with a sliding window answers that with 429s. Keeping the send
times and refusing the (N+1)th send inside ANY window of the limit's length is safe whatever the
server counts with, and the log is tiny (120 stamps at most for the largest family).

Three more decisions that make the numbers trustworthy:

- A send is stamped when its answer arrives, and counts as "now" while it is in flight. The
  server counts a request when it arrives, which is after we sent it and before we heard back,
  so a stamp taken at completion can only make our window start later than the server's.
- Polls may only use capacity above a **reserve**; actions (a supervisor's hangup) may use all
  of it. A busy poller therefore never delays an action.
- After a 429 the family backs off (Retry-After, or exponential backoff with jitter) and then
  sends a single **probe**; other polls wait until the probe has an answer. During a storm of
  429s this keeps the client to about one request per back-off period, however many tasks poll.

Core module: no Textual, no HTTP. The clock, wall clock, sleep and randomness are injectable so
tests can drive time without sleeping.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Literal

import anyio

Priority = Literal["poll", "action"]
Clock = Callable[[], float]
WallClock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class Window:
    """At most `limit` sends in any `seconds`-long interval."""

    limit: int
    seconds: float


@dataclass(frozen=True)
class FamilySpec:
    """A limit family: requests that the platform counts together.

    `reserve` slots of every window are kept for actions; polls stop short of them. A family can
    have several windows (reports: 2 per minute AND 9 per 15 minutes); a send needs room in all.
    """

    name: str
    windows: tuple[Window, ...]
    reserve: int = 0

    def __post_init__(self) -> None:
        if not self.windows:
            raise ValueError(f"family {self.name!r} needs at least one window")
        smallest = min(window.limit for window in self.windows)
        if not 0 <= self.reserve < smallest:
            raise ValueError(
                f"family {self.name!r}: reserve must be between 0 and {smallest - 1} "
                "so that polls can still make progress"
            )


def default_families(realtime_reserve: int = 10) -> dict[str, FamilySpec]:
    """The platform's published limits.

    - `realtime`: real-time data and active calls, 120 per minute (seeds 000 and 001).
    - `reports`: 2 per minute (seed 002) and 9 per 15 minutes (API notes): the stricter of both.
    - `auth`: the RingCX token exchange, 5 per minute (API notes); refreshes are charged too,
      which costs little (one every few minutes) and is safe if the platform counts them.
    - `platform_auth`: RingCentral's own token endpoint, which RingCentral's "Auth" usage plan
      also limits to 5 per minute.
    """
    return {
        "realtime": FamilySpec("realtime", (Window(120, 60.0),), reserve=realtime_reserve),
        "reports": FamilySpec("reports", (Window(2, 60.0), Window(9, 900.0))),
        "auth": FamilySpec("auth", (Window(5, 60.0),)),
        "platform_auth": FamilySpec("platform_auth", (Window(5, 60.0),)),
    }


class RateLimited(Exception):
    """No send is allowed now. `retry_after` is seconds from now; `retry_at` the wall time."""

    def __init__(
        self, message: str, *, retry_after: float, retry_at: datetime, family: str | None = None
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.retry_at = retry_at
        self.family = family


@dataclass(frozen=True)
class WindowState:
    limit: int
    seconds: float
    used: int
    remaining: int


@dataclass(frozen=True)
class BudgetState:
    """What the screen shows about one family. The headline numbers describe the window with
    the least room left; `windows` has them all."""

    family: str
    limit: int
    used_in_window: int
    remaining: int
    poll_remaining: int
    reserve: int
    next_free_at: datetime | None
    """Wall time when a poll may next be sent; None when it may be sent now."""
    next_free_in: float
    backing_off_until: datetime | None
    consecutive_429s: int
    probing: bool
    windows: tuple[WindowState, ...]

    @property
    def backing_off(self) -> bool:
        return self.backing_off_until is not None


class Ticket:
    """One granted send. Settle it exactly once with the outcome (the transport does so in a
    `finally`); until then it counts as sent "now" in every window."""

    __slots__ = ("_budget", "at", "is_probe", "priority")

    def __init__(self, budget: Budget, priority: Priority, is_probe: bool) -> None:
        self._budget = budget
        self.priority = priority
        self.is_probe = is_probe
        self.at: float | None = None

    def answered(self) -> None:
        """The platform answered with anything but 429: the family is healthy again."""
        self._budget._settle(self, rate_limited=False, healthy=True, retry_after=None)

    def rate_limited(self, retry_after: float | None) -> float:
        """The platform answered 429; returns the back-off applied, in seconds."""
        return self._budget._settle(self, rate_limited=True, healthy=False, retry_after=retry_after)

    def failed(self) -> None:
        """No answer (timeout, connection error, cancellation): the send still counts."""
        self._budget._settle(self, rate_limited=False, healthy=False, retry_after=None)

    @property
    def settled(self) -> bool:
        return self.at is not None


class Budget:
    """The sliding-window budget of one (account, family). Thread-safe; waiting uses anyio."""

    def __init__(
        self,
        spec: FamilySpec,
        *,
        clock: Clock = time.monotonic,
        wall: WallClock | None = None,
        sleep: Sleep = anyio.sleep,
        rng: random.Random | None = None,
        margin: float = 0.2,
        backoff_base: float = 1.0,
        backoff_cap: float = 60.0,
        jitter: float = 0.25,
        probe_poll: float = 0.05,
    ) -> None:
        self.spec = spec
        self._clock = clock
        self._wall = wall or (lambda: datetime.now(UTC))
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._margin = margin
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._jitter = jitter
        self._probe_poll = probe_poll
        self._lock = threading.Lock()
        self._tickets: list[Ticket] = []
        self._backoff_until = -math.inf
        self._consecutive = 0
        self._probe: Ticket | None = None
        self._longest = max(w.seconds for w in spec.windows) + margin

    def __repr__(self) -> str:
        return f"Budget({self.spec.name!r})"

    # --- granting --------------------------------------------------------------------------

    async def acquire(
        self, priority: Priority = "poll", *, wait: bool = True, max_wait: float | None = None
    ) -> Ticket:
        """A ticket for one send. With `wait`, sleeps until one is allowed (at most `max_wait`
        seconds when given); otherwise raises `RateLimited` with the time a send may go."""
        waited = 0.0
        while True:
            ticket, delay = self._try_grant(priority)
            if ticket is not None:
                return ticket
            if not wait or (max_wait is not None and waited + delay > max_wait):
                raise RateLimited(
                    f"{self.spec.name} rate budget exhausted; next send in {delay:.1f} s",
                    retry_after=delay,
                    retry_at=self._wall() + timedelta(seconds=delay),
                    family=self.spec.name,
                )
            await self._sleep(delay)
            waited += delay

    def _try_grant(self, priority: Priority) -> tuple[Ticket | None, float]:
        with self._lock:
            now = self._clock()
            self._prune(now)
            delay = self._delay(priority, now)
            if delay > 0:
                return None, delay
            probing = self._consecutive > 0 and priority == "poll"
            if probing and self._probe is not None:
                return None, self._probe_poll
            ticket = Ticket(self, priority, is_probe=probing)
            if probing:
                self._probe = ticket
            self._tickets.append(ticket)
            return ticket, 0.0

    def _delay(self, priority: Priority, now: float) -> float:
        """Seconds until `priority` may send, from the windows and any back-off (lock held)."""
        reserve = self.spec.reserve if priority == "poll" else 0
        delay = max(0.0, self._backoff_until - now)
        for window in self.spec.windows:
            allowed = window.limit - reserve
            stamps = self._stamps_in(window, now)
            if len(stamps) >= allowed:
                oldest_that_must_go = stamps[len(stamps) - allowed]
                delay = max(delay, oldest_that_must_go + window.seconds + self._margin - now)
        return delay

    def _stamps_in(self, window: Window, now: float) -> list[float]:
        horizon = now - window.seconds - self._margin
        stamps = [now if t.at is None else t.at for t in self._tickets]
        return sorted(s for s in stamps if s > horizon)

    def _prune(self, now: float) -> None:
        horizon = now - self._longest
        self._tickets = [t for t in self._tickets if t.at is None or t.at > horizon]

    # --- outcomes --------------------------------------------------------------------------

    def _settle(
        self, ticket: Ticket, *, rate_limited: bool, healthy: bool, retry_after: float | None
    ) -> float:
        with self._lock:
            now = self._clock()
            if ticket.at is None:
                ticket.at = now
            if self._probe is ticket:
                self._probe = None
            if healthy:
                self._consecutive = 0
            if rate_limited:
                return self._penalize(now, retry_after)
            return 0.0

    def penalize(self, retry_after: float | None = None) -> float:
        """Back off after a 429: `retry_after` seconds when the platform said so, else
        exponential backoff with jitter (1 s, 2 s, 4 s, ... capped). Returns the delay."""
        with self._lock:
            return self._penalize(self._clock(), retry_after)

    def _penalize(self, now: float, retry_after: float | None) -> float:
        if retry_after is not None:
            delay = max(0.0, retry_after)
        else:
            step = min(self._backoff_cap, self._backoff_base * 2.0**self._consecutive)
            delay = min(self._backoff_cap, step * (1.0 + self._rng.random() * self._jitter))
        self._consecutive += 1
        self._backoff_until = max(self._backoff_until, now + delay)
        return delay

    def record_success(self) -> None:
        """A non-429 answer outside any ticket: reset the consecutive-429 count."""
        with self._lock:
            self._consecutive = 0

    # --- reporting -------------------------------------------------------------------------

    def state(self) -> BudgetState:
        with self._lock:
            now = self._clock()
            self._prune(now)
            windows = []
            for window in self.spec.windows:
                used = len(self._stamps_in(window, now))
                windows.append(
                    WindowState(window.limit, window.seconds, used, max(0, window.limit - used))
                )
            tightest = min(windows, key=lambda w: w.remaining)
            delay = self._delay("poll", now)
            wall = self._wall()
            backoff = self._backoff_until - now
            return BudgetState(
                family=self.spec.name,
                limit=tightest.limit,
                used_in_window=tightest.used,
                remaining=tightest.remaining,
                poll_remaining=max(0, tightest.remaining - self.spec.reserve),
                reserve=self.spec.reserve,
                next_free_at=wall + timedelta(seconds=delay) if delay > 0 else None,
                next_free_in=delay,
                backing_off_until=wall + timedelta(seconds=backoff) if backoff > 0 else None,
                consecutive_429s=self._consecutive,
                probing=self._probe is not None,
                windows=tuple(windows),
            )


class BudgetRegistry:
    """Budgets by (account key, family), so every client in the process for one account shares
    them. Use the module's `default_registry()` in the app; tests make their own."""

    def __init__(
        self,
        families: Mapping[str, FamilySpec] | None = None,
        *,
        clock: Clock = time.monotonic,
        wall: WallClock | None = None,
        sleep: Sleep = anyio.sleep,
        rng: random.Random | None = None,
        margin: float = 0.2,
        backoff_cap: float = 60.0,
    ) -> None:
        self._families = dict(families or default_families())
        self._clock = clock
        self._wall = wall
        self._sleep = sleep
        self._rng = rng
        self._margin = margin
        self._backoff_cap = backoff_cap
        self._budgets: dict[tuple[str, str], Budget] = {}
        self._lock = threading.Lock()

    @property
    def families(self) -> tuple[str, ...]:
        return tuple(self._families)

    def budget(self, account_key: str, family: str) -> Budget:
        spec = self._families.get(family)
        if spec is None:
            raise KeyError(f"unknown limit family {family!r} (known: {', '.join(self._families)})")
        with self._lock:
            key = (account_key, family)
            if key not in self._budgets:
                self._budgets[key] = Budget(
                    spec,
                    clock=self._clock,
                    wall=self._wall,
                    sleep=self._sleep,
                    rng=self._rng,
                    margin=self._margin,
                    backoff_cap=self._backoff_cap,
                )
            return self._budgets[key]

    def states(self, account_key: str) -> dict[str, BudgetState]:
        return {family: self.budget(account_key, family).state() for family in self._families}


def with_reserve(
    families: Mapping[str, FamilySpec], family: str, reserve: int
) -> dict[str, FamilySpec]:
    """A copy of `families` with one family's action reserve changed (a config knob)."""
    updated = dict(families)
    updated[family] = replace(updated[family], reserve=reserve)
    return updated


_DEFAULT_REGISTRY = BudgetRegistry()


def default_registry() -> BudgetRegistry:
    """The process-wide registry every client uses unless given another."""
    return _DEFAULT_REGISTRY
