"""Inbound traffic: IVR applications, their exits, and the gates' queues.

Callers arrive at each IVR as a Poisson stream, traverse it for 30-120 s (log-normal), and then
either self-serve (contained), hang up mid-flow, or are transferred: to one of our gates (the
call joins its queue), to a cloud profile, or to a TRAC number (those legs stay listed as active
calls under CLOUD_PROFILE / TRAC_NUMBER until they end, but no agent of ours sees them). Some
callers dial a gate's number directly and skip the IVR.

IVR counters (daily): `presented` on entry; `connected` when the caller completes the flow
(self-served or transferred, not a hang-up mid-flow); `transferGate` / `transferCloud` /
`transferTrac` at the transfer. So transfers <= connected <= presented - active (the last one
only within a day: a caller who entered before midnight may finish after it).

Gates: FIFO queue; the longest-idle skilled agent takes the head. Each caller has a patience
(exponential around the gate's mean): if it runs out first they abandon (`shortAbandon` when
they waited under 5 s). `slaPass` = answered within the gate's SLA threshold; `slaFail` =
answered after it or abandoned after it. `totalAnswerTime` sums waits of answered calls (speed of
answer), `totalAbandonTime` waits of abandoned calls, `totalQueueTime` all waits (answered,
abandoned, requeued away). `routing` = calls ringing an agent right now; `active` = callers the
gate holds now (queued + routing + connected). A full queue deflects the caller (`deflected`,
also counted in `presented`).

Calls in flight: the account aims at `scale.target_active_calls`. The calibration in
`model_build` gets close; every 30 s a slow controller nudges `world.stretch`, a multiplier
(0.6..1.8) on how long IVR flows and outside legs take, to absorb what shifts, breaks and
starved campaigns do to the agents' share. Stretching lengths rather than arrival rates keeps
the load on the gates (and so their queues and service levels) where the calibration put it.
"""

from __future__ import annotations

import bisect
import math
from typing import TYPE_CHECKING

from .history import (
    Q_ABANDON_IN_SL,
    Q_ABANDON_SHORT,
    Q_ABANDON_WAIT,
    Q_ABANDONED,
    Q_ANSWER_IN_SL,
    Q_ANSWER_WAIT,
    Q_ANSWERED,
    Q_LONGEST_ABANDON,
    Q_LONGEST_ANSWER,
    Q_OFFERED,
    Q_WAIT,
)
from .model_entities import INBOUND, IVR, QUEUED, RINGING, TRANSFERRED, Agent, Call, Gate, Ivr
from .names import cnam, crm_id, nanp_number

if TYPE_CHECKING:
    from .model_world import World

SELF, HANGUP, GATE, CLOUD, TRAC = "SELF", "HANGUP", "GATE", "CLOUD", "TRAC"
P_CNAM = 0.4
P_EXTERNAL_ID = 0.25
P_RECORDED = 0.85
CONTROL_PERIOD = 30.0
CONTROL_GAIN = 0.3
STRETCH_BOUNDS = (0.6, 1.8)
REQUEUE_ROUTING_DELAY = 1.0


