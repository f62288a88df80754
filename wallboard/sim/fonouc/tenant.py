"""A FonoUC tenant over the simulated contact center: the same campaigns, leads, gates and agents
as the RingCX face, spelled the way seed 004 spells them.

Why a view and not a second model: the issue asks for a FonoUC tenant "whose campaigns, leads,
queues and agents live in the same dynamic model", so a lead dialed by the model's dialer is a
lead that changes status here, and an agent who goes on a call in the model is on a call in the
FonoUC queue status. This class reads the model through `ContactCenter.read()` (the model's
public read of its entities, under the model's own lock) and keeps only what FonoUC adds (lead
overlays, voicemail dispositions).

Mapping (assumed where the seed is silent, see `wallboard.providers.fonouc`):
- a RingCX campaign is a FonoUC campaign, `running` while agents are staffed on it;
- a RingCX gate is a FonoUC queue of the agents skilled for it; each campaign also has a queue
  of its agents (FonoUC campaigns dial into a queue);
- an agent's FonoUC `status` is `idle`, `on_call`, `wrap_up` or `on_break` (`idle` when logged
  out, as in the seed's example), `logged_in`/`registered` say whether they are signed in;
- campaign activity is one record per outbound call the dialer placed, `uuid` being its uii.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from wallboard.sim.fonouc.leadbook import STATUSES, AddedLead, Counts, LeadBook
from wallboard.sim.model import CenterRead, ContactCenter
from wallboard.sim.model_entities import (
    AVAILABLE,
    ON_CALL,
    OUTBOUND,
    WRAP_UP,
    Agent,
    Call,
    Campaign,
)
from wallboard.sim.model_leads import normalize_phone

#: Generated leads were created during the 30 days before the simulation began.
LEAD_HISTORY_S = 30 * 86_400
MAX_PAGE_SIZE = 1000
_AGENT_STATUS = {AVAILABLE: "idle", ON_CALL: "on_call", WRAP_UP: "wrap_up"}
_TAG_COLORS = ("#b306f1", "#1f8ef1", "#00c49a", "#f17c06", "#e0245e")


class TenantError(Exception):
    """A request the tenant refuses (HTTP 400, "The information sent is invalid.")."""


def hex_id(*parts: object) -> str:
    """A stable 32-hex id (Kazoo style) for a model entity."""
    return hashlib.md5(":".join(str(p) for p in parts).encode()).hexdigest()


def _uuid(hex32: str) -> str:
    return f"{hex32[:8]}-{hex32[8:12]}-{hex32[12:16]}-{hex32[16:20]}-{hex32[20:]}"


@dataclass(frozen=True, slots=True)
class TenantIdentity:
    """Who the tenant is: the login's domain and account id."""

    domain: str
    account_id: str


