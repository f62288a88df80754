"""Report rows as table cells: the columns of the queue, agent and per-queue agent reports.

Why a module of its own: the reports screen and the agent drill-down show the same kinds of
rows; the formatting (times in the account's zone, durations as m:ss, ratios as percentages, an
open interval marked as still counting) is decided once here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from wallboard.reports_rows import AgentInterval, AgentQueueInterval, QueueInterval
from wallboard.ui import format as fmt

OPEN_MARK = " …"
"""After the interval label of the still-open interval (its numbers are still growing)."""
TOTAL = "Total"

ReportRow = QueueInterval | AgentInterval | AgentQueueInterval


@dataclass(frozen=True)
class ReportColumn:
    key: str
    label: str
    width: int
    value: Callable[[Any], str]


def interval_label(row: ReportRow, zone: ZoneInfo) -> str:
    if row.start is None:
        return TOTAL
    label = row.start.astimezone(zone).strftime("%H:%M")
    return label + OPEN_MARK if row.partial else label


QUEUE_COLUMNS: tuple[ReportColumn, ...] = (
    ReportColumn("queue", "Queue", 22, lambda r: r.queue_name),
    ReportColumn("offered", "Offered", 8, lambda r: fmt.num(r.offered)),
    ReportColumn("answered", "Answered", 9, lambda r: fmt.num(r.answered)),
    ReportColumn("abandoned", "Aband", 6, lambda r: fmt.num(r.abandoned)),
    ReportColumn("short", "Short ab", 8, lambda r: fmt.num(r.short_abandoned)),
    ReportColumn("sl", "SL%", 7, lambda r: fmt.pct(r.service_level)),
    ReportColumn("asa", "ASA", 7, lambda r: fmt.duration(r.asa_s)),
    ReportColumn("aht", "AHT", 7, lambda r: fmt.duration(r.aht_s)),
    ReportColumn("wrap", "Wrap", 7, lambda r: fmt.duration(r.avg_wrap_s)),
    ReportColumn("longest", "Longest", 8, lambda r: fmt.duration(r.longest_wait_s)),
)

AGENT_COLUMNS: tuple[ReportColumn, ...] = (
    ReportColumn("agent", "Agent", 20, lambda r: r.agent_name),
    ReportColumn("available", "Avail", 8, lambda r: fmt.duration(r.available_s)),
    ReportColumn("working", "Working", 8, lambda r: fmt.duration(r.working_s)),
    ReportColumn("paused", "Paused", 8, lambda r: fmt.duration(r.paused_s)),
    ReportColumn("waiting", "Waiting", 8, lambda r: fmt.duration(r.waiting_s)),
    ReportColumn("admin", "Admin", 8, lambda r: fmt.duration(r.admin_s)),
    ReportColumn("inbound", "In", 5, lambda r: fmt.num(r.inbound)),
    ReportColumn("outbound", "Out", 5, lambda r: fmt.num(r.outbound)),
    ReportColumn("occupancy", "Occ%", 7, lambda r: fmt.pct(r.occupancy)),
)

EXTENDED_COLUMNS: tuple[ReportColumn, ...] = (
    ReportColumn("queue", "Queue", 22, lambda r: r.queue_name),
    ReportColumn("answered", "Answered", 9, lambda r: fmt.num(r.answered)),
    ReportColumn("transfers", "Transfers out", 13, lambda r: fmt.num(r.transfers_out)),
    ReportColumn("talk", "Talk", 8, lambda r: fmt.duration(r.talk_s)),
    ReportColumn("wrap", "Wrap", 8, lambda r: fmt.duration(r.wrap_s)),
    ReportColumn("aht", "AHT", 7, lambda r: fmt.duration(r.aht_s)),
)

INTERVAL_COLUMN = ReportColumn("interval", "Interval", 9, lambda r: "")


def row_key(row: ReportRow) -> str:
    """Stable across reloads, so the cursor stays on the same interval and name."""
    start = "total" if row.start is None else str(int(row.start.timestamp()))
    if isinstance(row, QueueInterval):
        return f"{start}:q:{row.queue_id}"
    if isinstance(row, AgentInterval):
        return f"{start}:a:{row.agent_id}"
    return f"{start}:x:{row.agent_id}:{row.queue_id}"


def cells(row: ReportRow, columns: Sequence[ReportColumn], zone: ZoneInfo) -> list[str]:
    return [interval_label(row, zone), *(column.value(row) for column in columns)]


def when(moment: datetime | None, zone: ZoneInfo) -> str:
    """A segment's join or leave time, `HH:MM:SS` in the account's zone."""
    return "-" if moment is None else moment.astimezone(zone).strftime("%H:%M:%S")
