"""The contact-center model's real-time records: determinism, wire shape, steady state, and the
identities the seeds and API notes imply."""

from __future__ import annotations

import re
import statistics
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import BaseModel

from wallboard.providers.ringcx.wire import (
    ActiveCallListResponse,
    AgentStats,
    InboundQueueStats,
    IvrStats,
    OutboundStats,
    SubAccount,
    parse_records,
)
from wallboard.sim.clock import SimClock
from wallboard.sim.model import ContactCenter, InvalidRequest, SimSettings
from wallboard.sim.model_entities import fmt_ts
from wallboard.sim.scale import PRESETS, Scale, parse_scale

START = datetime(2025, 1, 15, 15, 0, tzinfo=UTC)  # 10:00 US/Eastern, a winter Wednesday
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$")


def make_center(
    seed: int = 7, minutes: float = 30.0, scale: Scale = PRESETS["small"]
) -> tuple[ContactCenter, SimClock]:
    clock = SimClock(start=START, speed=0)
    settings = SimSettings(seed=seed, scale=scale, history_minutes=minutes)
    return ContactCenter(settings, clock), clock


def snapshot(center: ContactCenter) -> dict[str, list[dict[str, Any]]]:
    return {
        "outbound": center.outbound_stats(),
        "ivr": center.ivr_stats(),
        "inbound": center.inbound_stats(),
        "agent": center.agent_stats(),
        "calls": center.active_calls(),
    }


def assert_exact_wire(model: type[BaseModel], records: list[dict[str, Any]]) -> None:
    """Every record parses with no warning and carries no field the model does not know."""
    batch = parse_records(model, records)
    assert batch.warnings == ()
    assert len(batch.records) == len(records)
    for record in records:
        assert set(record) <= set(model.model_fields), set(record) - set(model.model_fields)


def test_same_seed_same_state_and_another_seed_differs() -> None:
    a, clock_a = make_center(seed=3)
    b, clock_b = make_center(seed=3)
    c, clock_c = make_center(seed=4)
    for clock in (clock_a, clock_b, clock_c):
        clock.advance(120)
    assert snapshot(a) == snapshot(b)
    assert snapshot(a) != snapshot(c)


def test_state_does_not_depend_on_how_often_it_is_synced() -> None:
    stepped, clock_stepped = make_center(minutes=5)
    jumped, clock_jumped = make_center(minutes=5)
    for _ in range(90):
        clock_stepped.advance(2)
        stepped.sync()
    clock_jumped.advance(180)
    assert snapshot(stepped) == snapshot(jumped)


def test_every_record_is_spelled_as_the_wire_models() -> None:
    center, clock = make_center()
    clock.advance(60)
    assert_exact_wire(OutboundStats, center.outbound_stats())
    assert_exact_wire(IvrStats, center.ivr_stats())
    assert_exact_wire(InboundQueueStats, center.inbound_stats())
    assert_exact_wire(AgentStats, center.agent_stats())
    assert_exact_wire(ActiveCallListResponse, center.active_calls())
    assert_exact_wire(SubAccount, center.accounts())
    for record in center.outbound_stats() + center.inbound_stats() + center.agent_stats():
        assert TIMESTAMP.match(record["lastUpdate"])
    assert center.accounts()[0]["accountId"] == "44400001"


def test_small_center_holds_its_target_of_active_calls() -> None:
    center, clock = make_center(minutes=60)
    counts = []
    phases: set[str] = set()
    for _ in range(40):
        clock.advance(45)
        summary = center.summary()
        counts.append(summary["activeCalls"])
        phases |= set(summary["byPhase"])
    assert abs(statistics.mean(counts) - 80) <= 0.15 * 80, counts
    assert {"IVR", "CONNECTED", "RINGING", "QUEUED"} <= phases


def test_outbound_counting_identities_and_active_lines() -> None:
    center, clock = make_center(minutes=60)
    dialed = 0
    for _ in range(5):
        clock.advance(97)
        for r in center.outbound_stats():
            assert r["connects"] == r["answer"] + r["machine"] + r["fax"]
            assert r["notHumanAnswers"] == r["machine"] + r["fax"] + r["intercept"]
            assert 0 <= r["abandon"] <= r["answer"]
            assert 0 <= r["available"] <= r["staffed"]
            lines = center.active_calls(product="OUTBOUND", product_id=r["campaignId"])
            assert r["active"] == len(lines)
            dialed += r["answer"] + r["noanswer"] + r["machine"] + r["busy"] + r["intercept"]
    assert dialed > 0
    rates = [r["abandon"] / r["answer"] for r in center.outbound_stats() if r["answer"] >= 20]
    assert rates and statistics.median(rates) < 0.08  # the pacing keeps abandons in check


