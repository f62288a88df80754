"""`wallboard report`: WFM interval reports and segment metadata, exported for WFM tools.

    wallboard report queues|agents|agents-extended|segments --from ... --to ... \\
        --interval 30 --format table|csv|json [--output FILE] [--config/--account/--demo]

Why it goes through `ReportService`: the command must obey the same platform rules as the
screen (2 report requests a minute, windows ending 5 minutes ago, 3 hours per request) and reuse
the same cache, so a second export of yesterday sends nothing. Times are read in the account's
zone; `--from` defaults to today's local midnight and `--to` to now. Notices (a clipped range)
and the progress bar go to stderr, so stdout stays a clean CSV or JSON document.

Exit status: 0 done, 1 the platform failed (the message is scrubbed of secrets), 2 bad input
(one line naming the flag, nothing sent).
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

import anyio

from wallboard.config import ConfigError, load_config
from wallboard.providers.ringcx.client import RingCxClient
from wallboard.providers.ringcx.errors import RingCxError
from wallboard.report_cache import ReportCache
from wallboard.reports import REPORT_KINDS, Progress, ReportResult, ReportService, SegmentResult
from wallboard.reports_export import (
    AGENT_COLUMNS,
    EXTENDED_COLUMNS,
    FORMATS,
    QUEUE_COLUMNS,
    SEGMENT_COLUMNS,
    Column,
    to_csv,
    to_json,
    to_table,
)
from wallboard.reports_segments import select_for_call
from wallboard.reports_windows import INTERVAL_MINUTES, ReportRangeError, utc_now

KINDS = (*REPORT_KINDS, "segments")
_COLUMNS: dict[str, tuple[Column, ...]] = {
    "queues": QUEUE_COLUMNS,
    "agents": AGENT_COLUMNS,
    "agents-extended": EXTENDED_COLUMNS,
}
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


class _BadFlag(ValueError):
    """One bad flag value; the message is the whole error line."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "report",
        help="export WFM interval reports (queues, agents, segments)",
        description=(
            "Fetch RingCX WFM reports within the reports budget (2 requests a minute), "
            "splitting long ranges into 3-hour windows and clipping them to end 5 minutes ago. "
            "Closed intervals are cached in the history database. Times are in the account's "
            "time zone unless they carry an offset."
        ),
    )
    parser.add_argument("kind", choices=KINDS, help="which report")
    parser.add_argument(
        "--from",
        dest="start",
        default="today",
        help="start: 'YYYY-MM-DD[ HH:MM[:SS]]', 'HH:MM' (today), ISO 8601, today, yesterday",
    )
    parser.add_argument("--to", dest="end", default="now", help="end (same forms, or 'now')")
    parser.add_argument(
        "--interval", default=None, help="interval minutes: 15, 30, 45 or 60 (default: config)"
    )
    parser.add_argument("--format", default="table", help="table, csv or json")
    parser.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    parser.add_argument("--queue", help="segments: only dialogs that went through this queue")
    parser.add_argument("--call", help="segments: only this call (its uii / interaction id)")
    parser.add_argument("--config", help="config file (default: the documented search order)")
    parser.add_argument("--account", help="which [accounts.*] table to use")
    parser.add_argument("--demo", action="store_true", help="report on the simulated center")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    parser.set_defaults(handler=run)


def parse_time(text: str, zone: ZoneInfo, now: datetime) -> datetime:
    """A `--from`/`--to` value as an aware datetime (see `--help` for the forms)."""
    value = text.strip().lower()
    local_now = now.astimezone(zone)
    midnight = datetime.combine(local_now.date(), time(), zone)
    if value == "now":
        return local_now
    if value == "today":
        return midnight
    if value == "yesterday":
        return datetime.combine(local_now.date() - timedelta(days=1), time(), zone)
    clock = _CLOCK.match(value)
    if clock:
        hour, minute, second = (int(part or 0) for part in clock.groups())
        if hour > 23 or minute > 59 or second > 59:
            raise _BadFlag(f"{text!r} is not a time of day")
        return datetime.combine(local_now.date(), time(hour, minute, second), zone)
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise _BadFlag(
            f"{text!r} is not a time (try '2025-01-15 09:00', '09:00', today or now)"
        ) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone)


def _interval(text: str | None, default: int) -> int:
    if text is None:
        return default
    try:
        minutes = int(text)
    except ValueError:
        raise _BadFlag(f"--interval {text!r} is not a number of minutes") from None
    if minutes not in INTERVAL_MINUTES:
        raise _BadFlag(f"--interval must be one of {', '.join(map(str, INTERVAL_MINUTES))}")
    return minutes


class ProgressBar:
    """A one-line bar on a terminal; plain lines elsewhere (a log keeps every step)."""

    def __init__(self, stream: TextIO, *, enabled: bool = True) -> None:
        self._stream = stream
        self._enabled = enabled
        self._tty = stream.isatty()
        self._last = ""

    def __call__(self, progress: Progress) -> None:
        if not self._enabled or progress.total < 2:
            return
        text = progress.message
        if self._tty:
            width = 24
            filled = width * progress.done // max(1, progress.total)
            bar = "#" * filled + "." * (width - filled)
            self._stream.write(f"\r[{bar}] {text}\x1b[K")
            if progress.done == progress.total and progress.waiting_s == 0:
                self._stream.write("\n")
        elif text != self._last:
            self._stream.write(text + "\n")
        self._last = text
        self._stream.flush()


