"""Client pieces that need no simulator: error mapping, local validation, token lifetimes,
redaction, and the core's independence from Textual. A scripted `httpx.MockTransport` stands in
for the network where one is needed."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest
from pydantic import SecretStr

from wallboard.budget import BudgetRegistry
from wallboard.config import AccountConfig
from wallboard.providers.ringcx.auth import token_lifetime
from wallboard.providers.ringcx.client import RingCxClient
from wallboard.providers.ringcx.errors import (
    ActionFailed,
    AuthenticationError,
    CallNotActive,
    ConfigurationError,
    InvalidRequest,
    MalformedResponse,
    NotFound,
    PermissionDenied,
    PlatformUnavailable,
    RateLimited,
    RingCxError,
    error_from_response,
)
from wallboard.redact import Redactor

API_TOKEN = "0f3c2a9e-5b1d-4c7e-9a2f-6d8e1b4c3a70"
SUB = "12440011"


def account(**fields: object) -> AccountConfig:
    base: dict[str, object] = {
        "ringcx_url": "https://ringcx.example.test",
        "platform_url": "https://platform.example.test",
        "api_token": API_TOKEN,
        "sub_account_id": SUB,
    }
    base.update(fields)
    return AccountConfig.model_validate(base)


Handler = Callable[[httpx.Request], httpx.Response]


def scripted(handler: Handler) -> tuple[httpx.AsyncClient, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    return httpx.AsyncClient(transport=httpx.MockTransport(record)), seen


def client_for(handler: Handler, **fields: object) -> tuple[RingCxClient, list[httpx.Request]]:
    http, seen = scripted(handler)
    client = RingCxClient(account(**fields), budgets=BudgetRegistry(), http=http, retry_backoff=0.0)
    return client, seen


# --- error mapping -----------------------------------------------------------------------------


def answer(status: int, body: object = None, text: str | None = None) -> httpx.Response:
    if text is not None:
        return httpx.Response(status, text=text)
    return httpx.Response(status, json=body)


@pytest.mark.parametrize(
    ("response", "uii", "kind"),
    [
        (answer(401, text="Jwt is expired"), None, AuthenticationError),
        (answer(404, {"errorCode": "not.found"}), "2020", CallNotActive),
        (answer(404, {"errorCode": "not.found"}), None, NotFound),
        (answer(500, text="<html>oops</html>"), None, PlatformUnavailable),
        (answer(503, text=""), None, PlatformUnavailable),
        (answer(418, text="teapot"), None, RingCxError),
    ],
)
def test_status_maps_to_a_typed_error(
    response: httpx.Response, uii: str | None, kind: type[RingCxError]
) -> None:
    error = error_from_response(response, what="op", redactor=Redactor(), uii=uii)
    assert type(error) is kind
    assert error.status == response.status_code


def test_permission_denied_carries_the_general_message() -> None:
    body = {
        "errorCode": "access.denied.exception",
        "generalMessage": "You do not have permission to access this resource",
        "timestamp": 1611847650696,
    }
    error = error_from_response(answer(403, body), what="hangupCall", redactor=Redactor())
    assert isinstance(error, PermissionDenied)
    assert error.general_message == "You do not have permission to access this resource"
    assert error.error_code == "access.denied.exception"
    assert "You do not have permission" in str(error)


def test_invalid_request_carries_validation_errors() -> None:
    body = {
        "errorCode": "request.validation.failure",
        "generalMessage": "Request validation failed: sessionType",
        "validationErrors": [
            {"attributeName": "sessionType", "message": "must be MONITOR", "value": "X"}
        ],
    }
    error = error_from_response(answer(400, body), what="addSessionToCall", redactor=Redactor())
    assert isinstance(error, InvalidRequest)
    assert [item.attributeName for item in error.validation_errors] == ["sessionType"]
    assert "sessionType: must be MONITOR" in str(error)


def test_quoted_bodies_are_scrubbed() -> None:
    secret = "s3cr3t-token-value-123"
    response = answer(401, text=f"token {secret} is not valid")
    error = error_from_response(response, what="op", redactor=Redactor([secret]))
    assert secret not in str(error) and "***" in str(error)


def test_redactor_ignores_short_values_and_masks_longest_first() -> None:
    redactor = Redactor(["abc", "tokenABCDEF", "tokenABCDEF-longer", SecretStr("hidden-value")])
    text = redactor.scrub("abc tokenABCDEF-longer tokenABCDEF hidden-value")
    assert text == "abc *** *** ***"
    assert "hidden" not in repr(redactor)


# --- local validation: nothing is sent ---------------------------------------------------------


def never(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"nothing should be sent, got {request.url}")


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.hangup_call("12/../34"),
        lambda c: c.hangup_call("20200508104044?x=1"),
        lambda c: c.hangup_call(""),
        lambda c: c.add_session("2020", "+15554150123", "LISTEN"),
        lambda c: c.add_session("2020", "call me", "MONITOR"),
        lambda c: c.hangup_session("2020", "555-0123"),
        lambda c: c.requeue("2020", "7; DROP"),
        lambda c: c.disposition("2020", "SALE", callback=True),
        lambda c: c.disposition("2020", "SALE", callback=True, callback_dts="tomorrow"),
        lambda c: c.create_manual_agent_call("a@b.com", "6501234567", 0, "6501234567"),
        lambda c: c.active_calls(product="account; x"),
        lambda c: c.recording("../etc", "1"),
        lambda c: c.queue_interval_stats("2025-01-06 09:00", "2025-01-06 10:00", 900),
        lambda c: c.queue_interval_stats("2025-01-06 09:00:00", "2025-01-06 10:00:00", 600),
        lambda c: c.queue_interval_stats("2025-01-06 09:00:00", "2025-01-06 13:00:00", 900),
        lambda c: c.interaction_metadata("2025-01-06 09:00:00", 20_000),
        lambda c: c.agent_interval_stats(
            "2025-01-06 09:00:00", "2025-01-06 10:00:00", 900, "Mars/Olympus"
        ),
    ],
)
async def test_bad_values_are_refused_before_sending(
    call: Callable[[RingCxClient], object],
) -> None:
    client, seen = client_for(never, rc_account_id="37439510")
    async with client:
        with pytest.raises(InvalidRequest) as caught:
            await call(client)  # type: ignore[misc]
    assert caught.value.status is None
    assert seen == []


def test_configured_ids_must_be_digits() -> None:
    with pytest.raises(InvalidRequest):
        RingCxClient(account(sub_account_id="12/../3"), budgets=BudgetRegistry())


def test_missing_credentials_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        RingCxClient(account(api_token=None), budgets=BudgetRegistry())


async def test_reports_with_api_token_need_rc_account_id() -> None:
    client, seen = client_for(never)
    async with client:
        with pytest.raises(ConfigurationError, match="rc_account_id"):
            await client.queue_interval_stats("2025-01-06 09:00:00", "2025-01-06 10:00:00")
    assert seen == []


# --- requests as built -------------------------------------------------------------------------


async def test_query_values_are_encoded_by_httpx() -> None:
    client, seen = client_for(lambda request: httpx.Response(200, text="true"))
    async with client:
        assert await client.create_manual_agent_call(
            "some.name@abc.com", "+15554150123", 5, "1234567890"
        )
    url = seen[0].url
    assert url.path == f"/voice/api/v1/admin/accounts/{SUB}/activeCalls/createManualAgentCall"
    assert b"username=some.name%40abc.com" in url.query
    assert b"destination=%2B15554150123" in url.query
    assert seen[0].headers["X-Auth-Token"] == API_TOKEN


async def test_report_body_uses_the_zone_and_format() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[])

    client, seen = client_for(handler, rc_account_id="37439510")
    start = datetime(2025, 1, 6, 14, 0, tzinfo=UTC)
    end = datetime(2025, 1, 6, 15, 0, tzinfo=UTC)
    async with client:
        batch = await client.queue_interval_stats(start, end, 900, "US/Eastern")
    assert batch.records == ()
    body = json.loads(seen[0].content)
    assert body == {
        "startDate": "2025-01-06 09:00:00",
        "endDate": "2025-01-06 10:00:00",
        "timeInterval": 900,
        "timeZone": "US/Eastern",
    }
    assert seen[0].url.path == (
        f"/voice/api/cx/integration/v1/accounts/37439510/sub-accounts/{SUB}/agg-queue-stats"
    )


async def test_control_answers_become_booleans_or_failures() -> None:
    answers = iter(["true", " false\n", "maybe"])
    client, _ = client_for(lambda request: httpx.Response(200, text=next(answers)))
    async with client:
        assert await client.ping("2020") is True
        with pytest.raises(ActionFailed) as caught:
            await client.ping("2020")
        assert caught.value.uii == "2020" and caught.value.action == "pingCall"
        with pytest.raises(MalformedResponse):
            await client.ping("2020")


async def test_a_control_action_is_not_retried_on_5xx() -> None:
    client, seen = client_for(lambda request: httpx.Response(503, text="down"))
    async with client:
        with pytest.raises(PlatformUnavailable):
            await client.hangup_call("2020")
    assert len(seen) == 1


async def test_a_read_is_retried_on_5xx_then_gives_up() -> None:
    client, seen = client_for(lambda request: httpx.Response(502, text="bad gateway"))
    async with client:
        with pytest.raises(PlatformUnavailable):
            await client.outbound_stats()
    assert len(seen) == 3


async def test_an_action_on_429_raises_with_the_retry_time() -> None:
    client, seen = client_for(
        lambda request: httpx.Response(429, headers={"Retry-After": "30"}, json={})
    )
    async with client:
        with pytest.raises(RateLimited) as caught:
            await client.hangup_call("2020")
        assert caught.value.retry_after == 30
        # The family now backs off: the next action is refused locally, nothing sent.
        with pytest.raises(RateLimited):
            await client.hangup_call("2020")
        state = client.budget_state()["realtime"]
        assert state.backing_off_until is not None and state.consecutive_429s == 1
    assert len(seen) == 1


async def test_api_token_expiry_is_final_not_a_loop() -> None:
    client, seen = client_for(lambda request: httpx.Response(401, text="Jwt is expired"))
    async with client:
        with pytest.raises(AuthenticationError, match="API token"):
            await client.agent_stats()
    assert len(seen) == 1


async def test_sub_account_discovery_needs_exactly_one() -> None:
    payloads = iter(
        [
            [{"accountId": "111"}, {"accountId": "222"}],
            [{"accountId": "333", "accountName": "Main"}],
        ]
    )
    client, _ = client_for(lambda r: httpx.Response(200, json=next(payloads)), sub_account_id=None)
    async with client:
        with pytest.raises(ConfigurationError, match="111, 222"):
            await client.sign_in()
        await client.sign_in()
        assert client.sub_account_id == "333"


# --- tokens and hygiene ------------------------------------------------------------------------


def _jwt(claims: dict[str, object]) -> str:
    def part(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'HS256'})}.{part(claims)}.c2ln"


def test_token_lifetime_from_claims_or_default() -> None:
    assert token_lifetime(_jwt({"iat": 1000, "exp": 1300})) == 300
    assert token_lifetime(_jwt({"iat": 1000.5, "exp": 1600.5})) == 600
    assert token_lifetime(_jwt({"iat": 1000, "exp": 1001})) == 300  # implausible
    assert token_lifetime("opaque-token") == 300
    assert token_lifetime(_jwt({"exp": 5})) == 300


def test_reprs_show_no_secrets() -> None:
    client = RingCxClient(
        account(
            client_id="clientid-abcdef",
            client_secret="client-secret-xyz",
            jwt="eyJhbGciOi.jwt-credential.sig",
        ),
        budgets=BudgetRegistry(),
    )
    text = repr(client) + repr(client._auth) + repr(client.redactor)
    for secret in ("clientid-abcdef", "client-secret-xyz", "jwt-credential", API_TOKEN):
        assert secret not in text
    assert repr(RingCxClient(account(), budgets=BudgetRegistry())._auth) == (
        "ApiTokenSignIn(token=***)"
    )


def test_core_modules_do_not_import_textual() -> None:
    code = (
        "import sys\n"
        "import wallboard.budget, wallboard.redact\n"
        "import wallboard.providers.ringcx.client, wallboard.providers.ringcx.transport\n"
        "import wallboard.providers.ringcx.auth, wallboard.providers.ringcx.errors\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
