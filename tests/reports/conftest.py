"""Fixtures for the report tests: a report service on the simulator, and a fake clock.

Two ways to live with the reports limit (2 a minute, 9 per 15 minutes):
- tests about shapes lift the simulator's limits and widen the client's reports family
  (`wide_service`), so they send what they need at once;
- the pacing test shares one `FakeClock` between the client's budget and the simulator's
  limiter, so the budget is proven by what the server counted without waiting real minutes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

import pytest

from wallboard.budget import BudgetRegistry, FamilySpec, Window, default_families
from wallboard.providers.ringcx.client import RingCxClient
from wallboard.report_cache import ReportCache
from wallboard.reports import ReportService
from wallboard.sim.server import SimServer


class FakeClock:
    """Monotonic seconds that move only when someone sleeps."""

    def __init__(self) -> None:
        self.t = 1_000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.t += max(0.0, seconds)


def wide_registry() -> BudgetRegistry:
    families = default_families()
    families["reports"] = FamilySpec("reports", (Window(100, 60.0),))
    return BudgetRegistry(families)


MakeService = Callable[..., ReportService]


@pytest.fixture
async def make_service() -> AsyncIterator[MakeService]:
    """`make_service(sim, cache=None, registry=None, **options)`: a service on `sim` signed in
    with the API token; the platform's "now" is the simulator's clock."""
    clients: list[RingCxClient] = []

    def make(
        sim: SimServer,
        *,
        cache: ReportCache | None = None,
        registry: BudgetRegistry | None = None,
        **options: Any,
    ) -> ReportService:
        config = sim.account_config(auth="api_token")
        client = RingCxClient(config, budgets=registry or wide_registry(), retry_backoff=0.01)
        clients.append(client)
        now: Callable[[], datetime] = sim.clock.now
        return ReportService(client, zone=config.timezone, cache=cache, now=now, **options)

    yield make
    for client in clients:
        await client.aclose()


def _report_requests(sim: SimServer, name: str = "agg-", status: int | None = None) -> int:
    return sim.requests.count(path_contains=name, status=status)


CountRequests = Callable[..., int]


@pytest.fixture
def report_requests() -> CountRequests:
    """`report_requests(sim, name="agg-", status=None)`: report requests the simulator saw
    (by path fragment and optionally status)."""
    return _report_requests


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()
