"""Published metrics: one pure function each, its formula as the first line of its docstring.

Why pure functions over plain numbers: each one can be checked by hand (the tests do), the help
screen can show exactly the formula that ran (`METRICS[name].formula` is the docstring), and the
FonoUC provider reuses them unchanged because they take numbers, not platform records.

Why `None` and not 0: a ratio with a zero denominator is undefined ("no data"). Showing 0% would
tell a supervisor the service level collapsed when no call has arrived yet; raising would blank
the wallboard. Every ratio here returns None in that case.

Compliance basis (outbound abandon rate): the simulator and RingCX count `answer` INCLUDING the
abandoned calls (`abandon` is a subset of `answer`), so "abandoned / live-answered" is
`abandon / answer`, not `abandon / (answer + abandon)`.

`METRICS` maps the metric keys used in `View` entity metrics and in alert rules to their title,
formula, unit and source, so rules can be validated and the help screen can list them.
"""

from __future__ import annotations

import inspect
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, TypeVar

from wallboard.domain import Agent, IvrApp, Queue

MetricSource = Literal["campaigns", "ivr", "queues", "agents", "calls", "sources"]
Unit = Literal["ratio", "seconds", "count", "per minute", "per hour", "cycles", "flag"]

DEFAULT_ABANDON_CAP = 0.03
"""FTC/FCC safe harbour: 3% of live-answered calls per campaign over 30 days."""


@dataclass(frozen=True, slots=True)
class MetricInfo:
    """What the help screen and the rule validator know about one metric key."""

    name: str
    title: str
    formula: str
    """The computing function's docstring, formula first."""
    unit: Unit
    source: MetricSource
    """Which entities carry it (`sources` = one entity per data source)."""
    in_view: bool = True
    """Computed by the store into each entity's `metrics` (and usable in alert rules). False
    for durations that grow every second, which the screen computes for the rows it shows."""


METRICS: dict[str, MetricInfo] = {}

F = TypeVar("F", bound=Callable[..., Any])


def _doc(fn: Callable[..., Any]) -> str:
    return inspect.cleandoc(fn.__doc__ or "")


def _register(
    name: str, title: str, unit: Unit, source: MetricSource, formula: str, in_view: bool = True
) -> None:
    if name in METRICS:
        raise ValueError(f"metric {name!r} registered twice")
    METRICS[name] = MetricInfo(name, title, formula, unit, source, in_view)


def metric(
    name: str, title: str, unit: Unit, source: MetricSource, *, in_view: bool = True
) -> Callable[[F], F]:
    """Register a function's docstring as the formula of the metric key `name`."""

    def wrap(fn: F) -> F:
        _register(name, title, unit, source, _doc(fn), in_view)
        return fn

    return wrap


def _ratio(numerator: float, denominator: float) -> float | None:
    return None if denominator <= 0 else numerator / denominator


# --- Outbound -----------------------------------------------------------------------------------


@metric("human_answer_rate", "Human answer rate", "ratio", "campaigns")
def human_answer_rate(answer: int, connects: int) -> float | None:
    """answer ÷ connects

    Share of today's connected calls that reached a live person. None before the first connect.
    """
    return _ratio(answer, connects)


@metric("amd_rate", "Answering-machine rate", "ratio", "campaigns")
def amd_rate(machine: int, connects: int) -> float | None:
    """machine ÷ connects

    Share of today's connected calls that reached a machine; a sudden rise points at list
    quality. None before the first connect.
    """
    return _ratio(machine, connects)


@metric("abandon_rate_today", "Abandon rate today (compliance basis)", "ratio", "campaigns")
def abandon_rate(abandon: int, answer: int) -> float | None:
    """abandon ÷ answer

    Abandoned calls over live-answered calls (`answer` already includes the abandoned ones).
    This is the TSR/TCPA basis: the safe harbour caps it at 3% per campaign over 30 days (Ofcom:
    over 24 hours). Today's value uses the daily counters; the rolling windows use the
    wallboard's own history. None while nothing was live-answered.
    """
    return _ratio(abandon, answer)


_ROLLING_NOTE = "\n\nSums of the per-cycle increments of `abandon` and `answer` kept in history"
_register(
    "abandon_rate_24h",
    "Abandon rate, rolling 24 h",
    "ratio",
    "campaigns",
    _doc(abandon_rate) + _ROLLING_NOTE + " over the last 24 hours (UK Ofcom basis).",
)
_register(
    "abandon_rate_30d",
    "Abandon rate, rolling 30 days",
    "ratio",
    "campaigns",
    _doc(abandon_rate) + _ROLLING_NOTE + " over the last 30 days (US TSR/TCPA basis).",
)


def abandon_headroom(abandon: int, answer: int, cap: float = DEFAULT_ABANDON_CAP) -> float | None:
    """cap − abandon ÷ answer

    How far the abandon rate is below the cap, as a fraction (negative: over the cap).
    """
    rate = abandon_rate(abandon, answer)
    return None if rate is None else cap - rate


