"""Sign-in over real HTTP: the RingCentral JWT grant, the RingCX exchange and its 5/min limit,
refresh with rotation, expiry on the simulated clock, and the long-lived API token."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from wallboard.providers.ringcx.wire import (
    RcAccountInfo,
    RcTokenResponse,
    RingCxTokenResponse,
    SubAccount,
    parse_records,
)
from wallboard.sim.limits import SimLimits
from wallboard.sim.server import SimServer

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def _outbound(sim: SimServer) -> str:
    return f"/voice/api/v1/admin/accounts/{sim.settings.sub_account_id}/realTimeData/outbound"


def _grant(client: httpx.Client, sim: SimServer, user: str = "supervisor") -> httpx.Response:
    creds = sim.credentials
    return client.post(
        "/restapi/oauth/token",
        auth=(creds.client_id, creds.client_secret),
        data={"grant_type": JWT_GRANT, "assertion": creds.jwt(user)},
    )


def _exchange(client: httpx.Client, rc_token: str) -> httpx.Response:
    return client.post(
        "/api/auth/login/rc/accesstoken",
        params={"includeRefresh": "true"},
        data={"rcAccessToken": rc_token, "rcTokenType": "Bearer"},
    )


def test_full_jwt_flow_with_refresh_rotation(sim: SimServer) -> None:
    with httpx.Client(base_url=sim.base_url) as client:
        grant = _grant(client, sim)
        assert grant.status_code == 200
        rc = RcTokenResponse.model_validate(grant.json())
        assert rc.expires_in == 3600

        account = client.get(
            "/restapi/v1.0/account/~", headers={"Authorization": f"Bearer {rc.access_token}"}
        )
        assert RcAccountInfo.model_validate(account.json()).id == sim.settings.rc_account_id

        exchanged = _exchange(client, rc.access_token)
        assert exchanged.status_code == 200
        first = RingCxTokenResponse.model_validate(exchanged.json())
        assert first.refreshToken
        assert first.mainAccountId == sim.settings.main_account_id
        assert [a.accountId for a in first.agentDetails] == [sim.settings.sub_account_id]

        data = client.get(_outbound(sim), headers={"Authorization": f"Bearer {first.accessToken}"})
        assert data.status_code == 200

        refreshed = client.post(
            "/api/auth/token/refresh",
            data={"refresh_token": first.refreshToken, "rcTokenType": "Bearer"},
        )
        assert refreshed.status_code == 200
        second = RingCxTokenResponse.model_validate(refreshed.json())
        assert second.refreshToken and second.refreshToken != first.refreshToken
        assert second.accessToken != first.accessToken
        ok = client.get(_outbound(sim), headers={"Authorization": f"Bearer {second.accessToken}"})
        assert ok.status_code == 200

        reused = client.post(
            "/api/auth/token/refresh",
            data={"refresh_token": first.refreshToken, "rcTokenType": "Bearer"},
        )
        assert reused.status_code == 401
        again = client.post(
            "/api/auth/token/refresh",
            data={"refresh_token": second.refreshToken, "rcTokenType": "Bearer"},
        )
        assert again.status_code == 200


def test_bad_client_and_bad_grant(sim: SimServer) -> None:
    creds = sim.credentials
    with httpx.Client(base_url=sim.base_url) as client:
        bad_client = client.post(
            "/restapi/oauth/token",
            auth=(creds.client_id, "not-the-secret"),
            data={"grant_type": JWT_GRANT, "assertion": creds.jwt()},
        )
        assert bad_client.status_code == 401
        assert bad_client.json()["error"] == "invalid_client"

        unknown_jwt = client.post(
            "/restapi/oauth/token",
            auth=(creds.client_id, creds.client_secret),
            data={"grant_type": JWT_GRANT, "assertion": creds.jwt() + "x"},
        )
        assert unknown_jwt.status_code == 400
        assert unknown_jwt.json()["error"] == "invalid_grant"

        other_grant = client.post(
            "/restapi/oauth/token",
            auth=(creds.client_id, creds.client_secret),
            data={"grant_type": "password", "username": "x", "password": "y"},
        )
        assert other_grant.status_code == 400
        assert other_grant.json()["error"] == "invalid_grant"

        assert _exchange(client, "not-an-rc-token").status_code == 401
        assert client.get("/restapi/v1.0/account/~").status_code == 401


def test_access_token_expires_on_the_simulated_clock(sim: SimServer, sign_in: Any) -> None:
    token = sign_in(sim)["accessToken"]
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=sim.base_url, headers=headers) as client:
        sim.clock.advance(299)
        assert client.get(_outbound(sim)).status_code == 200
        sim.clock.advance(2)
        expired = client.get(_outbound(sim))
        assert expired.status_code == 401
        assert expired.text == "Jwt is expired"
        assert expired.headers["content-type"].startswith("text/plain")


def test_expiry_at_accelerated_speed(sim_factory: Callable[..., SimServer], sign_in: Any) -> None:
    sim = sim_factory(speed=60.0, token_ttl=300.0)
    token = sign_in(sim)["accessToken"]
    with httpx.Client(base_url=sim.base_url) as client:
        assert (
            client.get(_outbound(sim), headers={"Authorization": f"Bearer {token}"}).status_code
            == 200
        )
        client.post("/_sim/clock/advance", params={"seconds": 301})
        expired = client.get(_outbound(sim), headers={"Authorization": f"Bearer {token}"})
        assert (expired.status_code, expired.text) == (401, "Jwt is expired")


def test_missing_or_unknown_token_is_401_json(sim: SimServer) -> None:
    with httpx.Client(base_url=sim.base_url) as client:
        for headers in ({}, {"Authorization": "Bearer nonsense"}, {"X-Auth-Token": "nonsense"}):
            answer = client.get(_outbound(sim), headers=headers)
            assert answer.status_code == 401
            body = answer.json()
            assert body["errorCode"] and body["generalMessage"]


def test_exchange_is_limited_to_five_per_minute(sim: SimServer) -> None:
    with httpx.Client(base_url=sim.base_url) as client:
        rc_token = _grant(client, sim).json()["access_token"]
        statuses = [_exchange(client, rc_token).status_code for _ in range(6)]
        assert statuses == [200] * 5 + [429]
        refused = _exchange(client, rc_token)
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_api_token_via_x_auth_token(sim: SimServer, sign_in: Any) -> None:
    with httpx.Client(base_url=sim.base_url) as client:
        pre_issued = {"X-Auth-Token": sim.credentials.api_token()}
        assert client.get(_outbound(sim), headers=pre_issued).status_code == 200

        bearer = {"Authorization": f"Bearer {sign_in(sim)['accessToken']}"}
        issued = client.post("/voice/api/v1/admin/token", headers=bearer)
        assert issued.status_code == 200
        assert issued.headers["content-type"].startswith("text/plain")
        api_token = issued.text.strip()
        sim.clock.advance(6 * 3600)  # hours past the bearer's 5 minutes; API tokens never expire
        assert client.get(_outbound(sim), headers=bearer).status_code == 401
        assert client.get(_outbound(sim), headers={"X-Auth-Token": api_token}).status_code == 200
        assert client.post("/voice/api/v1/admin/token").status_code == 401


def test_accounts_list(client: httpx.Client, sim: SimServer) -> None:
    answer = client.get("/voice/api/v1/admin/accounts")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    parsed = parse_records(SubAccount, answer.json())
    assert parsed.warnings == ()
    assert sim.settings.sub_account_id in {a.accountId for a in parsed.records}


def test_refresh_does_not_reset_the_rate_limit(
    sim_factory: Callable[..., SimServer], sign_in: Any
) -> None:
    """The per-token budget follows the sign-in session, so refreshing never buys a new one."""
    from wallboard.sim.limits import Window

    sim = sim_factory(limits=SimLimits(realtime=(Window(3, 60.0),)))
    tokens = sign_in(sim)
    with httpx.Client(base_url=sim.base_url) as client:
        headers = {"Authorization": f"Bearer {tokens['accessToken']}"}
        assert [client.get(_outbound(sim), headers=headers).status_code for _ in range(3)] == [
            200
        ] * 3
        renewed = client.post(
            "/api/auth/token/refresh", data={"refresh_token": tokens["refreshToken"]}
        ).json()
        fresh = {"Authorization": f"Bearer {renewed['accessToken']}"}
        assert client.get(_outbound(sim), headers=fresh).status_code == 429


def test_credentials_never_show_in_reprs(sim: SimServer) -> None:
    creds = sim.credentials
    secrets = [creds.client_secret, creds.jwt(), creds.api_token(), creds.client_id]
    for text in (repr(creds), repr(sim), repr(sim.tokens), repr(sim.faults)):
        assert not any(secret in text for secret in secrets)
    config = sim.account_config()
    assert creds.client_secret not in repr(config)
    assert config.client_secret is not None
    assert config.client_secret.get_secret_value() == creds.client_secret
