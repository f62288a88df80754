"""RingCX as a `Provider`: the poller's view of one RingCX account.

Why a thin layer over `RingCxClient`: the client speaks RingCX (wire records, typed errors); the
poller speaks sources and budgets. This class maps one to the other and owns nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from pydantic import BaseModel

from wallboard.budget import BudgetRegistry, BudgetState
from wallboard.config import CALLS_PAGE_SIZE, AccountConfig
from wallboard.domain import ActiveCall, Agent, BudgetFamily, SourceName
from wallboard.providers.base import Fetched, PollCapacity
from wallboard.providers.ringcx import adapter
from wallboard.providers.ringcx.client import RingCxClient
from wallboard.providers.ringcx.record_memo import RecordMemo
from wallboard.providers.ringcx.wire import ActiveCallListResponse, AgentStats, ParsedBatch

#: Rows per page of `activeCalls/list` unless the caller says (`[poller] calls_page_size`).
PAGE_SIZE = CALLS_PAGE_SIZE

_FAMILY_LABELS = {"realtime": "real-time", "reports": "reports"}
#: Sign-in families are spent once per token lifetime; the screen's budget line leaves them out.
_SIGN_IN_FAMILIES = frozenset({"auth", "platform_auth"})


class RingCxProvider:
    """One RingCX account for the poller (see `wallboard.providers.base.Provider`)."""

    sources: tuple[SourceName, ...] = ("campaigns", "ivr", "queues", "agents", "calls")

    def __init__(
        self,
        name: str,
        config: AccountConfig,
        *,
        client: RingCxClient | None = None,
        budgets: BudgetRegistry | None = None,
        page_size: int = PAGE_SIZE,
    ) -> None:
        self._name = name
        self._config = config
        self.client = client or RingCxClient(config, budgets=budgets)
        self._page_size = page_size
        # Last listing's calls and agents, so that a record that did not change is neither
        # validated nor mapped again, and stays the same domain object (store, snapshot and
        # screen then share one copy, and the store's diffs see it is the same at once).
        self._calls: RecordMemo[ActiveCallListResponse, ActiveCall] = RecordMemo(
            ActiveCallListResponse, "uii"
        )
        self._agents: RecordMemo[AgentStats, Agent] = RecordMemo(
            AgentStats, "agentId", ticking=AgentStats.TICKING
        )

    @property
    def account(self) -> str:
        return self._config.label or self._name

    @property
    def timezone(self) -> str:
        return self._config.timezone

    @property
    def page_size(self) -> int:
        return self._page_size

    def poll_family(self, source: SourceName) -> str:
        return "realtime"  # real-time data and active calls share one limit (seeds 000, 001)

    def capacity(self, family: str) -> PollCapacity:
        state = self.client.budget_state()[family]
        window = min(state.windows, key=lambda w: (w.limit - state.reserve) / w.seconds)
        per_minute = (window.limit - state.reserve) * 60.0 / window.seconds
        return PollCapacity(family, per_minute, state.poll_remaining)

    def budget(self) -> tuple[BudgetFamily, ...]:
        return tuple(
            _family(state)
            for name, state in self.client.budget_state().items()
            if name not in _SIGN_IN_FAMILIES
        )

    async def fetch(
        self, source: SourceName, *, max_pages: int = 1, at: datetime | None = None
    ) -> Fetched:
        now = at or datetime.now(UTC)
        client = self.client
        if source == "campaigns":
            return _fetched(await client.outbound_stats(), adapter.campaign_from_wire)
        if source == "ivr":
            return _fetched(await client.ivr_stats(), adapter.ivr_from_wire)
        if source == "queues":
            return _fetched(await client.inbound_stats(), adapter.queue_from_wire)
        if source == "agents":

            def agent(wire: AgentStats) -> Agent:
                return adapter.agent_from_wire(wire, now)

            batch = await client.agent_stats_reusing(self._agents, agent, at=now.timestamp())
            return Fetched(batch.records, warnings=len(batch.warnings))
        listing = await client.active_calls_reusing(
            self._calls, adapter.call_from_wire, page_size=self._page_size, max_pages=max_pages
        )
        return Fetched(
            listing.records,
            warnings=len(listing.warnings),
            truncated=listing.truncated,
            requests=listing.pages,
        )

    async def aclose(self) -> None:
        await self.client.aclose()


W = TypeVar("W", bound=BaseModel)


def _fetched(batch: ParsedBatch[W], mapper: Callable[[W], object]) -> Fetched:
    return Fetched(tuple(mapper(w) for w in batch.records), warnings=len(batch.warnings))


def _family(state: BudgetState) -> BudgetFamily:
    minute = next((w for w in state.windows if w.seconds == 60.0), state.windows[0])
    return BudgetFamily(
        family=_FAMILY_LABELS.get(state.family, state.family),
        limit_per_minute=round(minute.limit * 60.0 / minute.seconds),
        available=float(state.remaining),
        retry_after_s=state.next_free_in if state.backing_off else None,
    )
