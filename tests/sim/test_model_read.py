"""`ContactCenter.read()`: the public read of the model's entities that a second face over the
same model (the FonoUC tenant) uses instead of the facade's private state."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from wallboard.sim.clock import SimClock
from wallboard.sim.model import ContactCenter, SimSettings
from wallboard.sim.model_entities import OUTBOUND, QUEUED

START = datetime(2025, 1, 15, 15, 0, tzinfo=UTC)  # 10:00 US/Eastern, a winter Wednesday


def make_center(seed: int = 7) -> tuple[ContactCenter, SimClock]:
    clock = SimClock(start=START, speed=0)
    return ContactCenter(SimSettings(seed=seed, history_minutes=20), clock), clock


def test_a_read_stands_at_the_clock_and_agrees_with_the_wire_records() -> None:
    center, clock = make_center()
    clock.advance(90)
    with center.read() as model:
        assert model.now == clock.now().timestamp()
        assert model.sim_start == START.timestamp() - 20 * 60
        campaigns = [(c.campaign_id, c.name) for c in model.campaigns.values()]
        gates = [(g.gate_id, g.name) for g in model.gates.values()]
        logged_in = {a.agent_id for a in model.agents.values() if a.logged_in}
        remembered = {call.uii for call in model.calls()}
        queued = {g.gate_id: [c.uii for c in model.queued_calls(g)] for g in model.gates.values()}
        outbound = next(c for c in model.calls() if c.kind == OUTBOUND)
        assert model.find_call(outbound.uii) is outbound
        assert model.find_call("no such call") is None
        for gate in model.gates.values():
            assert all(c.phase == QUEUED and c.gate is gate for c in model.queued_calls(gate))
    # The same instant through the RingCX face (the clock is frozen, so nothing moved).
    assert campaigns == [(c["campaignId"], c["campaignName"]) for c in center.campaigns()]
    assert gates == [(g["gateId"], g["gateName"]) for g in center.gates()]
    assert logged_in == {a["agentId"] for a in center.agent_stats()}
    assert {str(c["uii"]) for c in center.active_calls()} <= remembered
    in_queue = {g["gateId"]: g["inQueue"] for g in center.inbound_stats()}
    assert {gate_id: len(uiis) for gate_id, uiis in queued.items()} == in_queue


def test_the_model_may_be_changed_through_the_facade_inside_a_read() -> None:
    """The read holds the center's (reentrant) lock: the tenant adds a lead mid-read."""
    center, _ = make_center()
    with center.read() as model:
        campaign = next(iter(model.campaigns.values()))
        result = center.load_leads(
            campaign.campaign_id,
            {"uploadLeads": [{"leadPhone": "6175550142"}], "duplicateHandling": "RETAIN_ALL"},
        )
        assert result["leadsInserted"] == 1


def test_a_read_keeps_other_threads_out_until_it_ends() -> None:
    center, _ = make_center()
    answered = threading.Event()

    def poll() -> None:
        center.outbound_stats()
        answered.set()

    with center.read():
        other = threading.Thread(target=poll)
        other.start()
        other.join(timeout=0.2)
        assert not answered.is_set()  # waiting on the lock the read holds
    other.join()
    assert answered.is_set()