def abandons_left(abandon: int, answer: int, cap: float = DEFAULT_ABANDON_CAP) -> int | None:
    """⌊cap × answer⌋ − abandon

    How many more abandons the window can take at its current answer count before going over
    the cap (negative: already that many over). None while nothing was live-answered.
    """
    if answer <= 0:
        return None
    return math.floor(cap * answer + 1e-9) - abandon


def dials(connects: int, noanswer: int, busy: int, intercept: int) -> int:
    """connects + noanswer + busy + intercept

    Dial attempts: every line ends picked up (`connects` = live + machine + fax), unanswered,
    busy or on a SIT tone (intercept). `dnc` hits are scrubbed without a line: not dials.
    """
    return connects + noanswer + busy + intercept


@metric("dials_per_min", "Dials per minute", "per minute", "campaigns")
def dials_per_minute(dial_increment: int, interval_s: float) -> float | None:
    """Δdials × 60 ÷ interval seconds

    Dial pace over the last poll interval, from the increments of the daily counters
    (Δ(connects + noanswer + busy + intercept)). None on the first cycle (no interval yet).
    """
    return _ratio(dial_increment * 60.0, interval_s)


@metric("dials_per_agent_hour", "Dials per staffed agent per hour", "per hour", "campaigns")
def dials_per_staffed_agent(dials_per_min: float | None, staffed: int) -> float | None:
    """dials per minute × 60 ÷ staffed

    Pacing per logged-in agent over the last interval. None with nobody staffed or no interval.
    """
    if dials_per_min is None:
        return None
    return _ratio(dials_per_min * 60.0, staffed)


def agent_starved(available: int, ready: int, staffed: int) -> bool:
    """staffed > 0 and available = 0 and ready > 0

    Leads are waiting but no agent is free to take the next call. A campaign nobody is logged
    in to is idle, not starved: counting it would flag every campaign overnight.
    """
    return staffed > 0 and available == 0 and ready > 0


def lead_starved(available: int, ready: int) -> bool:
    """available > 0 and ready = 0

    Agents are waiting but the campaign has no lead ready to dial (list exhausted or filtered).
    """
    return available > 0 and ready == 0


@metric("agent_starved_s", "Agent-starved for", "seconds", "campaigns")
def condition_duration(since: float | None, now: float) -> float:
    """now − first cycle the condition was seen (0 when it does not hold)

    How long a condition (agent-starved, lead-starved) has held without a break, as tracked by
    the store across snapshots.
    """
    return 0.0 if since is None else max(0.0, now - since)


_register("lead_starved_s", "Lead-starved for", "seconds", "campaigns", _doc(condition_duration))


# --- IVR ----------------------------------------------------------------------------------------


@metric("containment", "IVR containment", "ratio", "ivr")
def ivr_containment(
    presented: int, transfer_queue: int, transfer_cloud: int, transfer_trac: int
) -> float | None:
    """(presented − transferGate − transferCloud − transferTrac) ÷ presented

    Share of today's IVR callers who finished in self-service (seed 000's definition), clamped
    to 0..1 because the counters are read at slightly different instants. None before the
    first caller.
    """
    if presented <= 0:
        return None
    contained = presented - transfer_queue - transfer_cloud - transfer_trac
    return min(1.0, max(0.0, contained / presented))


@metric("ivr_transfers", "IVR transfers today", "count", "ivr")
def ivr_transfers(transfer_queue: int, transfer_cloud: int, transfer_trac: int) -> int:
    """transferGate + transferCloud + transferTrac

    All handoffs out of the IVR today, whatever the destination.
    """
    return transfer_queue + transfer_cloud + transfer_trac


def ivr_transfers_by_destination(
    transfer_queue: int, transfer_cloud: int, transfer_trac: int
) -> dict[str, int]:
    """{queue: transferGate, cloud: transferCloud, trac: transferTrac}"""
    return {"queue": transfer_queue, "cloud": transfer_cloud, "trac": transfer_trac}


@metric("ivr_active", "Callers in the IVR", "count", "ivr")
def ivr_active_load(active: int) -> int:
    """active

    Callers traversing the IVR right now (its live load).
    """
    return active


# --- Inbound queues -----------------------------------------------------------------------------


@metric("calls_waiting", "Calls waiting", "count", "queues")
def calls_waiting(in_queue: int) -> int:
    """inQueue

    Callers waiting in the queue right now.
    """
    return in_queue


@metric("longest_wait_s", "Longest wait", "seconds", "queues")
def longest_wait(longest_in_queue_s: int) -> int:
    """longestInQueue

    Seconds the longest-waiting caller has been in the queue.
    """
    return longest_in_queue_s


@metric("service_level", "Service level", "ratio", "queues")
def service_level(sla_pass: int, sla_fail: int) -> float | None:
    """slaPass ÷ (slaPass + slaFail)

    Share of today's calls answered within the queue's service-level target. None before the
    first call is measured.
    """
    return _ratio(sla_pass, sla_pass + sla_fail)


