"""The single-flight poller: one cycle at a time, its sources fetched concurrently, within budget.

Why single flight: the rate budget is planned per cycle; two overlapping cycles would spend it
twice. A cycle that is asked for while another runs (a refresh key, a second caller) joins the
running one instead of starting its own (Dolphie's worker does the same).

Why the store is published from a worker thread: deriving a view at 10,000 calls takes tens of
milliseconds, which a screen on the same event loop would feel as a stutter.

A failed source keeps its last good records and their poll time, with the error set, so the
screen shows aged data rather than nothing (see `SourceResult`).

When every source of a cycle failed, the platform is taken to be unreachable: the next cycles send
one probe (campaign statistics) instead of every source with its retries, until it answers. A
platform that is down is not hammered harder because it is down.

Early views of the first cycle: at 10,000 calls the listing takes eleven pages and seconds, while
campaign, IVR, queue and agent statistics answer in one request each. Until the store has a view
at all, the cycle therefore publishes what has arrived (latest-wins, one publish at a time) while
the listing is still being read; sources not in yet are marked `waiting` (neither stale nor
zero). It does so only when the quick sources count more calls in progress than one page of the
listing holds: a short listing ends with the others, and an early view would only be a second
publish. Later cycles publish once, at their end.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from itertools import repeat
from typing import Any

import anyio

from wallboard.domain import SOURCES, Snapshot, SourceName, SourceResult
from wallboard.planner import CyclePlan, expected_pages, plan_cycle
from wallboard.providers.base import Fetched, Provider
from wallboard.store import Store, View

log = logging.getLogger(__name__)

#: The platform's guidance: polling real-time data more often than every 5 seconds is refused.
MIN_INTERVAL_S = 5.0
DEFAULT_INTERVAL_S = 15.0


def utc_now() -> datetime:
    return datetime.now(UTC)


def check_interval(interval_s: float) -> float:
    """The interval, or a ValueError that says why it is refused."""
    if not math.isfinite(interval_s) or interval_s < MIN_INTERVAL_S:
        raise ValueError(
            f"poll interval {interval_s:g} s is below the platform's minimum of "
            f"{MIN_INTERVAL_S:g} s (real-time data refreshes no faster)"
        )
    return interval_s


class Poller:
    """Feeds `store` from `provider` every `interval_s` seconds (see the module docstring).

    `now` is the clock that stamps polls; the simulator's clock in accelerated tests.
    `wanted` limits the sources fetched (the screen's visible panes); the others are kept
    with `polling=False`, which the screen shows as paused, not stale."""

    def __init__(
        self,
        provider: Provider,
        store: Store,
        *,
        interval_s: float = DEFAULT_INTERVAL_S,
        now: Callable[[], datetime] = utc_now,
        wanted: Iterable[SourceName] | None = None,
        max_call_pages: int = 20,
    ) -> None:
        self.provider = provider
        self.store = store
        self.interval_s = check_interval(interval_s)
        self.max_call_pages = max(1, max_call_pages)
        self._now = now
        self._wanted: frozenset[SourceName] = frozenset(wanted or SOURCES)
        self._results: dict[SourceName, SourceResult[Any]] = {
            source: (
                SourceResult(source=source)
                if source in provider.sources
                else SourceResult.unsupported(source)
            )
            for source in SOURCES
        }
        self._last_fetched: dict[SourceName, int] = {}
        self._last_count: dict[SourceName, int] = {}
        self._unreachable = False
        self.cycle = 0
        self.last_plan: CyclePlan | None = None
        self._running: anyio.Event | None = None
        self._done_view: View | None = None
        self._wake = anyio.Event()

    # --- control ---------------------------------------------------------------------------

    def set_wanted(self, sources: Iterable[SourceName]) -> None:
        """Fetch only these sources from the next cycle on (campaigns always)."""
        self._wanted = frozenset(sources) | {"campaigns"}

    def refresh(self) -> None:
        """Start the next cycle now rather than at the end of the interval (never overlapping
        a running one)."""
        self._wake.set()

    # --- cycles ----------------------------------------------------------------------------

    async def poll_once(self) -> View:
        """Run one cycle and return its view; if a cycle is running, wait for it instead."""
        if self._running is not None:
            running = self._running
            await running.wait()
            assert self._done_view is not None
            return self._done_view
        self._running = anyio.Event()
        try:
            view = await self._cycle()
            self._done_view = view
            return view
        finally:
            self._running.set()
            self._running = None

    async def run(self, *, cycles: int | None = None) -> None:
        """Poll forever (or `cycles` times): a cycle, then the rest of the interval. A cycle
        that overruns the interval is followed at once by the next, never overlapped."""
        done = 0
        while cycles is None or done < cycles:
            started = anyio.current_time()
            await self.poll_once()
            done += 1
            if cycles is not None and done >= cycles:
                break
            self._wake = anyio.Event()
            rest = self.interval_s - (anyio.current_time() - started)
            with anyio.move_on_after(max(0.0, rest)):
                await self._wake.wait()

    async def _cycle(self) -> View:
        self.cycle += 1
        plan = self._plan()
        self.last_plan = plan
        failures: list[SourceName] = []
        pending = set(plan.fetch)
        early = self.store.latest is None and "calls" in pending and len(pending) > 1
        arrived = anyio.Event()

        async def fetch(source: SourceName) -> None:
            await self._fetch(source, plan, failures)
            pending.discard(source)
            arrived.set()

        async def publish_early() -> None:
            """Publish what has arrived whenever something did, while fetches remain."""
            nonlocal arrived
            while pending:
                await arrived.wait()
                arrived = anyio.Event()
                if not pending or not self._long_listing():
                    continue
                snapshot = self._snapshot(plan, waiting=frozenset(pending))
                try:
                    await anyio.to_thread.run_sync(self.store.publish, snapshot)
                except Exception:  # the cycle's own publish still comes; never lose the cycle
                    log.exception("poll: an early publish failed")
                    return

        async with anyio.create_task_group() as group:
            if early:
                group.start_soon(publish_early)
            for source in plan.fetch:
                group.start_soon(fetch, source)
        self._unreachable = bool(plan.fetch) and len(failures) == len(plan.fetch)
        for source in SOURCES:
            if source not in plan.fetch and source in self.provider.sources:
                result = self._results[source]
                paused = source not in self._wanted
                if result.polling == paused:
                    self._results[source] = replace(result, polling=not paused)
        snapshot = self._snapshot(plan)
        return await anyio.to_thread.run_sync(self.store.publish, snapshot)

    def _plan(self) -> CyclePlan:
        if self._unreachable:
            return CyclePlan(
                fetch=("campaigns",),
                call_pages=1,
                every={},
                notes=("platform unreachable: probing with campaign statistics only",),
            )
        provider = self.provider
        wanted = [s for s in SOURCES if s in self._wanted and s in provider.sources]
        cost: dict[SourceName, int] = {source: 1 for source in wanted}
        if "calls" in cost:
            cost["calls"] = min(
                self.max_call_pages,
                expected_pages(self._last_count.get("calls"), provider.page_size),
            )
        family = provider.poll_family("campaigns")
        capacity = provider.capacity(family)
        return plan_cycle(
            cycle=self.cycle,
            wanted=wanted,
            last_fetched=self._last_fetched,
            cost=cost,
            per_minute=capacity.per_minute,
            remaining_now=capacity.remaining_now,
            interval_s=self.interval_s,
            max_call_pages=self.max_call_pages,
        )

    async def _fetch(self, source: SourceName, plan: CyclePlan, failures: list[SourceName]) -> None:
        attempted = self._now()
        try:
            fetched = await self.provider.fetch(source, max_pages=plan.call_pages, at=attempted)
        except Exception as error:  # one failing source must not take the others down
            message = _describe(error)
            log.warning("poll %s failed: %s", source, message)
            self._results[source] = self._results[source].failed(message, attempted)
            failures.append(source)
            return
        polled_at = self._now()
        self._last_fetched[source] = self.cycle
        self._last_count[source] = len(fetched.records)
        self._results[source] = _result(source, fetched, polled_at)

    def _long_listing(self) -> bool:
        """Campaign, queue and IVR statistics count the calls in progress: more of them than a
        page of the listing holds means the listing is the slow part of this cycle."""
        in_progress = sum(
            getattr(record, "active", 0)
            for source in ("campaigns", "queues", "ivr")
            for record in self._results[source].records
        )
        return in_progress > self.provider.page_size

    def _snapshot(self, plan: CyclePlan, waiting: frozenset[SourceName] = frozenset()) -> Snapshot:
        """This cycle's snapshot; `waiting` names the fetches still under way (an early
        snapshot), and those that never brought data are marked so."""
        r = self._results
        if waiting:
            r = {
                source: (
                    replace(result, waiting=True)
                    if source in waiting and result.polled_at is None
                    else result
                )
                for source, result in r.items()
            }
        return Snapshot(
            account=self.provider.account,
            timezone=self.provider.timezone,
            cycle=self.cycle,
            taken_at=self._now(),
            interval_s=self.interval_s,
            campaigns=r["campaigns"],
            ivr=r["ivr"],
            queues=r["queues"],
            agents=r["agents"],
            calls=r["calls"],
            budget=self.provider.budget(),
            notes=plan.notes,
        )


def _result(source: SourceName, fetched: Fetched, polled_at: datetime) -> SourceResult[Any]:
    # C loops, not a comprehension: 17,000 records a cycle (datetimes are never falsy).
    stamps = list(filter(None, map(getattr, fetched.records, repeat("last_update"), repeat(None))))
    return SourceResult(
        source=source,
        records=fetched.records,
        polled_at=polled_at,
        last_update=max(stamps) if stamps else None,
        attempted_at=polled_at,
        warnings=fetched.warnings,
        truncated=fetched.truncated,
    )


def _describe(error: BaseException) -> str:
    """A one-line reason. Provider errors are already redacted and written for people; anything
    else is a bug, shown by its type so the status line stays short."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    if text and type(error).__module__.startswith("wallboard."):
        return text
    name = type(error).__name__
    return f"{name}: {text}" if text else name