def _render(result: ReportResult[Any], fmt: str) -> str:
    zone = ZoneInfo(result.zone)
    columns = _COLUMNS[result.kind]
    totals = [*result.totals, *([result.grand_total] if result.grand_total else [])]
    if fmt == "csv":
        return to_csv(result.rows, columns, zone)
    if fmt == "json":
        header = {
            "report": result.kind,
            "zone": result.zone,
            "interval_minutes": result.plan.interval_s // 60,
            "from": result.plan.start.isoformat(),
            "to": result.plan.end.isoformat(),
            "notices": list(result.notices),
        }
        return to_json(result.rows, columns, zone, header=header, totals=totals)
    return to_table(result.rows, columns, zone, totals)


def _render_segments(result: SegmentResult, zone: ZoneInfo, fmt: str) -> str:
    rows = result.segments
    if fmt == "csv":
        return to_csv(rows, SEGMENT_COLUMNS, zone)
    if fmt == "json":
        header = {
            "report": "segments",
            "zone": zone.key,
            "from": result.start.isoformat(),
            "to": result.end.isoformat(),
            "notices": list(result.notices),
            "dialogs": len(result.dialogs),
        }
        return to_json(rows, SEGMENT_COLUMNS, zone, header=header)
    return to_table(rows, SEGMENT_COLUMNS, zone)


async def _report(args: argparse.Namespace, minutes: int, fmt: str) -> tuple[str, list[str]]:
    from wallboard.runtime import open_runtime  # the demo's simulator loads only when used

    config = load_config(args.config)
    async with open_runtime(config, account=args.account, demo=args.demo) as runtime:
        client = getattr(runtime.provider, "client", None)
        if not isinstance(client, RingCxClient):
            raise _BadFlag(f"account {runtime.name!r}: WFM reports need a RingCX account")
        history_path = runtime.history.path if runtime.history is not None else None
        cache = None
        if config.reports.cache and history_path is not None:
            cache = ReportCache(history_path, account=runtime.name)
        now = runtime.demo.clock.now if runtime.demo is not None else utc_now
        try:
            service = ReportService(client, zone=runtime.account.timezone, cache=cache, now=now)
            zone = service.zone
            start = parse_time(args.start, zone, service.now())
            end = parse_time(args.end, zone, service.now())
            if end <= start:
                raise _BadFlag("--to must be after --from")
            bar = ProgressBar(sys.stderr, enabled=not args.no_progress)
            try:
                if args.kind == "segments":
                    if args.queue is not None and args.call is not None:
                        raise _BadFlag("--queue and --call cannot be combined")
                    segments = await service.segments(start, end, progress=bar)
                    segments = _filter(segments, args)
                    return _render_segments(segments, zone, fmt), list(segments.notices)
                result = await service.report(args.kind, start, end, minutes, progress=bar)
                return _render(result, fmt), list(result.notices)
            except RingCxError as error:
                raise _PlatformFailed(client.redactor.scrub(str(error))) from None
        finally:
            if cache is not None:
                cache.close()


class _PlatformFailed(RuntimeError):
    """The platform refused or failed; the message is already scrubbed."""


def _filter(result: SegmentResult, args: argparse.Namespace) -> SegmentResult:
    dialogs = list(result.dialogs)
    if args.call is not None:
        dialogs = select_for_call(dialogs, args.call)
    if args.queue is not None:
        dialogs = [
            d
            for d in dialogs
            if any(s.kind == "QUEUE" and s.participant_id == args.queue for s in d.segments)
        ]
    return SegmentResult(
        tuple(dialogs), result.start, result.end, result.notices, result.requests, result.warnings
    )


def run(args: argparse.Namespace) -> int:
    try:
        fmt = args.format.lower()
        if fmt not in FORMATS:
            raise _BadFlag(f"--format must be one of {', '.join(FORMATS)}, got {args.format!r}")
        minutes = _interval(args.interval, 30)
        if args.interval is None:
            with contextlib.suppress(ConfigError):  # reported in full when the report runs
                minutes = load_config(args.config).reports.interval
        text, notices = anyio.run(_report, args, minutes, fmt)
    except (_BadFlag, ReportRangeError) as error:
        print(f"wallboard report: error: {error}", file=sys.stderr)
        return 2
    except ConfigError as error:
        print(f"wallboard report: error: {error}", file=sys.stderr)
        return 2
    except RingCxError as error:  # before any request: configuration, sign-in settings
        print(f"wallboard report: error: {error}", file=sys.stderr)
        return 1
    except _PlatformFailed as error:
        print(f"wallboard report: error: {error}", file=sys.stderr)
        return 1
    for notice in notices:
        print(f"wallboard report: note: {notice}", file=sys.stderr)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8", newline="")
        except OSError as error:
            print(f"wallboard report: error: cannot write {args.output}: {error}", file=sys.stderr)
            return 1
        return 0
    sys.stdout.write(text)
    return 0
