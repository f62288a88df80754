"""`wallboard status` and `wallboard check`: one pass over the account, for on-call triage.

`status` prints a compact summary (or `--json`) and exits 0, or 3 when the platform could not be
read at all. `check` follows the monitoring-plugin convention: exit 0 OK, 1 WARNING, 2 CRITICAL,
3 UNKNOWN, with a one-line reason, so cron, Nagios/Icinga and friends can run it unchanged.

Both judge a single observation: rolling windows come from the history database (shared with a
running wallboard), but alert rules' minimum durations do not apply to one pass.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import anyio

from wallboard.cli.common import ConfigError, add_account_args, error, load
from wallboard.config import WallboardConfig
from wallboard.runtime import open_runtime
from wallboard.store import View
from wallboard.summary import alert_text, render_text, summarize

OK, WARNING, CRITICAL, UNKNOWN = 0, 1, 2, 3
_LABEL = {OK: "OK", WARNING: "WARNING", CRITICAL: "CRITICAL", UNKNOWN: "UNKNOWN"}


def register(subparsers: Any) -> None:
    status = subparsers.add_parser(
        "status",
        help="one pass: print a compact summary and exit",
        description="Poll the account once and print campaigns, IVR, queues, agents, calls and "
        "firing alerts. Exit 0, or 3 when no data could be read.",
    )
    add_account_args(status)
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.set_defaults(handler=run_status)

    check = subparsers.add_parser(
        "check",
        help="one pass: exit 0/1/2 (ok/warning/critical) by the alert rules",
        description="Poll once and judge the alert rules: exit 0 OK, 1 WARNING, 2 CRITICAL, "
        "3 UNKNOWN (config or platform unreachable), printing one line (monitoring-plugin "
        "convention, with performance data after the '|').",
    )
    add_account_args(check)
    check.set_defaults(handler=run_check)


async def _one_view(config: WallboardConfig, args: argparse.Namespace) -> tuple[View, float]:
    async with open_runtime(config, account=args.account, demo=args.demo, one_shot=True) as runtime:
        view = await runtime.poller.poll_once()
        return view, runtime.store.abandon_cap


def _view_or_none(args: argparse.Namespace) -> tuple[View, float] | None:
    try:
        config = load(args)
        return anyio.run(_one_view, config, args)
    except ConfigError as problem:
        error(str(problem))
    except ValueError as problem:  # e.g. an unknown --account
        error(str(problem))
    return None


def _unreadable(view: View) -> str | None:
    """Why the pass read nothing at all, or None when at least one source answered."""
    provided = [s for s in view.sources.values() if s.capability == "supported" and s.polling]
    if provided and all(not s.ok for s in provided):
        return f"no data: {provided[0].error}"
    return None


def run_status(args: argparse.Namespace) -> int:
    got = _view_or_none(args)
    if got is None:
        return UNKNOWN
    view, cap = got
    summary = summarize(view, cap)
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(render_text(summary))
    return UNKNOWN if _unreadable(view) else OK


def judge(view: View, cap: float) -> tuple[int, str]:
    """The exit status and the one-line reason for one view."""
    if (reason := _unreadable(view)) is not None:
        return UNKNOWN, f"WALLBOARD UNKNOWN - {reason}"
    summary = summarize(view, cap)
    alerts = summary["alerts"]
    critical = [a for a in alerts if a["severity"] == "critical"]
    warning = [a for a in alerts if a["severity"] != "critical"]
    failed = [
        f"{name} failed: {s['error']}"
        for name, s in summary["sources"].items()
        if s["provided"] and s["polling"] and s["error"]
    ]
    status = CRITICAL if critical else WARNING if (warning or failed) else OK
    if status == OK:
        reason = (
            f"{len(summary['campaigns'])} campaigns, {summary['totals']['active_calls']} calls, "
            "no alerts"
        )
    else:
        worst = [alert_text(a, severity=False) for a in critical + warning] + failed
        more = f" (+{len(worst) - 1} more)" if len(worst) > 1 else ""
        reason = worst[0] + more
    t = summary["totals"]
    perf = " ".join(
        f"{key}={_perf(t[key])}"
        for key in (
            "active_calls",
            "agents_staffed",
            "agents_available",
            "calls_waiting",
            "longest_wait_s",
            "abandon_rate_today",
            "service_level",
        )
    )
    return status, f"WALLBOARD {_LABEL[status]} - {reason} | {perf}"


def _perf(value: float | None) -> str:
    if value is None:
        return "U"  # the plugin convention for "no value"
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def run_check(args: argparse.Namespace) -> int:
    got = _view_or_none(args)
    if got is None:
        print("WALLBOARD UNKNOWN - see the error above")
        return UNKNOWN
    status, line = judge(*got)
    print(line)
    return status
