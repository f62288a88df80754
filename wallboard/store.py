"""The state store: latest snapshot in, immutable `View` out, latest-wins to every subscriber.

Why one place does all derivation: the screen, the headless commands and a later fan-out must see
the same numbers, and the UI thread must never compute them. `publish(snapshot)` therefore does
everything once per cycle (delta, counter increments and rates, rolling compliance windows,
starved durations, trends, alerts, history) and hands out one immutable `View`.

Why latest-wins: a subscriber that falls behind (a screen busy with a modal) must skip to the
newest view, never drain a backlog of stale ones. Each subscription is a one-slot mailbox that a
new view overwrites.

Freshness rule: a source is processed only when its `polled_at` moved. A failed source keeps its
last good records and `polled_at`, so its counters are not read twice and its entity views (and
trends) stay as they were while its age grows. Everything time-based for a source (rates, starved
durations, time in state, rolling windows) is measured at that source's `polled_at`.

Cost: at 500 campaigns, 1,000 agents and 10,000 calls a publish is a few passes over dicts.
Diffs are set operations on per-record comparison tuples built by `operator.attrgetter` (C
loops), and the per-entity items are NamedTuples (a frozen dataclass costs six times more to
build, and thousands are built per cycle).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from itertools import compress, filterfalse
from operator import attrgetter
from operator import sub as _sub
from types import MappingProxyType
from typing import Any, Generic, NamedTuple, TypeVar
from zoneinfo import ZoneInfo

from wallboard import metrics as m
from wallboard.alerts import Alert, AlertEngine, AlertRule, EntityMetrics, default_rules
from wallboard.counters import (
    Coverage,
    DailyCounters,
    LocalDay,
    Observation,
    RollingSum,
    coverage_text,
)
from wallboard.domain import ActiveCall, Agent, Campaign, IvrApp, Queue, Snapshot, SourceResult
from wallboard.history import CounterBatch, History

log = logging.getLogger(__name__)

R = TypeVar("R")
Series = tuple[float | None, ...]
Getter = Callable[[Any], tuple[Any, ...]]
DAY = 86400.0
ROLLING = {"24h": (DAY, 300.0), "30d": (30 * DAY, 3600.0)}
"""Rolling compliance windows: name -> (width, bucket) in seconds."""
_COMPLIANCE = ("abandon", "answer")
_C = {name: i for i, name in enumerate(Campaign.COUNTERS)}
_EMPTY: Mapping[str, Any] = MappingProxyType({})

#: Metrics kept as sparkline series per entity, by source.
TREND_METRICS: dict[str, tuple[str, ...]] = {
    "campaigns": ("dials_per_min", "abandon_rate_today", "human_answer_rate", "agent_starved_s"),
    "ivr": ("ivr_active", "containment"),
    "queues": ("calls_waiting", "longest_wait_s", "service_level"),
    "agents": ("agent_on_call",),
}


def _getter(names: tuple[str, ...]) -> Getter | None:
    if not names:
        return None
    get = attrgetter(*names)
    return (lambda obj: (get(obj),)) if len(names) == 1 else get


#: Fields a change is not measured by: `last_update` moves on every poll, and the agents'
#: `*_since` are derived from second-granular durations at the poll time, so they jitter by a
#: second between polls. An unchanged agent keeps its earlier record (and its steadier times).
_NOT_COMPARED = ("last_update", "state_since", "logged_in_since")


@dataclass(frozen=True)
class _Kind:
    """Per record type: its key, its counters, its numeric fields, what a change compares."""

    key: Callable[[Any], str]
    counters: tuple[str, ...]
    numeric: tuple[str, ...]
    read_counters: Getter | None
    read_numeric: Getter | None
    compare: Getter | None
    """None: no `updated` detection (calls: 10,000 comparisons a cycle for a table that
    redraws its visible rows anyway)."""

    @classmethod
    def of(cls, record: type[Any], key: str, compare: bool = True) -> _Kind:
        numeric = record.COUNTERS + record.GAUGES
        compared = tuple(f.name for f in fields(record) if f.name not in (key, *_NOT_COMPARED))
        return cls(
            attrgetter(key),
            record.COUNTERS,
            numeric,
            _getter(record.COUNTERS),
            _getter(numeric),
            _getter(compared) if compare else None,
        )


_KINDS = {
    "campaigns": _Kind.of(Campaign, "id"),
    "ivr": _Kind.of(IvrApp, "id"),
    "queues": _Kind.of(Queue, "id"),
    "agents": _Kind.of(Agent, "id"),
    "calls": _Kind.of(ActiveCall, "uii", compare=False),
}


# --- What subscribers receive -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Delta:
    """What changed since the previous snapshot, by source. A source that brought no new data
    this cycle has no entries. On the first view everything has `appeared`."""

    first: bool
    changed: Mapping[str, Mapping[str, Mapping[str, int]]]
    """source -> entity -> numeric field -> +1 (went up) or -1 (went down)."""
    updated: Mapping[str, frozenset[str]]
    """source -> entities whose record changed in any field but `last_update` (not computed for
    calls: use `appeared`/`removed`, and redraw the visible rows by uii)."""
    appeared: Mapping[str, frozenset[str]]
    removed: Mapping[str, frozenset[str]]

    def direction(self, source: str, entity: str, name: str) -> int:
        """+1, -1, or 0 when the field did not move."""
        by_field: Mapping[str, int] = self.changed.get(source, _EMPTY).get(entity, _EMPTY)
        return by_field.get(name, 0)

    @property
    def calls_appeared(self) -> frozenset[str]:
        return self.appeared.get("calls", frozenset())

    @property
    def calls_ended(self) -> frozenset[str]:
        return self.removed.get("calls", frozenset())


class EntityView(NamedTuple, Generic[R]):
    """One campaign, IVR, queue or agent with everything derived from it."""

    record: R
    name: str
    metrics: Mapping[str, float | None]
    """Metric key (see `wallboard.metrics.METRICS`) -> value; None means no data."""
    increments: tuple[int, ...]
    """Last interval's increment of each field in the record's `COUNTERS`."""
    interval_s: float | None
    """Seconds the increments span; None on an entity's first reading."""

    def rate(self, counter: str, per_s: float = 60.0) -> float | None:
        """A counter's increase over the last interval, per minute by default."""
        if not self.interval_s:
            return None
        counters: tuple[str, ...] = getattr(type(self.record), "COUNTERS", ())
        return float(self.increments[counters.index(counter)]) * per_s / self.interval_s


