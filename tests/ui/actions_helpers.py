"""Helpers for the call-action screen tests (no tests here; a module the test files import).

The app is built by `build_app`, as the CLI builds it, for an account pointing at the `sim`
fixture over real loopback HTTP (frozen clock, so the calls stay put while a test acts), with
the account's long-lived API token of a chosen demo user.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from demo_helpers import until
from textual.pilot import Pilot

from wallboard.config import WallboardConfig
from wallboard.sim.server import SimServer
from wallboard.ui.app import WallboardApp
from wallboard.ui.calls import CallsPane
from wallboard.ui.factory import AppOptions, build_app

SIZE = (200, 60)
SUPERVISOR_PHONE = "+15554150123"
CALLER_ID = "8005550100"
DISPOSITIONS = ("SALE", "NO_SALE", "CALLBACK", "RESOLVED")
ACTION_KEYS = ("m", "c", "b", "r", "o", "e", "d", "k", "h", "x", "n")


def sim_app(
    sim: SimServer,
    data_dir: Path,
    *,
    user: str = "supervisor",
    actions: dict[str, Any] | None = None,
    account: dict[str, Any] | None = None,
    **options: Any,
) -> WallboardApp:
    """The wallboard on `sim` as `user`, auditing into `data_dir`."""
    fields = sim.account_config(auth="api_token", user=user).model_dump(exclude_none=True)
    settings = {
        "supervisor_phone": SUPERVISOR_PHONE,
        "caller_id": CALLER_ID,
        "dispositions": list(DISPOSITIONS),
    }
    config = WallboardConfig.model_validate(
        {
            "accounts": {"sim": {**fields, **(account or {})}},
            "actions": settings if actions is None else actions,
            "history": {"enabled": False},
            "data_dir": str(data_dir),
            "operator": "dana",
        }
    )
    return build_app(config, AppOptions(account="sim", keep_history=False, **options))


async def ready(pilot: Pilot[None], app: WallboardApp) -> None:
    await until(pilot, lambda: app.views_applied >= 1 and app.core is not None, "the first view")


async def select(pilot: Pilot[None], app: WallboardApp, uii: str) -> None:
    """Put the calls pane's cursor on `uii` (focused, as a supervisor would)."""
    pane = app.query_one(CallsPane)
    await until(pilot, lambda: uii in pane.table.order, f"call {uii} on the screen")
    assert pane.select(uii)
    await pilot.pause()
    assert pane.selected_uii == uii


async def finished(pilot: Pilot[None], app: WallboardApp, count: int) -> None:
    await until(pilot, lambda: app.actions_finished >= count, f"{count} action(s) to finish")


def notices(app: WallboardApp) -> list[str]:
    return [n.message for n in app._notifications]


def calls_in(sim: SimServer, phase: str) -> list[dict[str, Any]]:
    found = []
    for record in sim.center.active_calls():
        inspected = sim.center.inspect_call(record["uii"])
        if inspected and inspected["phase"] == phase:
            found.append(inspected)
    return found


def connected(sim: SimServer, index: int = 0) -> str:
    calls = calls_in(sim, "CONNECTED")
    assert len(calls) > index, "the simulated center should have calls with agents"
    return str(calls[index]["uii"])


def inspect(sim: SimServer, uii: str) -> dict[str, Any]:
    found = sim.center.inspect_call(uii)
    assert found is not None, f"call {uii} is unknown to the simulator"
    return found


def control_requests(sim: SimServer) -> int:
    """Requests that reached the simulator's call-control endpoints."""
    return sum(
        1
        for entry in sim.requests.entries()
        if "/activeCalls/" in entry.path and not entry.path.endswith("/list")
    )


def audit_lines(app: WallboardApp) -> list[dict[str, Any]]:
    """The audit file the app's layer writes, one JSON object a line."""
    assert app.action_layer is not None
    path = app.action_layer.audit.path
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def row_text(app: WallboardApp, uii: str) -> str:
    table = app.query_one(CallsPane).table
    return "".join(segment.text for segment in table._segments(uii, False))
