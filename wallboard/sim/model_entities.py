"""The things the contact center is made of: campaigns, gates, IVRs, agents, calls, segments.

Why plain slotted dataclasses with counters as attributes: the large preset pushes hundreds of
thousands of events through these objects during warm-up, and attribute access on slotted
classes is the cheapest state Python has. Behaviour lives in the `dynamics_*` modules; these
classes only hold state and know how to zero their daily counters.

Every entity that backs a real-time record has `last_update`, moved (via `touch`) by the event
that changed the record, never by the passage of time: values derived from the clock alone
(`stateTime`, `loginTime`, `longestInQueue`) tick without being "updates".
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from .model_leads import Lead, LeadList

# Call phases (inspection's `phase`).
NEW = "NEW"
IVR = "IVR"
QUEUED = "QUEUED"
RINGING = "RINGING"
CONNECTED = "CONNECTED"
TRANSFERRED = "TRANSFERRED"
ENDED = "ENDED"

# Call kinds.
INBOUND = "INBOUND"
OUTBOUND = "OUTBOUND"
MANUAL = "MANUAL"

# Agent states as the real-time `agent` record spells them, plus LOGGED_OUT (never listed).
AVAILABLE = "AVAILABLE"
ON_CALL = "ON_CALL"
WRAP_UP = "WRAP_UP"
AWAY = "AWAY"
LOGGED_OUT = "LOGGED_OUT"

# Agent time categories for the WFM agent report (index into history.A_FIELDS).
CAT_AVAIL = 0  # availDur: AVAILABLE
CAT_WORK = 1  # totWorkDur: ON_CALL (talking) and WRAP_UP
CAT_PAUSE = 2  # pauseDur: AWAY for a break, lunch or after a ring-no-answer
CAT_WAIT = 3  # waitDur: reserved for a call that is still ringing
CAT_ADMIN = 4  # adminDur: AWAY for training or a meeting


def fmt_ts(ts: float) -> str:
    """Platform timestamp spelling, UTC with milliseconds: ``2020-05-08T14:40:47.000+0000``."""
    whole = int(ts)
    millis = round((ts - whole) * 1000)
    if millis == 1000:
        whole, millis = whole + 1, 0
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + f".{millis:03d}+0000"


@dataclass(slots=True, eq=False)
class Session:
    """A supervisor's leg on a call (addSessionToCall)."""

    session_id: str
    phone: str
    key: str  # normalized phone, for "same phone already on the call" and hangupSession
    session_type: str


@dataclass(slots=True, eq=False)
class Segment:
    """One participant's part of a finished dialog (interaction metadata).

    Kept compact (ids as numbers, strings built on output) because the large preset finishes
    about 80 segments per simulated second and the reports need hours of them."""

    seq: int  # the call's sequence number: dialogId and segmentId derive from it
    index: int  # 1-based position of the segment within its dialog
    uii: str
    segment_type: str  # IVR | QUEUE | AGENT
    participant: int  # IVR id, gate id or agent id
    start: float
    end: float
    group_id: int | None
    system_disposition: str
    agent_disposition: str | None = None
    agent_notes: str | None = None
    has_recording: bool = False
    events: tuple[tuple[float, str], ...] | None = None


@dataclass(slots=True, eq=False)
class Campaign:
    campaign_id: int
    name: str
    dial_group_id: int
    dial_group_name: str
    caller_id: str
    # dial-outcome model (probabilities of one dial attempt)
    p_live: float
    p_machine: float
    p_busy: float
    p_intercept: float
    p_fax: float
    p_dnc: float
    talk_mean: float
    success_rate: float
    record_rate: float
    # predictive pacing: lines = available * ratio / est_live; ratio adapts to abandons
    ratio: float
    ratio_max: float
    ratio_up: float
    est_live: float
    reload_hours: float
    roster: int = 0
    leads: LeadList = field(default_factory=LeadList)
    available: dict[int, Agent] = field(default_factory=dict)  # insertion order = idle order
    waiting: deque[Call] = field(default_factory=deque)  # live answers waiting for an agent
    reload_pending: bool = False
    published_available: int = 0
    staffed: int = 0
    active: int = 0
    ringing: int = 0
    answer: int = 0
    noanswer: int = 0
    machine: int = 0
    busy: int = 0
    intercept: int = 0
    fax: int = 0
    abandon: int = 0
    dnc: int = 0
    success: int = 0
    talk_time: int = 0
    last_update: float = 0.0

    def reset_daily(self) -> None:
        self.answer = self.noanswer = self.machine = self.busy = self.intercept = 0
        self.fax = self.abandon = self.dnc = self.success = self.talk_time = 0
        self.leads.complete = 0


