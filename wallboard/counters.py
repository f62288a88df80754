"""Daily counters -> per-interval increments, rolling sums of them, and what those sums cover.

Why this exists: the platform's counters are "so far today" and reset at midnight in the
account's time zone (not UTC). Rates, trends and the rolling compliance windows (24 h, 30 days)
all need increments instead, which only the wallboard can produce by watching the counters.

Reset rule (per entity, all of its counters together): the entity was reset when
- any of its counters dropped (an increment is then the new value, never negative), or
- its previous reading was before the latest local midnight, this reading is more than
  `grace_s` after that midnight, and the midnight was not watched: the wallboard was down
  across it, or the entity was absent from the previous reading (an agent who logged out
  yesterday). Values may not have dropped then, and the day's counts start from zero.
Within the grace period a counter that has not dropped is taken as "not reset yet": our clock and
the platform's are never exactly in step, and counting a whole day's total twice is worse than
missing a few calls made in the first two minutes of the day.

An entity's first reading (first start, or a campaign that appears mid-day) holds everything
since local midnight; it is dated at the reading, like every increment, and the coverage of the
rolling windows starts at that midnight.

All times here are epoch seconds (floats): the store calls this for every entity every cycle,
and float comparisons are what keeps that cheap at 500 campaigns and 1,000 agents.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

Values = tuple[int, ...]

DEFAULT_GRACE_S = 120.0


class LocalDay:
    """Local-midnight boundaries of a zone, cached: the answer changes once a day."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self._start = 0.0
        self._end = -1.0

    def start(self, at: float) -> float:
        """Epoch of the local midnight that begins the day containing `at`."""
        if not self._start <= at < self._end:
            local = datetime.fromtimestamp(at, self.zone)
            midnight = datetime.combine(local.date(), time(0), tzinfo=self.zone)
            following = datetime.combine(local.date() + timedelta(days=1), time(0), self.zone)
            self._start, self._end = midnight.timestamp(), following.timestamp()
        return self._start


@dataclass(frozen=True, slots=True)
class Observation:
    """What one reading of a source's counters added since the previous one."""

    at: float
    since: float
    """Start of the span these increments cover: the previous reading, or local midnight when
    there was none today (the counters then hold everything since midnight)."""
    interval_s: float | None
    """Seconds since the source's previous reading; None on its first."""
    increments: Mapping[str, Values]
    """Per entity read, aligned with the tracker's `fields`."""
    new: frozenset[str]
    """Entities read for the first time: their increments hold the day so far, not a rate."""
    resets: frozenset[str]
    changed: frozenset[str]
    """Entities whose counter values differ from their previous reading (to persist)."""

    def interval(self, entity: str) -> float | None:
        """The span an entity's increments cover, for rates; None on its first reading."""
        return None if entity in self.new else self.interval_s

    def rate(self, entity: str, index: int, per_s: float = 60.0) -> float | None:
        """Increment of counter `index` scaled to `per_s` (per minute by default)."""
        interval = self.interval(entity)
        if not interval:
            return None
        return self.increments[entity][index] * per_s / interval


class DailyCounters:
    """Tracks one source's daily counters per entity and turns each reading into increments.

    A reading may leave out entities whose counters did not change since they were last read
    (the store does, to stay cheap at thousands of agents) if `present` names every entity of
    the poll: a present entity left out of `readings` is unchanged and its increment is zero.
    """

    def __init__(
        self, fields: tuple[str, ...], zone: ZoneInfo, grace_s: float = DEFAULT_GRACE_S
    ) -> None:
        self.fields = fields
        self.grace_s = grace_s
        self.zeros: Values = (0,) * len(fields)
        self._day = LocalDay(zone)
        self._last: dict[str, tuple[float, Values]] = {}
        self._present: Collection[str] = ()
        self.last_at: float | None = None

    def seed(
        self, last_at: float | None, state: Mapping[str, tuple[float, Mapping[str, int]]]
    ) -> None:
        """Restore the last readings (from history) so a restart continues the same day's
        increments instead of counting the whole day again. Unknown fields are ignored and
        missing ones read as 0, so a changed field list never breaks a restart."""
        self.last_at = last_at
        for entity, (at, values) in state.items():
            self._last[entity] = (at, tuple(int(values.get(f, 0)) for f in self.fields))

    def last_values(self, entity: str) -> Values | None:
        found = self._last.get(entity)
        return None if found is None else found[1]

    def observe(
        self, at: float, readings: Mapping[str, Values], present: Collection[str] | None = None
    ) -> Observation:
        """Increments of `readings` since each entity's previous reading. `present`: every
        entity of this poll, when `readings` holds only the changed ones."""
        midnight = self._day.start(at)
        past_grace = at >= midnight + self.grace_s
        missed_midnight = self.last_at is not None and self.last_at < midnight and past_grace
        since = midnight if self.last_at is None or missed_midnight else min(self.last_at, at)
        seen_before = () if missed_midnight else self._present
        interval = None if self.last_at is None else at - self.last_at
        increments: dict[str, Values] = {}
        new: set[str] = set()
        resets: set[str] = set()
        changed: set[str] = set()
        last = self._last
        zeros = self.zeros
        sub = int.__sub__
        for entity, values in readings.items():
            previous = last.get(entity)
            if previous is None:
                # First reading of this entity: its counters hold everything since midnight.
                increments[entity] = values
                new.add(entity)
                changed.add(entity)
            else:
                prev_at, prev = previous
                new_day = prev_at < midnight and past_grace and entity not in seen_before
                if values == prev:
                    if new_day and any(values):
                        increments[entity] = values
                        resets.add(entity)
                    else:
                        increments[entity] = zeros
                        continue  # unchanged: keep the time of the last change
                else:
                    changed.add(entity)
                    diff = tuple(map(sub, values, prev))
                    if new_day or min(diff) < 0:
                        increments[entity] = values
                        resets.add(entity)
                    else:
                        increments[entity] = diff
            last[entity] = (at, values)
        self.last_at = at
        self._present = readings.keys() if present is None else present
        return Observation(
            at,
            since,
            interval,
            increments,
            frozenset(new),
            frozenset(resets),
            frozenset(changed),
        )


