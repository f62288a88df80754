"""What differs between the three interval reports: endpoint, wire model, row mapping, order.

Why a table of specs: `ReportService` fetches, caches and paces all three reports the same way;
only these facts differ, so they are data, not three copies of the fetch loop.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel

from wallboard.providers.ringcx.client import RingCxClient
from wallboard.providers.ringcx.wire import (
    AgentExtendedIntervalStats,
    AgentIntervalStats,
    ParsedBatch,
    QueueIntervalStats,
)
from wallboard.reports_rows import AgentInterval, AgentQueueInterval, QueueInterval, Row

ReportKind = Literal["queues", "agents", "agents-extended"]
W = TypeVar("W", bound=BaseModel)


@dataclass(frozen=True)
class Spec(Generic[W, Row]):
    kind: ReportKind
    report: str
    """The platform's report name (also the cache key)."""
    model: type[W]
    fetch: Callable[[RingCxClient, datetime, datetime, int, str], Awaitable[ParsedBatch[W]]]
    build: Callable[[W, datetime, int, bool], Row]
    order: Callable[[Row], tuple[Any, ...]]
    totals_key: str
    totals_identity: dict[str, str] = field(default_factory=dict)
    grand_identity: dict[str, str] = field(default_factory=dict)


def _queue_row(
    r: QueueIntervalStats, start: datetime, interval_s: int, partial: bool
) -> QueueInterval:
    queue = "" if r.queue is None else str(r.queue)
    return QueueInterval(
        start=start,
        interval_s=interval_s,
        queue_id=queue,
        queue_name=r.queueName or queue,
        offered=r.offdDirectIxnCnt,
        answered=r.answIxnCnt,
        abandoned=r.abandIxnCnt,
        short_abandoned=r.abandShortIxnCnt,
        abandoned_within_sl=r.abandWithinSlCnt,
        answered_within_sl=r.ansServicelevelCnt,
        completed=r.completedContacts,
        answer_wait_s=float(r.queuedAndAnswIxnDur),
        abandon_wait_s=float(r.queuedAndAbandIxnDur),
        longest_answer_wait_s=float(r.queuedAnswLongestQueDur),
        longest_abandon_wait_s=float(r.queuedAbandLongestQueDur),
        talk_s=float(r.talkingIxnDur),
        wrap_s=float(r.wrapUpDur),
        wait_s=float(r.waitDur),
        hold_s=float(r.segmentHoldTime),
        overflow_in=r.overflowInIxnCnt,
        overflow_out=r.overflowOutIxnCnt,
        partial=partial,
    )


def _agent_row(
    r: AgentIntervalStats, start: datetime, interval_s: int, partial: bool
) -> AgentInterval:
    agent = "" if r.agentId is None else str(r.agentId)
    return AgentInterval(
        start=start,
        interval_s=interval_s,
        agent_id=agent,
        agent_name=r.agentName or agent,
        available_s=float(r.availDur),
        working_s=float(r.totWorkDur),
        paused_s=float(r.pauseDur),
        waiting_s=float(r.waitDur),
        admin_s=float(r.adminDur),
        outbound=r.directOutIxnCnt,
        outbound_s=float(r.directOutIxnDur),
        inbound=r.directInIxnCnt,
        inbound_s=float(r.directInIxnDur),
        partial=partial,
    )


def _extended_row(
    r: AgentExtendedIntervalStats, start: datetime, interval_s: int, partial: bool
) -> AgentQueueInterval:
    agent = "" if r.agentId is None else str(r.agentId)
    queue = "" if r.queue is None else str(r.queue)
    return AgentQueueInterval(
        start=start,
        interval_s=interval_s,
        agent_id=agent,
        agent_name=r.agentName or agent,
        queue_id=queue,
        queue_name=r.queueName or queue,
        answered=r.answIxnCnt,
        transfers_out=r.transferOutIxnCnt,
        talk_s=float(r.talkingIxnDur),
        wrap_s=float(r.wrapUpDur),
        partial=partial,
    )


def _when(row: QueueInterval | AgentInterval | AgentQueueInterval) -> float:
    return row.start.timestamp() if row.start is not None else 0.0


QUEUES: Spec[QueueIntervalStats, QueueInterval] = Spec(
    "queues",
    "agg-queue-stats",
    QueueIntervalStats,
    lambda c, a, b, i, z: c.queue_interval_stats(a, b, i, z),
    _queue_row,
    lambda r: (_when(r), r.queue_name, r.queue_id),
    "queue_id",
    grand_identity={"queue_id": "*", "queue_name": "All queues"},
)
AGENTS: Spec[AgentIntervalStats, AgentInterval] = Spec(
    "agents",
    "agg-agent-stats",
    AgentIntervalStats,
    lambda c, a, b, i, z: c.agent_interval_stats(a, b, i, z),
    _agent_row,
    lambda r: (_when(r), r.agent_name, r.agent_id),
    "agent_id",
    grand_identity={"agent_id": "*", "agent_name": "All agents"},
)
EXTENDED: Spec[AgentExtendedIntervalStats, AgentQueueInterval] = Spec(
    "agents-extended",
    "agg-agent-extended-stats",
    AgentExtendedIntervalStats,
    lambda c, a, b, i, z: c.agent_extended_interval_stats(a, b, i, z),
    _extended_row,
    lambda r: (_when(r), r.agent_name, r.queue_name, r.agent_id, r.queue_id),
    "agent_id",
    totals_identity={"queue_id": "*", "queue_name": "All queues"},
    grand_identity={
        "agent_id": "*",
        "agent_name": "All agents",
        "queue_id": "*",
        "queue_name": "All queues",
    },
)