@dataclass(slots=True, eq=False)
class Gate:
    gate_id: int
    name: str
    group_id: int
    group_name: str
    dnis: str
    sla: float  # answered within this many seconds passes the service level
    patience_mean: float
    talk_mean: float
    direct_rate: float  # callers per second dialing the gate's number directly (no IVR)
    max_queue: int
    short_abandon: float = 5.0
    long_call: float = 900.0
    short_call: float = 20.0
    queue: deque[tuple[Call, int]] = field(default_factory=deque)
    available: dict[int, Agent] = field(default_factory=dict)
    published_available: int = 0
    staffed: int = 0
    in_queue: int = 0
    routing: int = 0
    connected: int = 0
    presented: int = 0
    accepted: int = 0
    abandoned: int = 0
    short_abandoned: int = 0
    deflected: int = 0
    sla_pass: int = 0
    sla_fail: int = 0
    long_calls: int = 0
    short_calls: int = 0
    success: int = 0
    total_answer: int = 0
    total_queue: int = 0
    total_talk: int = 0
    total_abandon: int = 0
    last_update: float = 0.0

    def reset_daily(self) -> None:
        self.presented = self.accepted = self.abandoned = self.short_abandoned = 0
        self.deflected = self.sla_pass = self.sla_fail = self.long_calls = self.short_calls = 0
        self.success = self.total_answer = self.total_queue = self.total_talk = 0
        self.total_abandon = 0

    def head(self) -> Call | None:
        """The longest-waiting caller (stale entries of callers who left are dropped here)."""
        queue = self.queue
        while queue:
            call, token = queue[0]
            if call.phase == QUEUED and call.gate is self and call.queue_token == token:
                return call
            queue.popleft()
        return None


@dataclass(slots=True, eq=False)
class Route:
    """A way out of the IVR that is not one of our gates: a cloud profile or a TRAC number."""

    route_id: int
    product: str  # CLOUD_PROFILE | TRAC_NUMBER
    name: str
    dur_mean: float
    active: int = 0
    last_update: float = 0.0


@dataclass(slots=True, eq=False)
class Ivr:
    visual_ivr_id: int
    name: str
    group_id: int
    group_name: str
    dnis: str
    rate: float  # callers per second
    dur_mean: float
    # outcome probabilities, cumulative in this order: self-serve, hang-up, gate, cloud, TRAC
    p_self: float
    p_hangup: float
    p_gate: float
    p_cloud: float
    p_trac: float
    gates: list[Gate]
    gate_cum: list[float]  # cumulative choice weights over `gates` (by answering capacity)
    cloud: Route | None
    trac: Route | None
    active: int = 0
    presented: int = 0
    connected: int = 0
    t_gate: int = 0
    t_cloud: int = 0
    t_trac: int = 0
    last_update: float = 0.0

    def reset_daily(self) -> None:
        self.presented = self.connected = self.t_gate = self.t_cloud = self.t_trac = 0


@dataclass(slots=True, eq=False)
class Agent:
    agent_id: int
    first: str
    last: str
    username: str
    group_id: int
    group_name: str
    campaign: Campaign | None
    gates: list[Gate]
    talk_factor: float
    wrap_mean: float
    p_rna: float
    break_every: float
    shift_mean: float
    always_on: bool = False
    logged_in: bool = False
    login_at: float = 0.0
    state: str = LOGGED_OUT
    state_since: float = 0.0
    category: int = -1
    cat_since: float = 0.0
    away_reason: str | None = None
    call: Call | None = None  # the call being handled, or pending disposition in WRAP_UP
    pending: bool = False
    on_hold_since: float | None = None
    wrap_started: float = 0.0
    break_pending: bool = False
    logout_pending: bool = False
    state_gen: int = 0
    shift_gen: int = 0
    calls_handled: int = 0
    rna: int = 0
    talk_time: int = 0
    success: int = 0
    last_update: float = 0.0

    @property
    def full_name(self) -> str:
        return f"{self.first} {self.last}"

    def reset_daily(self) -> None:
        self.calls_handled = self.rna = self.talk_time = self.success = 0


@dataclass(slots=True, eq=False)
class Call:
    seq: int
    uii: str
    kind: str
    created: float
    ani: str
    dnis: str
    phase: str = NEW
    gen: int = 0
    # who counts this call as active right now (campaign, gate, IVR or route) and in which field
    owner: Campaign | Gate | Ivr | Route | None = None
    slot: str = ""
    campaign: Campaign | None = None
    gate: Gate | None = None
    ivr: Ivr | None = None
    route: Route | None = None
    agent: Agent | None = None
    lead: Lead | None = None
    destination_name: str | None = None
    external_id: str | None = None
    cnam: str | None = None
    enqueue_time: float | None = None
    dequeue_time: float | None = None
    end_time: float | None = None
    end_reason: str | None = None
    plan: str = ""  # the outcome drawn when the phase began (dial result, IVR exit)
    talk_end: float = 0.0
    hold_natural: bool = False
    queue_token: int = 0
    patience: float = 0.0
    recording: bool = False
    hold: bool = False
    hold_since: float | None = None
    sessions: list[Session] | None = None
    disposition: str | None = None
    callback: bool = False
    callback_dts: str | None = None
    notes: str | None = None
    success_counted: bool = False
    pings: int = 0
    last_ping: float | None = None
    agent_start: float = 0.0
    leg_via_gate: bool = False  # the current/last agent leg was answered from a gate queue
    leg_recorded: bool = False
    leg_events: list[tuple[float, str]] | None = None
    agent_segment: Segment | None = None
    segment_count: int = 0
    agents_seen: tuple[int, ...] = ()
    wire: dict[str, Any] | None = None  # cached activeCalls/list record, dropped on change
