"""`wallboard audit`: show (and follow) the supervisor-action audit log.

Why a command when the log is plain JSON lines: the person on call wants "what did we do to
that call" in one line per attempt, not `jq`; `--json` gives the raw lines for scripts. The log
lives in the data directory (`data_dir` in the config), the demo's under its `demo` folder.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from wallboard.audit import (
    AuditError,
    AuditRecord,
    default_audit_path,
    follow,
    read_backlog,
    read_records,
)
from wallboard.cli.call_command import EXIT_OK, EXIT_USAGE
from wallboard.cli.common import ConfigError, error, load


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="show the audit log of supervisor actions",
        description="Show the last actions taken on calls (and follow new ones).",
    )
    parser.add_argument("--config", metavar="PATH", help="config file (default: search order)")
    parser.add_argument("--demo", action="store_true", help="the in-process demo's audit log")
    parser.add_argument("--last", default="20", metavar="N", help="show the last N (default 20)")
    parser.add_argument("--follow", "-f", action="store_true", help="keep showing new records")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.set_defaults(handler=run)


def _show(record: AuditRecord, as_json: bool) -> None:
    print(json.dumps(record.to_json()) if as_json else record.describe(), flush=True)


def run(args: argparse.Namespace) -> int:
    if not args.last.isdigit():
        print(f"wallboard audit: --last {args.last!r} must be a whole number", file=sys.stderr)
        return EXIT_USAGE
    try:
        config = load(args)
    except ConfigError as problem:
        error(str(problem))
        return EXIT_USAGE
    data_dir = config.resolved_data_dir()
    path = default_audit_path(data_dir / "demo" if args.demo else data_dir)
    try:
        last = int(args.last)
        if args.follow:
            records, offset = read_backlog(path, last=last)
        else:
            records, offset = read_records(path, last=last), 0
    except AuditError as problem:
        print(f"wallboard audit: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if not records and not args.follow:
        print(f"no actions recorded yet in {path}", file=sys.stderr)
    for record in records:
        _show(record, args.json)
    if args.follow:
        try:
            # From where the backlog stopped, not from the file's size now: a record written
            # between the two reads must still be shown, and shown once.
            for record in follow(path, stop=lambda: False, offset=offset):
                _show(record, args.json)
        except KeyboardInterrupt:
            return EXIT_OK
    return EXIT_OK
