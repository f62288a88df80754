"""Each action's real effect on the simulated call, over HTTP, and the audit lines it leaves."""

from __future__ import annotations

from pathlib import Path

import pytest
from action_helpers import (
    CALLER_ID,
    SUPERVISOR_PHONE,
    MakeLayer,
    audit_lines,
    calls_in,
    connected_uii,
)

from wallboard.actions import ActionRequest, Status
from wallboard.sim.limits import SimLimits
from wallboard.sim.server import SimServer

pytestmark = pytest.mark.sim(limits=SimLimits.unlimited())


def sessions(sim: SimServer, uii: str) -> list[tuple[str, str]]:
    inspected = sim.center.inspect_call(uii)
    assert inspected is not None
    return [(s["phone"], s["sessionType"]) for s in inspected["sessions"]]


async def test_monitor_coach_and_barge_attach_sessions(
    make_layer: MakeLayer, sim: SimServer, audit_path: Path
) -> None:
    layer = make_layer()
    first, second, third = (connected_uii(sim, i) for i in range(3))
    monitored = await layer.perform(ActionRequest("monitor", first))
    coached = await layer.perform(ActionRequest("coach", second, {"phone": "(650) 555-0199"}))
    barged = await layer.perform(ActionRequest("barge", third), confirm=third[-4:])
    assert [o.status for o in (monitored, coached, barged)] == [Status.OK] * 3
    assert sessions(sim, first) == [(SUPERVISOR_PHONE, "MONITOR")]
    assert sessions(sim, second) == [("6505550199", "COACHING")]
    assert sessions(sim, third) == [(SUPERVISOR_PHONE, "BARGEIN")]
    assert "ringing +15554150123" in monitored.message
    lines = audit_lines(audit_path)
    assert [(line["action"], line["phase"]) for line in lines] == [
        ("monitor", "attempt"),
        ("monitor", "outcome"),
        ("coach", "attempt"),
        ("coach", "outcome"),
        ("barge", "attempt"),
        ("barge", "outcome"),
    ]
    assert lines[2]["parameters"] == {"phone": "6505550199", "session_type": "COACHING"}
    assert lines[1]["outcome"] == "ok" and lines[1]["latency_ms"] >= 0
    assert lines[0]["id"] == lines[1]["id"] != lines[2]["id"]
    assert {line["operator"] for line in lines} == {"dana"}
    assert {line["account"] for line in lines} == {"sim"}


async def test_drop_removes_a_session_by_phone_and_by_id(
    make_layer: MakeLayer, sim: SimServer
) -> None:
    layer = make_layer()
    uii = connected_uii(sim)
    assert (await layer.perform(ActionRequest("monitor", uii))).ok
    dropped = await layer.perform(ActionRequest("drop", uii))
    assert dropped.ok and sessions(sim, uii) == []
    assert (await layer.perform(ActionRequest("coach", uii, {"phone": "6505550142"}))).ok
    inspected = sim.center.inspect_call(uii)
    assert inspected is not None
    session_id = inspected["sessions"][0]["sessionId"]
    by_id = await layer.perform(ActionRequest("drop", uii, {"session": session_id}))
    assert by_id.ok and sessions(sim, uii) == []
    assert by_id.parameters == {"session": session_id}
    inspected = sim.center.inspect_call(uii)
    assert inspected is not None and inspected["active"] is True  # the call goes on


async def test_record_and_hold_flip_and_toggle(make_layer: MakeLayer, sim: SimServer) -> None:
    layer = make_layer()
    uii = connected_uii(sim)
    before = sim.center.inspect_call(uii)
    assert before is not None
    wanted = "off" if before["recording"] else "on"
    flipped = await layer.perform(ActionRequest("record", uii, {"state": wanted}))
    after = sim.center.inspect_call(uii)
    assert flipped.ok and after is not None and after["recording"] is (wanted == "on")
    assert layer.next_state("record", uii) is (wanted == "off")
    assert (await layer.perform(ActionRequest("hold", uii))).ok  # toggle: unknown -> on
    held = sim.center.inspect_call(uii)
    assert held is not None and held["hold"] is True
    released = await layer.perform(ActionRequest("hold", uii))  # toggle again -> off
    held = sim.center.inspect_call(uii)
    assert released.ok and held is not None and held["hold"] is False
    assert released.message == f"Hold off for call {uii}"


