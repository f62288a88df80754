"""`wallboard fonouc ...`: FonoUC campaigns and lead actions on the command line.

    wallboard fonouc campaigns                       campaigns with leads by status
    wallboard fonouc leads list --campaign ID        one page (--all for every page)
    wallboard fonouc leads add --campaign ID --number +15551234567 [--first-name ...]
    wallboard fonouc leads status LEAD_ID STATUS
    wallboard fonouc leads delete LEAD_ID [--yes]    asks for confirmation unless --yes
    wallboard fonouc voicemail CDR_ID                set a call's disposition to voicemail

The account is the config's (`--config`, `--account`; it must be a `platform = "fonouc"`
account), or with `--demo` a simulated FonoUC tenant started in-process. Actions are refused on
a `read_only` account. Every lead action is written to the audit log (`wallboard audit`) before
it is sent and again with its outcome. Exit status: 0 done, 1 refused or failed, 2 bad usage or
config.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import anyio

from wallboard.actions import default_operator
from wallboard.audit import AuditError, AuditLog, AuditRecord, default_audit_path
from wallboard.cli.common import ConfigError, add_account_args, error, load
from wallboard.config import AccountConfig, WallboardConfig
from wallboard.providers.fonouc.client import FonoucClient, NewLead
from wallboard.providers.fonouc.errors import FonoucError

Handler = Callable[[FonoucClient, argparse.Namespace], Awaitable[int]]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "fonouc",
        help="FonoUC campaigns and lead actions (list, add, status, delete)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="fonouc_command", metavar="COMMAND", required=True)

    campaigns = commands.add_parser("campaigns", help="campaigns with their leads by status")
    _common(campaigns, _campaigns)

    leads = commands.add_parser("leads", help="list, add, re-status or delete leads")
    lead_commands = leads.add_subparsers(dest="leads_command", metavar="ACTION", required=True)

    listing = lead_commands.add_parser("list", help="a campaign's leads")
    listing.add_argument("--campaign", required=True, metavar="ID", help="campaign id")
    listing.add_argument("--page-size", type=int, default=100, help="leads per page (1-1000)")
    listing.add_argument("--start-key", metavar="KEY", help="next_start_key of a previous page")
    listing.add_argument("--all", action="store_true", help="follow every page")
    _common(listing, _list)

    add = lead_commands.add_parser("add", help="add a lead to a campaign")
    add.add_argument("--campaign", required=True, metavar="ID", help="campaign id")
    add.add_argument("--number", required=True, help="phone number, e.g. +15551234567")
    add.add_argument("--first-name")
    add.add_argument("--last-name")
    add.add_argument("--priority", type=int)
    add.add_argument("--retries", type=int)
    add.add_argument("--type")
    add.add_argument("--ticket-id")
    add.add_argument("--note")
    add.add_argument("--cool-off", type=int, help="seconds between attempts")
    _common(add, _add)

    status = lead_commands.add_parser("status", help="set a lead's status")
    status.add_argument("lead_id", metavar="LEAD_ID")
    status.add_argument("status", metavar="STATUS", help="e.g. new, success, failed, cancelled")
    _common(status, _status)

    delete = lead_commands.add_parser("delete", help="delete a lead (asks first)")
    delete.add_argument("lead_id", metavar="LEAD_ID")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    _common(delete, _delete)

    voicemail = commands.add_parser("voicemail", help="set a call's disposition to voicemail")
    voicemail.add_argument("cdr_id", metavar="CDR_ID", help="the call's id (activity `uuid`)")
    _common(voicemail, _voicemail)


def _common(parser: argparse.ArgumentParser, handler: Handler) -> None:
    add_account_args(parser)
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=lambda args: run(args, handler))


# --- running ---------------------------------------------------------------------------------


@contextmanager
def _account(args: argparse.Namespace) -> Iterator[AccountConfig]:
    """The FonoUC account the flags name; with `--demo`, a simulated tenant for the duration."""
    if args.demo:
        from wallboard.runtime import demo_start
        from wallboard.sim.fonouc.server import FonoucSimServer
        from wallboard.sim.model import SimSettings

        settings = SimSettings()
        server = FonoucSimServer(settings, start=demo_start(settings.timezone))
        server.start()
        try:
            yield server.fonouc_account_config()
        finally:
            server.stop()
        return
    name, account = load(args).selected(args.account)
    if account.platform != "fonouc":
        raise ConfigError(f"account {name!r} is a {account.platform} account, not fonouc")
    yield account


def run(args: argparse.Namespace, handler: Handler) -> int:
    try:
        config = load(args)
        with _account(args) as account:
            audit = _Audit(config, account, args) if handler in _ACTIONS else None
            if audit is not None and account.read_only:
                audit.write("refused", outcome="refused", message="the account is read-only")
                error("refused: this account is read-only")
                return 1
            return anyio.run(_with_client, account, args, handler, audit)
    except ConfigError as problem:
        error(str(problem))
        return 2
    except AuditError as problem:
        error(f"{problem}; nothing was sent")
        return 1


async def _with_client(
    account: AccountConfig, args: argparse.Namespace, handler: Handler, audit: _Audit | None
) -> int:
    client = FonoucClient(account)
    try:
        if audit is None:
            return await handler(client, args)
        audit.write("attempt")
        started = time.perf_counter()
        try:
            status = await handler(client, args)
        except FonoucError as problem:
            audit.write("outcome", "failed", problem.message, started)
            raise
        outcome = "done" if status == 0 else "not confirmed"
        audit.write("outcome", outcome, None, started)
        return status
    except FonoucError as problem:
        error(problem.message)
        return 1
    finally:
        await client.aclose()


class _Audit:
    """The audit lines of one lead action: an attempt before it is sent, an outcome after."""

    _PARAMS = ("campaign", "lead_id", "status", "number", "cdr_id", "first_name", "last_name")

    def __init__(
        self, config: WallboardConfig, account: AccountConfig, args: argparse.Namespace
    ) -> None:
        data_dir = config.resolved_data_dir()
        self.log = AuditLog(default_audit_path(data_dir / "demo" if args.demo else data_dir))
        self.id = uuid.uuid4().hex[:12]
        self.operator = default_operator(config)
        self.account = "demo" if args.demo else (args.account or config.account or "fonouc")
        words = [args.fonouc_command, getattr(args, "leads_command", None)]
        self.action = ".".join(["fonouc", *(w for w in words if w)])
        self.parameters: dict[str, Any] = {
            k: v for k in self._PARAMS if (v := getattr(args, k, None)) is not None
        }

    def write(
        self,
        phase: str,
        outcome: str | None = None,
        message: str | None = None,
        started: float | None = None,
    ) -> None:
        latency = (time.perf_counter() - started) * 1000 if started is not None else None
        self.log.write(
            AuditRecord(
                id=self.id,
                time=datetime.now(UTC),
                phase=phase,
                operator=self.operator,
                account=self.account,
                action=self.action,
                call=self.parameters.get("cdr_id"),
                parameters=self.parameters,
                outcome=outcome,
                message=message,
                latency_ms=round(latency, 1) if latency is not None else None,
            )
        )


def _emit(args: argparse.Namespace, data: Any, text: str) -> None:
    print(json.dumps(data, indent=2) if args.json else text)


# --- commands --------------------------------------------------------------------------------


async def _campaigns(client: FonoucClient, args: argparse.Namespace) -> int:
    batch = await client.campaigns_status()
    fields = {"campaign_id", "name", "status", "total_leads", "leads_by_status"}
    rows = [c.model_dump(include=fields) for c in batch.records]
    lines = [
        f"{c.campaign_id}  {c.name:<28} {c.status:<8} {c.total_leads or 0:>7} leads  "
        + ", ".join(f"{k} {v}" for k, v in c.leads_by_status.items())
        for c in batch.records
    ]
    _emit(args, rows, "\n".join(lines) or "no campaigns")
    return 0


async def _list(client: FonoucClient, args: argparse.Namespace) -> int:
    listing = await client.all_leads(
        args.campaign,
        page_size=args.page_size,
        start_key=args.start_key,
        max_pages=10_000 if args.all else 1,
    )
    rows = [lead.model_dump(exclude_none=True) for lead in listing.records]
    lines = [
        f"{lead.id}  {lead.status:<11} {lead.number or '':<14} "
        f"{(lead.first_name or '') + ' ' + (lead.last_name or '')}".rstrip()
        for lead in listing.records
    ]
    if listing.next_start_key:
        lines.append(f"more: --start-key {listing.next_start_key}")
    data = {"leads": rows, "next_start_key": listing.next_start_key, "pages": listing.pages}
    _emit(args, data, "\n".join(lines) or "no leads")
    return 0


async def _add(client: FonoucClient, args: argparse.Namespace) -> int:
    lead = NewLead(
        number=args.number,
        retries=args.retries,
        first_name=args.first_name,
        last_name=args.last_name,
        type=args.type,
        priority=args.priority,
        ticket_id=args.ticket_id,
        note=args.note,
        cool_off=args.cool_off,
    )
    lead_id = await client.add_lead(args.campaign, lead)
    text = f"lead added to campaign {args.campaign}" + (f": {lead_id}" if lead_id else "")
    _emit(args, {"added": True, "id": lead_id}, text)
    return 0


async def _status(client: FonoucClient, args: argparse.Namespace) -> int:
    await client.set_lead_status(args.lead_id, args.status)
    _emit(
        args, {"lead": args.lead_id, "status": args.status}, f"lead {args.lead_id}: {args.status}"
    )
    return 0


async def _delete(client: FonoucClient, args: argparse.Namespace) -> int:
    if not args.yes and not confirm(f"Delete lead {args.lead_id}? Type 'yes' to confirm: "):
        error("not deleted (not confirmed)")
        return 1
    await client.delete_lead(args.lead_id)
    _emit(args, {"deleted": args.lead_id}, f"lead {args.lead_id} deleted")
    return 0


async def _voicemail(client: FonoucClient, args: argparse.Namespace) -> int:
    await client.set_voicemail(args.cdr_id)
    _emit(args, {"call": args.cdr_id, "disposition": "voicemail"}, f"call {args.cdr_id}: voicemail")
    return 0


_ACTIONS: frozenset[Handler] = frozenset({_add, _status, _delete, _voicemail})


def confirm(prompt: str) -> bool:
    """True only when the person typed `yes` (a closed stdin answers no)."""
    print(prompt, end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()
    return answer.strip().lower() == "yes"
