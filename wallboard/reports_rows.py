"""Report rows as the screen and the exports read them: typed, with derived figures and totals.

Why derived figures are computed here and not by each consumer: the queue intervals pane, the
CSV export and the help screen must show the same numbers from the same formulas. Each derived
figure is a property whose docstring starts with its formula (the help screen may show it); a
ratio or an average over nothing is None, never 0 or a division error.

Totals are computed from summed counts and durations, never by averaging averages: a totals
row's ASA is (sum of answer waits) ÷ (sum of answered), which is what a planner expects.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any, TypeVar


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator ÷ denominator, or None when the denominator is not positive."""
    return numerator / denominator if denominator > 0 else None


@dataclass(frozen=True, slots=True)
class QueueInterval:
    """One queue in one interval (`agg-queue-stats`), durations in seconds.

    `start` is None only on a totals row; `partial` marks the open interval (figures still
    growing, not cached)."""

    start: datetime | None
    interval_s: int
    queue_id: str
    queue_name: str
    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    short_abandoned: int = 0
    abandoned_within_sl: int = 0
    answered_within_sl: int = 0
    completed: int = 0
    answer_wait_s: float = 0.0
    abandon_wait_s: float = 0.0
    longest_answer_wait_s: float = 0.0
    longest_abandon_wait_s: float = 0.0
    talk_s: float = 0.0
    wrap_s: float = 0.0
    wait_s: float = 0.0
    hold_s: float = 0.0
    overflow_in: int = 0
    overflow_out: int = 0
    partial: bool = False

    @property
    def service_level(self) -> float | None:
        """answered within SL ÷ (answered + abandoned − short abandons)

        Share of the calls that really waited which were answered within the queue's
        service-level target; short abandons (callers who hung up at once) are left out."""
        return ratio(self.answered_within_sl, self.answered + self.abandoned - self.short_abandoned)

    @property
    def asa_s(self) -> float | None:
        """queued-and-answered wait ÷ answered

        Average speed of answer, in seconds."""
        return ratio(self.answer_wait_s, self.answered)

    @property
    def aht_s(self) -> float | None:
        """(talk + wrap-up) ÷ answered

        Average handle time, in seconds; hold happens inside the talk leg and is included."""
        return ratio(self.talk_s + self.wrap_s, self.answered)

    @property
    def avg_talk_s(self) -> float | None:
        """talk ÷ answered"""
        return ratio(self.talk_s, self.answered)

    @property
    def avg_wrap_s(self) -> float | None:
        """wrap-up ÷ answered

        Average wrap-up (after-call work) time, in seconds."""
        return ratio(self.wrap_s, self.answered)

    @property
    def abandon_rate(self) -> float | None:
        """(abandoned − short abandons) ÷ (offered − short abandons)"""
        return ratio(self.abandoned - self.short_abandoned, self.offered - self.short_abandoned)

    @property
    def longest_wait_s(self) -> float:
        """max(longest answered wait, longest abandoned wait)"""
        return max(self.longest_answer_wait_s, self.longest_abandon_wait_s)


@dataclass(frozen=True, slots=True)
class AgentInterval:
    """One agent in one interval (`agg-agent-stats`), durations in seconds."""

    start: datetime | None
    interval_s: int
    agent_id: str
    agent_name: str
    available_s: float = 0.0
    working_s: float = 0.0
    paused_s: float = 0.0
    waiting_s: float = 0.0
    admin_s: float = 0.0
    outbound: int = 0
    outbound_s: float = 0.0
    inbound: int = 0
    inbound_s: float = 0.0
    partial: bool = False

    @property
    def logged_in_s(self) -> float:
        """available + working + paused + waiting + admin"""
        return self.available_s + self.working_s + self.paused_s + self.waiting_s + self.admin_s

    @property
    def occupancy(self) -> float | None:
        """working ÷ (working + available + waiting)

        Share of the agent's ready time spent working interactions."""
        return ratio(self.working_s, self.working_s + self.available_s + self.waiting_s)

    @property
    def interactions(self) -> int:
        """inbound + outbound"""
        return self.inbound + self.outbound


@dataclass(frozen=True, slots=True)
class AgentQueueInterval:
    """One agent on one queue in one interval (`agg-agent-extended-stats`)."""

    start: datetime | None
    interval_s: int
    agent_id: str
    agent_name: str
    queue_id: str
    queue_name: str
    answered: int = 0
    transfers_out: int = 0
    talk_s: float = 0.0
    wrap_s: float = 0.0
    partial: bool = False

    @property
    def aht_s(self) -> float | None:
        """(talk + wrap-up) ÷ answered"""
        return ratio(self.talk_s + self.wrap_s, self.answered)

    @property
    def transfer_rate(self) -> float | None:
        """transfers out ÷ answered"""
        return ratio(self.transfers_out, self.answered)


Row = TypeVar("Row", QueueInterval, AgentInterval, AgentQueueInterval)

#: Fields kept as maxima, not sums, in totals.
_MAXIMA = frozenset({"longest_answer_wait_s", "longest_abandon_wait_s"})
_KEYS = frozenset(
    {"start", "interval_s", "queue_id", "queue_name", "agent_id", "agent_name", "partial"}
)


def total(rows: Iterable[Row], **identity: Any) -> Row | None:
    """One row summing `rows` (maxima for the longest waits); `identity` overrides the key
    fields (e.g. `queue_name="All queues"`). None when there are no rows."""
    items = list(rows)
    if not items:
        return None
    first = items[0]
    values: dict[str, Any] = {}
    for field in fields(first):
        name = field.name
        if name in _KEYS:
            continue
        column = [getattr(row, name) for row in items]
        values[name] = max(column) if name in _MAXIMA else sum(column)
    values["start"] = None
    values["partial"] = any(row.partial for row in items)
    return replace(first, **{**values, **identity})


def totals_by(rows: Iterable[Row], key: str, **identity: Any) -> list[Row]:
    """One totals row per distinct value of `key` (e.g. per queue over the day), in order of
    first appearance."""
    groups: dict[Any, list[Row]] = {}
    for row in rows:
        groups.setdefault(getattr(row, key), []).append(row)
    found = (total(group, **identity) for group in groups.values())
    return [row for row in found if row is not None]


def derived(row: QueueInterval | AgentInterval | AgentQueueInterval) -> dict[str, Any]:
    """The row's derived figures by name (for exports and the screen)."""
    if isinstance(row, QueueInterval):
        return {
            "service_level": row.service_level,
            "asa_s": row.asa_s,
            "aht_s": row.aht_s,
            "avg_talk_s": row.avg_talk_s,
            "avg_wrap_s": row.avg_wrap_s,
            "abandon_rate": row.abandon_rate,
            "longest_wait_s": row.longest_wait_s,
        }
    if isinstance(row, AgentInterval):
        return {
            "logged_in_s": row.logged_in_s,
            "occupancy": row.occupancy,
            "interactions": row.interactions,
        }
    return {"aht_s": row.aht_s, "transfer_rate": row.transfer_rate}


FORMULAS: dict[str, str] = {
    name: (getattr(cls, name).__doc__ or "").strip().splitlines()[0]
    for cls, names in (
        (
            QueueInterval,
            (
                "service_level",
                "asa_s",
                "aht_s",
                "avg_talk_s",
                "avg_wrap_s",
                "abandon_rate",
                "longest_wait_s",
            ),
        ),
        (AgentInterval, ("logged_in_s", "occupancy", "interactions")),
        (AgentQueueInterval, ("transfer_rate",)),
    )
    for name in names
}
"""Derived figure → its formula, for the help screen."""