class FonoucTenant:
    """The FonoUC face of one `ContactCenter` (see the module docstring)."""

    def __init__(self, center: ContactCenter, identity: TenantIdentity) -> None:
        self.center = center
        self.identity = identity
        self._seed = center.settings.seed
        self._lock = threading.Lock()
        self._books: dict[int, LeadBook] = {}
        self.voicemail: dict[str, int] = {}
        """cdr id (a call's uii) → when its disposition was set to voicemail (epoch s)."""

    # --- the model, read under its lock ------------------------------------------------------

    @contextmanager
    def _read(self) -> Iterator[CenterRead]:
        """The model's entities at now, with the model's lock and ours held: the model's lock
        keeps the dialer from moving a lead mid-answer, ours guards the lead books and the
        voicemail marks."""
        with self.center.read() as world, self._lock:
            yield world

    def _book(self, world: CenterRead, campaign: Campaign) -> LeadBook:
        book = self._books.get(campaign.campaign_id)
        if book is None:
            book = LeadBook(
                self.campaign_hex(campaign), self._seed, world.sim_start - LEAD_HISTORY_S
            )
            self._books[campaign.campaign_id] = book
        return book

    def campaign_hex(self, campaign: Campaign) -> str:
        return hex_id("fonouc", self._seed, "campaign", campaign.campaign_id)

    def _campaign(self, world: CenterRead, campaign_hex: str) -> Campaign:
        for campaign in world.campaigns.values():
            if self.campaign_hex(campaign) == campaign_hex:
                return campaign
        raise TenantError(f"no campaign {campaign_hex!r}")

    def _lead(self, world: CenterRead, lead_id: str) -> tuple[Campaign, LeadBook, int]:
        for campaign in world.campaigns.values():
            book = self._book(world, campaign)
            index = book.index_of(lead_id)
            if index is not None and book.status_of(index, _counts(campaign)) is not None:
                return campaign, book, index
        raise TenantError(f"no lead {lead_id!r}")

    # --- reports -----------------------------------------------------------------------------

    def campaigns_status(self) -> dict[str, dict[str, Any]]:
        """`GET /api/v2/reports/campaigns/leads/status`: campaigns by id."""
        with self._read() as world:
            result: dict[str, dict[str, Any]] = {}
            for campaign in world.campaigns.values():
                counts = _counts(campaign)
                by_status = self._book(world, campaign).by_status(counts)
                result[self.campaign_hex(campaign)] = {
                    "name": campaign.name,
                    "status": "running" if campaign.staffed > 0 else "stopped",
                    "total_leads": sum(by_status.values()),
                    "leads_by_status": by_status,
                }
            return result

    def leads_page(
        self, campaign_hex: str, page_size: int, start_key: str | None
    ) -> dict[str, Any]:
        """`GET /api/v2/config/campaigns/{id}/leads`: one page and the next page's key."""
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise TenantError(f"page_size must be between 1 and {MAX_PAGE_SIZE}")
        with self._read() as world:
            campaign = self._campaign(world, campaign_hex)
            book = self._book(world, campaign)
            start = 0
            if start_key:
                index = book.index_of(start_key)
                if index is None:
                    raise TenantError(f"next_start_key {start_key!r} is not a key of this campaign")
                start = index
            leads, next_index = book.page(_counts(campaign), start, page_size, campaign_hex)
            page: dict[str, Any] = {"data": leads}
            if next_index is not None:
                page["next_start_key"] = book.lead_id(next_index)
            return page

    def queues_status(self) -> list[dict[str, Any]]:
        """`GET /callcenter/queues/status`: one queue per gate (its skilled agents and waiting
        callers), then one per campaign (its agents and the answered calls waiting for one):
        FonoUC campaigns dial into a queue, so every working agent is in some queue."""
        with self._read() as world:
            by_gate: dict[int, list[Agent]] = {gate_id: [] for gate_id in world.gates}
            by_campaign: dict[int, list[Agent]] = {cid: [] for cid in world.campaigns}
            for agent in world.agents.values():
                for gate in agent.gates:
                    by_gate.setdefault(gate.gate_id, []).append(agent)
                if agent.campaign is not None:
                    by_campaign.setdefault(agent.campaign.campaign_id, []).append(agent)
            records = []
            for number, gate in enumerate(world.gates.values()):
                waiting = world.queued_calls(gate)
                key = ("queue", gate.gate_id)
                records.append(
                    self._queue(
                        key, gate.name, 5000 + number, by_gate[gate.gate_id], waiting, world
                    )
                )
            for number, campaign in enumerate(world.campaigns.values()):
                key = ("campaign-queue", campaign.campaign_id)
                agents = by_campaign[campaign.campaign_id]
                name = f"{campaign.name} (campaign)"
                records.append(
                    self._queue(key, name, 6000 + number, agents, list(campaign.waiting), world)
                )
            return records

    def _queue(
        self,
        key: tuple[str, int],
        name: str,
        extension: int,
        agents: list[Agent],
        waiting: list[Call],
        world: CenterRead,
    ) -> dict[str, Any]:
        logged_in = [a for a in agents if a.logged_in]
        return {
            "id": _uuid(hex_id("fonouc", self._seed, *key)),
            "name": name,
            "extension": str(extension),
            "max_time_caller_in_queue": 120,
            "strategy": "longest-idle-agent",
            "agents": [self._agent(a) for a in agents],
            "calls": {c.uii: _waiting_call(c, world.now) for c in waiting},
            "total_agents": len(agents),
            "logged_in_agents": len(logged_in),
            "logged_out_agents": len(agents) - len(logged_in),
            "idle_agents": sum(a.state == AVAILABLE for a in logged_in),
            "misconfigured_agents": 0,
            "agents_registered": len(logged_in),
            "agents_on_call": sum(a.state == ON_CALL for a in logged_in),
        }

    def _agent(self, agent: Agent) -> dict[str, Any]:
        status = _AGENT_STATUS.get(agent.state, "on_break") if agent.logged_in else "idle"
        tag = hex_id("fonouc", self._seed, "tag", agent.group_id)
        return {
            "id": hex_id("fonouc", self._seed, "agent", agent.agent_id),
            "name": f"{agent.first} {agent.last}",
            "extension": str(1000 + agent.agent_id % 9000),
            "extension_is_valid": True,
            "delay": 0,
            "timeout": 15,
            "logged_in": agent.logged_in,
            "status": status,
            "registered": agent.logged_in,
            "tags": [
                {
                    "id": tag,
                    "name": agent.group_name,
                    "color": _TAG_COLORS[agent.group_id % len(_TAG_COLORS)],
                }
            ],
        }

    def activity(
        self, start: float, end: float, page_size: int, start_key: str | None
    ) -> list[dict[str, Any]]:
        """`GET /api/v2/reports/campaigns/leads/history`: outbound calls placed in
        [start, end], oldest first; `start_key` is the last `uuid` of the previous page."""
        if not 1 <= page_size <= 10_000:
            raise TenantError("pageSize must be between 1 and 10000")
        if end < start:
            raise TenantError("endDate is before startDate")
        with self._read() as world:
            calls = [
                call
                for call in world.calls()
                if call.kind == OUTBOUND and call.campaign is not None
                if start <= call.created <= end
            ]
            calls.sort(key=lambda c: (c.created, c.seq))
            if start_key:
                after = next((i for i, c in enumerate(calls) if c.uii == start_key), None)
                if after is None:
                    raise TenantError(f"startKey {start_key!r} is not a record of this window")
                calls = calls[after + 1 :]
            return [self._activity_record(call) for call in calls[:page_size]]

    def _activity_record(self, call: Call) -> dict[str, Any]:
        agent = call.agent
        campaign = call.campaign
        assert campaign is not None
        record: dict[str, Any] = {
            "datetime": time.strftime("%Y-%m-%d %H:%M:%S +0000 UTC", time.gmtime(call.created)),
            "timestamp": int(call.created),
            "campaign_name": campaign.name,
            "lead_name": (call.cnam or "").title(),
            "lead_number": "+1" + call.dnis if len(call.dnis) == 10 else call.dnis,
            "agent_name": f"{agent.first} {agent.last}" if agent else "",
            "agent_extension": str(1000 + agent.agent_id % 9000) if agent else "",
            "lead_history": [_history_entry(call, agent)],
        }
        if call.uii in self.voicemail:
            record["disposition"] = "voicemail"
        return record

    # --- actions -----------------------------------------------------------------------------

    def add_lead(self, campaign_hex: str, body: dict[str, Any]) -> str:
        """`PUT /api/v2/config/campaigns/{id}/lead`; returns the new lead's id."""
        number = body.get("number")
        if not isinstance(number, str) or not 7 <= sum(ch.isdigit() for ch in number) <= 15:
            raise TenantError("number is required: a phone number of 7 to 15 digits")
        lead = AddedLead(
            index=0,
            number=number,
            created=int(self.center.clock.now().timestamp()),
            first_name=_text(body, "first_name"),
            last_name=_text(body, "last_name"),
            retries=_integer(body, "retries", 0),
            priority=_integer(body, "priority", 1),
            extra={k: body[k] for k in ("type", "ticket_id", "note", "cool_off") if k in body},
        )
        phone = normalize_phone(number)
        with self._read() as world:
            campaign = self._campaign(world, campaign_hex)
            if phone is not None:
                upload = {"uploadLeads": [{"leadPhone": phone}], "duplicateHandling": "RETAIN_ALL"}
                result = self.center.load_leads(campaign.campaign_id, upload)
                lead.in_model = result["leadsInserted"] == 1
            return self._book(world, campaign).add(lead)

    def set_lead_status(self, lead_id: str, status: str) -> None:
        """`POST /api/v2/config/campaigns/leads/{id}/status/{status}`."""
        if status not in STATUSES:
            raise TenantError(f"status must be one of {', '.join(STATUSES)}")
        with self._read() as world:
            _, book, index = self._lead(world, lead_id)
            book.set_status(index, status)

    def delete_lead(self, lead_id: str) -> None:
        """`DELETE /api/v2/config/campaigns/leads/{id}`."""
        with self._read() as world:
            _, book, index = self._lead(world, lead_id)
            book.delete(index)

    def set_voicemail(self, cdr_id: str) -> None:
        """`PUT /api/v2/config/campaigns/call/{cdrID}/disposition/voicemail`: the call must be
        an outbound call the dialer placed (active or recently ended)."""
        with self._read() as world:
            call = world.find_call(cdr_id)
            if call is None or call.kind != OUTBOUND:
                raise TenantError(f"no outbound call {cdr_id!r}")
            self.voicemail[cdr_id] = int(world.now)


