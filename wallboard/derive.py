"""Pure derivations the store runs once per cycle: summaries, compliance windows, statuses, and
the per-source diff that becomes a view's `Delta`.

Why apart from `Store`: these take values and return values (no locks, no history, no state),
so they read and test on their own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import compress, filterfalse
from operator import attrgetter, is_not
from operator import sub as _sub
from types import MappingProxyType
from typing import Any

from wallboard import metrics as m
from wallboard.alerts import EntityMetrics
from wallboard.domain import ActiveCall, Agent, Campaign, IvrApp, Queue, Snapshot
from wallboard.view import (
    AgentSummary,
    CallSummary,
    Delta,
    EntityView,
    IvrSummary,
    SourceStatus,
    WindowRate,
)

Getter = Callable[[Any], tuple[Any, ...]]


def getter(names: tuple[str, ...]) -> Getter | None:
    if not names:
        return None
    get = attrgetter(*names)
    return (lambda obj: (get(obj),)) if len(names) == 1 else get


#: Fields a change is not measured by: `last_update` moves on every poll, and the agents'
#: `*_since` are derived from second-granular durations at the poll time, so they jitter by a
#: second between polls. An unchanged agent keeps its earlier record (and its steadier times).
NOT_COMPARED = ("last_update", "state_since", "logged_in_since")


@dataclass(frozen=True)
class Kind:
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
    def of(cls, record: type[Any], key: str, compare: bool = True) -> Kind:
        numeric = record.COUNTERS + record.GAUGES
        names = record.__struct_fields__
        compared = tuple(name for name in names if name not in (key, *NOT_COMPARED))
        return cls(
            attrgetter(key),
            record.COUNTERS,
            numeric,
            getter(record.COUNTERS),
            getter(numeric),
            getter(compared) if compare else None,
        )


KINDS = {
    "campaigns": Kind.of(Campaign, "id"),
    "ivr": Kind.of(IvrApp, "id"),
    "queues": Kind.of(Queue, "id"),
    "agents": Kind.of(Agent, "id"),
    "calls": Kind.of(ActiveCall, "uii", compare=False),
}


DERIVE: dict[str, Callable[[Any], dict[str, float | None]]] = {
    "ivr": m.ivr_metrics,
    "queues": m.queue_metrics,
    "agents": m.agent_metrics,
}


def window_rate(
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


def agent_summary(agents: Mapping[str, EntityView[Agent]]) -> AgentSummary:
    # map with attrgetter: the passes over 7,500 agents run in C.
    records = list(map(_RECORD, agents.values()))
    return AgentSummary(
        logged_in=len(records),
        by_state=MappingProxyType(m.agents_by_state(map(_STATE, records))),
        pending_dispositions=m.pending_dispositions(map(_PENDING, records)),
        on_hold=sum(map(bool, map(_ON_HOLD, records))),
    )


_RECORD = attrgetter("record")
_STATE, _PENDING, _ON_HOLD = (
    attrgetter("state"),
    attrgetter("pending_disposition"),
    attrgetter("on_hold"),
)
_PRODUCT, _DESTINATION = attrgetter("product"), attrgetter("destination")


def ivr_summary(ivr: Mapping[str, EntityView[IvrApp]]) -> IvrSummary:
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


def call_summary(snap: Snapshot, calls: Mapping[str, ActiveCall]) -> CallSummary:
    waiting = [c.enqueued_at for c in calls.values() if c.dequeued_at is None]
    known = [t for t in waiting if t is not None]
    return CallSummary(
        total=len(calls),
        waiting=len(waiting),
        oldest_waiting_since=min(known) if known else None,
        by_product=MappingProxyType(m.count_by(map(_PRODUCT, calls.values()))),
        by_destination=MappingProxyType(m.count_by(map(_DESTINATION, calls.values()))),
        truncated=snap.calls.truncated,
    )


def statuses(snap: Snapshot) -> Mapping[str, SourceStatus]:
    """Each source's status, except those still `waiting` for their first fetch: they have no
    poll to report, and a status with no records would read as "0 shown" or as stale."""
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
            if not s.waiting
        }
    )


def source_metrics(
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


class DeltaBuilder:
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
        kind: Kind,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any],
    ) -> None:
        if before is None:
            self.appeared[source] = frozenset(after)
            return
        # filterfalse with a bound __contains__ stays in C and builds only the small result.
        appeared = self.appeared[source] = frozenset(filterfalse(before.__contains__, after))
        self.removed[source] = frozenset(filterfalse(after.__contains__, before))
        compare = kind.compare
        if compare is None:
            return
        # Only a record that is not the very object of the previous poll can have changed: a
        # provider re-uses the record of an entity that did not change (RingCX does), so at
        # thousands of agents this compares the few that changed, not all of them. The
        # identity test runs in C (`map` of `is_not`).
        moved = compress(after, map(is_not, map(before.get, after), after.values()))
        updated = frozenset(
            key
            for key in filterfalse(appeared.__contains__, moved)
            if compare(before[key]) != compare(after[key])
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