class Inbound:
    def __init__(self, world: World) -> None:
        self.w = world
        self.smoothed_active = -1.0

    # --- arrivals --------------------------------------------------------------------------

    def _new_caller(self, dnis: str) -> Call:
        w = self.w
        rng = w.rng
        call = w.calls.create(INBOUND, nanp_number(rng), dnis)
        call.enqueue_time = w.now
        call.recording = rng.random() < P_RECORDED
        if rng.random() < P_CNAM:
            call.cnam = cnam(rng)
        if rng.random() < P_EXTERNAL_ID:
            call.external_id = crm_id(rng)
        return call

    def on_ivr_arrival(self, ivr: Ivr, gen: int) -> None:
        w = self.w
        rng = w.rng
        if ivr.rate > 0:
            w.schedule(w.now + rng.expovariate(ivr.rate), self.on_ivr_arrival, ivr)
        call = self._new_caller(ivr.dnis)
        call.ivr = ivr
        call.destination_name = ivr.name
        ivr.presented += 1
        w.calls.move(call, IVR, ivr, "active")
        draw = rng.random() - ivr.p_self
        if draw < 0:
            outcome = SELF
        elif (draw := draw - ivr.p_hangup) < 0:
            outcome = HANGUP
        elif (draw := draw - ivr.p_gate) < 0:
            outcome = GATE
        elif draw - ivr.p_cloud < 0:
            outcome = CLOUD
        else:
            outcome = TRAC
        call.plan = outcome
        duration = ivr.dur_mean * w.stretch * math.exp(0.35 * rng.gauss(0.0, 1.0) - 0.06125)
        if outcome == HANGUP:
            duration *= rng.uniform(0.15, 0.8)
        w.schedule(w.now + max(3.0, duration), self._on_ivr_done, call, call.gen)

    def on_direct_arrival(self, gate: Gate, gen: int) -> None:
        w = self.w
        if gate.direct_rate > 0:
            w.schedule(w.now + w.rng.expovariate(gate.direct_rate), self.on_direct_arrival, gate)
        call = self._new_caller(gate.dnis)
        self.enqueue(call, gate)

    def _on_ivr_done(self, call: Call, gen: int) -> None:
        if gen != call.gen:
            return
        w = self.w
        ivr = call.ivr
        assert ivr is not None
        outcome = call.plan
        start = call.enqueue_time if call.enqueue_time is not None else call.created
        if outcome == HANGUP:
            w.calls.add_segment(call, "IVR", ivr.visual_ivr_id, start, "CALLER_HANGUP")
            w.calls.end(call, "CALLER_HANGUP")
            return
        if outcome == GATE and not ivr.gates:
            outcome = SELF
        if (outcome == CLOUD and ivr.cloud is None) or (outcome == TRAC and ivr.trac is None):
            outcome = SELF
        self.leave_ivr(call, ivr, outcome)
        if outcome == SELF:
            w.calls.end(call, "IVR_COMPLETE")
        elif outcome == GATE:
            pick = bisect.bisect_right(ivr.gate_cum, w.rng.random() * ivr.gate_cum[-1])
            self.enqueue(call, ivr.gates[min(pick, len(ivr.gates) - 1)])
        else:
            route = ivr.cloud if outcome == CLOUD else ivr.trac
            assert route is not None
            call.route = route
            call.destination_name = route.name
            w.calls.move(call, TRANSFERRED, route, "active")
            duration = route.dur_mean * w.stretch * math.exp(0.5 * w.rng.gauss(0.0, 1.0) - 0.125)
            w.schedule(w.now + max(5.0, duration), self._on_external_end, call, call.gen)

    def leave_ivr(self, call: Call, ivr: Ivr, outcome: str) -> None:
        """Count a completed flow (and its transfer) and write the IVR segment."""
        w = self.w
        ivr.connected += 1
        if outcome == GATE:
            ivr.t_gate += 1
        elif outcome == CLOUD:
            ivr.t_cloud += 1
        elif outcome == TRAC:
            ivr.t_trac += 1
        ivr.last_update = w.now
        disposition = "CONTAINED" if outcome == SELF else f"TRANSFER_{outcome}"
        start = call.enqueue_time if call.enqueue_time is not None else call.created
        w.calls.add_segment(call, "IVR", ivr.visual_ivr_id, start, disposition)

    def _on_external_end(self, call: Call, gen: int) -> None:
        if gen == call.gen:
            self.w.calls.end(call, "COMPLETED")

    # --- queues ----------------------------------------------------------------------------

    def enqueue(self, call: Call, gate: Gate, route_now: bool = True) -> None:
        """Offer the caller to a gate: presented now, queued (or deflected when full)."""
        w = self.w
        now = w.now
        gate.presented += 1
        w.history.q(now, gate.gate_id)[Q_OFFERED] += 1
        call.gate = gate
        call.destination_name = gate.name
        if gate.in_queue >= gate.max_queue:
            gate.deflected += 1
            gate.last_update = now
            w.calls.end(call, "DEFLECTED")
            return
        call.enqueue_time = now
        call.dequeue_time = None
        call.queue_token += 1
        w.calls.move(call, QUEUED, gate, "in_queue")
        gate.queue.append((call, call.queue_token))
        call.patience = w.rng.expovariate(1.0 / gate.patience_mean)
        w.schedule(now + call.patience, self._on_patience_out, call, call.gen)
        if route_now:
            self.route(gate)
        else:
            w.schedule(now + REQUEUE_ROUTING_DELAY, self._on_route, gate)

    def _on_route(self, gate: Gate, gen: int) -> None:
        self.route(gate)

    def route(self, gate: Gate) -> None:
        while gate.available:
            call = gate.head()
            if call is None:
                return
            self._offer(call, gate, next(iter(gate.available.values())))

    def agent_ready(self, agent: Agent) -> None:
        """An inbound agent is free: take the longest-waiting caller across their gates."""
        best: Call | None = None
        best_gate: Gate | None = None
        for gate in agent.gates:
            call = gate.head()
            if call is not None and (
                best is None or (call.enqueue_time or 0.0) < (best.enqueue_time or 0.0)
            ):
                best, best_gate = call, gate
        if best is not None and best_gate is not None:
            self._offer(best, best_gate, agent)

    def _offer(self, call: Call, gate: Gate, agent: Agent) -> None:
        w = self.w
        gate.queue.popleft()  # `call` is the head: route() and agent_ready() took it from there
        if w.rng.random() < agent.p_rna:
            w.calls.move(call, RINGING, gate, "routing")
            call.agent = agent
            w.agent_ops.reserve(agent, call)
            w.schedule(w.now + w.rng.uniform(10.0, 15.0), self._on_rna, call, call.gen)
            return
        self._answer(call, gate, agent)

    def _answer(self, call: Call, gate: Gate, agent: Agent) -> None:
        w = self.w
        now = w.now
        wait = round(now - (call.enqueue_time or now))
        gate.accepted += 1
        gate.total_answer += wait
        gate.total_queue += wait
        row = w.history.q(now, gate.gate_id)
        row[Q_ANSWERED] += 1
        row[Q_ANSWER_WAIT] += wait
        row[Q_WAIT] += wait
        if wait > row[Q_LONGEST_ANSWER]:
            row[Q_LONGEST_ANSWER] = wait
        if wait <= gate.sla:
            gate.sla_pass += 1
            row[Q_ANSWER_IN_SL] += 1
        else:
            gate.sla_fail += 1
        self._queue_segment(call, gate, "ANSWERED")
        w.calls.connect(call, agent, gate, "connected")

    def _on_rna(self, call: Call, gen: int) -> None:
        """The agent let it ring out: they go AWAY, the caller goes back to the queue head."""
        if gen != call.gen:
            return
        w = self.w
        gate = call.gate
        agent = call.agent
        assert gate is not None and agent is not None
        call.agent = None
        w.agent_ops.rna(agent)
        call.queue_token += 1
        w.calls.move(call, QUEUED, gate, "in_queue")
        gate.queue.appendleft((call, call.queue_token))
        give_up = (call.enqueue_time or w.now) + call.patience
        w.schedule(max(w.now + 1.0, give_up), self._on_patience_out, call, call.gen)
        self.route(gate)

    def _on_patience_out(self, call: Call, gen: int) -> None:
        if gen == call.gen and call.phase == QUEUED and call.gate is not None:
            self.abandon(call, call.gate, "CALLER_HANGUP")

    def abandon(self, call: Call, gate: Gate, reason: str) -> None:
        """A queued caller leaves unanswered (patience ran out, or an API hangup)."""
        w = self.w
        now = w.now
        waited = now - (call.enqueue_time or now)
        wait = round(waited)
        gate.abandoned += 1
        gate.total_abandon += wait
        gate.total_queue += wait
        row = w.history.q(now, gate.gate_id)
        row[Q_ABANDONED] += 1
        row[Q_ABANDON_WAIT] += wait
        row[Q_WAIT] += wait
        if wait > row[Q_LONGEST_ABANDON]:
            row[Q_LONGEST_ABANDON] = wait
        if waited < gate.short_abandon:
            gate.short_abandoned += 1
            row[Q_ABANDON_SHORT] += 1
        if wait <= gate.sla:
            row[Q_ABANDON_IN_SL] += 1
        else:
            gate.sla_fail += 1
        gate.last_update = now
        self._queue_segment(call, gate, "ABANDONED")
        w.calls.end(call, reason)

    def leave_queue(self, call: Call, gate: Gate) -> None:
        """A queued caller moved elsewhere (requeue): their wait still counts as queue time."""
        w = self.w
        wait = round(w.now - (call.enqueue_time or w.now))
        gate.total_queue += wait
        w.history.q(w.now, gate.gate_id)[Q_WAIT] += wait
        gate.last_update = w.now
        self._queue_segment(call, gate, "REQUEUED")

    def _queue_segment(self, call: Call, gate: Gate, disposition: str) -> None:
        start = call.enqueue_time if call.enqueue_time is not None else self.w.now
        self.w.calls.add_segment(call, "QUEUE", gate.gate_id, start, disposition)

    # --- calls in flight -------------------------------------------------------------------

    def on_control(self, _: object, gen: int) -> None:
        w = self.w
        active = float(len(w.active))
        if self.smoothed_active < 0:
            self.smoothed_active = active
        self.smoothed_active += 0.3 * (active - self.smoothed_active)
        target = float(w.settings.scale.target_active_calls)
        error = (target - self.smoothed_active) / target
        low, high = STRETCH_BOUNDS
        w.stretch = min(high, max(low, w.stretch * math.exp(CONTROL_GAIN * error)))
        w.schedule(w.now + CONTROL_PERIOD, self.on_control, None)
