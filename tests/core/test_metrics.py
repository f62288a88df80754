"""Every published metric against numbers worked out by hand, including the "no data" cases."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from wallboard import metrics as m
from wallboard.domain import Agent, IvrApp, Queue

NOW = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)


def test_outbound_rates_hand_worked() -> None:
    # 400 connects: 300 live (9 of them abandoned), 80 machines, 20 faxes.
    assert m.human_answer_rate(300, 400) == pytest.approx(0.75)
    assert m.amd_rate(80, 400) == pytest.approx(0.20)
    # Compliance basis: abandon / answer, answer already includes the abandons: 9 / 300 = 3%.
    assert m.abandon_rate(9, 300) == pytest.approx(0.03)
    assert m.abandon_headroom(6, 300, cap=0.03) == pytest.approx(0.01)  # 3% - 2%
    assert m.abandon_headroom(12, 300, cap=0.03) == pytest.approx(-0.01)  # over by 1 point
    assert m.abandons_left(6, 300, cap=0.03) == 3  # 9 allowed, 6 used
    assert m.abandons_left(12, 300, cap=0.03) == -3
    assert m.abandons_left(0, 99, cap=0.03) == 2  # floor(2.97)


def test_ratios_without_denominator_are_no_data() -> None:
    assert m.human_answer_rate(0, 0) is None
    assert m.amd_rate(0, 0) is None
    assert m.abandon_rate(0, 0) is None
    assert m.abandon_headroom(0, 0) is None
    assert m.abandons_left(0, 0) is None
    assert m.service_level(0, 0) is None
    assert m.queue_abandon_rate(0, 0) is None
    assert m.average_speed_of_answer(0, 0) is None
    assert m.average_talk_time(0, 0) is None
    assert m.ivr_containment(0, 0, 0, 0) is None
    assert m.dials_per_minute(10, 0) is None
    assert m.dials_per_staffed_agent(12.0, 0) is None
    assert m.dials_per_staffed_agent(None, 5) is None


def test_dials_and_pacing() -> None:
    # connects 40 + noanswer 30 + busy 5 + intercept 5 = 80 dials (dnc is never dialed).
    assert m.dials(40, 30, 5, 5) == 80
    # 80 dials in a 15 s interval = 320 a minute; 8 staffed agents -> 2,400 an agent-hour.
    assert m.dials_per_minute(80, 15.0) == pytest.approx(320.0)
    assert m.dials_per_staffed_agent(320.0, 8) == pytest.approx(2400.0)


def test_starved_conditions() -> None:
    assert m.agent_starved(available=0, ready=12, staffed=5)
    assert not m.agent_starved(available=0, ready=12, staffed=0)  # nobody logged in: idle
    assert not m.agent_starved(available=1, ready=12, staffed=5)
    assert not m.agent_starved(available=0, ready=0, staffed=5)
    assert m.lead_starved(available=3, ready=0)
    assert not m.lead_starved(available=0, ready=0)
    assert not m.lead_starved(available=3, ready=1)
    assert m.condition_duration(None, 100.0) == 0.0
    assert m.condition_duration(40.0, 100.0) == 60.0


def test_ivr_hand_worked() -> None:
    # 200 callers; 50 to a queue, 20 to cloud, 10 via TRAC: (200 - 80) / 200 = 60% contained.
    assert m.ivr_containment(200, 50, 20, 10) == pytest.approx(0.60)
    assert m.ivr_transfers(50, 20, 10) == 80
    assert m.ivr_transfers_by_destination(50, 20, 10) == {"queue": 50, "cloud": 20, "trac": 10}
    assert m.ivr_active_load(7) == 7
    # Counters read at slightly different instants can overshoot: clamped, never negative.
    assert m.ivr_containment(10, 11, 0, 0) == 0.0
    ivr = IvrApp(
        id="1",
        name="Main",
        active=7,
        presented=200,
        transfer_queue=50,
        transfer_cloud=20,
        transfer_trac=10,
    )
    bundle = m.ivr_metrics(ivr)
    assert bundle == {"containment": pytest.approx(0.6), "ivr_transfers": 80, "ivr_active": 7}


def test_queue_hand_worked() -> None:
    # 120 offered, 100 accepted, 12 abandoned; SLA 85 pass / 15 fail;
    # 3,000 s waited by the accepted calls, 24,000 s of talk.
    assert m.service_level(85, 15) == pytest.approx(0.85)
    assert m.queue_abandon_rate(12, 120) == pytest.approx(0.10)
    assert m.average_speed_of_answer(3000, 100) == pytest.approx(30.0)
    assert m.average_talk_time(24000, 100) == pytest.approx(240.0)
    assert m.calls_waiting(4) == 4
    assert m.longest_wait(95) == 95
    q = Queue(
        id="7",
        name="Sales",
        waiting=4,
        longest_wait_s=95,
        presented=120,
        accepted=100,
        abandoned=12,
        sla_pass=85,
        sla_fail=15,
        answer_time_s=3000,
        talk_time_s=24000,
    )
    assert m.queue_metrics(q) == {
        "calls_waiting": 4,
        "longest_wait_s": 95,
        "service_level": pytest.approx(0.85),
        "queue_abandon_rate": pytest.approx(0.10),
        "asa_s": pytest.approx(30.0),
        "avg_talk_s": pytest.approx(240.0),
    }


def test_agents_hand_worked() -> None:
    states = ["AVAILABLE", "ON_CALL", "ON_CALL", "WRAP_UP", "AWAY", "ON_CALL"]
    assert m.agents_by_state(states) == {"AVAILABLE": 1, "ON_CALL": 3, "WRAP_UP": 1, "AWAY": 1}
    assert m.pending_dispositions([True, False, True]) == 2
    assert m.time_in_state(NOW - timedelta(seconds=95), NOW) == 95.0
    assert m.time_in_state(None, NOW) is None
    assert m.agent_on_call("ON_CALL") == 1.0
    assert m.agent_on_call("AVAILABLE") == 0.0
    agent = Agent(id="1", name="Paco Vu", state="ON_CALL", state_since=NOW - timedelta(seconds=30))
    assert m.agent_metrics(agent) == {"agent_on_call": 1.0}


def test_active_call_times() -> None:
    enqueued = NOW - timedelta(seconds=100)
    dequeued = NOW - timedelta(seconds=60)
    assert m.time_in_queue(enqueued, None, NOW) == 100.0  # still waiting
    assert m.time_in_queue(enqueued, dequeued, NOW) == 40.0  # waited 40 s, then connected
    assert m.time_connected(dequeued, NOW) == 60.0
    assert m.time_connected(None, NOW) is None
    assert m.time_in_queue(None, None, NOW) is None
    assert m.count_by(["ACD", "OUTBOUND", None, "ACD"]) == {"ACD": 2, "OUTBOUND": 1, "unknown": 1}


def test_age_in_cycles() -> None:
    assert m.age_in_cycles(45.0, 15.0) == 3.0
    assert m.age_in_cycles(None, 15.0) == math.inf  # polled but never answered


def test_registry_shows_each_formula() -> None:
    """The help screen reads METRICS: every key has a title, a unit and its formula text."""
    assert m.METRICS["human_answer_rate"].formula.startswith("answer ÷ connects")
    assert m.METRICS["service_level"].formula.startswith("slaPass ÷ (slaPass + slaFail)")
    assert m.METRICS["containment"].formula.startswith(
        "(presented − transferGate − transferCloud − transferTrac) ÷ presented"
    )
    assert "30 days" in m.METRICS["abandon_rate_30d"].formula
    assert m.METRICS["abandon_rate_30d"].formula.startswith("abandon ÷ answer")
    for info in m.METRICS.values():
        assert info.title and info.formula and info.unit and info.source