class TrendFrame(NamedTuple):
    """One cycle of one source's trend metrics, stored column-wise: one tuple per metric and
    one shared index, because building a per-entity series every cycle costs too much at
    thousands of agents."""

    positions: Mapping[str, int]
    columns: Mapping[str, Series]


@dataclass(frozen=True, slots=True)
class Trends:
    """The last cycles of the `TREND_METRICS` of every source, for sparklines."""

    frames: Mapping[str, tuple[TrendFrame, ...]]
    """source -> frames, oldest first."""

    def series(self, source: str, entity: str, metric: str) -> Series:
        """One entity's values, oldest first, from its first appearance (None: a gap).
        Assembled on demand: a screen asks only for its visible rows."""
        values: list[float | None] = []
        for frame in self.frames.get(source, ()):
            position = frame.positions.get(entity)
            if position is not None:
                values.append(frame.columns[metric][position])
            elif values:
                values.append(None)
        return tuple(values)


class WindowRate(NamedTuple):
    """Abandoned / live-answered over one window, with headroom to the cap and coverage."""

    label: str
    abandon: int
    answer: int
    rate: float | None
    headroom: float | None
    """cap − rate (negative: over the cap)."""
    abandons_left: int | None
    window_s: float
    covered_s: float
    coverage: str
    """`full 24 h` or `covers 2 h 10 min of 24 h`."""

    @property
    def complete(self) -> bool:
        return self.coverage.startswith("full")


class Compliance(NamedTuple):
    """One campaign's abandon rate on the compliance basis: today, rolling 24 h and 30 days."""

    cap: float
    today: WindowRate
    rolling_24h: WindowRate
    rolling_30d: WindowRate


