"""WFM interval reports for the screen and the command line: `ReportService`.

Why one service for both: the queue intervals pane, the agent productivity pane, the segment
drill-down and `wallboard report` must obey the same platform rules (seed 002: two requests a
minute, windows ending at least 5 minutes ago, at most 3 hours per request) and must never fetch
a closed interval twice. The service owns those rules; its callers ask for a range and get typed
rows with derived figures and totals back.

How a range is fetched (see `wallboard.reports_windows` for the time arithmetic):

1. The range is aligned to whole intervals in the account's zone and clipped to the freshness
   limit (with a notice: a too-fresh window is never sent).
2. Closed intervals already in the `ReportCache` are read from it; the open interval is reused
   from memory if it was fetched less than `open_refresh_s` ago.
3. What is left becomes windows of at most 3 hours, fetched in order. Before each request the
   service waits for the reports budget itself (reporting the wait through the progress
   callback), so a long export paces itself instead of hitting the transport's bounded wait,
   and the real-time family is never touched: reports never delay the poller.
4. Closed intervals just fetched are written to the cache; rows are mapped to
   `wallboard.reports_rows` types (the open interval's rows marked `partial`).

Core module: no Textual. All waiting goes through the injectable `sleep`, and "now" through the
injectable `now` (the simulator's clock in the demo), so tests prove pacing without waiting.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import anyio
from pydantic import BaseModel, ValidationError

from wallboard.budget import BudgetState
from wallboard.providers.ringcx.client import RingCxClient
from wallboard.providers.ringcx.errors import RateLimited
from wallboard.providers.ringcx.wire import (
    InteractionSegment,
    ParsedBatch,
)
from wallboard.report_cache import ReportCache, WireRows
from wallboard.reports_rows import (
    AgentInterval,
    AgentQueueInterval,
    QueueInterval,
    Row,
    total,
    totals_by,
)
from wallboard.reports_segments import (
    Dialog,
    Segment,
    group_dialogs,
    select_for_call,
    select_for_queue_interval,
)
from wallboard.reports_specs import AGENTS, EXTENDED, QUEUES, ReportKind, Spec
from wallboard.reports_windows import (
    MEDIA_AGE,
    MIN_AGE,
    Interval,
    RangePlan,
    interval_seconds,
    local_midnight,
    metadata_windows,
    plan_range,
    split_windows,
    utc_now,
)

REPORT_KINDS: tuple[ReportKind, ...] = ("queues", "agents", "agents-extended")
LABEL_FORMAT = "%Y-%m-%d %H:%M:%S"
DEFAULT_OPEN_REFRESH_S = 180.0
"""The open interval is refetched at most this often (seconds) while a pane shows it."""

W = TypeVar("W", bound=BaseModel)
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a multi-request fetch stands, for a progress bar or a status line."""

    what: str
    done: int
    """Requests answered so far."""
    total: int
    """Requests this fetch needs (cached intervals cost none)."""
    waiting_s: float = 0.0
    """Seconds until the reports budget allows the next request (0 when sending now)."""

    @property
    def message(self) -> str:
        if self.waiting_s > 0:
            return (
                f"{self.what}: {self.done}/{self.total} requests; next in "
                f"{self.waiting_s:.0f} s (reports budget: 2 a minute)"
            )
        return f"{self.what}: {self.done}/{self.total} requests"


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class ReportResult(Generic[Row]):
    """Rows of one report over a range, with totals and what it cost.

    `rows` are ordered by interval, then name. `totals` has one row per queue (queues), per
    agent (agents) or per agent and queue (agents-extended) over the whole range; `grand_total`
    sums everything. Totals are recomputed from sums (see `wallboard.reports_rows`)."""

    kind: ReportKind
    zone: str
    plan: RangePlan
    rows: tuple[Row, ...]
    totals: tuple[Row, ...]
    grand_total: Row | None
    notices: tuple[str, ...] = ()
    requests: int = 0
    """Report requests sent for this result."""
    cached_intervals: int = 0
    """Closed intervals read from the cache instead of fetched."""
    warnings: int = 0
    """Malformed records skipped."""

    def interval_totals(self) -> list[Row]:
        """One totals row per interval (across queues or agents), `start` kept."""
        by_start: dict[datetime | None, list[Row]] = {}
        for row in self.rows:
            by_start.setdefault(row.start, []).append(row)
        found = (total(group, start=start) for start, group in by_start.items())
        return [row for row in found if row is not None]


