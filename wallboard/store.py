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
Diffs are set operations, and only records that are not the very object of the previous poll
are compared (a provider re-uses an unchanged entity's record; RingCX's does), so an entity
that did not change keeps its view without being looked at. The per-entity items are
NamedTuples (a frozen dataclass costs six times more to build, and thousands are built per
cycle).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, cast
from zoneinfo import ZoneInfo

from wallboard import metrics as m
from wallboard.alerts import AlertEngine, AlertRule, default_rules
from wallboard.counters import (
    Coverage,
    DailyCounters,
    LocalDay,
    Observation,
    RollingSum,
    coverage_text,
)
from wallboard.derive import (
    DERIVE,
    KINDS,
    DeltaBuilder,
    agent_summary,
    call_summary,
    ivr_summary,
    source_metrics,
    statuses,
    window_rate,
)
from wallboard.domain import ActiveCall, Campaign, Snapshot, SourceResult
from wallboard.history import CounterBatch, History
from wallboard.subscription import Subscription
from wallboard.view import (
    TREND_METRICS,
    AgentSummary,
    CallSummary,
    Compliance,
    Delta,
    EntityView,
    IvrSummary,
    Series,
    SourceStatus,
    TrendFrame,
    Trends,
    View,
    WindowRate,
)

__all__ = [
    "TREND_METRICS",
    "AgentSummary",
    "CallSummary",
    "Compliance",
    "Delta",
    "EntityView",
    "IvrSummary",
    "Series",
    "SourceStatus",
    "Store",
    "Subscription",
    "TrendFrame",
    "Trends",
    "View",
    "WindowRate",
]

log = logging.getLogger(__name__)