def _dials(center: ContactCenter) -> int:
    keys = ("answer", "noanswer", "machine", "busy", "intercept", "fax")
    return sum(r[k] for r in center.outbound_stats() for k in keys)


def test_dialing_follows_available_agents() -> None:
    scarce, clock_scarce = make_center(minutes=20, scale=parse_scale("agents=16,calls=30"))
    plenty, clock_plenty = make_center(minutes=20, scale=parse_scale("agents=64,calls=120"))
    for clock in (clock_scarce, clock_plenty):
        clock.advance(600)
    assert _dials(plenty) > 2 * _dials(scarce) > 0
    # A campaign nobody staffs never dials.
    for center in (scarce, plenty):
        for r in center.outbound_stats():
            if r["staffed"] == 0 and r["answer"] + r["noanswer"] == 0:
                assert r["active"] == 0
    idle = [r for r in scarce.outbound_stats() if r["staffed"] == 0]
    assert idle and all(r["active"] == 0 for r in idle)


def test_agent_starved_campaigns_appear_when_agents_are_scarce() -> None:
    center, clock = make_center(minutes=20, scale=parse_scale("agents=14,calls=30"))
    starved_while_staffed = False
    for _ in range(30):
        clock.advance(20)
        for r in center.outbound_stats():
            if r["available"] == 0 and r["ready"] > 0 and r["staffed"] > 0:
                starved_while_staffed = True
    assert starved_while_staffed


def test_campaigns_run_out_of_leads_and_get_new_lists() -> None:
    center, clock = make_center(minutes=30)
    lead_starved: set[int] = set()
    refilled: set[int] = set()
    for _ in range(60):
        clock.advance(300)
        for r in center.outbound_stats():
            if r["ready"] == 0 and r["pending"] == 0:
                lead_starved.add(r["campaignId"])
            elif r["campaignId"] in lead_starved:
                refilled.add(r["campaignId"])
    assert lead_starved
    assert refilled


def test_ivr_containment_and_transfers_add_up() -> None:
    center, clock = make_center(minutes=60)
    clock.advance(120)
    containments = []
    for r in center.ivr_stats():
        transfers = r["transferGate"] + r["transferCloud"] + r["transferTrac"]
        assert transfers <= r["connected"] <= r["presented"] - r["active"]
        containment = (r["presented"] - transfers) / r["presented"]
        assert 0.0 <= containment <= 1.0
        containments.append(containment)
        listed = center.active_calls(product="VISUAL_IVR", product_id=r["visualIvrId"])
        assert len(listed) == r["active"]
    assert min(containments) > 0.3 and max(containments) < 0.9
    assert max(containments) - min(containments) > 0.02  # IVRs differ


def test_gate_identities() -> None:
    center, clock = make_center(minutes=60)
    clock.advance(30)
    for r in center.inbound_stats():
        assert len(center.active_calls(product="ACD", product_id=r["gateId"])) == r["active"]
        assert r["inQueue"] + r["routing"] <= r["active"]
        assert r["accepted"] + r["abandoned"] + r["deflected"] <= r["presented"]
        assert r["shortAbandon"] <= r["abandoned"]
        assert r["slaPass"] <= r["accepted"]
        assert r["totalQueueTime"] == r["totalAnswerTime"] + r["totalAbandonTime"]
        assert r["available"] <= r["staffed"]
        assert (r["inQueue"] == 0) == (r["longestInQueue"] == 0) or r["longestInQueue"] == 0
    assert sum(r["accepted"] for r in center.inbound_stats()) > 0


