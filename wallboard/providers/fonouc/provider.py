"""FonoUC as a `Provider`: the poller's view of one FonoUC tenant.

Sources: campaigns (pacing from leads by status), queues and agents. FonoUC has no IVR
statistics and no active-call listing in seed 004, so `ivr` and `calls` are not offered and the
poller shows them as not provided.

Why queues are fetched once for two sources: agents only exist inside the queue status, and the
poller fetches `queues` and `agents` concurrently; one request serves both within a cycle.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import anyio

from wallboard.budget import BudgetRegistry, BudgetState
from wallboard.config import AccountConfig
from wallboard.domain import BudgetFamily, SourceName
from wallboard.providers.base import Fetched, PollCapacity
from wallboard.providers.fonouc import adapter, wire
from wallboard.providers.fonouc.client import FAMILY, FonoucClient

#: A queue status this young serves the other of `queues`/`agents` without a new request.
SHARE_WINDOW_S = 2.0


class FonoucProvider:
    """One FonoUC account for the poller (see `wallboard.providers.base.Provider`)."""

    sources: tuple[SourceName, ...] = ("campaigns", "queues", "agents")

    def __init__(
        self,
        name: str,
        config: AccountConfig,
        *,
        client: FonoucClient | None = None,
        budgets: BudgetRegistry | None = None,
    ) -> None:
        self._name = name
        self._config = config
        self.client = client or FonoucClient(config, budgets_registry=budgets)
        self._queues_lock = anyio.Lock()
        self._queues: tuple[float, wire.ParsedBatch[wire.QueueStatus]] | None = None

    @property
    def account(self) -> str:
        return self._config.label or self._name

    @property
    def timezone(self) -> str:
        return self._config.timezone

    @property
    def page_size(self) -> int:
        return 1000  # no call listing; the poller asks anyway

    def poll_family(self, source: SourceName) -> str:
        return FAMILY

    def capacity(self, family: str) -> PollCapacity:
        state = self.client.budget_state()[family]
        window = min(state.windows, key=lambda w: (w.limit - state.reserve) / w.seconds)
        per_minute = (window.limit - state.reserve) * 60.0 / window.seconds
        return PollCapacity(family, per_minute, state.poll_remaining)

    def budget(self) -> tuple[BudgetFamily, ...]:
        return tuple(_family(state) for state in self.client.budget_state().values())

    async def fetch(
        self, source: SourceName, *, max_pages: int = 1, at: datetime | None = None
    ) -> Fetched:
        now = at or datetime.now(UTC)
        if source == "campaigns":
            campaigns = await self.client.campaigns_status()
            return Fetched(
                tuple(adapter.campaign_from_wire(c, now) for c in campaigns.records),
                warnings=len(campaigns.warnings),
            )
        if source == "queues":
            queues, spent = await self._queue_status()
            return Fetched(
                tuple(adapter.queue_from_wire(q, now) for q in queues.records),
                warnings=len(queues.warnings),
                requests=spent,
            )
        if source == "agents":
            queues, spent = await self._queue_status()
            agents, bad = adapter.agents_from_queues(queues.records, now)
            return Fetched(agents, warnings=bad, requests=spent)
        raise ValueError(f"FonoUC does not provide {source!r}")

    async def _queue_status(self) -> tuple[wire.ParsedBatch[wire.QueueStatus], int]:
        """The queue status, shared between `queues` and `agents` (module docstring); with the
        requests spent getting it (0 when shared)."""
        async with self._queues_lock:
            cached = self._queues
            if cached is not None and time.monotonic() - cached[0] < SHARE_WINDOW_S:
                return cached[1], 0
            batch = await self.client.queues_status()
            self._queues = (time.monotonic(), batch)
            return batch, 1

    async def aclose(self) -> None:
        await self.client.aclose()


def _family(state: BudgetState) -> BudgetFamily:
    minute = next((w for w in state.windows if w.seconds == 60.0), state.windows[0])
    return BudgetFamily(
        family=state.family.replace("_", " "),
        limit_per_minute=round(minute.limit * 60.0 / minute.seconds),
        available=float(state.remaining),
        retry_after_s=state.next_free_in if state.backing_off else None,
    )