class RollingSum:
    """Per-entity sums of increments over the last `width_s`, kept incrementally in buckets.

    Why buckets: re-summing 30 days of history every cycle is too slow; adding this cycle's
    increments and dropping whole expired buckets is cheap. A bucket that straddles the window
    start is counted whole, so the window may reach back up to one bucket further (5 minutes of
    24 h, one hour of 30 days); the compliance display says "rolling", not "to the second".
    Only non-zero increments are stored, so idle entities cost nothing.
    """

    def __init__(self, width_s: float, bucket_s: float, nfields: int) -> None:
        self.width_s = width_s
        self.bucket_s = bucket_s
        self.nfields = nfields
        self._buckets: deque[tuple[int, dict[str, list[int]]]] = deque()
        self._totals: dict[str, list[int]] = {}

    def add(self, at: float, increments: Mapping[str, Values]) -> None:
        index = int(at // self.bucket_s)
        bucket = self._bucket(index)
        totals = self._totals
        for entity, values in increments.items():
            if not any(values):
                continue
            slot = bucket.get(entity)
            if slot is None:
                bucket[entity] = list(values)
            else:
                for i, v in enumerate(values):
                    slot[i] += v
            total = totals.get(entity)
            if total is None:
                totals[entity] = list(values)
            else:
                for i, v in enumerate(values):
                    total[i] += v

    def _bucket(self, index: int) -> dict[str, list[int]]:
        buckets = self._buckets
        if not buckets or buckets[-1][0] < index:
            buckets.append((index, {}))
            return buckets[-1][1]
        for position in range(len(buckets) - 1, -1, -1):  # late data: find or insert its bucket
            found, content = buckets[position]
            if found == index:
                return content
            if found < index:
                buckets.insert(position + 1, (index, {}))
                return buckets[position + 1][1]
        buckets.appendleft((index, {}))
        return buckets[0][1]

    def expire(self, now: float) -> None:
        """Drop buckets that end at or before `now - width_s`."""
        first_kept = int((now - self.width_s) // self.bucket_s)
        buckets, totals = self._buckets, self._totals
        while buckets and buckets[0][0] < first_kept:
            _, content = buckets.popleft()
            for entity, values in content.items():
                total = totals[entity]
                for i, v in enumerate(values):
                    total[i] -= v
                if not any(total):
                    del totals[entity]

    def total(self, entity: str) -> Values:
        """The entity's sums as of the last `expire` (zeros when it has none)."""
        found = self._totals.get(entity)
        return (0,) * self.nfields if found is None else tuple(found)


class Coverage:
    """The spans of time for which increments are known, per source.

    Why: a rolling window must say how much of itself it really covers. Cumulative counters
    make any gap within one day harmless (the next reading's increment spans it), so spans
    break only where the wallboard missed a midnight, and before its first day.
    """

    def __init__(self, spans: list[tuple[float, float]] | None = None) -> None:
        self.spans: list[list[float]] = [[s, e] for s, e in sorted(spans or [])]

    def extend(self, since: float, at: float) -> None:
        if self.spans and since <= self.spans[-1][1] + 1e-6:
            self.spans[-1][1] = max(self.spans[-1][1], at)
        else:
            self.spans.append([since, at])

    def covered(self, now: float, width_s: float) -> float:
        """Seconds of `(now - width_s, now]` inside known spans."""
        start = now - width_s
        return sum(max(0.0, min(e, now) - max(s, start)) for s, e in self.spans)

    def prune(self, before: float) -> None:
        self.spans = [[max(s, before), e] for s, e in self.spans if e > before]


def human_duration(seconds: float) -> str:
    """A duration for people: 45 s, 12 min, 2 h 10 min, 24 h, 3 d 4 h, 30 d."""
    total = round(seconds)
    if total < 60:
        return f"{total} s"
    minutes = total // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h" + (f" {minutes} min" if minutes else "")
    days, hours = divmod(hours, 24)
    return f"{days} d" + (f" {hours} h" if hours else "")


def coverage_text(covered_s: float, window_s: float, tolerance_s: float = 60.0) -> str:
    """How much of a window is known, e.g. `full 24 h` or `covers 2 h 10 min of 24 h`.

    A window with too little history must say so rather than pretend to be complete."""
    if covered_s >= window_s - tolerance_s:
        return f"full {human_duration(window_s)}"
    return f"covers {human_duration(covered_s)} of {human_duration(window_s)}"
