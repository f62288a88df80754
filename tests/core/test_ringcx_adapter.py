"""RingCX wire records -> domain records: ids, names, times, and a source's bookkeeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from wallboard.domain import SourceResult
from wallboard.providers.ringcx.adapter import (
    agent_from_wire,
    call_from_wire,
    campaign_from_wire,
    ivr_from_wire,
    queue_from_wire,
    to_source_result,
)
from wallboard.providers.ringcx.wire import (
    ActiveCallListResponse,
    AgentStats,
    InboundQueueStats,
    IvrStats,
    OutboundStats,
    parse_records,
)

POLLED = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)


def test_campaign_mapping_keeps_every_counter() -> None:
    wire = OutboundStats.model_validate(
        {
            "campaignId": 42,
            "campaignName": "Spring",
            "dialGroupName": "East",
            "lastUpdate": "2026-01-15T14:59:58.000+0000",
            "active": 3,
            "ready": 120,
            "staffed": 6,
            "available": 1,
            "connects": 40,
            "answer": 30,
            "machine": 8,
            "fax": 2,
            "intercept": 1,
            "abandon": 1,
            "notHumanAnswers": 11,
            "successDispositions": 4,
            "totalTalkTime": 3600,
        }
    )
    c = campaign_from_wire(wire)
    assert (c.id, c.name, c.group) == ("42", "Spring", "East")
    assert (c.connects, c.answer, c.machine, c.abandon, c.not_human) == (40, 30, 8, 1, 11)
    assert (c.success, c.talk_time_s, c.ready, c.available) == (4, 3600, 120, 1)
    assert c.last_update == datetime(2026, 1, 15, 14, 59, 58, tzinfo=UTC)


def test_ivr_and_queue_mapping() -> None:
    ivr = ivr_from_wire(
        IvrStats.model_validate(
            {"visualIvrId": 9, "visualIvrName": "Main", "presented": 200, "transferGate": 50}
        )
    )
    assert (ivr.id, ivr.name, ivr.presented, ivr.transfer_queue) == ("9", "Main", 200, 50)
    queue = queue_from_wire(
        InboundQueueStats.model_validate(
            {"gateId": 7, "gateName": "Sales", "inQueue": 4, "longestInQueue": 95, "slaPass": 85}
        )
    )
    assert (queue.id, queue.waiting, queue.longest_wait_s, queue.sla_pass) == ("7", 4, 95, 85)


def test_agent_state_time_is_seconds_in_state_as_of_the_poll() -> None:
    wire = AgentStats.model_validate(
        {
            "agentId": 5,
            "firstName": "Paco",
            "lastName": "Vu",
            "agentState": "on_call",
            "stateTime": 95,
            "loginTime": 3600,
            "campaignId": 42,
            "pendingDisposition": True,
            "onHoldDts": "2026-01-15T14:59:00.000+0000",
            "lastUpdate": "2026-01-15T14:00:00.000+0000",  # old: ticking stateTime is no update
        }
    )
    agent = agent_from_wire(wire, POLLED)
    assert (agent.id, agent.name, agent.state, agent.campaign_id) == (
        "5",
        "Paco Vu",
        "ON_CALL",
        "42",
    )
    assert agent.state_since == POLLED - timedelta(seconds=95)
    assert agent.logged_in_since == POLLED - timedelta(hours=1)
    assert agent.pending_disposition and agent.on_hold
    epoch_ms = AgentStats.model_validate({"agentId": 6, "stateTime": 1_768_489_200_000})
    assert agent_from_wire(epoch_ms, POLLED).state_since == datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
    assert agent_from_wire(AgentStats(agentId=7), POLLED).state_since is None


def test_call_mapping_reads_the_seeds_timestamps() -> None:
    wire = ActiveCallListResponse.model_validate(
        {
            "uii": "202005081040440132050000019657",
            "ani": "6501234567",
            "dnis": "8661234567",
            "enqueueTime": "2020-05-08T14:40:47.000+0000",
            "dequeueTime": None,
            "callState": "ACTIVE",
            "agentFirstName": "Paco",
            "agentLastName": "Vu",
        }
    )
    call = call_from_wire(wire, product="OUTBOUND")
    assert call.uii == "202005081040440132050000019657"
    assert call.agent == "Paco Vu" and call.dequeued_at is None
    assert call.enqueued_at == datetime(2020, 5, 8, 14, 40, 47, tzinfo=UTC)
    assert call.product == "OUTBOUND"
    assert call_from_wire(wire, product="ACCOUNT").product is None  # the account says nothing
    naive = ActiveCallListResponse.model_validate(
        {"uii": "x", "enqueueTime": "2026-01-15T15:00:00"}
    )
    assert call_from_wire(naive).enqueued_at == POLLED  # no offset: read as UTC


def test_source_result_counts_warnings_and_finds_the_newest_update() -> None:
    batch = parse_records(
        OutboundStats,
        [
            {"campaignId": 1, "lastUpdate": "2026-01-15T14:59:00.000+0000"},
            {"campaignName": "no id"},
            {"campaignId": 2, "lastUpdate": "2026-01-15T14:59:30.000+0000"},
        ],
    )
    result = to_source_result("campaigns", batch, campaign_from_wire, POLLED)
    assert [c.id for c in result.records] == ["1", "2"]
    assert result.warnings == 1 and result.ok and result.polled_at == POLLED
    assert result.last_update == datetime(2026, 1, 15, 14, 59, 30, tzinfo=UTC)
    failed = result.failed("HTTP 503", POLLED + timedelta(seconds=15))
    assert failed.records == result.records and failed.polled_at == POLLED
    assert failed.error == "HTTP 503" and not failed.ok
    assert failed.age_s(POLLED + timedelta(seconds=45)) == 45.0
    assert failed.is_stale(POLLED + timedelta(seconds=45), interval_s=15.0)
    assert not failed.is_stale(POLLED + timedelta(seconds=30), interval_s=15.0)
    assert not SourceResult.unsupported("ivr").is_stale(POLLED, 15.0)
