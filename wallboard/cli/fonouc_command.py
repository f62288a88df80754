"""`wallboard fonouc ...`: FonoUC campaigns and lead actions on the command line.

    wallboard fonouc campaigns                       campaigns with leads by status
    wallboard fonouc leads list --campaign ID        one page (--all for every page)
    wallboard fonouc leads add --campaign ID --number +15551234567 [--first-name ...]
    wallboard fonouc leads status LEAD_ID STATUS
    wallboard fonouc leads delete LEAD_ID [--yes]    asks for confirmation unless --yes
    wallboard fonouc voicemail CDR_ID                set a call's disposition to voicemail

The account is the config's (`--config`, `--account`; it must be a `platform = "fonouc"`
account), or with `--demo` a simulated FonoUC tenant started in-process. Actions are refused on
a `read_only` account. Exit status: 0 done, 1 refused or failed, 2 bad usage or config.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import anyio

from wallboard.cli.common import ConfigError, add_account_args, error, load
from wallboard.config import AccountConfig
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
        with _account(args) as account:
            if handler in _ACTIONS and account.read_only:
                error("refused: this account is read-only")
                return 1
            return anyio.run(_with_client, account, args, handler)
    except ConfigError as problem:
        error(str(problem))
        return 2
    except FonoucError as problem:
        error(problem.message)
        return 1


async def _with_client(account: AccountConfig, args: argparse.Namespace, handler: Handler) -> int:
    client = FonoucClient(account)
    try:
        return await handler(client, args)
    finally:
        await client.aclose()


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
