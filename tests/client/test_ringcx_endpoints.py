"""Every endpoint, typed, against the simulator over loopback; effects checked in the model.

These tests are about shapes and effects, not limits, so the simulator's limits are lifted and
the client's reports family is widened: five reports in one test would otherwise take minutes.
The limits themselves are exercised in `test_ringcx_resilience.py`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from wallboard.budget import BudgetRegistry, FamilySpec, Window, default_families
from wallboard.providers.ringcx.client import RingCxClient
from wallboard.providers.ringcx.errors import (
    ActionFailed,
    CallNotActive,
    InvalidRequest,
    PermissionDenied,
)
from wallboard.providers.ringcx.wire import (
    ActiveCallListResponse,
    AgentStats,
    InboundQueueStats,
    IvrStats,
    Lead,
    LeadLoaderRequest,
    OutboundStats,
)
from wallboard.sim.limits import SimLimits
from wallboard.sim.server import SimServer

pytestmark = pytest.mark.sim(limits=SimLimits.unlimited())

MakeClient = Callable[..., RingCxClient]
SUPERVISOR_PHONE = "+15554150123"


@pytest.fixture
async def make_client(sim: SimServer) -> AsyncIterator[MakeClient]:
    families = default_families()
    families["reports"] = FamilySpec("reports", (Window(100, 60.0),))
    registry = BudgetRegistry(families)
    clients: list[RingCxClient] = []

    def make(*, auth: str = "api_token", user: str = "supervisor", **options: Any) -> RingCxClient:
        config = sim.account_config(auth=auth, user=user)  # type: ignore[arg-type]
        client = RingCxClient(config, budgets=registry, retry_backoff=0.01, **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
async def client(make_client: MakeClient) -> RingCxClient:
    return make_client()


def calls_in(sim: SimServer, phase: str) -> list[dict[str, Any]]:
    found = []
    for record in sim.center.active_calls():
        inspected = sim.center.inspect_call(record["uii"])
        if inspected and inspected["phase"] == phase:
            found.append(inspected)
    return found


def connected_uii(sim: SimServer) -> str:
    calls = calls_in(sim, "CONNECTED")
    assert calls, "the simulated center should have calls with agents"
    return str(calls[0]["uii"])


def log_count(sim: SimServer, path: str, status: int | None = None) -> int:
    return sim.requests.count(path_contains=path, status=status)


# --- real-time lists ---------------------------------------------------------------------------


async def test_the_four_real_time_lists_are_typed(client: RingCxClient, sim: SimServer) -> None:
    outbound = await client.outbound_stats()
    ivr = await client.ivr_stats()
    inbound = await client.inbound_stats()
    agents = await client.agent_stats()
    for batch, model in (
        (outbound, OutboundStats),
        (ivr, IvrStats),
        (inbound, InboundQueueStats),
        (agents, AgentStats),
    ):
        assert batch.records, model.__name__
        assert batch.warnings == ()
        assert all(isinstance(record, model) for record in batch.records)
    assert {a.agentId for a in agents.records} == {a["agentId"] for a in sim.center.agent_stats()}
    assert all(r.lastUpdate is None or r.lastUpdate.tzinfo for r in outbound.records)


async def test_active_calls_are_read_over_several_pages(
    client: RingCxClient, sim: SimServer
) -> None:
    truth = {str(c["uii"]) for c in sim.center.active_calls()}
    assert len(truth) > 10
    page_size = max(2, len(truth) // 4)
    listing = await client.active_calls(page_size=page_size)
    assert {c.uii for c in listing.records} == truth
    assert all(isinstance(c, ActiveCallListResponse) for c in listing.records)
    assert listing.pages == len(truth) // page_size + 1
    assert not listing.truncated and listing.warnings == ()
    pages = [e for e in sim.requests.entries() if e.path.endswith("/activeCalls/list")]
    assert len(pages) == listing.pages


async def test_active_call_listing_stops_at_max_pages(client: RingCxClient) -> None:
    listing = await client.active_calls(page_size=2, max_pages=3)
    assert listing.truncated and listing.pages == 3 and len(listing.records) == 6


async def test_active_calls_by_product(client: RingCxClient, sim: SimServer) -> None:
    inbound = await client.active_calls(product="ACD")
    expected = {
        str(c["uii"])
        for c in sim.center.active_calls()
        if sim.center.inspect_call(c["uii"])["product"] == "ACD"
    }
    assert {c.uii for c in inbound.records} == expected


# --- control actions ---------------------------------------------------------------------------


async def test_sessions_are_added_and_removed(client: RingCxClient, sim: SimServer) -> None:
    uii = connected_uii(sim)
    assert await client.add_session(uii, SUPERVISOR_PHONE, "MONITOR")
    sessions = sim.center.inspect_call(uii)["sessions"]
    assert [(s["phone"], s["sessionType"]) for s in sessions] == [(SUPERVISOR_PHONE, "MONITOR")]
    with pytest.raises(ActionFailed):  # the same phone twice: the platform answers false
        await client.add_session(uii, SUPERVISOR_PHONE, "COACHING")
    assert await client.hangup_session(uii, SUPERVISOR_PHONE)
    assert sim.center.inspect_call(uii)["sessions"] == []
    assert await client.add_session(uii, "6505550199", "BARGEIN")
    session_id = sim.center.inspect_call(uii)["sessions"][0]["sessionId"]
    assert await client.hangup_session_by_id(uii, session_id)
    assert sim.center.inspect_call(uii)["sessions"] == []
    with pytest.raises(ActionFailed):
        await client.hangup_session(uii, SUPERVISOR_PHONE)


async def test_recording_hold_and_ping(client: RingCxClient, sim: SimServer) -> None:
    uii = connected_uii(sim)
    recording = sim.center.inspect_call(uii)["recording"]
    assert await client.toggle_recording(uii, not recording)
    assert sim.center.inspect_call(uii)["recording"] is (not recording)
    assert await client.toggle_hold(uii, True)
    assert sim.center.inspect_call(uii)["hold"] is True
    assert await client.toggle_hold(uii, False)
    assert sim.center.inspect_call(uii)["hold"] is False
    pings = sim.center.inspect_call(uii)["pings"]
    assert await client.ping(uii)
    assert sim.center.inspect_call(uii)["pings"] == pings + 1


async def test_hold_on_a_call_without_an_agent_is_a_failure(
    client: RingCxClient, sim: SimServer
) -> None:
    queued = calls_in(sim, "QUEUED") or calls_in(sim, "IVR")
    assert queued
    with pytest.raises(ActionFailed) as caught:
        await client.toggle_hold(str(queued[0]["uii"]), True)
    assert caught.value.action == "toggleCallHold"


async def test_requeue_sends_a_call_to_another_queue(client: RingCxClient, sim: SimServer) -> None:
    uii = connected_uii(sim)
    gate_id = (await client.inbound_stats()).records[-1].gateId
    assert await client.requeue(uii, gate_id)
    after = sim.center.inspect_call(uii)
    assert after["phase"] == "QUEUED" and after["gateId"] == gate_id


async def test_disposition_with_a_callback(client: RingCxClient, sim: SimServer) -> None:
    uii = connected_uii(sim)
    when = datetime(2025, 1, 16, 14, 30, tzinfo=ZoneInfo("US/Eastern"))
    assert await client.disposition(
        uii, "CALLBACK", callback=True, callback_dts=when, notes="call back after 2 & before 3"
    )
    after = sim.center.inspect_call(uii)
    assert after["disposition"] == "CALLBACK" and after["callback"] is True
    assert after["callBackDTS"] == "20250116143000"
    assert after["notes"] == "call back after 2 & before 3"


async def test_an_unknown_disposition_is_an_invalid_request(
    client: RingCxClient, sim: SimServer
) -> None:
    with pytest.raises(InvalidRequest) as caught:
        await client.disposition(connected_uii(sim), "NOT_A_CODE")
    assert caught.value.status == 400
    assert [e.attributeName for e in caught.value.validation_errors] == ["disposition"]


async def test_hangup_ends_the_call_and_then_its_uii_is_stale(
    client: RingCxClient, sim: SimServer
) -> None:
    uii = connected_uii(sim)
    assert await client.hangup_call(uii)
    after = sim.center.inspect_call(uii)
    assert after is None or after["active"] is False
    with pytest.raises(CallNotActive) as caught:
        await client.hangup_call(uii)
    assert caught.value.uii == uii and caught.value.status == 404
    assert uii in str(caught.value)


async def test_a_manual_call_reaches_the_agent_by_username(
    client: RingCxClient, sim: SimServer
) -> None:
    available = [a for a in sim.center.agent_stats() if a["agentState"] == "AVAILABLE"]
    assert available
    username = available[0]["username"]
    assert "@" in username
    before = {str(c["uii"]) for c in sim.center.active_calls()}
    assert await client.create_manual_agent_call(username, "6505550142", 20, "8005550100")
    new = [c for c in sim.center.active_calls() if str(c["uii"]) not in before]
    assert len(new) == 1 and new[0]["dnis"] == "6505550142"
    assert sim.center.inspect_call(new[0]["uii"])["agentUsername"] == username
    entry = [e for e in sim.requests.entries() if "createManualAgentCall" in e.path]
    assert entry[0].status == 200


async def test_a_viewer_may_look_but_not_act(make_client: MakeClient, sim: SimServer) -> None:
    viewer = make_client(user="viewer")
    assert (await viewer.agent_stats()).records
    with pytest.raises(PermissionDenied) as caught:
        await viewer.hangup_call(connected_uii(sim))
    assert caught.value.general_message == "You do not have permission to access this resource"
    assert caught.value.status == 403
    noaccess = make_client(user="noaccess")
    with pytest.raises(PermissionDenied):
        await noaccess.outbound_stats()


async def test_a_bad_uii_sends_nothing(client: RingCxClient, sim: SimServer) -> None:
    await client.sign_in()
    before = len(sim.requests.entries())
    for bad in ("../accounts", "123 456", "12a", "%2e%2e", ""):
        with pytest.raises(InvalidRequest):
            await client.hangup_call(bad)
    assert len(sim.requests.entries()) == before


# --- reports -----------------------------------------------------------------------------------


def report_window(sim: SimServer) -> tuple[datetime, datetime]:
    """The last full hour that ended at least five minutes ago (platform time)."""
    now = sim.clock.now() - timedelta(minutes=5)
    end = now.replace(minute=(now.minute // 15) * 15, second=0, microsecond=0)
    return end - timedelta(hours=1), end


async def test_interval_reports_are_typed(client: RingCxClient, sim: SimServer) -> None:
    start, end = report_window(sim)
    queues = await client.queue_interval_stats(start, end, 900)
    agents = await client.agent_interval_stats(start, end, 1800)
    extended = await client.agent_extended_interval_stats(start, end, 3600)
    assert queues.records and agents.records and extended.records
    assert not (queues.warnings or agents.warnings or extended.warnings)
    assert {r.interval for r in agents.records} == {1800}


async def test_interaction_metadata_and_a_recording(client: RingCxClient, sim: SimServer) -> None:
    _, end = report_window(sim)
    segments = await client.interaction_metadata(end, 3600)
    assert segments.records and segments.warnings == ()
    recorded = [s for s in segments.records if s.hasRecording]
    assert recorded
    audio = await client.recording(recorded[0].dialogId, recorded[0].segmentId)
    assert audio[:4] == b"RIFF"


async def test_a_report_window_too_recent_is_refused_by_the_platform(
    client: RingCxClient, sim: SimServer
) -> None:
    end = sim.clock.now()
    with pytest.raises(InvalidRequest, match="5 minutes"):
        await client.queue_interval_stats(end - timedelta(hours=1), end, 900)


# --- lead loader -------------------------------------------------------------------------------


async def test_leads_are_loaded(client: RingCxClient, sim: SimServer) -> None:
    campaign = (await client.outbound_stats()).records[0]
    request = LeadLoaderRequest(
        description="wallboard test",
        dialPriority="IMMEDIATE",
        duplicateHandling="RETAIN_ALL",
        listState="ACTIVE",
        timeZoneOption="NOT_APPLICABLE",
        uploadLeads=[
            Lead(leadPhone="6505550101", firstName="Ada", externId="x-1"),
            Lead(leadPhone="6505550102", firstName="Grace", externId="x-2"),
        ],
    )
    result = await client.load_leads(campaign.campaignId, request)
    assert not result.failed
    assert result.leadsSupplied == 2 and result.leadsInserted == 2
    assert log_count(sim, "/leadLoader/direct", 200) == 1
