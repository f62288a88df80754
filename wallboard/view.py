"""What the store hands to subscribers: one immutable `View` per cycle, and its parts.

Why its own module: the screen, the headless commands and a later fan-out import these types
to read a view; none of them needs the store's derivation machinery.

Per-entity items are NamedTuples: thousands are built per cycle, and a frozen dataclass costs
six times more to build.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, Generic, NamedTuple, TypeVar

from wallboard.alerts import Alert
from wallboard.domain import ActiveCall, Agent, Campaign, IvrApp, Queue, Snapshot

R = TypeVar("R")
Series = tuple[float | None, ...]
_EMPTY: Mapping[str, Any] = MappingProxyType({})

#: Metrics kept as sparkline series per entity, by source. Not agents: nothing shows a trend
#: per agent, and 7,000 agents' series cost a column of 7,000 values every cycle.
TREND_METRICS: dict[str, tuple[str, ...]] = {
    "campaigns": ("dials_per_min", "abandon_rate_today", "human_answer_rate", "agent_starved_s"),
    "ivr": ("ivr_active", "containment"),
    "queues": ("calls_waiting", "longest_wait_s", "service_level"),
}


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
    """By source. A source whose first fetch is still under way is absent (see `waiting`)."""
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
    def waiting(self) -> tuple[str, ...]:
        """Sources not polled yet because their first fetch is still under way: this is an
        early view of the first cycle (its quick sources are in, the call listing is not)."""
        return tuple(s.source for s in self.snapshot.sources() if s.waiting)

    @property
    def stale_sources(self) -> tuple[str, ...]:
        return tuple(s.source for s in self.sources.values() if s.stale)

    def trend(self, source: str, entity: str, metric: str) -> Series:
        """Sparkline values of one entity's metric (see `TREND_METRICS`)."""
        return self.trends.series(source, entity, metric)
