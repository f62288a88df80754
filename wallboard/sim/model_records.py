"""Turn model state into the platform's records (spelled as `providers.ringcx.wire` spells
them) and into the simulator-only inspection dicts.

Why a module of pure readers: the HTTP layer serves these dicts as JSON, so exact field names
matter more here than anywhere, and keeping them apart from the dynamics means a field rename
is one edit. Nothing here changes state (except caches and dropping stale queue entries).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from .model_entities import (
    CONNECTED,
    LOGGED_OUT,
    MANUAL,
    RINGING,
    Agent,
    Call,
    Campaign,
    Gate,
    Ivr,
    Route,
    fmt_ts,
)
from .model_errors import InvalidRequest
from .model_world import World

LISTED_PRODUCTS = ("ACCOUNT", "ACD", "OUTBOUND", "VISUAL_IVR", "CLOUD_PROFILE", "TRAC_NUMBER")
RESERVED_PRODUCTS = frozenset(
    {
        "AGENT",
        "CHAT_QUEUE",
        "CLOUD_DESTINATION",
        "HTTP_SERVICES",
        "SCRIPTING",
        "TN_MANAGER",
        "SURVEY",
        "TEAMS",
        "KNOWLEDGE_BASE",
        "UTILITIES",
    }
)
MANUAL_DESTINATION = "Manual Dial"


def _opt_ts(ts: float | None) -> str | None:
    return None if ts is None else fmt_ts(ts)


# --- real-time records -----------------------------------------------------------------------


def outbound_record(w: World, c: Campaign) -> dict[str, Any]:
    leads = c.leads
    return {
        "campaignId": c.campaign_id,
        "campaignName": c.name,
        "subaccountId": w.settings.sub_account_id,
        "dialGroupId": c.dial_group_id,
        "dialGroupName": c.dial_group_name,
        "lastUpdate": fmt_ts(c.last_update),
        "active": c.active,
        "ready": leads.ready,
        "pending": leads.pending,
        "complete": leads.complete,
        "other": leads.other,
        "staffed": c.staffed,
        "available": len(c.available),
        "connects": c.answer + c.machine + c.fax,
        "answer": c.answer,
        "noanswer": c.noanswer,
        "machine": c.machine,
        "busy": c.busy,
        "intercept": c.intercept,
        "fax": c.fax,
        "abandon": c.abandon,
        "dnc": c.dnc,
        "notHumanAnswers": c.machine + c.fax + c.intercept,
        "successDispositions": c.success,
        "totalTalkTime": c.talk_time,
    }


def ivr_record(w: World, i: Ivr) -> dict[str, Any]:
    return {
        "visualIvrId": i.visual_ivr_id,
        "ivrGroupId": i.group_id,
        "subaccountId": w.settings.sub_account_id,
        "visualIvrName": i.name,
        "ivrGroupName": i.group_name,
        "lastUpdate": fmt_ts(i.last_update),
        "active": i.active,
        "presented": i.presented,
        "connected": i.connected,
        "transferGate": i.t_gate,
        "transferCloud": i.t_cloud,
        "transferTrac": i.t_trac,
    }


def gate_record(w: World, g: Gate) -> dict[str, Any]:
    head = g.head()
    longest = 0 if head is None else int(w.now - (head.enqueue_time or w.now))
    return {
        "gateId": g.gate_id,
        "gateName": g.name,
        "gateGroupId": g.group_id,
        "groupName": g.group_name,
        "subaccountId": w.settings.sub_account_id,
        "inQueue": g.in_queue,
        "longestInQueue": longest,
        "active": g.in_queue + g.routing + g.connected,
        "staffed": g.staffed,
        "available": len(g.available),
        "presented": g.presented,
        "accepted": g.accepted,
        "abandoned": g.abandoned,
        "shortAbandon": g.short_abandoned,
        "deflected": g.deflected,
        "routing": g.routing,
        "slaPass": g.sla_pass,
        "slaFail": g.sla_fail,
        "longCall": g.long_calls,
        "shortCall": g.short_calls,
        "successDispositions": g.success,
        "totalAnswerTime": g.total_answer,
        "totalQueueTime": g.total_queue,
        "totalTalkTime": g.total_talk,
        "totalAbandonTime": g.total_abandon,
        "lastUpdate": fmt_ts(g.last_update),
    }


def agent_record(w: World, a: Agent) -> dict[str, Any]:
    """`stateTime` and `loginTime` are seconds (in the state, since login)."""
    call = a.call
    campaign = a.campaign or (call.campaign if call is not None else None)
    return {
        "agentId": a.agent_id,
        "firstName": a.first,
        "lastName": a.last,
        "username": a.username,
        "agentGroupName": a.group_name,
        "subaccountId": w.settings.sub_account_id,
        "agentState": a.state,
        "stateTime": int(w.now - a.state_since),
        "loginTime": int(w.now - a.login_at),
        "callUii": call.uii if call is not None else None,
        "callAni": call.ani if call is not None else None,
        "callDnis": call.dnis if call is not None else None,
        "campaignId": campaign.campaign_id if campaign is not None else None,
        "gateId": call.gate.gate_id if call is not None and call.gate is not None else None,
        "callsHandled": a.calls_handled,
        "rna": a.rna,
        "pendingDisposition": a.pending,
        "onHoldDts": _opt_ts(a.on_hold_since),
        "totalTalkTime": a.talk_time,
        "successDispositions": a.success,
        "lastUpdate": fmt_ts(a.last_update),
    }


# --- active calls ----------------------------------------------------------------------------


def call_record(w: World, call: Call) -> dict[str, Any]:
    """An `ActiveCallListResponse` dict (a fresh copy of a per-call cache)."""
    wire = call.wire
    if wire is None:
        agent = call.agent if call.phase in (CONNECTED, RINGING) else None
        wire = call.wire = {
            "uii": call.uii,
            "accountId": w.settings.sub_account_id,
            "ani": call.ani,
            "dnis": call.dnis,
            "dnisE164": f"+1{call.dnis}" if len(call.dnis) == 10 else f"+{call.dnis}",
            "enqueueTime": _opt_ts(call.enqueue_time),
            "dequeueTime": _opt_ts(call.dequeue_time),
            "callState": "ACTIVE",
            "archive": False,
            "agentFirstName": agent.first if agent is not None else None,
            "agentLastName": agent.last if agent is not None else None,
            "destinationName": call.destination_name,
            "externalId": call.external_id,
            "cnam": call.cnam,
        }
    return dict(wire)


def select_calls(
    w: World, product: str | None, product_id: int | None, external_id: str | None
) -> list[Call]:
    """The calls one `activeCalls/list` query names, in enqueue order (then uii)."""
    calls: list[Call] = list(w.active.values())
    if product is not None and product.strip():
        name = product.strip().upper()
        if name in RESERVED_PRODUCTS:
            return []
        if name == "ACCOUNT":
            if product_id is not None and product_id != int(w.settings.sub_account_id):
                return []
        elif name == "DNIS":
            if product_id is not None:
                wanted = str(product_id)
                calls = [c for c in calls if c.dnis == wanted or f"1{c.dnis}" == wanted]
        elif name in LISTED_PRODUCTS:
            calls = [c for c in calls if _owned_by(c, name, product_id)]
        else:
            raise InvalidRequest(f"unknown product {product!r}", "product", product)
    if external_id is not None:
        calls = [c for c in calls if c.external_id == external_id]
    calls.sort(key=lambda c: (c.enqueue_time if c.enqueue_time is not None else c.created, c.uii))
    return calls


def _owned_by(call: Call, product: str, product_id: int | None) -> bool:
    owner = call.owner
    if product == "ACD":
        return isinstance(owner, Gate) and product_id in (None, owner.gate_id)
    if product == "OUTBOUND":
        return isinstance(owner, Campaign) and product_id in (None, owner.campaign_id)
    if product == "VISUAL_IVR":
        return isinstance(owner, Ivr) and product_id in (None, owner.visual_ivr_id)
    return (
        isinstance(owner, Route)
        and owner.product == product
        and product_id in (None, owner.route_id)
    )


# --- inspection ------------------------------------------------------------------------------


def inspect_call(w: World, call: Call) -> dict[str, Any]:
    agent = call.agent
    owner = call.owner
    return {
        "uii": call.uii,
        "kind": call.kind,
        "phase": call.phase,
        "active": call.uii in w.active,
        "product": _product_of(owner) if owner is not None else None,
        "ani": call.ani,
        "dnis": call.dnis,
        "destinationName": call.destination_name,
        "externalId": call.external_id,
        "cnam": call.cnam,
        "campaignId": call.campaign.campaign_id if call.campaign is not None else None,
        "gateId": call.gate.gate_id if call.gate is not None else None,
        "visualIvrId": call.ivr.visual_ivr_id if call.ivr is not None else None,
        "routeId": call.route.route_id if call.route is not None else None,
        "agentId": agent.agent_id if agent is not None else None,
        "agentUsername": agent.username if agent is not None else None,
        "agentsSeen": list(call.agents_seen),
        "pendingDisposition": bool(agent is not None and agent.pending and agent.call is call),
        "sessions": [
            {"sessionId": s.session_id, "phone": s.phone, "sessionType": s.session_type}
            for s in call.sessions or ()
        ],
        "recording": call.recording,
        "hold": call.hold,
        "disposition": call.disposition,
        "callback": call.callback,
        "callBackDTS": call.callback_dts,
        "notes": call.notes,
        "pings": call.pings,
        "endReason": call.end_reason,
        "enqueueTime": _opt_ts(call.enqueue_time),
        "dequeueTime": _opt_ts(call.dequeue_time),
        "endTime": _opt_ts(call.end_time),
        "createdTime": fmt_ts(call.created),
        "dialogId": w.dialog_id(call),
        "segments": call.segment_count,
    }


def _product_of(owner: Campaign | Gate | Ivr | Route) -> str:
    if isinstance(owner, Gate):
        return "ACD"
    if isinstance(owner, Campaign):
        return "OUTBOUND"
    if isinstance(owner, Ivr):
        return "VISUAL_IVR"
    return owner.product


def inspect_agent(w: World, a: Agent) -> dict[str, Any]:
    record = agent_record(w, a) if a.logged_in else {}
    return {
        "agentId": a.agent_id,
        "username": a.username,
        "firstName": a.first,
        "lastName": a.last,
        "loggedIn": a.logged_in,
        "state": a.state,
        "awayReason": a.away_reason,
        "pendingDisposition": a.pending,
        "callUii": a.call.uii if a.call is not None else None,
        "campaignId": a.campaign.campaign_id if a.campaign is not None else None,
        "gateIds": [g.gate_id for g in a.gates],
        "gateId": record.get("gateId"),
        "onHold": a.on_hold_since is not None,
        "onHoldDts": _opt_ts(a.on_hold_since),
        "callsHandled": a.calls_handled,
        "rna": a.rna,
        "totalTalkTime": a.talk_time,
        "successDispositions": a.success,
        "stateTime": int(w.now - a.state_since),
        "loginTime": int(w.now - a.login_at) if a.logged_in else None,
        "breakPending": a.break_pending,
        "logoutPending": a.logout_pending,
    }


def summary(w: World) -> dict[str, Any]:
    phases = Counter(c.phase for c in w.active.values())
    kinds = Counter(c.kind for c in w.active.values())
    products = Counter(
        _product_of(c.owner) if c.owner is not None else MANUAL for c in w.active.values()
    )
    states = Counter(a.state for a in w.agents.values() if a.state != LOGGED_OUT)
    return {
        "now": datetime.fromtimestamp(w.now, w.tz).isoformat(),
        "localDate": w.local_date(),
        "activeCalls": len(w.active),
        "targetActiveCalls": w.settings.scale.target_active_calls,
        "byPhase": dict(sorted(phases.items())),
        "byKind": dict(sorted(kinds.items())),
        "byProduct": dict(sorted(products.items())),
        "agentsByState": dict(sorted(states.items())),
        "agentsLoggedIn": sum(states.values()),
        "agentsRoster": len(w.agents),
        "events": w.events,
        "ivrStretch": round(w.stretch, 4),
        "simStart": fmt_ts(w.sim_start),
        "lastReset": fmt_ts(w.last_reset),
    }