@dataclass(frozen=True, slots=True)
class SourceStatus:
    source: str
    ok: bool
    error: str | None
    age_s: float | None
    stale: bool
    polled_at: datetime | None
    last_update: datetime | None
    records: int
    warnings: int
    truncated: bool
    capability: str
    polling: bool


@dataclass(frozen=True, slots=True)
class AgentSummary:
    logged_in: int = 0
    by_state: Mapping[str, int] = field(default_factory=lambda: _EMPTY)
    pending_dispositions: int = 0
    on_hold: int = 0


@dataclass(frozen=True, slots=True)
class CallSummary:
    total: int = 0
    waiting: int = 0
    """Calls not yet dequeued to an agent."""
    oldest_waiting_since: datetime | None = None
    by_product: Mapping[str, int] = field(default_factory=lambda: _EMPTY)
    by_destination: Mapping[str, int] = field(default_factory=lambda: _EMPTY)
    truncated: bool = False


@dataclass(frozen=True, slots=True)
class IvrSummary:
    active: int = 0
    containment: float | None = None
    transfers_by_destination: Mapping[str, int] = field(default_factory=lambda: _EMPTY)


@dataclass(frozen=True, slots=True)
class View:
    """Everything a screen shows, computed once per cycle. Immutable; safe across threads."""

    snapshot: Snapshot
    delta: Delta
    campaigns: Mapping[str, EntityView[Campaign]]
    ivr: Mapping[str, EntityView[IvrApp]]
    queues: Mapping[str, EntityView[Queue]]
    agents: Mapping[str, EntityView[Agent]]
    calls: Mapping[str, ActiveCall]
    """By uii, in the listing's order."""
    compliance: Mapping[str, Compliance]
    """By campaign id."""
    agent_summary: AgentSummary
    call_summary: CallSummary
    ivr_summary: IvrSummary
    sources: Mapping[str, SourceStatus]
    trends: Trends
    alerts: tuple[Alert, ...]
    """Firing and acknowledged, critical first."""
    recent_alerts: tuple[Alert, ...]
    """Resolved, newest first."""
    notes: tuple[str, ...]
    """The snapshot's degraded notes plus the store's own (history in memory, ...)."""

    @property
    def taken_at(self) -> datetime:
        return self.snapshot.taken_at

    @property
    def stale_sources(self) -> tuple[str, ...]:
        return tuple(s.source for s in self.sources.values() if s.stale)

    def trend(self, source: str, entity: str, metric: str) -> Series:
        """Sparkline values of one entity's metric (see `TREND_METRICS`)."""
        return self.trends.series(source, entity, metric)


# --- Subscriptions ------------------------------------------------------------------------------


class Subscription:
    """A one-slot mailbox: a new view replaces an unread one (latest wins).

    Read it with `async for view in subscription` on any asyncio loop, or from a thread with
    `get(timeout)`; `take()` never waits. `publish` may run on another thread than the reader.
    """

    def __init__(self, on_close: Callable[[Subscription], None]) -> None:
        self._cond = threading.Condition()
        self._view: View | None = None
        self._closed = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None
        self._on_close = on_close

    def offer(self, view: View) -> None:
        with self._cond:
            if self._closed:
                return
            self._view = view
            self._cond.notify_all()
            self._wake()

    def _wake(self) -> None:  # with the lock held
        loop, event = self._loop, self._event
        if loop is None or event is None or loop.is_closed():
            return
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            event.set()
        else:
            loop.call_soon_threadsafe(event.set)

    @property
    def pending(self) -> bool:
        """An unread view is waiting."""
        return self._view is not None

    def take(self) -> View | None:
        """The unread view, if any, without waiting."""
        with self._cond:
            view, self._view = self._view, None
            return view

    def get(self, timeout: float | None = None) -> View | None:
        """Block (in a thread) for the next view; None on timeout or close."""
        with self._cond:
            self._cond.wait_for(lambda: self._view is not None or self._closed, timeout)
            view, self._view = self._view, None
            return view

    def close(self) -> None:
        with self._cond:
            if self._closed:
                return
            self._closed, self._view = True, None
            self._cond.notify_all()
            self._wake()
        self._on_close(self)

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> View:
        while True:
            with self._cond:
                if self._view is not None:
                    view, self._view = self._view, None
                    return view
                if self._closed:
                    raise StopAsyncIteration
                if self._event is None:
                    self._loop, self._event = asyncio.get_running_loop(), asyncio.Event()
                self._event.clear()
                event = self._event
            await event.wait()


