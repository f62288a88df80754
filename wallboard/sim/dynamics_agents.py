"""Agents: shifts, breaks, and the AVAILABLE -> ON_CALL -> WRAP_UP -> AVAILABLE cycle.

Why shifts and breaks at all: staffed and available counts that never move make a dull and
dishonest wallboard. Each agent seat works shifts of a few hours with a short hand-over gap
(the next person logs in), takes breaks, lunch, training, and sometimes misses a ringing call
(ring-no-answer, which parks the agent AWAY for a minute). Agents finish their call and wrap-up
before going on break or logging out, as real agents do.

Routing order: each campaign and gate keeps its AVAILABLE agents in an insertion-ordered dict,
so the first entry is the agent who has been idle longest (RingCX's default distribution).

Report time categories are tracked beside the wire state: AVAILABLE is availDur, ON_CALL and
WRAP_UP are totWorkDur, AWAY is pauseDur (break, lunch, RNA) or adminDur (training, meeting),
and an agent reserved for a call that is still ringing is waitDur.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .history import Q_WRAP, X_WRAP
from .model_entities import (
    AVAILABLE,
    AWAY,
    CAT_ADMIN,
    CAT_AVAIL,
    CAT_PAUSE,
    CAT_WAIT,
    CAT_WORK,
    INBOUND,
    LOGGED_OUT,
    ON_CALL,
    WRAP_UP,
    Agent,
    Call,
)

if TYPE_CHECKING:
    from .model_world import World

#: (reason, probability, min s, max s, category)
BREAKS = (
    ("BREAK", 0.70, 300.0, 900.0, CAT_PAUSE),
    ("LUNCH", 0.15, 1_500.0, 2_100.0, CAT_PAUSE),
    ("TRAINING", 0.10, 900.0, 1_800.0, CAT_ADMIN),
    ("MEETING", 0.05, 600.0, 1_200.0, CAT_ADMIN),
)
HANDOVER = (600.0, 2_400.0)  # seconds a seat stays empty between shifts


class AgentOps:
    def __init__(self, world: World) -> None:
        self.w = world

    # --- state bookkeeping -----------------------------------------------------------------

    def _set(self, agent: Agent, state: str, category: int, reason: str | None = None) -> None:
        """Enter a state: close the report span, keep routing pools and counts in step."""
        w = self.w
        now = w.now
        if agent.category >= 0 and agent.cat_since < now:
            w.history.span(agent.agent_id, agent.category, agent.cat_since, now)
        agent.category = category
        agent.cat_since = now
        if state != agent.state:
            leaving_pool = agent.state == AVAILABLE
            agent.state = state
            agent.state_since = now
            agent.state_gen += 1
            if leaving_pool:
                self._pools(agent, join=False)
            if state == AVAILABLE:
                self._pools(agent, join=True)
        agent.away_reason = reason
        agent.last_update = now

    def _pools(self, agent: Agent, join: bool) -> None:
        """Join or leave the routing pools. The `available` counts are published by
        `World.flush_available` after the event, because an agent who frees up and takes the
        next call in the same instant must not count as an update of every gate they serve."""
        aid = agent.agent_id
        dirty = self.w.dirty_available
        campaign = agent.campaign
        if campaign is not None:
            if join:
                campaign.available[aid] = agent
            else:
                campaign.available.pop(aid, None)
            dirty.append(campaign)
        for gate in agent.gates:
            if join:
                gate.available[aid] = agent
            else:
                gate.available.pop(aid, None)
            dirty.append(gate)

    def _staff(self, agent: Agent, delta: int) -> None:
        now = self.w.now
        if agent.campaign is not None:
            agent.campaign.staffed += delta
            agent.campaign.last_update = now
        for gate in agent.gates:
            gate.staffed += delta
            gate.last_update = now

    # --- shifts ----------------------------------------------------------------------------

    def start_shift(self, agent: Agent, length: float) -> None:
        w = self.w
        agent.logged_in = True
        agent.login_at = w.now
        agent.shift_gen += 1
        self._staff(agent, +1)
        w.schedule(
            w.now + w.rng.expovariate(1.0 / agent.break_every),
            self._on_break_due,
            agent,
            agent.shift_gen,
        )
        if not agent.always_on:
            w.schedule(w.now + length, self._on_shift_end, agent, agent.shift_gen)
        self.make_available(agent)

    def on_login(self, agent: Agent, gen: int) -> None:
        if gen == agent.shift_gen and not agent.logged_in:
            length = agent.shift_mean * self.w.rng.uniform(0.7, 1.3)
            self.start_shift(agent, length)

    def _on_shift_end(self, agent: Agent, gen: int) -> None:
        if gen != agent.shift_gen or not agent.logged_in:
            return
        if agent.state in (AVAILABLE, AWAY):
            self.logout(agent)
        else:
            agent.logout_pending = True

    def logout(self, agent: Agent) -> None:
        w = self.w
        self._set(agent, LOGGED_OUT, -1)
        agent.category = -1
        self._staff(agent, -1)
        agent.logged_in = False
        agent.logout_pending = agent.break_pending = False
        agent.call = None
        agent.pending = False
        agent.shift_gen += 1
        w.schedule(w.now + w.rng.uniform(*HANDOVER), self.on_login, agent, agent.shift_gen)

    # --- breaks ----------------------------------------------------------------------------

    def _on_break_due(self, agent: Agent, gen: int) -> None:
        w = self.w
        if gen != agent.shift_gen or not agent.logged_in:
            return
        w.schedule(
            w.now + w.rng.expovariate(1.0 / agent.break_every), self._on_break_due, agent, gen
        )
        if agent.state == AVAILABLE:
            self._go_away(agent)
        elif agent.state in (ON_CALL, WRAP_UP):
            agent.break_pending = True

    def _go_away(self, agent: Agent) -> None:
        w = self.w
        draw = w.rng.random()
        chosen = BREAKS[-1]
        for entry in BREAKS:
            draw -= entry[1]
            if draw <= 0.0:
                chosen = entry
                break
        reason, _, low, high, category = chosen
        self.away(agent, reason, w.rng.uniform(low, high), category)

    def away(self, agent: Agent, reason: str, seconds: float, category: int = CAT_PAUSE) -> None:
        self._set(agent, AWAY, category, reason)
        self.w.schedule(self.w.now + seconds, self._on_away_end, agent, agent.state_gen)

    def _on_away_end(self, agent: Agent, gen: int) -> None:
        if gen == agent.state_gen and agent.state == AWAY:
            self.make_available(agent)

    # --- the call cycle --------------------------------------------------------------------

    def make_available(self, agent: Agent) -> None:
        """Ready for work, unless a logout or a break was waiting for this moment."""
        if agent.logout_pending:
            self.logout(agent)
            return
        if agent.break_pending:
            agent.break_pending = False
            self._go_away(agent)
            return
        self._set(agent, AVAILABLE, CAT_AVAIL)
        self.offer_work(agent)

    def offer_work(self, agent: Agent) -> None:
        if agent.state != AVAILABLE:
            return
        if agent.campaign is not None:
            self.w.dialer.agent_ready(agent)
        elif agent.gates:
            self.w.inbound.agent_ready(agent)

    def reserve(self, agent: Agent, call: Call) -> None:
        """Hold an agent for a call that is ringing them (ON_CALL on the wire, waitDur)."""
        self._set(agent, ON_CALL, CAT_WAIT)
        agent.call = call

    def unreserve(self, agent: Agent) -> None:
        agent.call = None
        self.make_available(agent)

    def engage(self, agent: Agent, call: Call) -> None:
        self._set(agent, ON_CALL, CAT_WORK)
        agent.call = call
        agent.calls_handled += 1

    def rna(self, agent: Agent) -> None:
        """The agent let an offered call ring out: counted, and parked AWAY for a minute."""
        agent.rna += 1
        agent.call = None
        self.away(agent, "RNA", self.w.rng.uniform(30.0, 90.0))

    def after_call(self, agent: Agent, call: Call) -> None:
        """The call ended: wrap-up in pending disposition, unless it was already dispositioned."""
        w = self.w
        agent.on_hold_since = None
        agent.wrap_started = w.now
        if call.disposition is not None:
            agent.call = call
            self.release(agent)
            return
        self._set(agent, WRAP_UP, CAT_WORK)
        agent.call = call
        agent.pending = True
        wrap = agent.wrap_mean * w.rng.uniform(0.4, 1.6)
        w.schedule(w.now + wrap, self._on_wrap_end, agent, agent.state_gen)

    def _on_wrap_end(self, agent: Agent, gen: int) -> None:
        if gen != agent.state_gen or agent.state != WRAP_UP or not agent.pending:
            return
        call = agent.call
        if call is None:
            self.release(agent)
            return
        code = self.auto_disposition(call)
        self.w.calls.dispose(call, code)

    def auto_disposition(self, call: Call) -> str:
        """What the agent picks when nobody dispositions through the API."""
        w = self.w
        allowed = w.settings.dispositions
        if call.kind == INBOUND:
            weights = {"RESOLVED": 0.68, "CALLBACK": 0.1, "SALE": 0.08, "NO_SALE": 0.14}
        else:
            success = call.campaign.success_rate if call.campaign is not None else 0.15
            weights = {
                "SALE": success,
                "NO_SALE": 0.7 - success,
                "CALLBACK": 0.15,
                "WRONG_NUMBER": 0.08,
                "DNC": 0.04,
                "NO_ANSWER": 0.03,
            }
        choices = [(code, p) for code, p in weights.items() if code in allowed]
        if not choices:
            return w.rng.choice(allowed)
        draw = w.rng.random() * sum(p for _, p in choices)
        for code, p in choices:
            draw -= p
            if draw <= 0.0:
                return code
        return choices[-1][0]

    def release(self, agent: Agent) -> None:
        """Disposition done: report the wrap time and make the agent available again."""
        w = self.w
        now = w.now
        call = agent.call
        if call is not None and call.gate is not None and call.leg_via_gate:
            wrap = round(now - agent.wrap_started)
            w.history.q(now, call.gate.gate_id)[Q_WRAP] += wrap
            w.history.x(now, agent.agent_id, call.gate.gate_id)[X_WRAP] += wrap
        agent.pending = False
        agent.call = None
        agent.last_update = now
        self.make_available(agent)
