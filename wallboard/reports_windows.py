"""Report time arithmetic: interval alignment, the 5-minute rule and the 3-hour window split.

Why a module of its own: every report request must obey three platform rules at once (seed 002
and the API notes), and getting any of them wrong costs a request from a budget of two a
minute. Here they are pure functions of (range, interval, zone, now), tested without a network:

- **Alignment.** Report intervals (15, 30, 45 or 60 minutes) are aligned to local midnight in
  the account's zone, as the platform labels them (`dateTimeFrom`). A range is widened to whole
  intervals: its start rounded down, its end rounded up.
- **Freshness.** A window must end at least 5 minutes before now. A range reaching later is
  clipped to `now - 5 min` with a notice; it is never sent as asked.
- **Closed and open intervals.** An interval is *closed* once its end is at least 5 minutes old:
  its figures are final and may be cached. The one interval cut by the clip is *open*: fetched up
  to the freshness limit, shown as partial, never cached.
- **Window split.** One request covers at most 3 hours, in whole intervals (3 hours is a multiple
  of every allowed interval), so a long range becomes consecutive windows fetched in order.

Times are aware datetimes; interval starts are computed on epoch seconds from local midnight, as
the platform does. Known limit: on a day with a DST change, intervals after the change keep the
midnight-based grid (a 45-minute grid can then label at :15 past the hour).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

INTERVAL_MINUTES = (15, 30, 45, 60)
MIN_AGE = timedelta(minutes=5)
"""Report windows must end at least this long before now (seed 002)."""
MEDIA_AGE = timedelta(minutes=15)
"""Segment metadata and recordings may still be processing until this old (seed 002)."""
MAX_WINDOW = timedelta(hours=3)
"""Longest window one aggregated-statistics request may cover (API notes)."""


class ReportRangeError(ValueError):
    """A report range or interval that cannot be requested; the message says what is wrong."""


def interval_seconds(minutes: int) -> int:
    """The platform's `timeInterval` (seconds) for an interval given in minutes."""
    if isinstance(minutes, bool) or minutes not in INTERVAL_MINUTES:
        allowed = ", ".join(map(str, INTERVAL_MINUTES))
        raise ReportRangeError(f"interval must be one of {allowed} minutes, got {minutes!r}")
    return minutes * 60


def local_midnight(moment: datetime, zone: ZoneInfo) -> datetime:
    """The start of `moment`'s day in `zone` (aware, in `zone`)."""
    local = moment.astimezone(zone)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def align_down(moment: datetime, interval_s: int, zone: ZoneInfo) -> datetime:
    """The start of the report interval holding `moment` (aligned to local midnight)."""
    midnight = local_midnight(moment, zone).timestamp()
    steps = (moment.timestamp() - midnight) // interval_s
    return datetime.fromtimestamp(midnight + steps * interval_s, zone)


def align_up(moment: datetime, interval_s: int, zone: ZoneInfo) -> datetime:
    """`moment` if it is an interval boundary, else the end of its interval."""
    start = align_down(moment, interval_s, zone)
    if start.timestamp() == moment.timestamp():
        return start
    return datetime.fromtimestamp(start.timestamp() + interval_s, zone)


@dataclass(frozen=True, slots=True)
class Interval:
    """One report interval `[start, end)`; `closed` when its figures are final."""

    start: datetime
    end: datetime
    closed: bool


@dataclass(frozen=True, slots=True)
class Window:
    """One request: `[start, end)` holding `intervals` (the last may be open)."""

    start: datetime
    end: datetime
    intervals: tuple[Interval, ...]


@dataclass(frozen=True, slots=True)
class RangePlan:
    """What a requested range becomes once aligned, clipped and split."""

    start: datetime
    """The aligned start (an interval boundary)."""
    end: datetime
    """Where the data ends: the aligned end, or the freshness limit when clipped."""
    interval_s: int
    intervals: tuple[Interval, ...]
    notices: tuple[str, ...]
    """Human sentences about what was changed (clipping), for the screen and stderr."""

    @property
    def clipped(self) -> bool:
        return bool(self.notices)


def freshness_limit(now: datetime) -> datetime:
    """The latest moment a report window may end: 5 minutes before `now`."""
    return now - MIN_AGE


def plan_range(
    start: datetime, end: datetime, interval_s: int, zone: ZoneInfo, now: datetime
) -> RangePlan:
    """Align `[start, end)` to whole intervals and clip it to the freshness limit.

    Raises `ReportRangeError` for a naive time, an empty range or an unknown interval."""
    if interval_s not in tuple(m * 60 for m in INTERVAL_MINUTES):
        raise ReportRangeError(
            f"interval must be 900, 1800, 2700 or 3600 seconds, got {interval_s}"
        )
    for name, value in (("start", start), ("end", end), ("now", now)):
        if value.tzinfo is None:
            raise ReportRangeError(f"{name} must carry a time zone")
    if end <= start:
        raise ReportRangeError("the end of the range must be after its start")
    first = align_down(start, interval_s, zone)
    last = align_up(end, interval_s, zone)
    limit = freshness_limit(now)
    notices: list[str] = []
    stop = last
    if last > limit:
        stop = max(first, limit.astimezone(zone).replace(microsecond=0))
        shown = stop.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
        notices.append(
            f"range clipped to end at {shown} ({zone.key}): report data must be at least "
            "5 minutes old"
        )
    intervals: list[Interval] = []
    t = first.timestamp()
    while t < stop.timestamp():
        begin = datetime.fromtimestamp(t, zone)
        finish = datetime.fromtimestamp(t + interval_s, zone)
        intervals.append(Interval(begin, finish, closed=finish <= limit))
        t += interval_s
    if not intervals:
        notices.append("nothing to fetch: the whole range is less than 5 minutes old")
    return RangePlan(first, stop, interval_s, tuple(intervals), tuple(notices))


def split_windows(intervals: tuple[Interval, ...] | list[Interval], end: datetime) -> list[Window]:
    """Group consecutive intervals into requests of at most 3 hours (also in local wall-clock
    time, which the platform checks); a gap between intervals starts a new window. The open
    interval's window ends at `end` (the freshness limit) instead of the interval's end."""
    windows: list[Window] = []
    group: list[Interval] = []

    def flush() -> None:
        if group:
            stop = group[-1].end if group[-1].closed else min(group[-1].end, end)
            windows.append(Window(group[0].start, stop, tuple(group)))
            group.clear()

    for interval in intervals:
        if group and (
            group[-1].end != interval.start or _wall_span(group[0].start, interval.end) > MAX_WINDOW
        ):
            flush()
        group.append(interval)
    flush()
    return windows


def _wall_span(start: datetime, end: datetime) -> timedelta:
    """The longer of the real and the local wall-clock span (they differ across DST)."""
    naive = end.replace(tzinfo=None) - start.astimezone(end.tzinfo).replace(tzinfo=None)
    return max(end - start, naive)


def metadata_windows(start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """Segment-metadata requests for segments ending in `(start, end]`: (segmentEndTime,
    timeInterval seconds) pairs of at most 3 hours, oldest first."""
    if end <= start:
        return []
    requests: list[tuple[datetime, int]] = []
    t = start
    while t < end:
        stop = min(end, t + MAX_WINDOW)
        requests.append((stop, max(1, round((stop - t).total_seconds()))))
        t = stop
    return requests


def utc_now() -> datetime:
    return datetime.now(UTC)
