"""Call control (seed 001): what a supervisor's API calls do to the model.

Why every action goes through the dynamics' own operations: a hangup must move the same
counters, report buckets and segments as a caller hanging up, or the wallboard would see real
time and reports disagree after a supervisor acts. Each action answers a bool as the platform
does; bad parameters raise `InvalidRequest` (400), unknown or ended calls `CallNotActive` (404).

Rules the seed leaves open, decided here:

* Parameters are validated before the call is looked up (a bad request is 400 even for a
  stale uii).
* Phone numbers: 10 digits, or E.164 (`+` and 11-15 digits). "The same phone" compares
  normalized numbers, so ``6501234567`` and ``+16501234567`` are one phone.
* Supervisor sessions may join any active call; hanging up the call drops them.
* Hold needs a call connected to an agent (else False). Setting hold or recording to the state
  it already has is a success (True).
* Requeue works from the IVR, a queue, or an agent (the agent is released at once: AVAILABLE);
  not for a line still ringing or a call transferred out (False). The caller is routed after a
  1-s hand-off, so right after the call it is visibly QUEUED with `dequeueTime` null.
* A hangup of a queued caller counts as an abandon; of a ringing dial line, as nothing (the lead
  goes back for a retry); of a live answer waiting for an agent, as an abandon.
* Disposition reaches a call while it is active, while its agent is pending disposition for it,
  or for 120 s after its last ping (that is what pinging is for). A success code counts once per
  call.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from .history import Q_OVERFLOW_IN, Q_OVERFLOW_OUT, X_TRANSFER_OUT
from .model_entities import (
    CONNECTED,
    IVR,
    MANUAL,
    QUEUED,
    RINGING,
    TRANSFERRED,
    Agent,
    Call,
    Campaign,
    Gate,
    Session,
)
from .model_errors import CallNotActive, InvalidRequest
from .model_records import MANUAL_DESTINATION
from .model_world import World

SESSION_TYPES = ("MONITOR", "COACHING", "BARGEIN")
PING_GRACE = 120.0
MAX_RING_DURATION = 300


def phone_key(raw: object, attribute: str) -> str:
    """Validate a phone parameter; return it in E.164 (the comparison key)."""
    text = str(raw).strip() if raw is not None else ""
    if re.fullmatch(r"\+\d{11,15}", text):
        return text
    if re.fullmatch(r"\d{10}", text):
        return f"+1{text}"
    raise InvalidRequest(
        f"{attribute} must be 10 digits or E.164 (+ and 11-15 digits)", attribute, raw
    )


def national(key: str) -> str:
    """The digits a call record shows: 10 for North America, all of them otherwise."""
    return key[2:] if key.startswith("+1") and len(key) == 12 else key[1:]


class Control:
    def __init__(self, world: World) -> None:
        self.w = world

    def _active(self, uii: str) -> Call:
        call = self.w.active.get(uii)
        if call is None:
            raise CallNotActive(f"call {uii} is not active")
        return call

    # --- sessions --------------------------------------------------------------------------

    def add_session(self, uii: str, destination: str, session_type: str) -> bool:
        kind = str(session_type or "").strip().upper()
        if kind not in SESSION_TYPES:
            raise InvalidRequest(
                f"sessionType must be one of {', '.join(SESSION_TYPES)}",
                "sessionType",
                session_type,
            )
        key = phone_key(destination, "destination")
        call = self._active(uii)
        if call.sessions is None:
            call.sessions = []
        if any(s.key == key for s in call.sessions):
            return False
        call.sessions.append(Session(self.w.new_session_id(), str(destination).strip(), key, kind))
        return True

    def hangup_session(self, uii: str, phone: str) -> bool:
        key = phone_key(phone, "phone")
        return self._drop_session(self._active(uii), lambda s: s.key == key)

    def hangup_session_by_id(self, uii: str, session_id: str) -> bool:
        wanted = str(session_id).strip()
        return self._drop_session(self._active(uii), lambda s: s.session_id == wanted)

    @staticmethod
    def _drop_session(call: Call, match: Callable[[Session], bool]) -> bool:
        sessions = call.sessions or []
        for session in sessions:
            if match(session):
                sessions.remove(session)
                return True
        return False

    # --- the call --------------------------------------------------------------------------

    def hangup_call(self, uii: str) -> bool:
        w = self.w
        call = self._active(uii)
        call.sessions = None
        owner = call.owner
        if call.phase == IVR and call.ivr is not None:
            start = call.enqueue_time if call.enqueue_time is not None else call.created
            w.calls.add_segment(call, "IVR", call.ivr.visual_ivr_id, start, "API_HANGUP")
            w.calls.end(call, "API_HANGUP")
        elif isinstance(owner, Gate) and call.phase in (QUEUED, RINGING):
            w.inbound.abandon(call, owner, "API_HANGUP")
        elif isinstance(owner, Campaign) and call.phase == RINGING:
            w.dialer.cancel(call)
        elif isinstance(owner, Campaign) and call.phase == QUEUED:
            self._drop_waiting_live_answer(call, owner)
        else:
            w.calls.end(call, "API_HANGUP")
        return True

    def _drop_waiting_live_answer(self, call: Call, campaign: Campaign) -> None:
        w = self.w
        if call in campaign.waiting:
            campaign.waiting.remove(call)
        campaign.abandon += 1
        w.calls.end(call, "API_HANGUP")
        if call.lead is not None:
            campaign.leads.finish(call.lead, "ABANDON", w.now, w.rng)
            call.lead = None
        campaign.last_update = w.now
        w.dialer.pace(campaign)

    def toggle_recording(self, uii: str, record: bool) -> bool:
        self.w.calls.set_recording(self._active(uii), bool(record))
        return True

    def toggle_hold(self, uii: str, state: str) -> bool:
        wanted = str(state or "").strip().upper()
        if wanted not in ("ON", "OFF"):
            raise InvalidRequest("state must be ON or OFF", "state", state)
        call = self._active(uii)
        if call.phase != CONNECTED or call.agent is None:
            return False
        on = wanted == "ON"
        if call.hold != on:
            self.w.calls.set_hold(call, on)
        return True

    def requeue(self, uii: str, gate_id: int) -> bool:
        w = self.w
        key = gate_id if isinstance(gate_id, int) else str(gate_id).strip()
        gate = w.gates.get(int(key)) if str(key).isdigit() else None
        if gate is None:
            raise InvalidRequest(f"unknown gate {gate_id!r}", "gateId", gate_id)
        call = self._active(uii)
        owner = call.owner
        if call.phase in (RINGING, TRANSFERRED):
            return False
        if call.phase == IVR and call.ivr is not None:
            w.inbound.leave_ivr(call, call.ivr, "GATE")
        elif call.phase == QUEUED and isinstance(owner, Gate):
            w.inbound.leave_queue(call, owner)
            w.history.q(w.now, owner.gate_id)[Q_OVERFLOW_OUT] += 1
        elif call.phase == QUEUED and isinstance(owner, Campaign):
            if call in owner.waiting:
                owner.waiting.remove(call)
        elif call.phase == CONNECTED and call.agent is not None:
            self._release_agent_for_requeue(call)
        else:
            return False
        w.history.q(w.now, gate.gate_id)[Q_OVERFLOW_IN] += 1
        w.inbound.enqueue(call, gate, route_now=False)
        return True

    def _release_agent_for_requeue(self, call: Call) -> None:
        w = self.w
        agent = call.agent
        assert agent is not None
        source = call.gate if call.leg_via_gate else None
        w.calls.close_leg(call, "REQUEUED", completed=False)
        if source is not None:
            w.history.x(w.now, agent.agent_id, source.gate_id)[X_TRANSFER_OUT] += 1
            w.history.q(w.now, source.gate_id)[Q_OVERFLOW_OUT] += 1
        call.agent = None
        agent.call = None
        w.agent_ops.make_available(agent)

    # --- dispositions and pings --------------------------------------------------------------

    def _addressable(self, uii: str) -> tuple[Call, bool]:
        """(call, active?) for disposition and ping; CallNotActive when neither applies."""
        w = self.w
        call = w.active.get(uii)
        if call is not None:
            return call, True
        call = w.ended.get(uii)
        if call is None:
            call = next(
                (a.call for a in w.agents.values() if a.pending and a.call and a.call.uii == uii),
                None,
            )
        if call is None:
            raise CallNotActive(f"call {uii} is not active")
        return call, False

    @staticmethod
    def _pending_agent(call: Call) -> Agent | None:
        agent = call.agent
        return agent if agent is not None and agent.pending and agent.call is call else None

    def disposition(
        self,
        uii: str,
        disposition: str,
        callback: bool,
        callback_dts: str | None = None,
        notes: str | None = None,
    ) -> bool:
        w = self.w
        if disposition not in w.settings.dispositions:
            raise InvalidRequest(f"unknown disposition {disposition!r}", "disposition", disposition)
        if callback:
            if not callback_dts or not re.fullmatch(r"\d{14}", str(callback_dts)):
                raise InvalidRequest(
                    "callBackDTS (yyyyMMddHHmmss) is required when callback is true",
                    "callBackDTS",
                    callback_dts,
                )
            try:
                datetime.strptime(str(callback_dts), "%Y%m%d%H%M%S")
            except ValueError:
                raise InvalidRequest(
                    "callBackDTS is not a valid date and time", "callBackDTS", callback_dts
                ) from None
        call, active = self._addressable(uii)
        if not active and self._pending_agent(call) is None:
            pinged = call.last_ping is not None and w.now - call.last_ping <= PING_GRACE
            if not pinged:
                raise CallNotActive(f"call {uii} is not active")
        w.calls.dispose(call, disposition, bool(callback), callback_dts or None, notes)
        return True

    def ping(self, uii: str) -> bool:
        call, active = self._addressable(uii)
        if not active and self._pending_agent(call) is None:
            raise CallNotActive(f"call {uii} is not active")
        call.pings += 1
        call.last_ping = self.w.now
        return True

    # --- manual calls ------------------------------------------------------------------------

    def create_manual_agent_call(
        self, username: str, destination: str, ring_duration: int, caller_id: str
    ) -> bool:
        w = self.w
        agent = w.by_username.get(str(username or "").strip().lower())
        if agent is None:
            raise InvalidRequest(f"unknown agent username {username!r}", "username", username)
        dnis = phone_key(destination, "destination")
        ani = phone_key(caller_id, "callerId")
        if (
            not isinstance(ring_duration, int)
            or isinstance(ring_duration, bool)
            or not 1 <= ring_duration <= MAX_RING_DURATION
        ):
            raise InvalidRequest(
                f"ringDuration must be 1..{MAX_RING_DURATION} seconds",
                "ringDuration",
                ring_duration,
            )
        if not agent.logged_in or agent.state != "AVAILABLE":
            return False
        call = w.calls.create(MANUAL, national(ani), national(dnis))
        call.destination_name = MANUAL_DESTINATION
        call.enqueue_time = w.now
        w.calls.move(call, RINGING, None, "")
        call.agent = agent
        w.agent_ops.reserve(agent, call)
        answer_after = w.rng.uniform(1.0, 4.0)
        if answer_after <= ring_duration:
            w.schedule(w.now + answer_after, self._on_manual_answer, call, call.gen)
        else:
            w.schedule(w.now + ring_duration, self._on_manual_no_answer, call, call.gen)
        return True

    def _on_manual_answer(self, call: Call, gen: int) -> None:
        if gen == call.gen and call.agent is not None:
            self.w.calls.connect(call, call.agent, None, "")

    def _on_manual_no_answer(self, call: Call, gen: int) -> None:
        if gen == call.gen and call.agent is not None:
            call.agent.rna += 1
            call.agent.last_update = self.w.now
            self.w.calls.end(call, "AGENT_NO_ANSWER")
