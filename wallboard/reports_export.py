"""Report rows as CSV, JSON and a plain-text table, for `wallboard report` and WFM imports.

Why the formats are strict: a WFM tool or a spreadsheet reads the CSV without a person fixing
it. So the CSV has one header row, times in ISO 8601 with their UTC offset, plain numbers (no
thousands separators, a dot for decimals, seconds with at most 3 decimals, ratios as decimals
between 0 and 1), an empty cell for "not defined" (a service level with no calls), and data rows
only: totals would be double-counted by a pivot table. JSON carries the same columns plus the
totals and the notices. The table is for people: local times, percentages, totals at the end.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from wallboard.reports_rows import AgentInterval, AgentQueueInterval, QueueInterval
from wallboard.reports_segments import Segment

Kind = Literal["time", "int", "seconds", "ratio", "text", "bool"]
FORMATS = ("table", "csv", "json")


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind
    get: Callable[[Any], Any]


def _attr(name: str) -> Callable[[Any], Any]:
    return lambda row: getattr(row, name)


def _cols(spec: Sequence[tuple[str, Kind]]) -> tuple[Column, ...]:
    return tuple(Column(name, kind, _attr(name)) for name, kind in spec)


_INTERVAL: tuple[Column, ...] = (
    Column("interval_start", "time", _attr("start")),
    Column("interval_minutes", "int", lambda row: row.interval_s // 60),
)

QUEUE_COLUMNS = _INTERVAL + _cols(
    [
        ("queue_id", "text"),
        ("queue_name", "text"),
        ("offered", "int"),
        ("answered", "int"),
        ("abandoned", "int"),
        ("short_abandoned", "int"),
        ("answered_within_sl", "int"),
        ("service_level", "ratio"),
        ("asa_s", "seconds"),
        ("aht_s", "seconds"),
        ("avg_talk_s", "seconds"),
        ("avg_wrap_s", "seconds"),
        ("longest_wait_s", "seconds"),
        ("abandon_rate", "ratio"),
        ("talk_s", "seconds"),
        ("wrap_s", "seconds"),
        ("hold_s", "seconds"),
        ("partial", "bool"),
    ]
)
AGENT_COLUMNS = _INTERVAL + _cols(
    [
        ("agent_id", "text"),
        ("agent_name", "text"),
        ("available_s", "seconds"),
        ("working_s", "seconds"),
        ("paused_s", "seconds"),
        ("waiting_s", "seconds"),
        ("admin_s", "seconds"),
        ("logged_in_s", "seconds"),
        ("occupancy", "ratio"),
        ("inbound", "int"),
        ("inbound_s", "seconds"),
        ("outbound", "int"),
        ("outbound_s", "seconds"),
        ("partial", "bool"),
    ]
)
EXTENDED_COLUMNS = _INTERVAL + _cols(
    [
        ("agent_id", "text"),
        ("agent_name", "text"),
        ("queue_id", "text"),
        ("queue_name", "text"),
        ("answered", "int"),
        ("transfers_out", "int"),
        ("talk_s", "seconds"),
        ("wrap_s", "seconds"),
        ("aht_s", "seconds"),
        ("transfer_rate", "ratio"),
        ("partial", "bool"),
    ]
)
SEGMENT_COLUMNS = _cols(
    [
        ("dialog_id", "text"),
        ("interaction_id", "text"),
        ("segment_id", "text"),
        ("kind", "text"),
        ("participant_id", "text"),
        ("agent_group_id", "text"),
        ("joined", "time"),
        ("left", "time"),
        ("duration_s", "seconds"),
        ("system_disposition", "text"),
        ("agent_disposition", "text"),
        ("notes", "text"),
        ("has_recording", "bool"),
        ("has_transcript", "bool"),
    ]
)

COLUMNS: dict[type, tuple[Column, ...]] = {
    QueueInterval: QUEUE_COLUMNS,
    AgentInterval: AGENT_COLUMNS,
    AgentQueueInterval: EXTENDED_COLUMNS,
    Segment: SEGMENT_COLUMNS,
}


def machine_value(value: Any, kind: Kind, zone: ZoneInfo) -> Any:
    """The JSON value of a cell (None stays None)."""
    if value is None:
        return None
    if kind == "time":
        assert isinstance(value, datetime)
        return value.astimezone(zone).isoformat()
    if kind == "seconds":
        return round(float(value), 3)
    if kind == "ratio":
        return round(float(value), 4)
    if kind == "int":
        return int(value)
    if kind == "bool":
        return bool(value)
    return str(value)


def _csv_cell(value: Any, kind: Kind, zone: ZoneInfo) -> str:
    shown = machine_value(value, kind, zone)
    if shown is None:
        return ""
    if isinstance(shown, bool):
        return "true" if shown else "false"
    if isinstance(shown, float):
        text = f"{shown:.4f}".rstrip("0").rstrip(".")
        return text or "0"
    return str(shown)


def _human_cell(value: Any, kind: Kind, zone: ZoneInfo) -> str:
    if value is None:
        return "-" if kind != "time" else "total"
    if kind == "time":
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")  # type: ignore[no-any-return]
    if kind == "seconds":
        return f"{float(value):.0f}"
    if kind == "ratio":
        return f"{float(value) * 100:.1f}%"
    if kind == "bool":
        return "yes" if value else ""
    return str(value)


def columns_for(rows: Sequence[Any], default: tuple[Column, ...]) -> tuple[Column, ...]:
    return COLUMNS.get(type(rows[0]), default) if rows else default


def to_csv(rows: Sequence[Any], columns: tuple[Column, ...], zone: ZoneInfo) -> str:
    """Header row plus one line per row (see module docstring)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in columns])
    for row in rows:
        writer.writerow([_csv_cell(c.get(row), c.kind, zone) for c in columns])
    return out.getvalue()


def to_records(rows: Sequence[Any], columns: tuple[Column, ...], zone: ZoneInfo) -> list[Any]:
    return [{c.name: machine_value(c.get(row), c.kind, zone) for c in columns} for row in rows]


def to_json(
    rows: Sequence[Any],
    columns: tuple[Column, ...],
    zone: ZoneInfo,
    *,
    header: dict[str, Any],
    totals: Sequence[Any] = (),
) -> str:
    """One JSON object: `header` fields, then `rows` and `totals` (lists of objects)."""
    document = dict(header)
    document["rows"] = to_records(rows, columns, zone)
    document["totals"] = to_records(totals, columns, zone)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def to_table(
    rows: Sequence[Any], columns: tuple[Column, ...], zone: ZoneInfo, totals: Sequence[Any] = ()
) -> str:
    """Aligned plain text: numbers right-aligned, totals after a rule."""
    header = [c.name for c in columns]
    body = [[_human_cell(c.get(row), c.kind, zone) for c in columns] for row in rows]
    tail = [[_human_cell(c.get(row), c.kind, zone) for c in columns] for row in totals]
    widths = [
        max(len(cell) for cell in column) for column in zip(header, *body, *tail, strict=True)
    ]
    right = [c.kind in ("int", "seconds", "ratio") for c in columns]

    def line(cells: list[str]) -> str:
        parts = [
            cell.rjust(width) if is_right else cell.ljust(width)
            for cell, width, is_right in zip(cells, widths, right, strict=True)
        ]
        return "  ".join(parts).rstrip()

    lines = [line(header)] + [line(cells) for cells in body]
    if tail:
        lines.append("  ".join("-" * width for width in widths))
        lines += [line(cells) for cells in tail]
    return "\n".join(lines) + "\n"