# --- The store ----------------------------------------------------------------------------------


class Store:
    """Feed it with `publish(snapshot)`; read `latest`, or `subscribe()` / `on_view(callback)`.

    `history` is optional (tests and one-shot commands run without one); with it, counters and
    rolling windows continue across restarts. Call `publish` from one task or thread at a time
    (the poller); everything else is thread-safe.
    """

    def __init__(
        self,
        *,
        history: History | None = None,
        rules: tuple[AlertRule, ...] | None = None,
        abandon_cap: float = m.DEFAULT_ABANDON_CAP,
        trend_points: int = 60,
    ) -> None:
        self.history = history
        self.abandon_cap = abandon_cap
        self.trend_points = max(2, trend_points)
        self.alerts = AlertEngine(default_rules(abandon_cap) if rules is None else rules)
        self._lock = threading.RLock()
        self._latest: View | None = None
        self._subs: list[Subscription] = []
        self._callbacks: list[Callable[[View], None]] = []
        self._day: LocalDay | None = None
        self._counters: dict[str, DailyCounters] = {}
        self._coverage: dict[str, Coverage] = {}
        self._rolling: dict[str, RollingSum] = {}
        self._polled: dict[str, datetime] = {}
        self._records: dict[str, dict[str, Any]] = {}
        self._compared: dict[str, dict[str, tuple[Any, ...]]] = {}
        self._frames: dict[str, deque[TrendFrame]] = {
            k: deque(maxlen=self.trend_points) for k in TREND_METRICS
        }
        self._frame_keys: dict[str, tuple[tuple[str, ...], Mapping[str, int]]] = {}
        self._agent_starved: dict[str, float] = {}
        self._lead_starved: dict[str, float] = {}
        self._maintained_hour = -1

    # --- subscribing ---------------------------------------------------------------------------

    @property
    def latest(self) -> View | None:
        return self._latest

    def subscribe(self) -> Subscription:
        """A latest-wins subscription; it starts with the current view if there is one."""
        sub = Subscription(self._unsubscribe)
        with self._lock:
            self._subs.append(sub)
            if self._latest is not None:
                sub.offer(self._latest)
        return sub

    def _unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            if sub in self._subs:
                self._subs.remove(sub)

    def on_view(self, callback: Callable[[View], None]) -> Callable[[], None]:
        """Call `callback(view)` after every publish, on the publisher's thread. It must not
        block (post a message, set a flag). Returns a function that unsubscribes."""
        with self._lock:
            self._callbacks.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._callbacks:
                    self._callbacks.remove(callback)

        return unsubscribe

    def close(self) -> None:
        """End every subscription (their iterators stop). History is the owner's to close."""
        for sub in list(self._subs):
            sub.close()

    def _notify(self, view: View) -> None:
        for sub in list(self._subs):
            sub.offer(view)
        for callback in list(self._callbacks):
            try:
                callback(view)
            except Exception:
                log.exception("store: a view callback failed")

    # --- alerts --------------------------------------------------------------------------------

    def acknowledge(self, alert_id: str, now: datetime | None = None) -> bool:
        """Acknowledge a firing alert and republish the latest view with it acknowledged."""
        with self._lock:
            alert = self.alerts.acknowledge(alert_id, now or datetime.now(UTC))
            if alert is None:
                return False
            if self.history is not None:
                self.history.record_alert(alert)
            view = self._latest
            if view is not None:
                view = replace(view, alerts=self.alerts.active, recent_alerts=self.alerts.recent)
                self._latest = view
        if view is not None:
            self._notify(view)
        return True

    # --- publishing ----------------------------------------------------------------------------

    def publish(self, snapshot: Snapshot) -> View:
        """Derive the next view from `snapshot`, make it `latest` and notify subscribers."""
        with self._lock:
            view = self._build(snapshot)
            self._latest = view
        self._notify(view)
        return view

    def _build(self, snap: Snapshot) -> View:
        self._start(snap.timezone)
        prev = self._latest
        delta = _DeltaBuilder(prev is None)
        campaigns, compliance = self._campaigns(snap.campaigns, delta, prev)
        ivr = self._entities(snap.ivr, delta, prev.ivr if prev else None)
        queues = self._entities(snap.queues, delta, prev.queues if prev else None)
        agents = self._entities(snap.agents, delta, prev.agents if prev else None)
        calls = self._calls(snap.calls, delta, prev)
        sources = _statuses(snap)
        measured: dict[str, Mapping[str, Any]] = {
            "campaigns": campaigns,
            "ivr": ivr,
            "queues": queues,
            "agents": agents,
            "sources": _source_metrics(sources, snap.interval_s),
        }
        for change in self.alerts.evaluate(snap.taken_at, measured):
            if self.history is not None:
                self.history.record_alert(change)
        self._maintain(snap.taken_at.timestamp())
        return View(
            snapshot=snap,
            delta=delta.build(),
            campaigns=campaigns,
            ivr=ivr,
            queues=queues,
            agents=agents,
            calls=calls,
            compliance=compliance,
            agent_summary=(
                prev.agent_summary if prev and agents is prev.agents else _agent_summary(agents)
            ),
            call_summary=(
                prev.call_summary if prev and calls is prev.calls else _call_summary(snap, calls)
            ),
            ivr_summary=prev.ivr_summary if prev and ivr is prev.ivr else _ivr_summary(ivr),
            sources=sources,
            trends=Trends(MappingProxyType({k: tuple(f) for k, f in self._frames.items()})),
            alerts=self.alerts.active,
            recent_alerts=self.alerts.recent,
            notes=snap.notes + self._notes(),
        )

    def _start(self, timezone: str) -> None:
        """Per-account state, made on the first snapshot (the zone is known only then): daily
        counters, coverage and rolling windows, seeded from history so a restart continues."""
        if self._day is not None:
            return
        zone = ZoneInfo(timezone)
        self._day = LocalDay(zone)
        history = self.history
        for source, kind in _KINDS.items():
            if not kind.counters:
                continue
            counters = DailyCounters(kind.counters, zone)
            coverage = Coverage(history.coverage(source) if history else None)
            if history is not None and coverage.spans:
                counters.seed(coverage.spans[-1][1], history.counter_state(source))
            self._counters[source], self._coverage[source] = counters, coverage
        spans = self._coverage["campaigns"].spans
        for name, (width, bucket) in ROLLING.items():
            rolling = self._rolling[name] = RollingSum(width, bucket, len(_COMPLIANCE))
            if history is None or not spans:
                continue
            for entity, at, values in history.window_sums(
                "campaigns", _COMPLIANCE, spans[-1][1] - width - bucket, bucket
            ):
                rolling.add(at, {entity: values})

    def _notes(self) -> tuple[str, ...]:
        history = self.history
        if history is None:
            return ()
        notes: tuple[str, ...] = (history.warning,) if history.warning else ()
        if history.dropped:
            notes += (f"history writer behind: {history.dropped} entries dropped",)
        return notes

    def _maintain(self, now: float) -> None:
        """Hourly: prune coverage beyond the longest window, compact and expire history."""
        hour = int(now // 3600)
        if hour == self._maintained_hour:
            return
        self._maintained_hour = hour
        for coverage in self._coverage.values():
            coverage.prune(now - ROLLING["30d"][0] - 2 * 3600)
        if self.history is not None:
            self.history.maintain(now)

    # --- per source ----------------------------------------------------------------------------

    def _index(
        self, result: SourceResult[Any], delta: _DeltaBuilder
    ) -> tuple[dict[str, Any], frozenset[str]] | None:
        """The source's records by key, and the keys that are new or changed, if it brought
        new data; None when it did not (failed, skipped, or the same poll again)."""
        polled_at = result.polled_at
        source = result.source
        if polled_at is None or self._polled.get(source) == polled_at:
            return None
        self._polled[source] = polled_at
        kind = _KINDS[source]
        keys = list(map(kind.key, result.records))
        records = dict(zip(keys, result.records, strict=True))
        compared = (
            dict(zip(keys, map(kind.compare, result.records), strict=True)) if kind.compare else {}
        )
        before = self._records.get(source)
        delta.diff(source, kind, before, records, self._compared.get(source), compared)
        self._records[source], self._compared[source] = records, compared
        if source == "campaigns":  # forget what vanished: memory stays bounded
            for key in delta.removed.get(source, ()):
                self._agent_starved.pop(key, None)
                self._lead_starved.pop(key, None)
        if before is None:
            return records, frozenset(records)
        return records, delta.updated.get(source, frozenset()) | delta.appeared[source]

    def _count(
        self, source: str, at: float, records: dict[str, Any], touched: frozenset[str]
    ) -> Observation:
        """Daily counters of the new or changed entities -> increments (the others are
        unchanged, so zero); coverage and history follow."""
        kind = _KINDS[source]
        read = kind.read_counters
        assert read is not None
        readings = {key: read(records[key]) for key in touched}
        observation = self._counters[source].observe(at, readings, records.keys())
        self._coverage[source].extend(observation.since, at)
        if self.history is not None:
            state = {key: readings[key] for key in observation.changed}
            batch = CounterBatch(
                source, at, observation.since, kind.counters, observation.increments, state
            )
            self.history.record_counters(batch)
        return observation

    def _record_trends(self, source: str, views: Mapping[str, EntityView[Any]]) -> None:
        """Append this cycle's trend metrics as one column per metric."""
        keys = tuple(views)
        cached = self._frame_keys.get(source)
        if cached is not None and cached[0] == keys:
            index = cached[1]
        else:
            index = MappingProxyType({key: i for i, key in enumerate(keys)})
            self._frame_keys[source] = (keys, index)
        entries = list(views.values())
        columns = {
            name: tuple([v.metrics[name] for v in entries]) for name in TREND_METRICS[source]
        }
        self._frames[source].append(TrendFrame(index, MappingProxyType(columns)))

    def _entities(
        self,
        result: SourceResult[Any],
        delta: _DeltaBuilder,
        previous: Mapping[str, EntityView[Any]] | None,
    ) -> Mapping[str, EntityView[Any]]:
        """IVR, queues and agents: metrics from each record alone, so an entity that did not
        change keeps its view (and its record) from the previous cycle."""
        indexed = self._index(result, delta)
        if indexed is None:
            return previous if previous is not None else _EMPTY
        records, touched = indexed
        assert result.polled_at is not None
        source = result.source
        obs = self._count(source, result.polled_at.timestamp(), records, touched)
        derive = _DERIVE[source]
        old_views = previous or _EMPTY
        zeros = self._counters[source].zeros
        views: dict[str, EntityView[Any]] = {}
        for key, rec in records.items():
            old = old_views.get(key)
            if key not in touched and old is not None:
                if not any(old.increments):
                    views[key] = old  # unchanged: the common case at thousands of agents
                    continue
                views[key] = old._replace(increments=zeros, interval_s=obs.interval_s)
                continue
            views[key] = EntityView(
                rec, rec.name, derive(rec), obs.increments.get(key, zeros), obs.interval(key)
            )
        views_proxy = MappingProxyType(views)
        self._record_trends(source, views_proxy)
        return views_proxy

    def _campaigns(
        self, result: SourceResult[Campaign], delta: _DeltaBuilder, prev: View | None
    ) -> tuple[Mapping[str, EntityView[Campaign]], Mapping[str, Compliance]]:
        indexed = self._index(result, delta)
        if indexed is None:
            return (prev.campaigns, prev.compliance) if prev is not None else (_EMPTY, _EMPTY)
        records, touched = indexed
        assert result.polled_at is not None and self._day is not None
        at = result.polled_at.timestamp()
        obs = self._count("campaigns", at, records, touched)
        zeros = self._counters["campaigns"].zeros
        i_abandon, i_answer = _C["abandon"], _C["answer"]
        i_connects, i_noanswer, i_busy, i_sit = (
            _C["connects"],
            _C["noanswer"],
            _C["busy"],
            _C["intercept"],
        )
        compliance_increments = {
            k: (v[i_abandon], v[i_answer])
            for k, v in obs.increments.items()
            if v[i_answer] or v[i_abandon]
        }
        coverage = self._coverage["campaigns"]
        spans = {}  # window name -> (sums of an entity, width, covered, coverage text)
        for name, rolling in self._rolling.items():
            rolling.add(at, compliance_increments)
            rolling.expire(at)
            width = ROLLING[name][0]
            covered = coverage.covered(at, width)
            spans[name] = (rolling.total, width, covered, coverage_text(covered, width))
        total_24h, w24, c24, t24 = spans["24h"]
        total_30d, w30, c30, t30 = spans["30d"]
        since_midnight = at - self._day.start(at)
        today_text = coverage_text(since_midnight, since_midnight)
        cap = self.abandon_cap
        agent_since, lead_since = self._agent_starved, self._lead_starved
        views: dict[str, EntityView[Campaign]] = {}
        compliance: dict[str, Compliance] = {}
        for key, c in records.items():
            if m.agent_starved(c.available, c.ready, c.staffed):
                agent_since.setdefault(key, at)
            else:
                agent_since.pop(key, None)
            if m.lead_starved(c.available, c.ready):
                lead_since.setdefault(key, at)
            else:
                lead_since.pop(key, None)
            inc = obs.increments.get(key, zeros)
            elapsed = obs.interval(key)
            per_min = None
            if elapsed:
                dialed = m.dials(inc[i_connects], inc[i_noanswer], inc[i_busy], inc[i_sit])
                per_min = m.dials_per_minute(dialed, elapsed)
            today = _window(
                "today", (c.abandon, c.answer), cap, since_midnight, since_midnight, today_text
            )
            day = _window("24h", total_24h(key), cap, w24, c24, t24)
            month = _window("30d", total_30d(key), cap, w30, c30, t30)
            compliance[key] = Compliance(cap, today, day, month)
            values: dict[str, float | None] = {
                "human_answer_rate": m.human_answer_rate(c.answer, c.connects),
                "amd_rate": m.amd_rate(c.machine, c.connects),
                "abandon_rate_today": today.rate,
                "abandon_rate_24h": day.rate,
                "abandon_rate_30d": month.rate,
                "dials_per_min": per_min,
                "dials_per_agent_hour": m.dials_per_staffed_agent(per_min, c.staffed),
                "agent_starved_s": m.condition_duration(agent_since.get(key), at),
                "lead_starved_s": m.condition_duration(lead_since.get(key), at),
            }
            views[key] = EntityView(c, c.name, values, inc, elapsed)
        views_proxy = MappingProxyType(views)
        self._record_trends("campaigns", views_proxy)
        return views_proxy, MappingProxyType(compliance)

    def _calls(
        self, result: SourceResult[ActiveCall], delta: _DeltaBuilder, prev: View | None
    ) -> Mapping[str, ActiveCall]:
        indexed = self._index(result, delta)
        if indexed is None:
            return prev.calls if prev is not None else _EMPTY
        return MappingProxyType(indexed[0])


# --- Pure helpers -------------------------------------------------------------------------------

_DERIVE: dict[str, Callable[[Any], dict[str, float | None]]] = {
    "ivr": m.ivr_metrics,
    "queues": m.queue_metrics,
    "agents": m.agent_metrics,
}


def _window(
    label: str, sums: tuple[int, ...], cap: float, width: float, covered: float, text: str
) -> WindowRate:
    abandon, answer = sums
    return WindowRate(
        label,
        abandon,
        answer,
        m.abandon_rate(abandon, answer),
        m.abandon_headroom(abandon, answer, cap),
        m.abandons_left(abandon, answer, cap),
        width,
        covered,
        text,
    )


def _agent_summary(agents: Mapping[str, EntityView[Agent]]) -> AgentSummary:
    records = [v.record for v in agents.values()]
    return AgentSummary(
        logged_in=len(records),
        by_state=MappingProxyType(m.agents_by_state(a.state for a in records)),
        pending_dispositions=m.pending_dispositions(a.pending_disposition for a in records),
        on_hold=sum(1 for a in records if a.on_hold),
    )


def _ivr_summary(ivr: Mapping[str, EntityView[IvrApp]]) -> IvrSummary:
    records = [v.record for v in ivr.values()]
    queue = sum(r.transfer_queue for r in records)
    cloud = sum(r.transfer_cloud for r in records)
    trac = sum(r.transfer_trac for r in records)
    presented = sum(r.presented for r in records)
    return IvrSummary(
        active=sum(r.active for r in records),
        containment=m.ivr_containment(presented, queue, cloud, trac),
        transfers_by_destination=MappingProxyType(
            m.ivr_transfers_by_destination(queue, cloud, trac)
        ),
    )


def _call_summary(snap: Snapshot, calls: Mapping[str, ActiveCall]) -> CallSummary:
    waiting = [c.enqueued_at for c in calls.values() if c.dequeued_at is None]
    known = [t for t in waiting if t is not None]
    return CallSummary(
        total=len(calls),
        waiting=len(waiting),
        oldest_waiting_since=min(known) if known else None,
        by_product=MappingProxyType(m.count_by(c.product for c in calls.values())),
        by_destination=MappingProxyType(m.count_by(c.destination for c in calls.values())),
        truncated=snap.calls.truncated,
    )


def _statuses(snap: Snapshot) -> Mapping[str, SourceStatus]:
    now = snap.taken_at
    return MappingProxyType(
        {
            s.source: SourceStatus(
                source=s.source,
                ok=s.ok,
                error=s.error,
                age_s=s.age_s(now),
                stale=s.is_stale(now, snap.interval_s),
                polled_at=s.polled_at,
                last_update=s.last_update,
                records=len(s.records),
                warnings=s.warnings,
                truncated=s.truncated,
                capability=str(s.capability),
                polling=s.polling,
            )
            for s in snap.sources()
        }
    )


def _source_metrics(
    sources: Mapping[str, SourceStatus], interval_s: float
) -> dict[str, EntityMetrics]:
    """One pseudo-entity per source for the stale-data rule. A source that is not provided or
    not polled on purpose carries no value: it cannot be stale."""
    out = {}
    for name, s in sources.items():
        watched = s.polling and s.capability == "supported"
        value = m.age_in_cycles(s.age_s, interval_s) if watched else None
        out[name] = EntityMetrics(name, {"age_cycles": value})
    return out


class _DeltaBuilder:
    """Collects the per-source diffs of one publish: set operations, O(n) per source."""

    def __init__(self, first: bool) -> None:
        self.first = first
        self.changed: dict[str, Mapping[str, Mapping[str, int]]] = {}
        self.updated: dict[str, frozenset[str]] = {}
        self.appeared: dict[str, frozenset[str]] = {}
        self.removed: dict[str, frozenset[str]] = {}

    def diff(
        self,
        source: str,
        kind: _Kind,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any],
        compared_before: Mapping[str, tuple[Any, ...]] | None,
        compared_after: Mapping[str, tuple[Any, ...]],
    ) -> None:
        if before is None or compared_before is None:
            self.appeared[source] = frozenset(after)
            return
        # filterfalse with a bound __contains__ stays in C and builds only the small result.
        self.appeared[source] = frozenset(filterfalse(before.__contains__, after))
        self.removed[source] = frozenset(filterfalse(after.__contains__, before))
        if kind.compare is None:
            return
        was = compared_before.get
        updated = frozenset(
            key
            for key, now in compared_after.items()
            if (old := was(key)) is not None and old != now
        )
        self.updated[source] = updated
        read, names = kind.read_numeric, kind.numeric
        if read is None:
            return
        changed: dict[str, Mapping[str, int]] = {}
        for key in updated:
            old, new = read(before[key]), read(after[key])
            if old != new:
                # C-level passes pick the moved fields; Python only touches those.
                moves = tuple(map(_sub, new, old))
                changed[key] = {
                    n: 1 if d > 0 else -1
                    for n, d in zip(compress(names, moves), filter(None, moves), strict=True)
                }
        if changed:
            self.changed[source] = MappingProxyType(changed)

    def build(self) -> Delta:
        return Delta(
            self.first,
            MappingProxyType(self.changed),
            MappingProxyType(self.updated),
            MappingProxyType(self.appeared),
            MappingProxyType(self.removed),
        )
