"""Platform-neutral records: what the rest of the wallboard reads, whatever platform fed it.

Why this module exists: the screen, the headless commands, the store and any later provider
(FonoUC) must agree on one vocabulary that is not RingCX's JSON. Providers map their wire models
into these records (see `wallboard.providers.ringcx.adapter`); nothing here knows a field name of
any platform.

Why frozen records: immutability is what lets the UI read a snapshot without locks while the
poller builds the next one. Entity records (campaigns, IVR apps, queues, agents, calls) are
frozen msgspec `Struct`s, the rest slotted frozen dataclasses: a cycle builds thousands of new
entity records at 10,000 calls (every new or changed call and agent), and a frozen dataclass
sets each field through `object.__setattr__` (a call of 11 fields took 4.2 us here, a Struct
0.23 us). `gc=False`: their fields are strings, numbers and datetimes, which cannot form a
reference cycle, so the collector need not track them. Change one with `with_changes`
(`dataclasses.replace` is for the dataclasses).

Conventions:
- Entity ids are strings (RingCX's are integers, FonoUC's are 32-hex strings).
- Every datetime is timezone-aware (UTC); providers normalise.
- Daily counters (reset at midnight in the account's zone) are named in each record's
  `COUNTERS`; instantaneous values (gauges) in `GAUGES`. The store diffs both and turns
  `COUNTERS` into per-interval increments.
- Never construct a generic record subscripted (`SourceResult[Campaign](...)`): slotted frozen
  generics reject it at runtime. Write `SourceResult(...)`; mypy infers the type.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Generic, Literal, TypeVar

import msgspec

SourceName = Literal["campaigns", "ivr", "queues", "agents", "calls"]

#: Every source a snapshot carries, in display order.
SOURCES: tuple[SourceName, ...] = ("campaigns", "ivr", "queues", "agents", "calls")

#: A source is stale once its data is older than this many poll intervals.
STALE_AFTER_CYCLES = 2.0


class Capability(StrEnum):
    """Whether the platform offers a source at all (FonoUC has no IVR statistics, say)."""

    SUPPORTED = "supported"
    NOT_PROVIDED = "not provided by this platform"


class Record(msgspec.Struct, frozen=True, gc=False):
    """Base of the entity records: a frozen Struct (see the module docstring)."""


E = TypeVar("E", bound=Record)


def with_changes(record: E, **changes: Any) -> E:
    """A copy of an entity record with some fields changed (`dataclasses.replace` for them)."""
    return msgspec.structs.replace(record, **changes)


class Campaign(Record, frozen=True, gc=False):
    """One outbound campaign: live pacing plus today's dial outcomes (daily counters)."""

    COUNTERS: ClassVar[tuple[str, ...]] = (
        "connects",
        "answer",
        "noanswer",
        "machine",
        "busy",
        "intercept",
        "fax",
        "abandon",
        "dnc",
        "not_human",
        "success",
        "talk_time_s",
    )
    GAUGES: ClassVar[tuple[str, ...]] = (
        "active",
        "ready",
        "pending",
        "complete",
        "other",
        "staffed",
        "available",
    )

    id: str
    name: str
    group: str | None = None
    active: int = 0
    """Calls in progress."""
    ready: int = 0
    """Leads ready to dial."""
    pending: int = 0
    complete: int = 0
    other: int = 0
    staffed: int = 0
    """Agents logged in to the campaign."""
    available: int = 0
    """Agents available for the campaign's next call."""
    connects: int = 0
    """Picked-up outcomes today: answer + machine + fax (intercepts are not connects)."""
    answer: int = 0
    """Live-person answers today. Includes the abandoned ones: `abandon` is a subset."""
    noanswer: int = 0
    machine: int = 0
    busy: int = 0
    intercept: int = 0
    fax: int = 0
    abandon: int = 0
    """Live answers with no agent to take them today (the compliance numerator)."""
    dnc: int = 0
    not_human: int = 0
    success: int = 0
    talk_time_s: int = 0
    last_update: datetime | None = None


