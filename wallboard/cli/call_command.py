"""`wallboard call ...`: the supervisor actions from a shell, for on-call scripting.

Why through `wallboard.actions`: a hangup from a script must pass the same checks as one from
the screen (read-only, phone numbers, confirmation) and land in the same audit log.

Exit status: 0 done; 1 the platform did not do it (false answer, call ended, permission, rate
limit, unreachable); 2 bad input or configuration; 3 refused (read-only, not confirmed). The
reason is printed on stderr. Hangup and barge ask for a typed confirmation on stdin (the call's
last four digits or the action's word) unless `--yes` is given.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any

import anyio

from wallboard.actions import ACTIONS, ActionLayer, ActionRequest, Outcome, Status
from wallboard.cli.common import ConfigError, add_account_args, error, load
from wallboard.config import WallboardConfig
from wallboard.providers.ringcx import adapter
from wallboard.providers.ringcx.errors import ConfigurationError, RingCxError
from wallboard.runtime import open_runtime

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_REFUSED = 0, 1, 2, 3
_EXIT = {Status.OK: EXIT_OK, Status.INVALID: EXIT_USAGE, Status.REFUSED: EXIT_REFUSED}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

DESCRIPTION = """\
List the calls in flight and act on one, with the same checks and audit log as the screen.
hangup and barge ask for the call's last four digits (or HANGUP / BARGE) on stdin unless --yes.

