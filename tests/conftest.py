"""Shared fixtures: a running simulated contact center per test, and ways to sign in to it.

The `sim` fixture is a plain (sync) fixture, so sync and async tests both use it. By default its
clock is frozen (speed 0) at a fixed winter weekday morning in US/Eastern, so tests are
deterministic and move time only with `sim.clock.advance()`. Mark a test to change that:

    @pytest.mark.sim(speed=60, settings=SimSettings(scale=PRESETS["medium"]))

Every keyword of the marker goes to `SimServer`. `sim_factory` starts more servers (or servers
with other limits) and stops them all at the end of the test.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from wallboard.sim.server import SimServer

#: 10:00 in US/Eastern on a winter Wednesday: a busy contact center, counters well under way.
WINTER_MORNING = datetime(2025, 1, 15, 15, 0, tzinfo=UTC)

SimFactory = Callable[..., SimServer]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes more than ~20 s; deselect with -m 'not slow'")
    config.addinivalue_line("markers", "sim(**kwargs): SimServer options for the `sim` fixture")


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads the developer's config or writes to their data directory, and no
    WALLBOARD_* variable of the shell leaks into a test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.chdir(home)
    for name in [n for n in os.environ if n.startswith("WALLBOARD_")]:
        monkeypatch.delenv(name)


@pytest.fixture
def sim_factory() -> Iterator[SimFactory]:
    """Start servers on free ports (frozen clock at WINTER_MORNING unless told otherwise)."""
    started: list[SimServer] = []

    def make(**kwargs: Any) -> SimServer:
        kwargs.setdefault("speed", 0.0)
        kwargs.setdefault("start", WINTER_MORNING)
        server = SimServer(**kwargs).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def sim(request: pytest.FixtureRequest, sim_factory: SimFactory) -> SimServer:
    """A started simulator; options from an optional `@pytest.mark.sim(...)`."""
    marker = request.node.get_closest_marker("sim")
    return sim_factory(**(marker.kwargs if marker else {}))


def _sign_in(sim: SimServer, user: str = "supervisor", include_refresh: bool = True) -> Any:
    """The full JWT sign-in over HTTP; returns the RingCX token answer (a dict)."""
    creds = sim.credentials
    with httpx.Client(base_url=sim.base_url, timeout=10) as client:
        grant = client.post(
            "/restapi/oauth/token",
            auth=(creds.client_id, creds.client_secret),
            data={
                "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                "assertion": creds.jwt(user),
            },
        )
        grant.raise_for_status()
        exchanged = client.post(
            "/api/auth/login/rc/accesstoken",
            params={"includeRefresh": "true" if include_refresh else "false"},
            data={"rcAccessToken": grant.json()["access_token"], "rcTokenType": "Bearer"},
        )
        exchanged.raise_for_status()
        return exchanged.json()


@pytest.fixture
def sign_in() -> Callable[..., Any]:
    """`sign_in(sim, user="supervisor")` → the RingCX token answer (uses one token exchange)."""
    return _sign_in


@pytest.fixture
def bearer() -> Callable[..., dict[str, str]]:
    """`bearer(sim, user="supervisor")` → headers carrying a fresh RingCX access token."""

    def headers(sim: SimServer, user: str = "supervisor") -> dict[str, str]:
        return {"Authorization": f"Bearer {_sign_in(sim, user)['accessToken']}"}

    return headers


@pytest.fixture
def api_headers() -> Callable[..., dict[str, str]]:
    """`api_headers(sim, user="supervisor")` → headers with the user's long-lived API token
    (no token exchange, so no exchange budget spent)."""

    def headers(sim: SimServer, user: str = "supervisor") -> dict[str, str]:
        return {"X-Auth-Token": sim.credentials.api_token(user)}

    return headers


@pytest.fixture
def client(sim: SimServer, api_headers: Callable[..., dict[str, str]]) -> Iterator[httpx.Client]:
    """An httpx client on the `sim` fixture, signed in as the supervisor with the API token."""
    with httpx.Client(base_url=sim.base_url, headers=api_headers(sim), timeout=30) as c:
        yield c
