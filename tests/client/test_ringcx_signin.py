"""Signing in to the simulator over loopback exactly as to RingCX: JWT grant, exchange, refresh,
expiry, API token, account discovery; and secrets that never show anywhere.

Traffic is asserted from the simulator's RequestLog (what the server actually received)."""

from __future__ import annotations

import logging
import traceback
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import anyio
import httpx
import pytest

from wallboard.budget import BudgetRegistry
from wallboard.providers.ringcx.client import RingCxClient
from wallboard.providers.ringcx.errors import (
    AuthenticationError,
    CallNotActive,
    InvalidRequest,
    PermissionDenied,
    RateLimited,
    RingCxError,
)
from wallboard.sim.server import SimServer

GRANT = "/restapi/oauth/token"
EXCHANGE = "/api/auth/login/rc/accesstoken"
REFRESH = "/api/auth/token/refresh"
OUTBOUND = "/realTimeData/outbound"

MakeClient = Callable[..., RingCxClient]


class FakeClock:
    """The client's monotonic clock, moved by the test in step with the simulator's clock."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def make_client(sim: SimServer) -> AsyncIterator[MakeClient]:
    """`make_client(auth="jwt", user="supervisor", account={...overrides}, **client_options)`.
    All clients of one test share a fresh budget registry (one account, one budget)."""
    registry = BudgetRegistry()
    clients: list[RingCxClient] = []

    def make(
        *,
        auth: str = "jwt",
        user: str = "supervisor",
        account: dict[str, Any] | None = None,
        **options: Any,
    ) -> RingCxClient:
        config = sim.account_config(auth=auth, user=user)  # type: ignore[arg-type]
        if account:  # validated again, so a plain string becomes the SecretStr it must be
            config = type(config).model_validate({**config.model_dump(), **account})
        options.setdefault("budgets", registry)
        options.setdefault("retry_backoff", 0.01)
        client = RingCxClient(config, **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


def count(sim: SimServer, path: str, status: int | None = None) -> int:
    return sim.requests.count(path_contains=path, status=status)


async def test_the_whole_jwt_flow(sim: SimServer, make_client: MakeClient) -> None:
    client = make_client()
    await client.sign_in()
    outbound = await client.outbound_stats()
    agents = await client.agent_stats()
    assert outbound.records and agents.records
    assert count(sim, GRANT, 200) == 1
    assert count(sim, EXCHANGE, 200) == 1
    assert count(sim, OUTBOUND, 200) == 1
    assert count(sim, REFRESH) == 0
    # Every RingCX request went out with the exchanged bearer token, never anything else.
    tokens = {e.token for e in sim.requests.entries() if "/realTimeData/" in e.path}
    assert len(tokens) == 1 and None not in tokens


async def test_proactive_refresh_before_the_token_expires(
    sim: SimServer, make_client: MakeClient
) -> None:
    clock = FakeClock()
    client = make_client(clock=clock)
    await client.outbound_stats()
    for _ in range(3):  # three token lifetimes, at accelerated speed: only refreshes, no 401
        sim.clock.advance(250)
        clock.now += 250
        await client.outbound_stats()
    assert count(sim, REFRESH, 200) == 3
    assert count(sim, EXCHANGE) == 1 and count(sim, GRANT) == 1
    assert sim.requests.count(status=401) == 0
    assert count(sim, OUTBOUND, 200) == 4


async def test_expired_token_means_one_reauthentication_and_one_retry(
    sim: SimServer, make_client: MakeClient
) -> None:
    client = make_client()  # its clock does not move: it cannot know the token expired
    await client.outbound_stats()
    sim.clock.advance(301)
    await client.outbound_stats()
    assert count(sim, OUTBOUND, 401) == 1
    assert count(sim, REFRESH, 200) == 1
    assert count(sim, OUTBOUND, 200) == 2
    assert count(sim, EXCHANGE) == 1


@pytest.mark.sim(speed=1.0, token_ttl=0.001)
async def test_a_second_expired_answer_is_an_error_not_a_loop(
    sim: SimServer, make_client: MakeClient
) -> None:
    client = make_client()  # every token the simulator issues is dead on arrival
    with pytest.raises(AuthenticationError):
        await client.outbound_stats()
    assert count(sim, OUTBOUND, 401) == 2
    assert count(sim, REFRESH) == 1


async def test_a_failed_refresh_falls_back_to_a_fresh_exchange(
    sim: SimServer, make_client: MakeClient
) -> None:
    clock = FakeClock()
    client = make_client(clock=clock)
    await client.outbound_stats()
    sim.faults.add("server_error", family="auth", path=REFRESH, status=500)
    sim.clock.advance(250)
    clock.now += 250
    await client.outbound_stats()
    assert count(sim, REFRESH, 500) == 1  # a refresh is not retried: the exchange is the retry
    assert count(sim, EXCHANGE, 200) == 2
    assert count(sim, GRANT) == 1  # the RingCentral token was still good
    assert count(sim, OUTBOUND, 200) == 2


async def test_the_exchange_budget_of_five_per_minute_is_respected(
    sim: SimServer, make_client: MakeClient
) -> None:
    clients = [make_client() for _ in range(6)]  # one account, one shared budget
    for client in clients[:5]:
        await client.sign_in()
    auth = clients[0].budget_state()["auth"]
    assert auth.remaining == 0 and auth.next_free_in > 50
    with anyio.move_on_after(0.5) as scope:
        await clients[5].sign_in()  # waits for the window instead of earning a 429
    assert scope.cancelled_caught
    assert count(sim, EXCHANGE) == 5
    assert sim.requests.count(status=429) == 0


async def test_api_token_sign_in(sim: SimServer, make_client: MakeClient) -> None:
    client = make_client(auth="api_token")
    await client.sign_in()
    assert (await client.inbound_stats()).records
    assert sim.requests.count(family="auth") == 0  # nothing to exchange or refresh
    assert client.auth_mode == "api_token"


async def test_sub_account_discovered_when_not_configured(
    sim: SimServer, make_client: MakeClient
) -> None:
    client = make_client(account={"sub_account_id": None})
    assert client.sub_account_id is None
    await client.sign_in()
    assert client.sub_account_id == sim.settings.sub_account_id
    assert count(sim, "/voice/api/v1/admin/accounts", 200) == 1
    assert (await client.ivr_stats()).records is not None


async def test_rc_account_id_discovered_with_jwt(sim: SimServer, make_client: MakeClient) -> None:
    client = make_client(account={"rc_account_id": None})
    sim.clock.advance(3600 + 600)  # reports need data at least five minutes old
    end = sim.clock.now().replace(minute=0, second=0, microsecond=0)
    await client.queue_interval_stats(end - timedelta(hours=1), end, 900)
    assert client.rc_account_id == sim.settings.rc_account_id
    assert count(sim, "/restapi/v1.0/account/~", 200) == 1


async def test_a_new_api_token_can_be_created_and_used(
    sim: SimServer, make_client: MakeClient
) -> None:
    token = await make_client().create_api_token()
    assert token.get_secret_value() not in repr(token)
    other = make_client(auth="api_token", account={"api_token": token})
    assert (await other.agent_stats()).records


async def test_wrong_credentials_fail_clearly(sim: SimServer, make_client: MakeClient) -> None:
    client = make_client(account={"client_secret": "not-the-secret-at-all"})
    with pytest.raises(AuthenticationError, match="client_id, client_secret and jwt"):
        await client.sign_in()


# --- secrets -----------------------------------------------------------------------------------


async def test_secrets_never_appear_in_logs_errors_or_reprs(
    sim: SimServer,
    make_client: MakeClient,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    issued: set[str] = set()

    async def keep_tokens(response: httpx.Response) -> None:
        """Collect every token the platform hands out, to search for them afterwards."""
        if any(p in response.url.path for p in (GRANT, EXCHANGE, REFRESH, "/admin/token")):
            await response.aread()
            if response.headers.get("content-type", "").startswith("application/json"):
                body = response.json()
                for key in ("access_token", "refresh_token", "accessToken", "refreshToken"):
                    if isinstance(body.get(key), str):
                        issued.add(body[key])
            else:
                issued.add(response.text.strip())

    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "wallboard", "uvicorn"):
        logging.getLogger(name).setLevel(logging.DEBUG)

    http = httpx.AsyncClient(event_hooks={"response": [keep_tokens]}, timeout=10)
    clock = FakeClock()
    errors: list[BaseException] = []
    texts: list[str] = []
    try:
        client = make_client(http=http, clock=clock, read_max_wait=5.0)
        viewer = make_client(user="viewer")
        api = make_client(auth="api_token")
        texts += [repr(client), repr(viewer), repr(api), repr(client._auth), str(vars(client))]
        await client.sign_in()
        await client.outbound_stats()
        sim.clock.advance(301)  # expired → re-authenticate
        await client.outbound_stats()
        sim.clock.advance(250)
        clock.now += 600  # proactive refresh
        await client.agent_stats()
        texts.append(repr(await client.create_api_token()))
        await api.agent_stats()
        calls = [
            lambda: viewer.hangup_call("1234567"),
            lambda: client.hangup_call("9999999999999"),
            lambda: client.hangup_call("12/34"),
        ]
        for call in calls:
            try:
                await call()
            except RingCxError as error:
                errors.append(error)
        sim.faults.add("rate_limit", family="realtime", retry_after=30, count=1)
        try:
            await client.outbound_stats()
        except RingCxError as error:
            errors.append(error)
        bad = make_client(account={"jwt": "bogus.jwt.credential-value"})
        try:
            await bad.sign_in()
        except RingCxError as error:
            errors.append(error)
    finally:
        await http.aclose()

    assert [type(e) for e in errors] == [
        PermissionDenied,
        CallNotActive,
        InvalidRequest,
        RateLimited,
        AuthenticationError,
    ]
    creds = sim.credentials
    secrets = {
        creds.client_id,
        creds.client_secret,
        creds.jwt("supervisor"),
        creds.jwt("viewer"),
        creds.api_token("supervisor"),
        "bogus.jwt.credential-value",
        *issued,
    }
    assert len(issued) >= 5  # RC token, two RingCX access tokens and refresh tokens, API token
    for error in errors:
        texts += [str(error), repr(error), "".join(traceback.format_exception(error))]
    captured = capsys.readouterr()
    texts += [record.getMessage() for record in caplog.records]
    texts += [captured.out, captured.err, caplog.text]
    assert len(caplog.records) > 10  # httpx and httpcore really did log at DEBUG
    for secret in secrets:
        for text in texts:
            assert secret not in text
