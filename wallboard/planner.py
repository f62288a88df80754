"""Which sources one poll cycle fetches, so that polling never meets a 429.

Why plan at all: at 500 campaigns and 10,000 calls one full cycle costs five requests plus ten
pages of calls; at a short interval, or with a supervisor's actions eating the same 120-per-minute
budget, fetching everything every cycle would overrun the limit. The planner spreads the
expensive sources over several cycles instead, in a stated order, and says so.

Degrade order (first to give way first): active-call pages, then agent states, then IVR and
queue statistics. Campaign statistics are fetched every cycle, whatever the budget: pacing and
compliance are what a supervisor must never lose.

Two checks per cycle:
- *Sustained*: the per-minute poll share (limit minus the actions' reserve) divided over the
  cycles of a minute. Sources are given an "every N cycles" period until the average fits.
- *Right now*: the budget's remaining poll slots. A cycle whose plan would not fit drops sources
  in degrade order for this cycle only; they are first in line next cycle.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from wallboard.domain import SourceName

#: First to give way first. Campaigns never appear: they are fetched every cycle.
DEGRADE_ORDER: tuple[SourceName, ...] = ("calls", "agents", "ivr", "queues")

#: Periods tried in turn until the sustained cost fits: calls first, then agents, then both
#: further, then IVR and queues.
_STEPS: tuple[tuple[SourceName, int], ...] = (
    ("calls", 2),
    ("calls", 3),
    ("calls", 4),
    ("agents", 2),
    ("agents", 3),
    ("agents", 4),
    ("calls", 6),
    ("calls", 8),
    ("agents", 6),
    ("agents", 8),
    ("ivr", 2),
    ("queues", 2),
    ("ivr", 4),
    ("queues", 4),
    ("calls", 12),
    ("agents", 12),
)

_LABELS = {"calls": "active calls", "agents": "agent states", "ivr": "IVR", "queues": "queues"}


@dataclass(frozen=True, slots=True)
class CyclePlan:
    """What one cycle fetches."""

    fetch: tuple[SourceName, ...]
    call_pages: int
    """Most pages of the active-call listing this cycle may read."""
    every: Mapping[SourceName, int]
    """The sustained period of each source, in cycles (1: every cycle)."""
    notes: tuple[str, ...]
    """Why this plan differs from "everything, every cycle", for the status line."""

    @property
    def degraded(self) -> bool:
        return bool(self.notes)


def expected_pages(last_count: int | None, page_size: int) -> int:
    """Pages a full listing of `last_count` calls takes: a short last page ends it, so a count
    that fills whole pages needs one more (empty) page to be sure."""
    if last_count is None:
        return 1
    return last_count // page_size + 1


def sustained_periods(
    wanted: Iterable[SourceName],
    cost: Mapping[SourceName, int],
    per_cycle: float,
) -> dict[SourceName, int]:
    """Every-N-cycles periods so that the average cost per cycle fits `per_cycle`.

    Steps through `_STEPS` until it fits (or the steps run out: then the cycle-level check
    trims what is left)."""
    wanted = tuple(wanted)
    every: dict[SourceName, int] = {source: 1 for source in wanted}

    def average() -> float:
        return sum(cost.get(source, 1) / every[source] for source in wanted)

    for source, period in _STEPS:
        if average() <= per_cycle:
            break
        if source in every and every[source] < period:
            every[source] = period
    return every


def plan_cycle(
    *,
    cycle: int,
    wanted: Iterable[SourceName],
    last_fetched: Mapping[SourceName, int],
    cost: Mapping[SourceName, int],
    per_minute: float,
    remaining_now: int,
    interval_s: float,
    max_call_pages: int,
) -> CyclePlan:
    """Plan cycle number `cycle` (see the module docstring).

    `last_fetched` holds the cycle each source was last fetched in (absent: never); `cost` the
    requests each source is expected to take (calls: pages)."""
    wanted = tuple(wanted)
    per_cycle = per_minute * interval_s / 60.0
    every = sustained_periods(wanted, cost, per_cycle)
    notes: list[str] = []
    for source in DEGRADE_ORDER:
        period = every.get(source, 1)
        if period > 1:
            notes.append(
                f"{_LABELS[source]} every {period} cycles ({_seconds(period * interval_s)}) "
                f"to stay within {per_minute:.0f} requests/min"
            )

    due = [
        source
        for source in wanted
        if source == "campaigns"
        or source not in last_fetched
        or cycle - last_fetched[source] >= every.get(source, 1)
    ]
    # The call listing may use what the other due sources leave of the sustained share, and
    # never more than the configured bound.
    others = sum(cost.get(source, 1) for source in due if source != "calls")
    call_pages = max(1, min(max_call_pages, math.floor(per_cycle * every.get("calls", 1)) - others))

    def spend(sources: Iterable[SourceName]) -> int:
        return sum(call_pages if s == "calls" else cost.get(s, 1) for s in sources)

    for source in DEGRADE_ORDER:
        if spend(due) <= remaining_now:
            break
        if source in due:
            due.remove(source)
            notes.append(f"{_LABELS[source]} skipped this cycle: {remaining_now} requests left")
    if "calls" in due and spend(due) > remaining_now:
        call_pages = max(1, remaining_now - spend(s for s in due if s != "calls"))
    order = {source: index for index, source in enumerate(wanted)}
    return CyclePlan(
        fetch=tuple(sorted(due, key=order.__getitem__)),
        call_pages=call_pages,
        every=every,
        notes=tuple(notes),
    )


def _seconds(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"