@dataclass(frozen=True)
class SegmentResult:
    """Dialogs rebuilt from interaction metadata."""

    dialogs: tuple[Dialog, ...]
    start: datetime
    end: datetime
    notices: tuple[str, ...] = ()
    requests: int = 0
    warnings: int = 0

    @property
    def segments(self) -> tuple[Segment, ...]:
        return tuple(s for d in self.dialogs for s in d.segments)


class ReportService:
    """Fetches WFM reports for one account within its reports budget (see module docstring).

    `client` is the account's `RingCxClient` (its budget registry decides the pacing); `zone`
    the account's time zone; `cache` keeps closed intervals across restarts (None: no cache);
    `now` is the platform's time (the simulator's clock in the demo)."""

    def __init__(
        self,
        client: RingCxClient,
        *,
        zone: str,
        cache: ReportCache | None = None,
        now: Callable[[], datetime] = utc_now,
        sleep: Sleep = anyio.sleep,
        open_refresh_s: float = DEFAULT_OPEN_REFRESH_S,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        try:
            self._zone = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {zone!r}") from None
        self._cache = cache
        self._now = now
        self._sleep = sleep
        self._open_refresh_s = open_refresh_s
        self._monotonic = monotonic
        self._open: dict[tuple[str, int, float], tuple[float, WireRows]] = {}

    @property
    def zone(self) -> ZoneInfo:
        return self._zone

    def now(self) -> datetime:
        """The platform's current time, in the account's zone."""
        return self._now().astimezone(self._zone)

    def budget(self) -> BudgetState | None:
        """The reports family's budget (used, remaining, next free slot), for a status line."""
        return self._client.budget_state().get("reports")

    def today(self) -> tuple[datetime, datetime]:
        """From local midnight to now: the range the screen's panes show."""
        now = self.now()
        return local_midnight(now, self._zone), now

    # --- interval reports ------------------------------------------------------------------

    async def queue_intervals(
        self,
        start: datetime,
        end: datetime,
        interval_minutes: int = 30,
        *,
        progress: ProgressCallback | None = None,
    ) -> ReportResult[QueueInterval]:
        """Per queue and interval: offered, answered, abandoned, service level, ASA, AHT..."""
        return await self._intervals(QUEUES, start, end, interval_minutes, progress)

    async def agent_intervals(
        self,
        start: datetime,
        end: datetime,
        interval_minutes: int = 30,
        *,
        progress: ProgressCallback | None = None,
    ) -> ReportResult[AgentInterval]:
        """Per agent and interval: available, working, paused, waiting, admin, interactions."""
        return await self._intervals(AGENTS, start, end, interval_minutes, progress)

    async def agent_queue_intervals(
        self,
        start: datetime,
        end: datetime,
        interval_minutes: int = 30,
        *,
        progress: ProgressCallback | None = None,
    ) -> ReportResult[AgentQueueInterval]:
        """Per agent, queue and interval: answered, transfers out, talk and wrap-up."""
        return await self._intervals(EXTENDED, start, end, interval_minutes, progress)

    async def report(
        self,
        kind: ReportKind,
        start: datetime,
        end: datetime,
        interval_minutes: int = 30,
        *,
        progress: ProgressCallback | None = None,
    ) -> ReportResult[Any]:
        """Any interval report by its command-line name."""
        if kind == "queues":
            return await self.queue_intervals(start, end, interval_minutes, progress=progress)
        if kind == "agents":
            return await self.agent_intervals(start, end, interval_minutes, progress=progress)
        if kind == "agents-extended":
            return await self.agent_queue_intervals(start, end, interval_minutes, progress=progress)
        raise ValueError(f"unknown report {kind!r} (known: {', '.join(REPORT_KINDS)})")

    async def _intervals(
        self,
        spec: Spec[W, Row],
        start: datetime,
        end: datetime,
        minutes: int,
        progress: ProgressCallback | None,
    ) -> ReportResult[Row]:
        interval_s = interval_seconds(minutes)
        plan = plan_range(start, end, interval_s, self._zone, self._now())
        closed = [i.start.timestamp() for i in plan.intervals if i.closed]
        wire: dict[float, WireRows] = {}
        if self._cache is not None and closed:
            wire = await anyio.to_thread.run_sync(
                self._cache.get, spec.report, interval_s, self._zone.key, closed
            )
        cached = len(wire)
        wire.update(self._recent_open(spec.report, interval_s, plan.intervals))
        missing = [i for i in plan.intervals if i.start.timestamp() not in wire]
        windows = split_windows(missing, plan.end)
        warnings = 0
        for done, window in enumerate(windows):
            batch = await self._send(
                spec.kind,
                done,
                len(windows),
                progress,
                spec.fetch,
                self._client,
                window.start,
                window.end,
                interval_s,
                self._zone.key,
            )
            fetched, skipped = self._by_interval(batch, window.intervals)
            warnings += skipped
            wire.update(fetched)
            await self._keep(spec.report, interval_s, window.intervals, fetched)
        if progress is not None and windows:
            progress(Progress(spec.kind, len(windows), len(windows)))
        rows: list[Row] = []
        for interval in plan.intervals:
            for item in wire.get(interval.start.timestamp(), []):
                try:
                    record = spec.model.model_validate(item)
                except ValidationError:
                    warnings += 1
                    continue
                rows.append(spec.build(record, interval.start, interval_s, not interval.closed))
        rows.sort(key=spec.order)
        return ReportResult(
            kind=spec.kind,
            zone=self._zone.key,
            plan=plan,
            rows=tuple(rows),
            totals=tuple(totals_by(rows, spec.totals_key, **spec.totals_identity)),
            grand_total=total(rows, **spec.grand_identity),
            notices=plan.notices,
            requests=len(windows),
            cached_intervals=cached,
            warnings=warnings,
        )

    def _recent_open(
        self, report: str, interval_s: int, intervals: Sequence[Interval]
    ) -> dict[float, WireRows]:
        """Open intervals fetched less than `open_refresh_s` ago, from memory."""
        found: dict[float, WireRows] = {}
        now = self._monotonic()
        for interval in intervals:
            if interval.closed:
                continue
            memo = self._open.get((report, interval_s, interval.start.timestamp()))
            if memo is not None and now - memo[0] < self._open_refresh_s:
                found[interval.start.timestamp()] = memo[1]
        return found

    def _by_interval(
        self, batch: ParsedBatch[W], intervals: Sequence[Interval]
    ) -> tuple[dict[float, WireRows], int]:
        """The batch's records (as JSON-ready dicts) by interval start; every interval of the
        window gets an entry, an empty one meaning "no activity". Returns (rows, skipped)."""
        fetched: dict[float, WireRows] = {i.start.timestamp(): [] for i in intervals}
        skipped = len(batch.warnings)
        for record in batch.records:
            label = getattr(record, "dateTimeFrom", "")
            try:
                local = datetime.strptime(str(label), LABEL_FORMAT).replace(tzinfo=self._zone)
            except ValueError:
                skipped += 1
                continue
            bucket = fetched.get(local.timestamp())
            if bucket is not None:
                bucket.append(record.model_dump(mode="json"))
        return fetched, skipped

    async def _keep(
        self,
        report: str,
        interval_s: int,
        intervals: Sequence[Interval],
        fetched: dict[float, WireRows],
    ) -> None:
        closed = {i.start.timestamp(): fetched[i.start.timestamp()] for i in intervals if i.closed}
        for interval in intervals:
            if not interval.closed:
                key = (report, interval_s, interval.start.timestamp())
                self._open[key] = (self._monotonic(), fetched[interval.start.timestamp()])
        if self._cache is not None and closed:
            fetched_t = self._now().timestamp()
            await anyio.to_thread.run_sync(
                self._cache.put, report, interval_s, self._zone.key, closed, fetched_t
            )

    async def _send(
        self,
        what: str,
        done: int,
        total_requests: int,
        progress: ProgressCallback | None,
        request: Callable[..., Awaitable[ParsedBatch[W]]],
        *args: Any,
    ) -> ParsedBatch[W]:
        """Wait for the reports budget (telling `progress`), then send. A refusal by our own
        budget (nothing was sent) waits again; a 429 after the transport's retries is raised."""
        while True:
            state = self.budget()
            wait = state.next_free_in if state is not None else 0.0
            if progress is not None:
                progress(Progress(what, done, total_requests, wait))
            if wait > 0:
                await self._sleep(wait)
                continue
            try:
                return await request(*args)
            except RateLimited as error:
                if error.status is not None:
                    raise
                await self._sleep(max(error.retry_after, 0.05))

    # --- segment drill-down ----------------------------------------------------------------

    async def segments(
        self, start: datetime, end: datetime, *, progress: ProgressCallback | None = None
    ) -> SegmentResult:
        """Every segment that ended in `(start, end]`, grouped into dialogs. The end is clipped
        to 5 minutes ago (with a notice); segments of the last 15 minutes carry a notice that
        recordings and transcripts may still be processing."""
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("segment range times must carry a time zone")
        now = self._now()
        notices: list[str] = []
        stop = end
        if stop > now - MIN_AGE:
            stop = (now - MIN_AGE).replace(microsecond=0)
            shown = stop.astimezone(self._zone).strftime(LABEL_FORMAT)
            notices.append(
                f"segments clipped to end at {shown} ({self._zone.key}): metadata must be at "
                "least 5 minutes old"
            )
        if stop > now - MEDIA_AGE:
            notices.append(
                "recordings and transcripts of the last 15 minutes may still be processing"
            )
        requests = metadata_windows(start, stop)
        found: list[Segment] = []
        warnings = 0
        for done, (segment_end, seconds) in enumerate(requests):
            batch: ParsedBatch[InteractionSegment] = await self._send(
                "segments",
                done,
                len(requests),
                progress,
                self._client.interaction_metadata,
                segment_end,
                seconds,
                self._zone.key,
            )
            warnings += len(batch.warnings)
            found.extend(Segment.from_wire(record) for record in batch.records)
        if progress is not None and requests:
            progress(Progress("segments", len(requests), len(requests)))
        return SegmentResult(
            tuple(group_dialogs(found)),
            start,
            max(start, stop),
            tuple(notices),
            len(requests),
            warnings,
        )

    async def queue_interval_segments(
        self, row: QueueInterval, *, progress: ProgressCallback | None = None
    ) -> SegmentResult:
        """The dialogs offered to `row`'s queue during its interval: segments ending from 15
        minutes before the interval (the IVR leg) to 30 minutes after it (the agent leg)."""
        if row.start is None:
            raise ValueError("a totals row has no interval to drill into")
        end = row.start + timedelta(seconds=row.interval_s)
        result = await self.segments(
            row.start - timedelta(minutes=15), end + timedelta(minutes=30), progress=progress
        )
        chosen = select_for_queue_interval(result.dialogs, row.queue_id, row.start, end)
        return _narrowed(result, chosen)

    async def call_segments(
        self,
        interaction_id: str,
        around: datetime,
        *,
        span: timedelta = timedelta(hours=1),
        progress: ProgressCallback | None = None,
    ) -> SegmentResult:
        """One call's dialog: segments ending within `span` either side of `around`."""
        result = await self.segments(around - span, around + span, progress=progress)
        return _narrowed(result, select_for_call(result.dialogs, interaction_id))

    async def recording_address(self, segment: Segment) -> str:
        """The recorded segment's address, for copying (OSC 52); no request is sent."""
        if not segment.has_recording:
            raise ValueError(f"segment {segment.segment_id} has no recording")
        return await self._client.recording_url(segment.dialog_id, segment.segment_id)

    async def recording(self, segment: Segment) -> bytes:
        """A recorded segment's audio (WAV), fetched within the reports budget."""
        if not segment.has_recording:
            raise ValueError(f"segment {segment.segment_id} has no recording")
        while True:
            state = self.budget()
            wait = state.next_free_in if state is not None else 0.0
            if wait <= 0:
                return await self._client.recording(segment.dialog_id, segment.segment_id)
            await self._sleep(wait)


def _narrowed(result: SegmentResult, dialogs: list[Dialog]) -> SegmentResult:
    return SegmentResult(
        tuple(dialogs), result.start, result.end, result.notices, result.requests, result.warnings
    )
