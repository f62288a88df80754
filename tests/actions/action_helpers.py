"""Helpers shared by the action tests (a module of its own: test directories are not packages)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wallboard.actions import ActionLayer
from wallboard.config import ActionsConfig
from wallboard.sim.server import SimServer

SUPERVISOR_PHONE = "+15554150123"
CALLER_ID = "8005550100"

MakeLayer = Callable[..., ActionLayer]


def settings(**changes: Any) -> ActionsConfig:
    base: dict[str, Any] = {
        "supervisor_phone": SUPERVISOR_PHONE,
        "caller_id": CALLER_ID,
        "dispositions": ("SALE", "NO_SALE", "CALLBACK", "RESOLVED"),
    }
    return ActionsConfig.model_validate({**base, **changes})


def calls_in(sim: SimServer, phase: str) -> list[dict[str, Any]]:
    found = []
    for record in sim.center.active_calls():
        inspected = sim.center.inspect_call(record["uii"])
        if inspected and inspected["phase"] == phase:
            found.append(inspected)
    return found


def connected_uii(sim: SimServer, index: int = 0) -> str:
    calls = calls_in(sim, "CONNECTED")
    assert len(calls) > index, "the simulated center should have calls with agents"
    return str(calls[index]["uii"])


def audit_lines(path: Path) -> list[dict[str, Any]]:
    """Every line of the audit file, decoded (each must be one JSON object)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def control_requests(sim: SimServer) -> int:
    """Requests that reached the simulator's call-control endpoints (POSTs on active calls)."""
    return sum(
        1
        for entry in sim.requests.entries()
        if "/activeCalls/" in entry.path and not entry.path.endswith("/list")
    )


def secrets_of(sim: SimServer) -> list[str]:
    creds = sim.credentials
    values = [creds.client_id, creds.client_secret]
    for user in ("supervisor", "viewer"):
        values += [creds.jwt(user), creds.api_token(user)]
    return [value for value in values if value]


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def block_file(path: Path) -> None:
    """Put a directory where `path` should be a file, so every write to it fails."""
    path.mkdir(parents=True)
