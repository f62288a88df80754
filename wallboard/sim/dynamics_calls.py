"""A call's life, whatever its kind: phases, the agent leg, holds, the end, the disposition.

Why one place: a call changes owner (IVR -> gate -> agent -> wrap-up) and every change moves a
real-time counter, a report bucket and a segment. Doing all three in `move`, `connect`,
`close_leg`, `end` and `dispose` is what keeps real time and reports in exact agreement.

Who counts a call as active: `call.owner` and `call.slot` name the entity and the counter
(`Ivr.active`, `Gate.in_queue` / `routing` / `connected`, `Campaign.active`, `Route.active`).
The active-calls product filters use the same owner, so "calls listed for gate 7" always equals
gate 7's `active`.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import TYPE_CHECKING

from .history import (
    A_IN_COUNT,
    A_IN_DUR,
    A_OUT_COUNT,
    A_OUT_DUR,
    Q_COMPLETED,
    Q_HOLD,
    Q_TALK,
    X_ANSWERED,
    X_TALK,
)
from .model_entities import (
    CONNECTED,
    ENDED,
    MANUAL,
    RINGING,
    Agent,
    Call,
    Campaign,
    Gate,
    Ivr,
    Route,
    Segment,
)

if TYPE_CHECKING:
    from .model_world import World

Owner = Campaign | Gate | Ivr | Route
P_NATURAL_HOLD = 0.08
TALK_SIGMA = 0.6


def lognormal(rng_value: float, mean: float, sigma: float) -> float:
    """Scale a standard log-normal draw so its mean is `mean` (talk times are skewed)."""
    return mean * math.exp(sigma * rng_value - sigma * sigma / 2.0)


class CallOps:
    def __init__(self, world: World) -> None:
        self.w = world

    def create(self, kind: str, ani: str, dnis: str) -> Call:
        w = self.w
        seq, uii = w.new_uii()
        call = Call(seq, uii, kind, w.now, ani, dnis)
        w.active[uii] = call
        return call

    def move(self, call: Call, phase: str, owner: Owner | None, slot: str) -> None:
        """Change phase and owner; invalidates the call's pending timers (gen) and wire cache."""
        now = self.w.now
        old = call.owner
        if old is not None:
            setattr(old, call.slot, getattr(old, call.slot) - 1)
            old.last_update = now
        call.phase = phase
        call.gen += 1
        call.owner = owner
        call.slot = slot
        call.wire = None
        if owner is not None:
            setattr(owner, slot, getattr(owner, slot) + 1)
            owner.last_update = now

    # --- the agent leg ---------------------------------------------------------------------

    def connect(self, call: Call, agent: Agent, owner: Owner | None, slot: str) -> None:
        """Put the caller through to `agent` and draw how long they will talk."""
        w = self.w
        now = w.now
        rng = w.rng
        self.move(call, CONNECTED, owner, slot)
        call.agent = agent
        call.dequeue_time = now
        call.agent_start = now
        call.leg_via_gate = isinstance(owner, Gate)
        call.leg_recorded = call.recording
        call.leg_events = (
            [(now, "START"), (now, "RECORDING_ON")] if call.recording else [(now, "START")]
        )
        call.agents_seen += (agent.agent_id,)
        w.agent_ops.engage(agent, call)
        aid = agent.agent_id
        if call.leg_via_gate and call.gate is not None:
            w.history.a(now, aid)[A_IN_COUNT] += 1
            w.history.x(now, aid, call.gate.gate_id)[X_ANSWERED] += 1
        else:
            w.history.a(now, aid)[A_OUT_COUNT] += 1
        if call.leg_via_gate and call.gate is not None:
            mean = call.gate.talk_mean
        elif call.campaign is not None:
            mean = call.campaign.talk_mean
        else:
            mean = 150.0
        talk = max(4.0, lognormal(rng.gauss(0.0, 1.0), mean * agent.talk_factor, TALK_SIGMA))
        call.talk_end = now + talk
        w.schedule(call.talk_end, self._on_talk_end, call, call.gen)
        if talk > 60.0 and rng.random() < P_NATURAL_HOLD:
            w.schedule(now + talk * rng.uniform(0.2, 0.6), self._on_hold_start, call, call.gen)

    def _on_talk_end(self, call: Call, gen: int) -> None:
        if gen == call.gen:
            reason = "CALLER_HANGUP" if self.w.rng.random() < 0.6 else "AGENT_HANGUP"
            self.end(call, reason)

    def _on_hold_start(self, call: Call, gen: int) -> None:
        if gen != call.gen or call.hold:
            return
        self.set_hold(call, True)
        call.hold_natural = True
        room = call.talk_end - self.w.now - 3.0
        self.w.schedule(
            self.w.now + max(1.0, min(self.w.rng.uniform(15.0, 90.0), room)),
            self._on_hold_end,
            call,
            gen,
        )

    def _on_hold_end(self, call: Call, gen: int) -> None:
        if gen == call.gen and call.hold and call.hold_natural:
            self.set_hold(call, False)

    def set_hold(self, call: Call, on: bool) -> None:
        """Hold on/off for a connected call; hold time is reported when the hold ends."""
        w = self.w
        now = w.now
        agent = call.agent
        events = call.leg_events
        if on:
            call.hold = True
            call.hold_since = now
            call.hold_natural = False
            if events is not None:
                events.append((now, "HOLD"))
        else:
            since = call.hold_since if call.hold_since is not None else now
            if call.gate is not None:
                w.history.q(now, call.gate.gate_id)[Q_HOLD] += now - since
            call.hold = False
            call.hold_since = None
            if events is not None:
                events.append((now, "UNHOLD"))
        if agent is not None and agent.call is call:
            agent.on_hold_since = call.hold_since
            agent.last_update = now

    def set_recording(self, call: Call, on: bool) -> None:
        if call.recording == on:
            return
        call.recording = on
        if call.phase == CONNECTED and call.leg_events is not None:
            call.leg_events.append((self.w.now, "RECORDING_ON" if on else "RECORDING_OFF"))
            call.leg_recorded = call.leg_recorded or on

    def close_leg(self, call: Call, disposition: str, completed: bool = True) -> int:
        """End the current agent leg: its segment, talk time and counters. Returns talk s."""
        w = self.w
        now = w.now
        agent = call.agent
        assert agent is not None
        if call.hold:
            self.set_hold(call, False)
        talk = round(now - call.agent_start)
        events = call.leg_events or [(call.agent_start, "START")]
        events.append((now, "END"))
        segment = Segment(
            call.seq,
            call.segment_count + 1,
            call.uii,
            "AGENT",
            agent.agent_id,
            call.agent_start,
            now,
            agent.group_id,
            disposition,
            call.disposition,
            call.notes,
            call.leg_recorded,
            tuple(events),
        )
        call.segment_count += 1
        w.history.add_segment(segment)
        call.agent_segment = segment
        call.leg_events = None
        agent.talk_time += talk
        agent.on_hold_since = None
        agent.last_update = now
        aid = agent.agent_id
        gate = call.gate if call.leg_via_gate else None
        w.history.a(now, aid)[A_IN_DUR if gate is not None else A_OUT_DUR] += talk
        if gate is not None:
            gate.total_talk += talk
            if talk >= gate.long_call:
                gate.long_calls += 1
            elif talk < gate.short_call:
                gate.short_calls += 1
            row = w.history.q(now, gate.gate_id)
            row[Q_TALK] += talk
            if completed:
                row[Q_COMPLETED] += 1
            w.history.x(now, aid, gate.gate_id)[X_TALK] += talk
            gate.last_update = now
        elif call.campaign is not None and call.kind != MANUAL:
            call.campaign.talk_time += talk
            call.campaign.last_update = now
        return talk

    # --- segments --------------------------------------------------------------------------

    def add_segment(
        self, call: Call, kind: str, participant: int, start: float, disposition: str
    ) -> None:
        """An IVR or queue segment (no agent group, events START/END)."""
        call.segment_count += 1
        self.w.history.add_segment(
            Segment(
                call.seq,
                call.segment_count,
                call.uii,
                kind,
                participant,
                start,
                self.w.now,
                None,
                disposition,
            )
        )

    # --- the end ---------------------------------------------------------------------------

    def end(self, call: Call, reason: str) -> None:
        """The call is over: close the agent leg, free its owner, hand the agent to wrap-up."""
        if call.phase == ENDED:
            return
        w = self.w
        agent = call.agent
        connected = call.phase == CONNECTED and agent is not None
        reserved = call.phase == RINGING and agent is not None and agent.call is call
        if connected:
            self.close_leg(call, reason)
        self.move(call, ENDED, None, "")
        call.end_time = w.now
        call.end_reason = reason
        w.retire(call)
        if agent is not None and connected:
            w.agent_ops.after_call(agent, call)
        elif agent is not None and reserved:
            call.agent = None
            w.agent_ops.unreserve(agent)

    # --- dispositions ----------------------------------------------------------------------

    def dispose(
        self,
        call: Call,
        code: str,
        callback: bool = False,
        callback_dts: str | None = None,
        notes: str | None = None,
    ) -> None:
        """Record a disposition; count a success once per call; settle the lead; release an
        agent waiting in pending disposition for this call."""
        w = self.w
        now = w.now
        call.disposition = code
        call.callback = callback
        call.callback_dts = callback_dts
        call.notes = notes
        if call.agent_segment is not None:
            call.agent_segment.agent_disposition = code
            call.agent_segment.agent_notes = notes
        agent = call.agent
        if code in w.success_codes and not call.success_counted:
            call.success_counted = True
            if call.campaign is not None:
                call.campaign.success += 1
                call.campaign.last_update = now
            if call.gate is not None:
                call.gate.success += 1
                call.gate.last_update = now
            if agent is not None:
                agent.success += 1
                agent.last_update = now
        lead = call.lead
        campaign = call.campaign
        if lead is not None and campaign is not None:
            call.lead = None
            if code == "CALLBACK" or callback:
                due = self._callback_time(callback_dts)
                campaign.leads.schedule(lead, due, is_callback=True)
            else:
                campaign.leads.finalize(lead)
            campaign.last_update = now
        if agent is not None and agent.pending and agent.call is call:
            w.agent_ops.release(agent)

    def _callback_time(self, dts: str | None) -> float:
        w = self.w
        if dts:
            local = datetime.strptime(dts, "%Y%m%d%H%M%S").replace(tzinfo=w.tz)
            return max(w.now + 60.0, local.timestamp())
        return w.now + w.rng.uniform(2 * 3600.0, 4 * 3600.0)
