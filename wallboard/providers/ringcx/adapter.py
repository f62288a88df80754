"""RingCX wire models -> platform-neutral domain records.

Why a separate module of pure functions: this is the only place that knows both RingCX's field
names (in `wire`) and the domain's (in `wallboard.domain`). Keeping it pure (no I/O, no clock)
makes the mapping testable with literal records and lets the poller call it wherever it likes.

Mapping decisions worth knowing:
- Ids become strings (`campaignId` 42 -> "42"), so a FonoUC hex id fits the same field.
- Timestamps become aware UTC datetimes; a timestamp without an offset is read as UTC.
- `stateTime` / `loginTime` on agents are integers the sources do not pin down. The simulator
  (and public wallboards) send seconds in the state / since login, as of the response; values
  that look like epoch milliseconds or seconds are read as instants instead. Durations are
  anchored at the poll time, not at `lastUpdate`: these fields tick without counting as updates,
  so `lastUpdate` can be far older than the answer.
- `transferGate` is called `transfer_queue` in the domain: a gate is RingCX's inbound queue.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from pydantic import BaseModel

from wallboard.domain import (
    ActiveCall,
    Agent,
    Campaign,
    IvrApp,
    Queue,
    SourceName,
    SourceResult,
)
from wallboard.providers.ringcx.wire import (
    EPOCH_MS_FLOOR,
    EPOCH_S_FLOOR,
    ActiveCallListResponse,
    AgentStats,
    InboundQueueStats,
    IvrStats,
    OutboundStats,
    ParsedBatch,
)

W = TypeVar("W", bound=BaseModel)
D = TypeVar("D")


def to_utc(value: datetime | None) -> datetime | None:
    """Aware UTC, reading a naive timestamp as UTC (the platform's clock is UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _instant(raw: int, reference: datetime) -> datetime | None:
    if raw <= 0:
        return None
    if raw >= EPOCH_MS_FLOOR:
        return datetime.fromtimestamp(raw / 1000.0, UTC)
    if raw >= EPOCH_S_FLOOR:
        return datetime.fromtimestamp(raw, UTC)
    return reference - timedelta(seconds=raw)


def campaign_from_wire(w: OutboundStats) -> Campaign:
    return Campaign(
        id=str(w.campaignId),
        name=w.campaignName or f"campaign {w.campaignId}",
        group=w.dialGroupName,
        active=w.active,
        ready=w.ready,
        pending=w.pending,
        complete=w.complete,
        other=w.other,
        staffed=w.staffed,
        available=w.available,
        connects=w.connects,
        answer=w.answer,
        noanswer=w.noanswer,
        machine=w.machine,
        busy=w.busy,
        intercept=w.intercept,
        fax=w.fax,
        abandon=w.abandon,
        dnc=w.dnc,
        not_human=w.notHumanAnswers,
        success=w.successDispositions,
        talk_time_s=w.totalTalkTime,
        last_update=to_utc(w.lastUpdate),
    )


def ivr_from_wire(w: IvrStats) -> IvrApp:
    return IvrApp(
        id=str(w.visualIvrId),
        name=w.visualIvrName or f"IVR {w.visualIvrId}",
        group=w.ivrGroupName,
        active=w.active,
        presented=w.presented,
        connected=w.connected,
        transfer_queue=w.transferGate,
        transfer_cloud=w.transferCloud,
        transfer_trac=w.transferTrac,
        last_update=to_utc(w.lastUpdate),
    )


def queue_from_wire(w: InboundQueueStats) -> Queue:
    return Queue(
        id=str(w.gateId),
        name=w.gateName or f"queue {w.gateId}",
        group=w.groupName,
        waiting=w.inQueue,
        longest_wait_s=w.longestInQueue,
        active=w.active,
        staffed=w.staffed,
        available=w.available,
        routing=w.routing,
        presented=w.presented,
        accepted=w.accepted,
        abandoned=w.abandoned,
        short_abandoned=w.shortAbandon,
        deflected=w.deflected,
        sla_pass=w.slaPass,
        sla_fail=w.slaFail,
        long_calls=w.longCall,
        short_calls=w.shortCall,
        success=w.successDispositions,
        answer_time_s=w.totalAnswerTime,
        queue_time_s=w.totalQueueTime,
        talk_time_s=w.totalTalkTime,
        abandon_time_s=w.totalAbandonTime,
        last_update=to_utc(w.lastUpdate),
    )


def agent_from_wire(w: AgentStats, polled_at: datetime) -> Agent:
    """`polled_at` anchors `stateTime`/`loginTime` when they are durations, not instants."""
    name = f"{w.firstName} {w.lastName}".strip() or w.username or f"agent {w.agentId}"
    return Agent(
        id=str(w.agentId),
        name=name,
        username=w.username,
        group=w.agentGroupName,
        state=(w.agentState or "UNKNOWN").upper(),
        state_since=_instant(w.stateTime, polled_at),
        logged_in_since=_instant(w.loginTime, polled_at),
        call_uii=w.callUii or None,
        call_ani=w.callAni or None,
        call_dnis=w.callDnis or None,
        campaign_id=None if w.campaignId is None else str(w.campaignId),
        queue_id=None if w.gateId is None else str(w.gateId),
        calls_handled=w.callsHandled,
        rna=w.rna,
        talk_time_s=w.totalTalkTime,
        success=w.successDispositions,
        pending_disposition=w.pendingDisposition,
        on_hold=bool(w.onHoldDts),
        last_update=to_utc(w.lastUpdate),
    )


def call_from_wire(w: ActiveCallListResponse, product: str | None = None) -> ActiveCall:
    """`product` is the listing's filter (`OUTBOUND`, `ACD`...) when the poller listed by
    product; a listing by `ACCOUNT` does not say where each call came from."""
    agent = " ".join(p for p in (w.agentFirstName, w.agentLastName) if p) or None
    return ActiveCall(
        uii=w.uii,
        ani=w.ani,
        dnis=w.dnisE164 or w.dnis,
        agent=agent,
        destination=w.destinationName,
        state=(w.callState or "ACTIVE").upper(),
        enqueued_at=to_utc(w.enqueueTime),
        dequeued_at=to_utc(w.dequeueTime),
        product=product if product and product != "ACCOUNT" else None,
        external_id=w.externalId,
        archived=w.archive,
    )


def _newest(records: Iterable[object]) -> datetime | None:
    stamps = [t for r in records if (t := getattr(r, "last_update", None)) is not None]
    return max(stamps) if stamps else None


def to_source_result(
    source: SourceName,
    batch: ParsedBatch[W],
    mapper: Callable[[W], D],
    polled_at: datetime,
    *,
    truncated: bool = False,
) -> SourceResult[D]:
    """A successful poll's batch as a `SourceResult`: records mapped, parse warnings counted,
    newest `last_update` found. For a failed poll use `previous.failed(error, at)` instead."""
    records = tuple(mapper(w) for w in batch.records)
    return SourceResult(
        source=source,
        records=records,
        polled_at=polled_at,
        last_update=_newest(records),
        attempted_at=polled_at,
        warnings=len(batch.warnings),
        truncated=truncated,
    )
