"""The first cycle's early views: campaign numbers on screen before a long call listing ends.

The listing is held back until a view has been published (a gate on the provider), so the test
proves the order of events without measuring any time: if the poller published only at the end
of the cycle, the gate would never open and the listing would fail.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

import anyio
import pytest

from wallboard.domain import SourceName, SourceResult
from wallboard.poller import Poller
from wallboard.providers.base import Fetched
from wallboard.providers.ringcx.provider import RingCxProvider
from wallboard.sim.server import SimServer
from wallboard.store import Store, View

MakeGated = Callable[..., tuple[Poller, list[View]]]


class GatedProvider(RingCxProvider):
    """Lists calls only once a view has been published (bounded, never a wall-clock
    assertion: a listing that waits in vain fails as a source, and the test says why)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.published = anyio.Event()
        self.listings = 0

    def seen(self, view: View) -> None:
        """A store callback: it runs on the publishing worker thread."""
        anyio.from_thread.run_sync(self.published.set)

    async def fetch(
        self, source: SourceName, *, max_pages: int = 1, at: datetime | None = None
    ) -> Fetched:
        if source == "calls" and self.listings == 0:
            with anyio.move_on_after(10):
                await self.published.wait()
        if source == "calls":
            self.listings += 1
        return await super().fetch(source, max_pages=max_pages, at=at)


@pytest.fixture
async def make_gated() -> AsyncIterator[MakeGated]:
    """`make_gated(sim, page_size)`: a poller on a gated provider, and the views it publishes."""
    providers: list[RingCxProvider] = []

    def make(sim: SimServer, page_size: int) -> tuple[Poller, list[View]]:
        views: list[View] = []
        provider = GatedProvider("sim", sim.account_config(auth="api_token"), page_size=page_size)
        providers.append(provider)
        store = Store()
        store.on_view(views.append)
        store.on_view(provider.seen)
        return Poller(provider, store, now=sim.clock.now), views

    yield make
    for provider in providers:
        await provider.aclose()


async def test_first_view_comes_before_a_long_call_listing_ends(
    sim: SimServer, make_gated: MakeGated
) -> None:
    poller, views = make_gated(sim, page_size=10)  # ~80 calls: a listing of several pages
    final = await poller.poll_once()
    early = views[0]
    assert early is not final and early.snapshot.cycle == final.snapshot.cycle == 1
    assert "calls" in early.waiting and not early.calls
    assert "calls" not in early.sources  # nothing to report: not "0 shown", not stale
    assert early.stale_sources == () and early.snapshot.stale_sources() == ()
    assert all(status.ok for status in early.sources.values())
    assert all(a.rule != "stale-data" for a in early.alerts)  # loading is not stale
    assert views[-1] is final and final.waiting == ()
    assert set(final.sources) == {"campaigns", "ivr", "queues", "agents", "calls"}
    assert final.calls and final.sources["calls"].ok
    assert set(final.calls) == {str(c["uii"]) for c in sim.center.active_calls()}


async def test_later_cycles_publish_once(sim: SimServer, make_gated: MakeGated) -> None:
    poller, views = make_gated(sim, page_size=10)
    await poller.poll_once()
    first_cycle = len(views)
    assert first_cycle >= 2
    sim.clock.advance(15)
    second = await poller.poll_once()
    assert len(views) == first_cycle + 1 and views[-1] is second
    assert second.waiting == ()


async def test_a_short_listing_publishes_the_first_cycle_once(
    sim: SimServer, make_gated: MakeGated
) -> None:
    poller, views = make_gated(sim, page_size=1000)  # every call fits one page
    provider = poller.provider
    assert isinstance(provider, GatedProvider)
    provider.listings = 1  # no gate: nothing is held back here
    view = await poller.poll_once()
    assert views == [view] and view.calls


def test_a_waiting_source_is_neither_stale_nor_failed() -> None:
    waiting: SourceResult[Any] = SourceResult(source="calls", waiting=True)
    assert waiting.ok and waiting.polled_at is None
    assert not waiting.is_stale(datetime.now().astimezone(), 15.0)
    assert SourceResult(source="calls").is_stale(datetime.now().astimezone(), 15.0)
