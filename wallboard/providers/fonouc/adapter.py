"""FonoUC wire records → the platform-neutral domain records the panes read.

What maps, and what FonoUC cannot say (so the domain field keeps its default):

- **Campaign pacing from leads by status**: `new` → ready, `in_progress` → pending (staged or on
  a line), `success`/`failed`/`cancelled` → complete, anything else (`retry`, unknown statuses)
  → other. FonoUC has no live dial counters (answers, abandons...) and no staffing per campaign:
  those stay zero, and `success` is left alone because FonoUC's count is of the whole list, not
  today's (a deleted lead would look like a midnight reset to the store).
- **Queues**: waiting callers and the longest wait from `calls`, agents on a call, logged in and
  idle from the queue's counters. FonoUC reports no daily queue counters.
- **Agents**: the logged-in agents of all queues, once each. FonoUC agent `status` → domain
  state: `idle` → AVAILABLE, `on_call`/`in_call`/`busy` → ON_CALL, `wrap_up` → WRAP_UP,
  `on_break`/`break`/`away` → AWAY, anything else upper-cased.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from wallboard.domain import Agent, Campaign, Queue
from wallboard.providers.fonouc.wire import CampaignStatus, QueueAgent, QueueStatus, parse_records

READY = frozenset({"new", "ready"})
PENDING = frozenset({"in_progress", "pending", "dialing", "calling"})
COMPLETE = frozenset({"success", "failed", "cancelled", "canceled", "completed", "complete"})
_AGENT_STATES = {
    "idle": "AVAILABLE",
    "available": "AVAILABLE",
    "on_call": "ON_CALL",
    "in_call": "ON_CALL",
    "busy": "ON_CALL",
    "wrap_up": "WRAP_UP",
    "on_break": "AWAY",
    "break": "AWAY",
    "away": "AWAY",
}


def campaign_from_wire(record: CampaignStatus, now: datetime) -> Campaign:
    ready = pending = complete = other = 0
    for status, count in record.leads_by_status.items():
        key = status.strip().lower()
        if key in READY:
            ready += count
        elif key in PENDING:
            pending += count
        elif key in COMPLETE:
            complete += count
        else:
            other += count
    return Campaign(
        id=record.campaign_id,
        name=record.name,
        group=record.status,
        ready=ready,
        pending=pending,
        complete=complete,
        other=other,
        last_update=now,
    )


def queue_from_wire(record: QueueStatus, now: datetime) -> Queue:
    waits = [
        int(wait)
        for call in record.waiting_calls()
        if isinstance(wait := call.get("wait_time"), int | float) and not isinstance(wait, bool)
    ]
    return Queue(
        id=record.id,
        name=record.name,
        waiting=len(record.waiting_calls()),
        longest_wait_s=max(waits, default=0),
        active=record.agents_on_call,
        staffed=record.logged_in_agents,
        available=record.idle_agents,
        last_update=now,
    )


def agent_state(status: str) -> str:
    key = status.strip().lower().replace(" ", "_")
    return _AGENT_STATES.get(key, key.upper() or "UNKNOWN")


def agents_from_queues(
    queues: Iterable[QueueStatus], now: datetime
) -> tuple[tuple[Agent, ...], int]:
    """Logged-in agents across queues, each once (first queue wins); and how many agent records
    were malformed."""
    seen: dict[str, Agent] = {}
    warnings = 0
    for queue in queues:
        batch = parse_records(QueueAgent, queue.agents)
        warnings += len(batch.warnings)
        for agent in batch.records:
            if not agent.logged_in or agent.id in seen:
                continue
            state = agent_state(agent.status)
            seen[agent.id] = Agent(
                id=agent.id,
                name=agent.name or agent.id,
                username=agent.extension,
                group=agent.tags[0].name if agent.tags else None,
                state=state,
                queue_id=queue.id if state == "ON_CALL" else None,
                last_update=now,
            )
    return tuple(seen.values()), warnings
