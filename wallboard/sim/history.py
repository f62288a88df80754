"""Interval history behind the WFM reports, written by the same events that move real time.

Why buckets written at event time: the reports must agree *exactly* with the real-time
counters (a gate's `accepted` today equals the sum of today's `answIxnCnt`), and the only way to
guarantee that is to record both in the same handler. Buckets are 300 s long and aligned to the
epoch, so they tile every local 5-minute boundary (all real zones are offset by whole quarter
hours), hence every 15/30/45/60-minute report interval and every local midnight.

* Queue and extended rows count an event in the bucket where it happened: offered at enqueue,
  answered at answer, abandoned at abandon, talk at the end of the agent's leg, wrap at the end
  of wrap-up, hold at unhold.
* Agent durations (available, working, paused, waiting, admin) are spans split across buckets
  when the agent leaves a state; the state an agent is in right now is added at query time, up
  to "now", so a report never lags the agent.
* Report intervals are aligned to local midnight in the requested zone (900/1800/2700/3600 all
  divide a day). Queue rows: one row per gate for every interval that overlaps the simulated
  history (zeros when the gate had no traffic), so a WFM import sees a complete grid. Agent and
  extended rows: only where there is activity. Intervals entirely before the warm-up began have
  no data and no rows. Known limit: across a DST change, 2700-s intervals after the change are
  labelled at :15/:45 past the hour.
* History older than `retention` seconds is dropped (bounded memory on the large preset).
"""

from __future__ import annotations

from array import array
from copy import copy
from datetime import datetime
from typing import Any, TypeAlias
from zoneinfo import ZoneInfo

from .model_entities import Segment

BUCKET = 300

Q_FIELDS = (
    "offdDirectIxnCnt",
    "answIxnCnt",
    "abandIxnCnt",
    "abandShortIxnCnt",
    "abandWithinSlCnt",
    "ansServicelevelCnt",
    "completedContacts",
    "queuedAndAnswIxnDur",
    "queuedAndAbandIxnDur",
    "queuedAnswLongestQueDur",
    "queuedAbandLongestQueDur",
    "talkingIxnDur",
    "wrapUpDur",
    "waitDur",
    "segmentHoldTime",
    "overflowInIxnCnt",
    "overflowOutIxnCnt",
)
(
    Q_OFFERED,
    Q_ANSWERED,
    Q_ABANDONED,
    Q_ABANDON_SHORT,
    Q_ABANDON_IN_SL,
    Q_ANSWER_IN_SL,
    Q_COMPLETED,
    Q_ANSWER_WAIT,
    Q_ABANDON_WAIT,
    Q_LONGEST_ANSWER,
    Q_LONGEST_ABANDON,
    Q_TALK,
    Q_WRAP,
    Q_WAIT,
    Q_HOLD,
    Q_OVERFLOW_IN,
    Q_OVERFLOW_OUT,
) = range(len(Q_FIELDS))
_Q_MAX = (Q_LONGEST_ANSWER, Q_LONGEST_ABANDON)

A_FIELDS = (
    "availDur",
    "totWorkDur",
    "pauseDur",
    "waitDur",
    "adminDur",
    "directOutIxnCnt",
    "directOutIxnDur",
    "directInIxnCnt",
    "directInIxnDur",
)
A_OUT_COUNT, A_OUT_DUR, A_IN_COUNT, A_IN_DUR = 5, 6, 7, 8

X_FIELDS = ("talkingIxnDur", "wrapUpDur", "answIxnCnt", "transferOutIxnCnt")
X_TALK, X_WRAP, X_ANSWERED, X_TRANSFER_OUT = range(len(X_FIELDS))

# Rows are arrays of doubles: compact, and invisible to the cyclic garbage collector, which
# would otherwise rescan hundreds of thousands of lists on the large preset.
Row: TypeAlias = "array[float]"
_Q_ZERO = array("d", [0.0] * len(Q_FIELDS))
_A_ZERO = array("d", [0.0] * len(A_FIELDS))
_X_ZERO = array("d", [0.0] * len(X_FIELDS))
#: Most segments kept, whatever the retention (about two hours of the large preset).
MAX_SEGMENTS = 600_000


def segment_id(seq: int, index: int) -> str:
    return f"{seq:010d}{index:02d}"


def segment_key(text: str) -> int | None:
    """The numeric key of a segment id (None if it is not one of ours)."""
    return int(text) if len(text) == 12 and text.isdigit() else None


def _value(name: str, value: float) -> int | float:
    """Counts are integers on the wire; durations are seconds with millisecond precision."""
    return round(value) if name.endswith("Cnt") else round(value, 3)


