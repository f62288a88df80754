"""Fixtures for the FonoUC tests: a simulated FonoUC tenant on a real socket, and a client.

The tenant's clock is frozen at the same winter morning as the RingCX `sim` fixture; tests move
it with `fonouc_sim.clock.advance(seconds)`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest

from wallboard.budget import BudgetRegistry
from wallboard.providers.fonouc.client import FonoucClient, fonouc_families
from wallboard.sim.fonouc.server import FonoucSimServer

WINTER_MORNING = datetime(2025, 1, 15, 15, 0, tzinfo=UTC)
ACCESS_TTL = 600.0


@pytest.fixture
def fonouc_sim() -> Iterator[FonoucSimServer]:
    server = FonoucSimServer(speed=0.0, start=WINTER_MORNING, access_ttl=ACCESS_TTL)
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def fonouc_client(fonouc_sim: FonoucSimServer) -> AsyncIterator[FonoucClient]:
    """A client with its own budgets (tests must not share the process-wide ones)."""
    client = FonoucClient(
        fonouc_sim.fonouc_account_config(), budgets_registry=BudgetRegistry(fonouc_families())
    )
    yield client
    await client.aclose()


@pytest.fixture
def access_ttl() -> float:
    """Simulated seconds an access token of `fonouc_sim` lives."""
    return ACCESS_TTL
