"""Fixtures for the action layer: a layer on the simulator (real HTTP) and its audit log."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from action_helpers import MakeLayer, settings

from wallboard.actions import ActionLayer
from wallboard.audit import AuditLog
from wallboard.budget import BudgetRegistry, default_families
from wallboard.config import ActionsConfig
from wallboard.providers.ringcx.client import RingCxClient
from wallboard.sim.server import SimServer


@pytest.fixture
def audit_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "audit.jsonl"


@pytest.fixture
async def make_layer(sim: SimServer, audit_path: Path) -> AsyncIterator[MakeLayer]:
    """`make_layer(user="supervisor", read_only=False, settings=..., budgets=...)`: a layer
    signed in to `sim` with the user's long-lived API token, auditing to `audit_path`."""
    clients: list[RingCxClient] = []
    registry = BudgetRegistry(default_families())

    def make(
        *,
        user: str = "supervisor",
        read_only: bool = False,
        actions: ActionsConfig | None = None,
        budgets: BudgetRegistry | None = None,
        auth: str = "api_token",
    ) -> ActionLayer:
        config = sim.account_config(auth=auth, user=user)  # type: ignore[arg-type]
        client = RingCxClient(config, budgets=budgets or registry, retry_backoff=0.01)
        clients.append(client)
        for secret in (config.api_token, config.client_secret, config.jwt, config.client_id):
            client.redactor.add(secret)
        return ActionLayer(
            client,
            AuditLog(audit_path, redactor=client.redactor),
            account="sim",
            operator="dana",
            settings=actions or settings(),
            read_only=read_only,
        )

    yield make
    for client in clients:
        await client.aclose()
