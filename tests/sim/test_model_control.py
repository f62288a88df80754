"""Call control (seed 001) on the model: every action's effect is visible in inspection AND in the
real-time lists, and bad requests raise the errors the HTTP layer maps to 400/404."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from wallboard.sim.clock import SimClock
from wallboard.sim.model import CallNotActive, ContactCenter, InvalidRequest, SimSettings

START = datetime(2025, 1, 15, 15, 0, tzinfo=UTC)  # 10:00 US/Eastern


@pytest.fixture
def center() -> ContactCenter:
    clock = SimClock(start=START, speed=0)
    return ContactCenter(SimSettings(seed=11, history_minutes=30), clock)


def find_call(center: ContactCenter, phase: str, product: str | None = None) -> dict[str, Any]:
    """The first call in `phase` (advancing time a little if none is right now)."""
    for _ in range(300):
        for call in center.active_calls(product=product):
            info = center.inspect_call(call["uii"])
            assert info is not None
            if info["phase"] == phase:
                return info
        center.clock.advance(1)
    raise AssertionError(f"no {phase} call appeared")


def listed(center: ContactCenter, uii: str) -> dict[str, Any] | None:
    return next((c for c in center.active_calls() if c["uii"] == uii), None)


def gate_record(center: ContactCenter, gate_id: int) -> dict[str, Any]:
    return next(r for r in center.inbound_stats() if r["gateId"] == gate_id)


def agent_record(center: ContactCenter, agent_id: int) -> dict[str, Any] | None:
    return next((a for a in center.agent_stats() if a["agentId"] == agent_id), None)


def test_sessions_are_added_and_removed(center: ContactCenter) -> None:
    call = find_call(center, "CONNECTED")
    uii = call["uii"]
    assert center.add_session(uii, "+15554150123", "MONITOR") is True
    assert center.add_session(uii, "5554150123", "COACHING") is False  # the same phone
    assert center.add_session(uii, "6501234567", "bargein") is True
    sessions = center.inspect_call(uii)["sessions"]  # type: ignore[index]
    assert [s["sessionType"] for s in sessions] == ["MONITOR", "BARGEIN"]
    assert len({s["sessionId"] for s in sessions}) == 2
    assert center.hangup_session(uii, "+15554150123") is True
    assert center.hangup_session(uii, "+15554150123") is False
    assert center.hangup_session_by_id(uii, "no-such-session") is False
    assert center.hangup_session_by_id(uii, sessions[1]["sessionId"]) is True
    assert center.inspect_call(uii)["sessions"] == []  # type: ignore[index]
    assert listed(center, uii) is not None  # dropping a supervisor leaves the call up


@pytest.mark.parametrize(
    ("destination", "session_type", "attribute"),
    [
        ("555-0123", "MONITOR", "destination"),
        ("+1555", "MONITOR", "destination"),
        ("15554150123", "MONITOR", "destination"),
        ("+15554150123", "LISTEN", "sessionType"),
    ],
)
def test_add_session_validation(
    center: ContactCenter, destination: str, session_type: str, attribute: str
) -> None:
    uii = find_call(center, "CONNECTED")["uii"]
    with pytest.raises(InvalidRequest) as caught:
        center.add_session(uii, destination, session_type)
    assert caught.value.attribute == attribute


def test_unknown_uii_is_not_active(center: ContactCenter) -> None:
    for action in (
        lambda: center.hangup_call("1" * 30),
        lambda: center.ping("nope"),
        lambda: center.toggle_recording("1" * 30, True),
        lambda: center.add_session("1" * 30, "+15554150123", "MONITOR"),
        lambda: center.disposition("1" * 30, "SALE", False),
    ):
        with pytest.raises(CallNotActive):
            action()
    assert center.inspect_call("1" * 30) is None


def test_hangup_ends_the_call_everywhere(center: ContactCenter) -> None:
    call = find_call(center, "CONNECTED", product="ACD")
    uii, gate_id, agent_id = call["uii"], call["gateId"], call["agentId"]
    center.add_session(uii, "+15554150123", "MONITOR")
    before = gate_record(center, gate_id)
    assert center.hangup_call(uii) is True
    info = center.inspect_call(uii)
    assert info is not None
    assert (info["phase"], info["endReason"], info["active"]) == ("ENDED", "API_HANGUP", False)
    assert info["sessions"] == []
    assert listed(center, uii) is None
    after = gate_record(center, gate_id)
    assert after["active"] == before["active"] - 1
    assert after["active"] == len(center.active_calls(product="ACD", product_id=gate_id))
    assert after["totalTalkTime"] > before["totalTalkTime"] or after["shortCall"] > 0
    agent = agent_record(center, agent_id)
    assert agent is not None
    assert (agent["agentState"], agent["pendingDisposition"], agent["callUii"]) == (
        "WRAP_UP",
        True,
        uii,
    )
    for action in (
        lambda: center.hangup_call(uii),
        lambda: center.toggle_hold(uii, "ON"),
        lambda: center.add_session(uii, "+15554150123", "MONITOR"),
        lambda: center.requeue(uii, gate_id),
    ):
        with pytest.raises(CallNotActive):
            action()
    # Still addressable for disposition while its agent is pending: that releases the agent.
    assert center.disposition(uii, "RESOLVED", False, notes="fixed it") is True
    agent_view = center.inspect_agent(str(agent_id))
    assert agent_view is not None
    assert not agent_view["pendingDisposition"] and agent_view["state"] != "WRAP_UP"
    assert agent_view["callUii"] != uii
    info = center.inspect_call(uii)
    assert info is not None and (info["disposition"], info["notes"]) == ("RESOLVED", "fixed it")
    assert gate_record(center, gate_id)["successDispositions"] == after["successDispositions"] + 1
    with pytest.raises(CallNotActive):
        center.disposition(uii, "RESOLVED", False)


def test_hanging_up_a_queued_caller_counts_an_abandon(center: ContactCenter) -> None:
    ivr_call = find_call(center, "IVR")
    gate_id = center.gates()[0]["gateId"]
    assert center.requeue(ivr_call["uii"], gate_id) is True
    before = gate_record(center, gate_id)
    assert center.inspect_call(ivr_call["uii"])["phase"] == "QUEUED"  # type: ignore[index]
    center.hangup_call(ivr_call["uii"])
    after = gate_record(center, gate_id)
    assert after["abandoned"] == before["abandoned"] + 1
    assert after["inQueue"] == before["inQueue"] - 1


def test_recording_toggles(center: ContactCenter) -> None:
    uii = find_call(center, "CONNECTED")["uii"]
    original = center.inspect_call(uii)["recording"]  # type: ignore[index]
    assert center.toggle_recording(uii, not original) is True
    assert center.inspect_call(uii)["recording"] is (not original)  # type: ignore[index]
    assert center.toggle_recording(uii, not original) is True  # idempotent
    assert center.toggle_recording(uii, original) is True
    assert center.inspect_call(uii)["recording"] is original  # type: ignore[index]


def test_hold_is_visible_on_the_call_and_the_agent(center: ContactCenter) -> None:
    call = find_call(center, "CONNECTED")
    uii, agent_id = call["uii"], call["agentId"]
    assert center.toggle_hold(uii, "ON") is True
    assert center.inspect_call(uii)["hold"] is True  # type: ignore[index]
    agent = agent_record(center, agent_id)
    assert agent is not None and agent["onHoldDts"] is not None
    assert center.inspect_agent(str(agent_id))["onHold"] is True  # type: ignore[index]
    assert center.toggle_hold(uii, "off") is True
    assert center.inspect_call(uii)["hold"] is False  # type: ignore[index]
    agent = agent_record(center, agent_id)
    assert agent is not None and agent["onHoldDts"] is None
    with pytest.raises(InvalidRequest) as caught:
        center.toggle_hold(uii, "MAYBE")
    assert caught.value.attribute == "state"
    in_ivr = find_call(center, "IVR")
    assert center.toggle_hold(in_ivr["uii"], "ON") is False  # nobody to hold it


def test_requeue_moves_the_call_to_the_gate_queue_and_frees_the_agent(
    center: ContactCenter,
) -> None:
    call = find_call(center, "CONNECTED", product="ACD")
    uii, agent_id = call["uii"], call["agentId"]
    target = next(g["gateId"] for g in center.gates() if g["gateId"] != call["gateId"])
    before = gate_record(center, target)
    assert center.requeue(uii, target) is True
    info = center.inspect_call(uii)
    assert info is not None
    assert (info["phase"], info["gateId"], info["agentId"]) == ("QUEUED", target, None)
    record = listed(center, uii)
    assert record is not None
    assert record["dequeueTime"] is None and record["agentLastName"] is None
    assert any(c["uii"] == uii for c in center.active_calls(product="ACD", product_id=target))
    after = gate_record(center, target)
    assert after["inQueue"] == before["inQueue"] + 1
    assert after["presented"] == before["presented"] + 1
    agent = center.inspect_agent(str(agent_id))
    assert agent is not None and agent["callUii"] != uii and agent["state"] != "WRAP_UP"
    with pytest.raises(InvalidRequest) as caught:
        center.requeue(uii, 999_999)
    assert caught.value.attribute == "gateId"


def test_disposition_validation(center: ContactCenter) -> None:
    uii = find_call(center, "CONNECTED")["uii"]
    cases = [
        (("MAYBE_LATER", False, None), "disposition"),
        (("CALLBACK", True, None), "callBackDTS"),
        (("CALLBACK", True, "2025-01-16 10:00"), "callBackDTS"),
        (("CALLBACK", True, "20251399250000"), "callBackDTS"),
    ]
    for (code, callback, dts), attribute in cases:
        with pytest.raises(InvalidRequest) as caught:
            center.disposition(uii, code, callback, dts)
        assert caught.value.attribute == attribute
    assert center.disposition(uii, "CALLBACK", True, "20250116100000", "call back") is True
    info = center.inspect_call(uii)
    assert info is not None
    assert (info["disposition"], info["callback"], info["callBackDTS"]) == (
        "CALLBACK",
        True,
        "20250116100000",
    )


def test_disposition_during_the_call_skips_pending_and_counts_success(
    center: ContactCenter,
) -> None:
    call = find_call(center, "CONNECTED", product="OUTBOUND")
    uii, campaign_id, agent_id = call["uii"], call["campaignId"], call["agentId"]

    def successes() -> int:
        stats = center.outbound_stats()
        return next(r["successDispositions"] for r in stats if r["campaignId"] == campaign_id)

    before = successes()
    assert center.disposition(uii, "SALE", False) is True
    assert successes() == before + 1
    center.hangup_call(uii)
    agent = center.inspect_agent(str(agent_id))
    assert agent is not None and not agent["pendingDisposition"] and agent["state"] != "WRAP_UP"
    assert successes() == before + 1  # counted once


def test_ping_counts_and_keeps_an_ended_call_addressable_for_disposition(
    center: ContactCenter,
) -> None:
    pinged = find_call(center, "IVR")["uii"]
    assert center.ping(pinged) is True
    assert center.ping(pinged) is True
    assert center.inspect_call(pinged)["pings"] == 2  # type: ignore[index]
    center.hangup_call(pinged)
    with pytest.raises(CallNotActive):
        center.ping(pinged)
    assert center.disposition(pinged, "RESOLVED", False) is True
    unpinged = find_call(center, "IVR")["uii"]
    center.hangup_call(unpinged)
    with pytest.raises(CallNotActive):
        center.disposition(unpinged, "RESOLVED", False)


def _available_agent(center: ContactCenter) -> dict[str, Any]:
    for _ in range(120):
        agent = next((a for a in center.agent_stats() if a["agentState"] == "AVAILABLE"), None)
        if agent is not None:
            return agent
        center.clock.advance(1)
    raise AssertionError("no agent became available")


def test_manual_call_rings_the_named_agent_then_connects(center: ContactCenter) -> None:
    agent = _available_agent(center)
    username = agent["username"]
    assert center.create_manual_agent_call(username.upper(), "6505550100", 30, "8885550199")
    view = center.inspect_agent(username)
    assert view is not None and view["state"] == "ON_CALL"
    uii = view["callUii"]
    info = center.inspect_call(uii)
    assert info is not None
    assert (info["phase"], info["agentUsername"], info["kind"]) == ("RINGING", username, "MANUAL")
    record = listed(center, uii)
    assert record is not None
    assert (record["ani"], record["dnis"], record["destinationName"]) == (
        "8885550199",
        "6505550100",
        "Manual Dial",
    )
    assert record["dequeueTime"] is None
    center.clock.advance(5)
    info = center.inspect_call(uii)
    assert info is not None and info["phase"] == "CONNECTED"
    record = listed(center, uii)
    assert record is not None and record["dequeueTime"] is not None
    assert record["agentLastName"] == agent["lastName"]
    # The agent is busy now: a second manual call is refused, not an error.
    assert center.create_manual_agent_call(username, "6505550100", 30, "8885550199") is False


def test_manual_call_validation(center: ContactCenter) -> None:
    agent = _available_agent(center)
    cases = [
        (("nobody@example.com", "6505550100", 30, "8885550199"), "username"),
        ((agent["username"], "555", 30, "8885550199"), "destination"),
        ((agent["username"], "6505550100", 30, "caller"), "callerId"),
        ((agent["username"], "6505550100", 0, "8885550199"), "ringDuration"),
    ]
    for args, attribute in cases:
        with pytest.raises(InvalidRequest) as caught:
            center.create_manual_agent_call(*args)
        assert caught.value.attribute == attribute


def test_manual_call_that_rings_out_counts_a_ring_no_answer(center: ContactCenter) -> None:
    # Whether the agent answers in time is drawn per call (1-4 s); with a 1-s ring some miss.
    missed = 0
    for _ in range(12):
        agent = _available_agent(center)
        before = agent["rna"]
        center.create_manual_agent_call(agent["username"], "6505550100", 1, "8885550199")
        uii = center.inspect_agent(agent["username"])["callUii"]  # type: ignore[index]
        center.clock.advance(1.5)
        info = center.inspect_call(uii)
        assert info is not None
        if info["endReason"] == "AGENT_NO_ANSWER":
            missed += 1
            assert center.inspect_agent(agent["username"])["rna"] == before + 1  # type: ignore[index]
            assert listed(center, uii) is None
    assert missed > 0
