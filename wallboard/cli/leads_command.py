"""`wallboard leads push --campaign ID FILE.csv|FILE.jsonl [--via feed|loader] [options]`.

Pushes every row of the file into the campaign, through the live lead feed (seed 003) or RingCX's
lead loader as `--via` or `[leads] route` chooses. A progress bar goes to stderr; the final
counts (supplied, accepted, inserted, rejected) to stdout. Rejected rows, each with its reason,
are written beside the input as `<name>.rejects.<ext>`: fix them there and push that file.

Exit status: 0 every row accepted; 1 some rows rejected or the push stopped; 2 nothing could be
sent (bad flags, config or file). With `--demo` the push goes to a simulator started in-process
(the feed's demo key for its RingCX company, or the demo account's lead loader).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TextIO

from pydantic import SecretStr

from wallboard.cli.common import ConfigError, add_account_args, error, load
from wallboard.config import LeadsConfig, WallboardConfig
from wallboard.leads import LeadPusher, PushReport
from wallboard.leads_read import LeadFileError
from wallboard.leads_setup import Via, open_pusher

OPTION_FLAGS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "dial_priority": ("dialPriority", ("IMMEDIATE", "FIRST_PASS", "SECOND_PASS", "THIRD_PASS")),
    "duplicate_handling": (
        "duplicateHandling",
        ("REMOVE_FROM_LIST", "RETAIN_ALL", "REMOVE_ALL_EXISTING"),
    ),
    "list_state": ("listState", ("ACTIVE", "INACTIVE")),
    "time_zone_option": ("timeZoneOption", ("NOT_APPLICABLE", "NPA_NXX", "ZIPCODE", "EXPLICIT")),
    "description": ("description", None),
}
BAR_WIDTH = 30


class _BadFlag(ValueError):
    pass


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "leads",
        help="push leads into a campaign",
        description="Push leads into a dialer campaign (live lead feed or RingCX lead loader).",
    )
    actions = parser.add_subparsers(dest="leads_command", metavar="ACTION")
    push = actions.add_parser(
        "push",
        help="push a CSV or JSON-lines file of leads",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    push.add_argument("file", metavar="FILE", help="a .csv (with a header row) or .jsonl file")
    push.add_argument("--campaign", required=True, metavar="ID", help="the dialer's campaign id")
    push.add_argument("--via", help="feed (live lead feed) or loader (RingCX lead loader)")
    group = push.add_argument_group("upload options (seed 003)")
    for dest, (name, choices) in OPTION_FLAGS.items():
        flag = "--" + dest.replace("_", "-")
        hint = f"{name}: {', '.join(choices)}" if choices else name
        group.add_argument(flag, dest=dest, metavar="VALUE", help=hint)
    add_account_args(push)
    push.set_defaults(handler=run)
    parser.set_defaults(handler=lambda args: _usage(parser))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _options(args: argparse.Namespace) -> dict[str, str]:
    options: dict[str, str] = {}
    for dest, (name, choices) in OPTION_FLAGS.items():
        value = getattr(args, dest, None)
        if value is None:
            continue
        if choices is not None:
            value = value.strip().upper().replace("-", "_")
            if value not in choices:
                flag = "--" + dest.replace("_", "-")
                raise _BadFlag(f"{flag} must be one of {', '.join(choices)}")
        options[name] = value
    return options


def _via(args: argparse.Namespace) -> Via | None:
    if args.via is None:
        return None
    if args.via not in ("feed", "loader"):
        raise _BadFlag("--via must be feed or loader")
    via: Via = "feed" if args.via == "feed" else "loader"
    return via


class ProgressBar:
    """`[#####.....] 120/500` redrawn in place on a terminal; a line per 10% otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self._last_tenth = -1

    def __call__(self, done: int, total: int) -> None:
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        text = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}"
        if self.tty:
            end = "\n" if done >= total else ""
            print("\r" + text, end=end, file=self.stream, flush=True)
            return
        tenth = 10 * done // total if total else 10
        if tenth != self._last_tenth:
            self._last_tenth = tenth
            print(text, file=self.stream, flush=True)


@asynccontextmanager
async def _demo_pusher(base: WallboardConfig, via: Via | None) -> AsyncIterator[LeadPusher]:
    from wallboard.sim.leadfeed import demo_feed_keys
    from wallboard.sim.server import SimServer

    with SimServer() as server:
        leads = LeadsConfig(
            route=via or "loader",
            feed_url=server.base_url,
            api_key=SecretStr(demo_feed_keys(server.settings.seed)["ringcx"]),
        )
        config = base.model_copy(
            update={
                "accounts": {"demo": server.account_config(auth="api_token")},
                "account": "demo",
                "leads": leads,
            }
        )
        async with open_pusher(config, via=via, environ={}) as pusher:
            yield pusher


async def _push(args: argparse.Namespace, via: Via | None, options: dict[str, str]) -> PushReport:
    config = load(args)
    progress = ProgressBar(sys.stderr)
    path = Path(args.file)
    if args.demo:
        async with _demo_pusher(config, via) as pusher:
            return await pusher.push_file(args.campaign, path, options, progress)
    async with open_pusher(config, account=args.account, via=via) as pusher:
        return await pusher.push_file(args.campaign, path, options, progress)


def run(args: argparse.Namespace) -> int:
    try:
        options, via = _options(args), _via(args)
        report = asyncio.run(_push(args, via, options))
    except (_BadFlag, ConfigError, LeadFileError, ValueError) as problem:
        error(f"leads push: {problem}")
        return 2
    print(f"campaign {report.campaign_id} via {report.route}: {report.summary()}")
    if report.rejects_file is not None:
        print(f"rejected rows and their reasons: {report.rejects_file}")
        print("fix them there and push that file again")
    return 0 if report.ok else 1