class IvrApp(Record, frozen=True, gc=False):
    """One IVR application: callers in it now and today's traffic and transfer counters."""

    COUNTERS: ClassVar[tuple[str, ...]] = (
        "presented",
        "connected",
        "transfer_queue",
        "transfer_cloud",
        "transfer_trac",
    )
    GAUGES: ClassVar[tuple[str, ...]] = ("active",)

    id: str
    name: str
    group: str | None = None
    active: int = 0
    presented: int = 0
    connected: int = 0
    transfer_queue: int = 0
    """Transfers to an inbound queue (RingCX: a gate)."""
    transfer_cloud: int = 0
    transfer_trac: int = 0
    last_update: datetime | None = None


class Queue(Record, frozen=True, gc=False):
    """One inbound queue (RingCX: a gate): who waits now and today's service counters."""

    COUNTERS: ClassVar[tuple[str, ...]] = (
        "presented",
        "accepted",
        "abandoned",
        "short_abandoned",
        "deflected",
        "sla_pass",
        "sla_fail",
        "long_calls",
        "short_calls",
        "success",
        "answer_time_s",
        "queue_time_s",
        "talk_time_s",
        "abandon_time_s",
    )
    GAUGES: ClassVar[tuple[str, ...]] = (
        "waiting",
        "longest_wait_s",
        "active",
        "staffed",
        "available",
        "routing",
    )

    id: str
    name: str
    group: str | None = None
    waiting: int = 0
    longest_wait_s: int = 0
    active: int = 0
    staffed: int = 0
    available: int = 0
    routing: int = 0
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
    answer_time_s: int = 0
    """Total seconds accepted calls waited before an agent answered (today)."""
    queue_time_s: int = 0
    talk_time_s: int = 0
    abandon_time_s: int = 0
    last_update: datetime | None = None


class Agent(Record, frozen=True, gc=False):
    """One logged-in agent. `state` is upper-case (`AVAILABLE`, `ON_CALL`, `WRAP_UP`, ...)."""

    COUNTERS: ClassVar[tuple[str, ...]] = ("calls_handled", "rna", "talk_time_s", "success")
    GAUGES: ClassVar[tuple[str, ...]] = ()

    id: str
    name: str
    username: str | None = None
    group: str | None = None
    state: str = "UNKNOWN"
    state_since: datetime | None = None
    logged_in_since: datetime | None = None
    call_uii: str | None = None
    call_ani: str | None = None
    call_dnis: str | None = None
    campaign_id: str | None = None
    queue_id: str | None = None
    calls_handled: int = 0
    rna: int = 0
    """Rang, no answer: calls offered to the agent and not taken (today)."""
    talk_time_s: int = 0
    success: int = 0
    pending_disposition: bool = False
    on_hold: bool = False
    last_update: datetime | None = None


class ActiveCall(Record, frozen=True, gc=False):
    """One call in flight, keyed by `uii` (the id every call-control action needs)."""

    COUNTERS: ClassVar[tuple[str, ...]] = ()
    GAUGES: ClassVar[tuple[str, ...]] = ()

    uii: str
    ani: str | None = None
    dnis: str | None = None
    agent: str | None = None
    """The assigned agent's display name, or None while no agent has the call."""
    destination: str | None = None
    """Queue or campaign name the call is bound to, when the platform says."""
    state: str = "ACTIVE"
    enqueued_at: datetime | None = None
    dequeued_at: datetime | None = None
    """When the call left the queue for an agent; None while it still waits."""
    product: str | None = None
    """Where the call came from (`ACD`, `OUTBOUND`, `VISUAL_IVR`...) when the listing says."""
    external_id: str | None = None
    archived: bool = False