def _counts(campaign: Campaign) -> Counts:
    leads = campaign.leads
    return Counts(
        success=campaign.success,
        complete=leads.complete,
        retry=leads.other,
        in_progress=leads.pending + campaign.active,
        new=leads.ready,
    )


def _waiting_call(call: Call, now: float) -> dict[str, Any]:
    waited = now - (call.enqueue_time if call.enqueue_time is not None else now)
    return {"caller": {"number": call.ani, "name": call.cnam or ""}, "wait_time": int(waited)}


def _history_entry(call: Call, agent: Agent | None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "event": "campaign dial",
        "last_attempt": call.created,
        "type": "dial agent" if agent is not None else "dial lead",
        "uuid": call.uii,
    }
    if agent is not None:
        entry["ext"] = str(1000 + agent.agent_id % 9000)
        entry["agent"] = {
            "ext": entry["ext"],
            "first_name": agent.first,
            "last_name": agent.last,
            "status": _AGENT_STATUS.get(agent.state, "on_break"),
            "total_talk_time": agent.talk_time,
            "type": "user",
        }
    return entry


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key, "")
    if not isinstance(value, str):
        raise TenantError(f"{key} must be a string")
    return value


def _integer(body: dict[str, Any], key: str, default: int) -> int:
    value = body.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TenantError(f"{key} must be an integer")
    return value