def test_active_call_records() -> None:
    center, clock = make_center()
    clock.advance(60)
    calls = center.active_calls()
    assert len(calls) > 20
    keys = [(c["enqueueTime"], c["uii"]) for c in calls]
    assert keys == sorted(keys)
    local_now = datetime(2025, 1, 15, 10, 1).strftime("%Y%m%d%H%M%S")
    for call in calls:
        assert re.fullmatch(r"\d{30}", call["uii"]) and call["uii"][:14] <= local_now
        assert call["accountId"] == "44400001"
        assert re.fullmatch(r"\d{10}", call["ani"]) and re.fullmatch(r"\d{10}", call["dnis"])
        assert call["dnisE164"] == "+1" + call["dnis"]
        assert call["callState"] == "ACTIVE" and call["archive"] is False
        assert TIMESTAMP.match(call["enqueueTime"])
        assert (call["dequeueTime"] is None) == (call["agentLastName"] is None)
        assert call["destinationName"]
    assert len({c["uii"] for c in calls}) == len(calls)
    assert any(c["externalId"] for c in calls) and any(c["cnam"] for c in calls)


def test_active_call_product_filters() -> None:
    center, clock = make_center()
    clock.advance(60)
    everything = center.active_calls()
    assert center.active_calls(product="ACCOUNT", product_id=44400001) == everything
    assert center.active_calls(product="account") == everything
    assert center.active_calls(product="ACCOUNT", product_id=1) == []
    assert center.active_calls(product="TEAMS") == []
    with pytest.raises(InvalidRequest) as caught:
        center.active_calls(product="GALAXY")
    assert caught.value.attribute == "product"
    products = ("ACD", "OUTBOUND", "VISUAL_IVR", "CLOUD_PROFILE", "TRAC_NUMBER")
    by_product = {p: center.active_calls(product=p) for p in products}
    assert all(by_product[p] for p in ("ACD", "OUTBOUND", "VISUAL_IVR"))
    assert sum(len(v) for v in by_product.values()) <= len(everything)
    dnis = everything[0]["dnis"]
    by_dnis = center.active_calls(product="DNIS", product_id=int(dnis))
    assert by_dnis and all(c["dnis"] == dnis for c in by_dnis)
    tagged = next(c for c in everything if c["externalId"])
    assert center.active_calls(external_id=tagged["externalId"]) == [tagged]


def _comparable(record: dict[str, Any], ticking: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "lastUpdate" and k not in ticking}


@pytest.mark.parametrize(
    ("reader", "key", "ticking"),
    [
        ("outbound_stats", "campaignId", ()),
        ("ivr_stats", "visualIvrId", ()),
        ("inbound_stats", "gateId", ("longestInQueue",)),
        ("agent_stats", "agentId", ("stateTime", "loginTime")),
    ],
)
def test_last_update_moves_only_when_the_record_changes(
    reader: str, key: str, ticking: tuple[str, ...]
) -> None:
    center, clock = make_center()
    read = getattr(center, reader)
    before = {r[key]: r for r in read()}
    unchanged = changed = 0
    # Small steps: a count that changes and changes back between two polls is a real update
    # (the record did change), so polls must be frequent for "equal" to mean "untouched".
    for _ in range(600):
        now = clock.advance(0.2)
        after = {r[key]: r for r in read()}
        for ident, record in after.items():
            old = before.get(ident)
            if old is None:
                continue
            if _comparable(old, ticking) == _comparable(record, ticking):
                assert record["lastUpdate"] == old["lastUpdate"]
                unchanged += 1
            else:
                assert record["lastUpdate"] == fmt_ts(now.timestamp()) or (
                    record["lastUpdate"] > old["lastUpdate"]
                )
                changed += 1
        before = after
    assert unchanged > 0 and changed > 0


def test_agents_have_usernames_states_and_paco_vu_is_usually_on_calls() -> None:
    center, clock = make_center()
    paco_on_call = 0
    seen_vu_call = False
    for _ in range(20):
        clock.advance(60)
        agents = center.agent_stats()
        for a in agents:
            assert "@" in a["username"]
            assert a["agentState"] in {"AVAILABLE", "ON_CALL", "WRAP_UP", "AWAY"}
            assert a["pendingDisposition"] == (a["agentState"] == "WRAP_UP")
            if a["agentState"] == "ON_CALL":
                assert a["callUii"]
        paco = next(a for a in agents if (a["firstName"], a["lastName"]) == ("Paco", "Vu"))
        paco_on_call += paco["agentState"] == "ON_CALL"
        seen_vu_call |= any(c["agentLastName"] == "Vu" for c in center.active_calls())
    assert paco_on_call >= 12
    assert seen_vu_call