@metric("queue_abandon_rate", "Queue abandon rate", "ratio", "queues")
def queue_abandon_rate(abandoned: int, presented: int) -> float | None:
    """abandoned ÷ presented

    Share of today's calls offered to the queue whose caller hung up before an agent answered.
    None before the first call.
    """
    return _ratio(abandoned, presented)


@metric("asa_s", "Average speed of answer", "seconds", "queues")
def average_speed_of_answer(total_answer_time_s: int, accepted: int) -> float | None:
    """totalAnswerTime ÷ accepted

    Mean seconds an answered caller waited today. None before the first answer.
    """
    return _ratio(total_answer_time_s, accepted)


@metric("avg_talk_s", "Average talk time", "seconds", "queues")
def average_talk_time(total_talk_time_s: int, accepted: int) -> float | None:
    """totalTalkTime ÷ accepted

    Mean seconds of conversation per answered call today. None before the first answer.
    """
    return _ratio(total_talk_time_s, accepted)


# --- Agents -------------------------------------------------------------------------------------


def agents_by_state(states: Iterable[str]) -> dict[str, int]:
    """count of agents per agentState"""
    return dict(Counter(states))


@metric("time_in_state_s", "Time in state", "seconds", "agents", in_view=False)
def time_in_state(state_since: datetime | None, now: datetime) -> float | None:
    """now − state start

    Seconds the agent has been in the current state. None when the platform did not say.
    """
    if state_since is None:
        return None
    return max(0.0, (now - state_since).total_seconds())


@metric("agent_on_call", "On a call", "flag", "agents")
def agent_on_call(state: str) -> float:
    """1 when agentState is ON_CALL (or ENGAGED), else 0

    Kept per cycle as the agent's occupancy strip.
    """
    return 1.0 if state in ("ON_CALL", "ENGAGED") else 0.0


def pending_dispositions(flags: Iterable[bool]) -> int:
    """count of agents with pendingDisposition"""
    return sum(1 for flag in flags if flag)


# --- Active calls -------------------------------------------------------------------------------


@metric("time_in_queue_s", "Time in queue", "seconds", "calls", in_view=False)
def time_in_queue(
    enqueued_at: datetime | None, dequeued_at: datetime | None, now: datetime
) -> float | None:
    """(dequeueTime, else now) − enqueueTime

    Seconds the call waited (or has been waiting) for an agent. None without enqueueTime.
    """
    if enqueued_at is None:
        return None
    end = dequeued_at or now
    return max(0.0, (end - enqueued_at).total_seconds())


@metric("time_connected_s", "Time connected", "seconds", "calls", in_view=False)
def time_connected(dequeued_at: datetime | None, now: datetime) -> float | None:
    """now − dequeueTime

    Seconds since an agent took the call. None while the call still waits.
    """
    if dequeued_at is None:
        return None
    return max(0.0, (now - dequeued_at).total_seconds())


def count_by(keys: Iterable[str | None], unknown: str = "unknown") -> dict[str, int]:
    """count of calls per key (product, destination); a missing key counts as `unknown`"""
    counts = Counter(keys)  # counted in C; 10,000 calls a cycle
    if None not in counts:
        return dict(counts)  # type: ignore[arg-type]  # no None among the keys
    named: dict[str, int] = {}
    for key, count in counts.items():
        name = unknown if key is None else key
        named[name] = named.get(name, 0) + count
    return named


# --- Data freshness -----------------------------------------------------------------------------


@metric("age_cycles", "Data age in poll cycles", "cycles", "sources")
def age_in_cycles(age_s: float | None, interval_s: float) -> float | None:
    """seconds since the source's last good poll ÷ poll interval

    Above 2 the source is stale. Infinite when the source is polled but never answered.
    """
    if age_s is None:
        return math.inf
    return _ratio(age_s, interval_s)


# --- Per-entity bundles: the metric keys the store's View carries for each record ---------------


def ivr_metrics(r: IvrApp) -> dict[str, float | None]:
    """containment, ivr_transfers and ivr_active of one IVR application."""
    return {
        "containment": ivr_containment(
            r.presented, r.transfer_queue, r.transfer_cloud, r.transfer_trac
        ),
        "ivr_transfers": ivr_transfers(r.transfer_queue, r.transfer_cloud, r.transfer_trac),
        "ivr_active": ivr_active_load(r.active),
    }


def queue_metrics(q: Queue) -> dict[str, float | None]:
    """The published metrics of one inbound queue (see each key's formula)."""
    return {
        "calls_waiting": calls_waiting(q.waiting),
        "longest_wait_s": longest_wait(q.longest_wait_s),
        "service_level": service_level(q.sla_pass, q.sla_fail),
        "queue_abandon_rate": queue_abandon_rate(q.abandoned, q.presented),
        "asa_s": average_speed_of_answer(q.answer_time_s, q.accepted),
        "avg_talk_s": average_talk_time(q.talk_time_s, q.accepted),
    }


def agent_metrics(a: Agent) -> dict[str, float | None]:
    """agent_on_call of one agent. Time in state is not here: it grows every second, so the
    screen computes it for the rows it shows (`time_in_state(agent.state_since, now)`)."""
    return {"agent_on_call": agent_on_call(a.state)}