DAY = 86400.0
ROLLING = {"24h": (DAY, 300.0), "30d": (30 * DAY, 3600.0)}
"""Rolling compliance windows: name -> (width, bucket) in seconds."""
_COMPLIANCE = ("abandon", "answer")
#: Sources whose counters are written to history (per-cycle increments, counter state and
#: coverage). Agents' are not: nothing reads their increments back (per-agent history is the
#: WFM reports' job, seed 002) or shows them, and at 7,500 agents they were most of history's
#: rows (a few hundred a cycle, hundreds of MB over the retention) and, as counter state kept
#: for a restart, most of its writer's CPU (about 60 ms a minute upserting the agents whose
#: counters moved). After a restart an agent's first increments count the day so far, as on a
#: first start.
HISTORY_SOURCES = frozenset({"campaigns", "ivr", "queues"})
_C = {name: i for i, name in enumerate(Campaign.COUNTERS)}
_EMPTY: Mapping[str, Any] = MappingProxyType({})


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
        self._moving: dict[str, frozenset[str]] = {}
        """Per source, the entities whose view carries non-zero increments."""
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
        delta = DeltaBuilder(prev is None)
        campaigns, compliance = self._campaigns(snap.campaigns, delta, prev)
        ivr = self._entities(snap.ivr, delta, prev.ivr if prev else None)
        queues = self._entities(snap.queues, delta, prev.queues if prev else None)
        agents = self._entities(snap.agents, delta, prev.agents if prev else None)
        calls = self._calls(snap.calls, delta, prev)
        sources = statuses(snap)
        measured: dict[str, Mapping[str, Any]] = {
            "campaigns": campaigns,
            "ivr": ivr,
            "queues": queues,
            "agents": agents,
            "sources": source_metrics(sources, snap.interval_s),
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
                prev.agent_summary if prev and agents is prev.agents else agent_summary(agents)
            ),
            call_summary=(
                prev.call_summary if prev and calls is prev.calls else call_summary(snap, calls)
            ),
            ivr_summary=prev.ivr_summary if prev and ivr is prev.ivr else ivr_summary(ivr),
            sources=sources,
            trends=Trends(MappingProxyType({k: tuple(f) for k, f in self._frames.items()})),
            alerts=self.alerts.active,
            recent_alerts=self.alerts.recent,
            notes=snap.notes + self._notes(),
        )

    def prepare(self, timezone: str) -> None:
        """Load the per-account state now (see `_start`) instead of on the first publish.

        Why: seeding the rolling windows reads up to 30 days of history, which can take longer
        than the first poll; the runtime calls this on a thread while the platform signs in,
        so the first view does not wait for the past. A failure is logged and retried by the
        first publish."""
        try:
            with self._lock:
                self._start(timezone)
        except Exception:
            log.exception("store: loading history at start failed")

    def _start(self, timezone: str) -> None:
        """Per-account state, made on the first snapshot (the zone is known only then) or by
        `prepare`: daily counters, coverage and rolling windows, seeded from history so a
        restart continues. Marked done (`_day`) only once complete, so a failure is retried."""
        if self._day is not None:
            return
        zone = ZoneInfo(timezone)
        day = LocalDay(zone)
        history = self.history
        for source, kind in KINDS.items():
            if not kind.counters:
                continue
            counters = DailyCounters(kind.counters, zone)
            kept = history if source in HISTORY_SOURCES else None
            coverage = Coverage(kept.coverage(source) if kept else None)
            if kept is not None and coverage.spans:
                counters.seed(coverage.spans[-1][1], kept.counter_state(source))
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
        self._day = day

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
        self, result: SourceResult[Any], delta: DeltaBuilder
    ) -> tuple[dict[str, Any], frozenset[str]] | None:
        """The source's records by key, and the keys that are new or changed, if it brought
        new data; None when it did not (failed, skipped, or the same poll again)."""
        polled_at = result.polled_at
        source = result.source
        if polled_at is None or self._polled.get(source) == polled_at:
            return None
        self._polled[source] = polled_at
        kind = KINDS[source]
        records = dict(zip(map(kind.key, result.records), result.records, strict=True))
        before = self._records.get(source)
        delta.diff(source, kind, before, records)
        self._records[source] = records
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
        kind = KINDS[source]
        read = kind.read_counters
        assert read is not None
        readings = {key: read(records[key]) for key in touched}
        observation = self._counters[source].observe(at, readings, records.keys())
        self._coverage[source].extend(observation.since, at)
        if self.history is not None and source in HISTORY_SOURCES:
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
        delta: DeltaBuilder,
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
        derive = DERIVE[source]
        zeros = self._counters[source].zeros
        # Every entity keeps its previous view (in the listing's order, built in C), then the
        # new and changed ones get a new view, and those whose view still shows last
        # interval's increments get zeros: a few hundred entities of thousands, per cycle.
        old_views = previous or _EMPTY
        earlier = cast(Callable[[str], "EntityView[Any] | None"], old_views.get)
        views: dict[str, Any] = dict(zip(records, map(earlier, records), strict=True))
        for key in touched:
            rec = records[key]
            views[key] = EntityView(
                rec, rec.name, derive(rec), obs.increments.get(key, zeros), obs.interval(key)
            )
        for key in self._moving.get(source, frozenset()):
            old = views.get(key)
            if old is not None and key not in touched:
                views[key] = old._replace(increments=zeros, interval_s=obs.interval_s)
        self._moving[source] = frozenset(key for key in touched if any(views[key].increments))
        if None in views.values():  # no earlier view of an untouched entity (not expected)
            for key, view in views.items():
                if view is None:
                    rec = records[key]
                    views[key] = EntityView(rec, rec.name, derive(rec), zeros, obs.interval(key))
        views_proxy = MappingProxyType(views)
        if source in TREND_METRICS:
            self._record_trends(source, views_proxy)
        return views_proxy

    def _campaigns(
        self, result: SourceResult[Campaign], delta: DeltaBuilder, prev: View | None
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
            today = window_rate(
                "today", (c.abandon, c.answer), cap, since_midnight, since_midnight, today_text
            )
            day = window_rate("24h", total_24h(key), cap, w24, c24, t24)
            month = window_rate("30d", total_30d(key), cap, w30, c30, t30)
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
        self, result: SourceResult[ActiveCall], delta: DeltaBuilder, prev: View | None
    ) -> Mapping[str, ActiveCall]:
        indexed = self._index(result, delta)
        if indexed is None:
            return prev.calls if prev is not None else _EMPTY
        return MappingProxyType(indexed[0])