def interval_starts(start: float, end: float, interval: int, tz: ZoneInfo) -> list[float]:
    """Starts of the report intervals covering [start, end), aligned to local midnight."""
    local = datetime.fromtimestamp(start, tz)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
    first = midnight + ((start - midnight) // interval) * interval
    starts = []
    t = first
    while t < end:
        starts.append(t)
        t += interval
    return starts


def local_label(ts: float, tz: ZoneInfo) -> str:
    return datetime.fromtimestamp(ts, tz).strftime("%Y-%m-%d %H:%M:%S")


class History:
    """Bucketed counters per gate, per agent and per (agent, gate), plus finished segments."""

    def __init__(self, start: float, retention: float, dialog_prefix: str) -> None:
        self.start = start
        self.retention = retention
        self.dialog_prefix = dialog_prefix
        self.queue: dict[int, dict[int, Row]] = {}
        self.agent: dict[int, dict[int, Row]] = {}
        self.ext: dict[int, dict[tuple[int, int], Row]] = {}
        self.segments: dict[int, list[Segment]] = {}
        self.segment_count = 0
        #: Recorded segments by numeric segment id, for the recordings endpoint.
        self.recorded: dict[int, Segment] = {}

    # --- writing ---------------------------------------------------------------------------

    def q(self, t: float, gate_id: int) -> Row:
        """The queue row of `gate_id` for the bucket holding time `t` (created on first use)."""
        bucket = self.queue.get(int(t // BUCKET))
        if bucket is None:
            bucket = self.queue[int(t // BUCKET)] = {}
        row = bucket.get(gate_id)
        if row is None:
            row = bucket[gate_id] = copy(_Q_ZERO)
        return row

    def a(self, t: float, agent_id: int) -> Row:
        bucket = self.agent.get(int(t // BUCKET))
        if bucket is None:
            bucket = self.agent[int(t // BUCKET)] = {}
        row = bucket.get(agent_id)
        if row is None:
            row = bucket[agent_id] = copy(_A_ZERO)
        return row

    def x(self, t: float, agent_id: int, gate_id: int) -> Row:
        bucket = self.ext.get(int(t // BUCKET))
        if bucket is None:
            bucket = self.ext[int(t // BUCKET)] = {}
        row = bucket.get((agent_id, gate_id))
        if row is None:
            row = bucket[(agent_id, gate_id)] = copy(_X_ZERO)
        return row

    def span(self, agent_id: int, category: int, t0: float, t1: float) -> None:
        """Add an agent's time in one category, split at bucket boundaries."""
        while t0 < t1:
            edge = (int(t0 // BUCKET) + 1) * BUCKET
            stop = t1 if t1 < edge else edge
            self.a(t0, agent_id)[category] += stop - t0
            t0 = stop

    def add_segment(self, segment: Segment) -> None:
        self.segments.setdefault(int(segment.end // BUCKET), []).append(segment)
        self.segment_count += 1
        if segment.has_recording:
            self.recorded[segment.seq * 100 + segment.index] = segment
        if self.segment_count > MAX_SEGMENTS:
            self._drop_segments(min(self.segments))

    def find_segment(self, dialog_id: str, segment_id: str) -> Segment | None:
        key = segment_key(segment_id)
        segment = self.recorded.get(key) if key is not None else None
        if segment is None or self.dialog_id(segment.seq) != dialog_id:
            return None
        return segment

    def dialog_id(self, seq: int) -> str:
        return f"{self.dialog_prefix}{seq:012x}"

    def _drop_segments(self, bucket: int) -> None:
        for segment in self.segments.pop(bucket, ()):
            self.segment_count -= 1
            if segment.has_recording:
                self.recorded.pop(segment.seq * 100 + segment.index, None)

    def prune(self, now: float) -> None:
        """Forget buckets that ended more than `retention` seconds ago."""
        oldest = int((now - self.retention) // BUCKET)
        for bucket in [b for b in self.queue if b < oldest]:
            del self.queue[bucket]
        for bucket in [b for b in self.agent if b < oldest]:
            del self.agent[bucket]
        for bucket in [b for b in self.ext if b < oldest]:
            del self.ext[bucket]
        for bucket in [b for b in self.segments if b < oldest]:
            self._drop_segments(bucket)
        self.start = max(self.start, oldest * BUCKET)

    # --- reading ---------------------------------------------------------------------------

    def _windows(
        self, start: float, end: float, interval: int, tz: ZoneInfo, now: float
    ) -> list[tuple[float, int, int]]:
        """(interval start, first bucket, end bucket) for intervals overlapping the history."""
        windows = []
        for t in interval_starts(start, end, interval, tz):
            if t + interval <= self.start or t >= now:
                continue
            windows.append((t, int(t // BUCKET), int((t + interval) // BUCKET)))
        return windows

    def queue_rows(
        self,
        start: float,
        end: float,
        interval: int,
        tz: ZoneInfo,
        now: float,
        gates: list[tuple[int, str]],
    ) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for t, b0, b1 in self._windows(start, end, interval, tz, now):
            label = local_label(t, tz)
            for gate_id, gate_name in gates:
                total = [0.0] * len(Q_FIELDS)
                for b in range(b0, b1):
                    row = self.queue.get(b, {}).get(gate_id)
                    if row is None:
                        continue
                    for i, v in enumerate(row):
                        total[i] = max(total[i], v) if i in _Q_MAX else total[i] + v
                record: dict[str, Any] = {
                    "dateTimeFrom": label,
                    "interval": interval,
                    "queue": str(gate_id),
                    "queueName": gate_name,
                }
                record.update({n: _value(n, v) for n, v in zip(Q_FIELDS, total, strict=True)})
                rows.append(record)
        return rows

    def agent_rows(
        self,
        start: float,
        end: float,
        interval: int,
        tz: ZoneInfo,
        now: float,
        names: dict[int, str],
        open_spans: list[tuple[int, int, float]],
    ) -> list[dict[str, Any]]:
        """`open_spans`: (agent id, category, since) for every logged-in agent's current state."""
        rows: list[dict[str, Any]] = []
        for t, b0, b1 in self._windows(start, end, interval, tz, now):
            totals: dict[int, list[float]] = {}
            for b in range(b0, b1):
                for agent_id, row in self.agent.get(b, {}).items():
                    total = totals.setdefault(agent_id, [0.0] * len(A_FIELDS))
                    for i, v in enumerate(row):
                        total[i] += v
            t_end = min(t + interval, now)
            for agent_id, category, since in open_spans:
                begin = max(since, t)
                if begin < t_end:
                    totals.setdefault(agent_id, [0.0] * len(A_FIELDS))[category] += t_end - begin
            label = local_label(t, tz)
            for agent_id in sorted(totals):
                total = totals[agent_id]
                if not any(total):
                    continue
                record: dict[str, Any] = {
                    "dateTimeFrom": label,
                    "interval": interval,
                    "agentId": str(agent_id),
                    "agentName": names.get(agent_id, str(agent_id)),
                }
                record.update({n: _value(n, v) for n, v in zip(A_FIELDS, total, strict=True)})
                rows.append(record)
        return rows

    def extended_rows(
        self,
        start: float,
        end: float,
        interval: int,
        tz: ZoneInfo,
        now: float,
        names: dict[int, str],
        gate_names: dict[int, str],
    ) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for t, b0, b1 in self._windows(start, end, interval, tz, now):
            totals: dict[tuple[int, int], list[float]] = {}
            for b in range(b0, b1):
                for key, row in self.ext.get(b, {}).items():
                    total = totals.setdefault(key, [0.0] * len(X_FIELDS))
                    for i, v in enumerate(row):
                        total[i] += v
            label = local_label(t, tz)
            for agent_id, gate_id in sorted(totals):
                total = totals[(agent_id, gate_id)]
                if not any(total):
                    continue
                record: dict[str, Any] = {
                    "dateTimeFrom": label,
                    "interval": interval,
                    "agentId": str(agent_id),
                    "agentName": names.get(agent_id, str(agent_id)),
                    "queue": str(gate_id),
                    "queueName": gate_names.get(gate_id, str(gate_id)),
                }
                record.update({n: _value(n, v) for n, v in zip(X_FIELDS, total, strict=True)})
                rows.append(record)
        return rows

    def segments_between(self, t0: float, t1: float) -> list[Segment]:
        """Segments that ended in (t0, t1], oldest end first."""
        found = []
        for b in range(int(t0 // BUCKET), int(t1 // BUCKET) + 1):
            for segment in self.segments.get(b, ()):
                if t0 < segment.end <= t1:
                    found.append(segment)
        found.sort(key=lambda s: (s.end, s.seq, s.index))
        return found


def _ms(ts: float) -> int:
    return round(ts * 1000)


def segment_row(segment: Segment, dialog_prefix: str) -> dict[str, Any]:
    """An `InteractionSegment` record."""
    events = segment.events
    if events is None:
        events = ((segment.start, "START"), (segment.end, "END"))
    return {
        "dialogId": f"{dialog_prefix}{segment.seq:012x}",
        "interactionId": segment.uii,
        "channelType": "VOICE",
        "segmentId": segment_id(segment.seq, segment.index),
        "segmentType": segment.segment_type,
        "segmentParticipantId": str(segment.participant),
        "segmentStartTimeMs": _ms(segment.start),
        "segmentEndTimeMs": _ms(segment.end),
        "segmentDurationMs": _ms(segment.end) - _ms(segment.start),
        "segmentAgentGroupId": None if segment.group_id is None else str(segment.group_id),
        "systemDisposition": segment.system_disposition,
        "agentDisposition": segment.agent_disposition,
        "agentNotes": segment.agent_notes,
        "hasRecording": segment.has_recording,
        "hasTranscript": False,
        "segmentEvents": [{"eventTimeMs": _ms(t), "eventType": kind} for t, kind in events],
    }