R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class SourceResult(Generic[R]):
    """One source's latest data and how trustworthy it is.

    Why it carries its own times and error: a failed poll must not blank the screen. The poller
    keeps the last good `records` and their `polled_at`, and sets `error` (see `failed`), so the
    age grows visibly while the data stays. `polled_at` is therefore the time of the poll that
    produced `records`, never the time of a failed attempt (that is `attempted_at`); the store
    relies on it to see whether a source brought new data this cycle.
    """

    source: SourceName
    records: tuple[R, ...] = ()
    polled_at: datetime | None = None
    """When `records` were fetched; None if this source never succeeded."""
    last_update: datetime | None = None
    """The newest `last_update` among the records (the platform's own freshness)."""
    error: str | None = None
    """Why the latest attempt failed; None when it succeeded."""
    attempted_at: datetime | None = None
    """When the latest attempt ran (successful or not)."""
    warnings: int = 0
    """Records skipped as malformed in the batch that produced `records`."""
    truncated: bool = False
    """The platform listed more than we fetched (a capped call listing)."""
    capability: Capability = Capability.SUPPORTED
    polling: bool = True
    """False while the poller deliberately skips this source (no visible pane needs it): its
    data may be old, but that is a choice, so it is not reported as stale."""
    waiting: bool = False
    """True in an early snapshot of a cycle while this source's first fetch is still under way
    (the poller publishes the quick sources before a long call listing ends): there is nothing
    to show yet, which is neither stale nor zero."""

    @classmethod
    def unsupported(cls, source: SourceName) -> SourceResult[R]:
        """A source the platform does not offer: empty, never stale, never an error."""
        return cls(source=source, capability=Capability.NOT_PROVIDED)

    @property
    def ok(self) -> bool:
        return self.error is None

    def failed(self, error: str, attempted_at: datetime) -> SourceResult[R]:
        """This result after a failed attempt: same records and `polled_at`, error set."""
        return replace(self, error=error, attempted_at=attempted_at)

    def age_s(self, now: datetime) -> float | None:
        """Seconds since `records` were fetched; None if never fetched."""
        if self.polled_at is None:
            return None
        return max(0.0, (now - self.polled_at).total_seconds())

    def is_stale(self, now: datetime, interval_s: float) -> bool:
        """Older than `STALE_AFTER_CYCLES` poll intervals (or never fetched). A source the
        platform does not provide, that the poller skips on purpose, or whose first fetch is
        still under way (`waiting`), is never stale."""
        if self.capability is Capability.NOT_PROVIDED or not self.polling or self.waiting:
            return False
        age = self.age_s(now)
        return age is None or age > STALE_AFTER_CYCLES * interval_s


@dataclass(frozen=True, slots=True)
class BudgetFamily:
    """How much of one rate-limit family is left; a plain copy of the budget's state so that
    the domain never imports `wallboard.budget`."""

    family: str
    limit_per_minute: int
    available: float
    """Tokens in the bucket right now."""
    waiting: int = 0
    """Requests queued behind the bucket."""
    retry_after_s: float | None = None
    """Set while the platform's 429 `Retry-After` holds the family back."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything one poll cycle saw, as one immutable value."""

    account: str
    timezone: str
    """IANA zone of the account (daily counters reset at its midnight), e.g. `US/Eastern`."""
    cycle: int
    taken_at: datetime
    interval_s: float
    """The poll interval; staleness is measured in multiples of it."""
    campaigns: SourceResult[Campaign]
    ivr: SourceResult[IvrApp]
    queues: SourceResult[Queue]
    agents: SourceResult[Agent]
    calls: SourceResult[ActiveCall]
    budget: tuple[BudgetFamily, ...] = ()
    notes: tuple[str, ...] = ()
    """Degraded-mode notes for the status line ("reports budget exhausted", ...)."""

    def sources(
        self,
    ) -> tuple[
        SourceResult[Campaign],
        SourceResult[IvrApp],
        SourceResult[Queue],
        SourceResult[Agent],
        SourceResult[ActiveCall],
    ]:
        return (self.campaigns, self.ivr, self.queues, self.agents, self.calls)

    def stale_sources(self) -> tuple[SourceName, ...]:
        return tuple(s.source for s in self.sources() if s.is_stale(self.taken_at, self.interval_s))