exit status: 0 done; 1 the platform did not do it (false answer, call already ended,
permission denied, rate limited, unreachable); 2 bad input or configuration; 3 refused
(read-only, not confirmed). The reason goes to stderr."""


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    add_account_args(common)
    common.add_argument(
        "--read-only", action="store_true", help="refuse every action (nothing is sent)"
    )
    common.add_argument("--json", action="store_true", help="print the result as JSON")
    return common


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "call",
        help="list live calls and act on one (monitor, hangup, ...)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="call_action", metavar="ACTION", required=True)
    common = [_common()]

    def sub(name: str, help_text: str) -> argparse.ArgumentParser:
        made: argparse.ArgumentParser = actions.add_parser(name, help=help_text, parents=common)
        made.set_defaults(handler=run)
        if name != "list" and name != "dial":
            made.add_argument("uii", help="the call's uii (see `wallboard call list`)")
        if name != "list":
            made.add_argument("--yes", action="store_true", help="skip a typed confirmation")
        return made

    listing = sub("list", "list the calls in flight")
    listing.add_argument("--limit", type=int, default=0, help="show at most N calls")
    for name in ("monitor", "coach", "barge"):
        sub(name, ACTIONS[name].title).add_argument("--phone", help="where your session rings")
    for name in ("record", "hold"):
        sub(name, ACTIONS[name].title).add_argument("state", choices=("on", "off"))
    sub("requeue", "send the call back into a queue").add_argument("gate", help="gate id")
    dispose = sub("dispose", "set the call's disposition")
    dispose.add_argument("disposition")
    dispose.add_argument("--callback", metavar="'YYYY-MM-DD HH:MM'", help="schedule a callback")
    dispose.add_argument("--notes")
    sub("ping", "keep the call addressable")
    sub("hangup", "end the call for every party")
    drop = sub("drop", "drop one session (yours by default)")
    drop.add_argument("--phone", help="the session's phone")
    drop.add_argument("--session", help="the session id, instead of the phone")
    dial = sub("dial", "ring an agent's seat, then dial out")
    dial.add_argument("username")
    dial.add_argument("destination")
    dial.add_argument("--ring", help="seconds the agent's phone rings")
    dial.add_argument("--caller-id", dest="caller_id", help="number shown to the callee")


def _request(args: argparse.Namespace) -> ActionRequest:
    spec = ACTIONS[args.call_action]
    params = {
        p.name: str(getattr(args, p.name))
        for p in spec.params
        if getattr(args, p.name, None) is not None
    }
    return ActionRequest(spec.name, getattr(args, "uii", None), params)


def run(args: argparse.Namespace) -> int:
    try:
        config = load(args)
    except ConfigError as problem:
        error(str(problem))
        return EXIT_USAGE
    if not args.demo and not config.accounts:
        print("wallboard call: no account configured (use --config, or --demo)", file=sys.stderr)
        return EXIT_USAGE
    try:
        return anyio.run(_run, args, config)
    except (ConfigError, ConfigurationError) as problem:
        print(f"wallboard call: {problem}", file=sys.stderr)
        return EXIT_USAGE


async def _run(args: argparse.Namespace, config: WallboardConfig) -> int:
    async with open_runtime(
        config, account=args.account, demo=args.demo, keep_history=False
    ) as runtime:
        if args.call_action == "list":
            return await _list(runtime.provider, args)
        try:
            layer = ActionLayer.for_runtime(runtime, config, read_only=args.read_only)
        except ValueError as problem:
            print(f"wallboard call: {problem}", file=sys.stderr)
            return EXIT_USAGE
        request = _request(args)
        confirm = None
        confirmation = layer.confirmation(request)
        if confirmation is not None and not layer.read_only and layer.check(request) is None:
            if args.yes:
                confirm = next(iter(confirmation.accepted))
            else:
                print(f"{confirmation.prompt}: ", end="", file=sys.stderr, flush=True)
                confirm = await anyio.to_thread.run_sync(sys.stdin.readline)
        outcome = await layer.perform(request, confirm=confirm)
        return _report(outcome, args)


def _report(outcome: Outcome, args: argparse.Namespace) -> int:
    if args.json:
        print(json.dumps(_outcome_json(outcome)))
    elif outcome.ok:
        print(outcome.message)
    if not outcome.ok:
        print(f"wallboard call {outcome.request.action}: {outcome.message}", file=sys.stderr)
    return _EXIT.get(outcome.status, EXIT_FAILED)


def _outcome_json(outcome: Outcome) -> dict[str, Any]:
    return {
        "action": outcome.request.action,
        "call": outcome.request.call,
        "status": outcome.status.value,
        "ok": outcome.ok,
        "message": outcome.message,
        "parameters": dict(outcome.parameters),
        "platform_message": outcome.platform_message,
        "retry_after_s": outcome.retry_after_s,
        "latency_ms": outcome.latency_ms,
    }


def _clean(value: object) -> str:
    """Platform text for a terminal: no control characters (no escape sequences)."""
    return "" if value is None else _CONTROL.sub("?", str(value))


async def _list(provider: object, args: argparse.Namespace) -> int:
    client = getattr(provider, "client", None)
    if client is None:
        print("wallboard call list: this platform has no call listing", file=sys.stderr)
        return EXIT_USAGE
    try:
        listing = await client.active_calls()
    except RingCxError as error:
        print(f"wallboard call list: {error.message}", file=sys.stderr)
        return EXIT_FAILED
    calls = [adapter.call_from_wire(record) for record in listing.records]
    if args.limit > 0:
        calls = calls[: args.limit]
    if args.json:
        rows = [
            {
                "uii": c.uii,
                "state": c.state,
                "agent": c.agent,
                "ani": c.ani,
                "dnis": c.dnis,
                "destination": c.destination,
                "enqueued_at": c.enqueued_at.isoformat() if c.enqueued_at else None,
            }
            for c in calls
        ]
        print(json.dumps(rows))
        return EXIT_OK
    print(f"{'UII':<32} {'STATE':<8} {'AGENT':<22} {'ANI':<14} {'DNIS':<14} DESTINATION")
    for c in calls:
        print(
            f"{_clean(c.uii):<32} {_clean(c.state):<8} {_clean(c.agent or '-'):<22.22} "
            f"{_clean(c.ani):<14} {_clean(c.dnis):<14} {_clean(c.destination)}"
        )
    print(f"{len(calls)} call(s){' (truncated)' if listing.truncated else ''}", file=sys.stderr)
    return EXIT_OK