async def test_requeue_sends_the_call_to_a_gate_and_releases_the_agent(
    make_layer: MakeLayer, sim: SimServer
) -> None:
    layer = make_layer()

    def staying(call: dict[str, object]) -> bool:
        agent = sim.center.inspect_agent(str(call["agentId"]))
        return agent is not None and not (agent["breakPending"] or agent["logoutPending"])

    call = next(c for c in calls_in(sim, "CONNECTED") if staying(c))
    uii, agent_id = str(call["uii"]), call["agentId"]
    gate = str(sim.center.inbound_stats()[-1]["gateId"])
    outcome = await layer.perform(ActionRequest("requeue", uii, {"gate": gate}))
    assert outcome.ok, outcome.message
    after = sim.center.inspect_call(uii)
    assert after is not None and after["phase"] == "QUEUED" and str(after["gateId"]) == gate
    agent = sim.center.inspect_agent(str(agent_id))
    # Released from this call: free, or already on the next one if a caller was waiting.
    assert agent is not None and agent["callUii"] != uii
    assert agent["state"] == "AVAILABLE" or (agent["state"] == "ON_CALL" and agent["callUii"])


async def test_disposition_with_callback_and_notes(make_layer: MakeLayer, sim: SimServer) -> None:
    layer = make_layer()
    uii = connected_uii(sim)
    request = ActionRequest(
        "dispose",
        uii,
        {"disposition": "callback", "callback": "2025-01-16 14:30", "notes": "after 2 & before 3"},
    )
    outcome = await layer.perform(request)
    assert outcome.ok, outcome.message
    after = sim.center.inspect_call(uii)
    assert after is not None
    assert after["disposition"] == "CALLBACK"  # the configured spelling
    assert after["callback"] is True and after["callBackDTS"] == "20250116143000"
    assert after["notes"] == "after 2 & before 3"


async def test_ping_keeps_the_call_addressable(make_layer: MakeLayer, sim: SimServer) -> None:
    layer = make_layer()
    uii = connected_uii(sim)
    before = sim.center.inspect_call(uii)
    assert before is not None
    outcome = await layer.perform(ActionRequest("ping", uii))
    after = sim.center.inspect_call(uii)
    assert outcome.ok and after is not None and after["pings"] == before["pings"] + 1


async def test_hangup_ends_the_call(
    make_layer: MakeLayer, sim: SimServer, audit_path: Path
) -> None:
    layer = make_layer()
    uii = connected_uii(sim)
    outcome = await layer.perform(ActionRequest("hangup", uii), confirm="hangup")
    assert outcome.ok and outcome.call_ended and uii in layer.ended_calls
    after = sim.center.inspect_call(uii)
    assert after is None or after["active"] is False
    assert uii not in {str(c["uii"]) for c in sim.center.active_calls()}
    outcome_line = audit_lines(audit_path)[-1]
    assert outcome_line["phase"] == "outcome" and outcome_line["outcome"] == "ok"
    assert outcome_line["call"] == uii and outcome_line["message"] == f"call {uii} hung up"


async def test_hangup_then_disposition_releases_the_pending_agent(
    make_layer: MakeLayer, sim: SimServer
) -> None:
    layer = make_layer()
    call = calls_in(sim, "CONNECTED")[0]
    uii, agent_id = str(call["uii"]), str(call["agentId"])
    assert (await layer.perform(ActionRequest("hangup", uii), confirm="HANGUP")).ok
    agent = sim.center.inspect_agent(agent_id)
    assert agent is not None
    if not agent["pendingDisposition"]:
        pytest.skip("this agent's campaign does not hold agents in pending disposition")
    disposed = await layer.perform(ActionRequest("dispose", uii, {"disposition": "SALE"}))
    assert disposed.ok, disposed.message
    agent = sim.center.inspect_agent(agent_id)
    assert agent is not None and agent["pendingDisposition"] is False


async def test_a_manual_agent_call_rings_the_agent(make_layer: MakeLayer, sim: SimServer) -> None:
    layer = make_layer()
    available = [a for a in sim.center.agent_stats() if a["agentState"] == "AVAILABLE"]
    assert available
    username = available[0]["username"]
    before = {str(c["uii"]) for c in sim.center.active_calls()}
    request = ActionRequest("dial", None, {"username": username, "destination": "650-555-0142"})
    outcome = await layer.perform(request)
    assert outcome.ok, outcome.message
    assert outcome.parameters == {
        "username": username,
        "destination": "6505550142",
        "ring": 20,
        "caller_id": CALLER_ID,
    }
    new = [c for c in sim.center.active_calls() if str(c["uii"]) not in before]
    assert len(new) == 1 and new[0]["dnis"] == "6505550142"
    inspected = sim.center.inspect_call(new[0]["uii"])
    assert inspected is not None and inspected["agentUsername"] == username
