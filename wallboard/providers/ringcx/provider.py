"""RingCX as a `Provider`: the poller's view of one RingCX account.

Why a thin layer over `RingCxClient`: the client speaks RingCX (wire records, typed errors); the
poller speaks sources and budgets. This class maps one to the other and owns nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from operator import attrgetter
from typing import TypeVar

from pydantic import BaseModel

from wallboard.budget import BudgetRegistry, BudgetState
from wallboard.config import AccountConfig
from wallboard.domain import ActiveCall, BudgetFamily, SourceName
from wallboard.providers.base import Fetched, PollCapacity
from wallboard.providers.ringcx import adapter
from wallboard.providers.ringcx.client import RingCxClient
from wallboard.providers.ringcx.wire import ActiveCallListResponse, ParsedBatch

#: Rows per page of `activeCalls/list`. The seed leaves `maxRows` open; 1,000 keeps a page small
#: enough to parse in a few milliseconds and 10,000 calls within 10 requests.
PAGE_SIZE = 1000

#: Every wire field `adapter.call_from_wire` reads: equal fields, equal domain record.
_CALL_FIELDS = attrgetter(
    "uii",
    "ani",
    "dnis",
    "dnisE164",
    "enqueueTime",
    "dequeueTime",
    "callState",
    "archive",
    "agentFirstName",
    "agentLastName",
    "destinationName",
    "externalId",
)

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
        self._known_calls: dict[str, tuple[tuple[object, ...], ActiveCall]] = {}
        """Last listing's calls by uii: their wire fields and domain record."""

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
            batch = await client.agent_stats()
            return Fetched(
                tuple(adapter.agent_from_wire(w, now) for w in batch.records),
                warnings=len(batch.warnings),
            )
        listing = await client.active_calls(page_size=self._page_size, max_pages=max_pages)
        return Fetched(
            self._calls_from_wire(listing.records),
            warnings=len(listing.warnings),
            truncated=listing.truncated,
            requests=listing.pages,
        )

    def _calls_from_wire(self, records: Iterable[ActiveCallListResponse]) -> tuple[ActiveCall, ...]:
        """Domain calls of a listing, re-using last listing's record of each call whose wire
        fields did not change (most of them, poll to poll). Why: at 10,000 calls, mapping
        every call again cost more than comparing, and a re-used record keeps the store, the
        snapshot and the screen on one object instead of a fresh copy of each call a cycle."""
        known = self._known_calls
        seen: dict[str, tuple[tuple[object, ...], ActiveCall]] = {}
        calls: list[ActiveCall] = []
        for wire in records:
            fields = _CALL_FIELDS(wire)
            hit = known.get(wire.uii)
            call = hit[1] if hit is not None and hit[0] == fields else adapter.call_from_wire(wire)
            seen[wire.uii] = (fields, call)
            calls.append(call)
        self._known_calls = seen
        return tuple(calls)

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
