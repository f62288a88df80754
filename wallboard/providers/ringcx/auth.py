"""Signing in to RingCX the way real accounts do, and staying signed in for months.

Two ways in (API notes, "RingCX authentication"):

- `JwtSignIn`: RingCentral JWT grant → RingCentral access token (about an hour) → exchange for a
  RingCX access token (about 5 minutes) and refresh token. The RingCX answer carries no
  `expires_in`, so the lifetime is read from the token's own `iat`/`exp` claims when it is a JWT
  with sane values, else assumed to be 300 s; the token is refreshed after 80 % of it, before
  the platform can refuse it. A refresh that fails falls back to a fresh exchange (re-using the
  RingCentral token while it is valid, else a new JWT grant). Exchanges and refreshes are
  charged to the `auth` budget (5 per minute), the JWT grant to `platform_auth`.
- `ApiTokenSignIn`: the long-lived `X-Auth-Token`; nothing to renew, so a rejection is final.

Both only ever hand tokens to the transport as headers. Every credential and token is
registered with the client's `Redactor`, and neither class shows one in its `repr`.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, Literal

import anyio
import httpx
from pydantic import SecretStr, ValidationError

from wallboard.config import AccountConfig
from wallboard.providers.ringcx.errors import (
    AuthenticationError,
    ConfigurationError,
    InvalidRequest,
    MalformedResponse,
    RateLimited,
    RingCxError,
)
from wallboard.providers.ringcx.transport import Transport
from wallboard.providers.ringcx.wire import RcAccountInfo, RcTokenResponse, RingCxTokenResponse
from wallboard.redact import Redactor

log = logging.getLogger("wallboard.ringcx.auth")

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
DEFAULT_TOKEN_LIFETIME = 300.0
#: A RingCentral token this close to its expiry is not used for an exchange.
RC_TOKEN_MARGIN = 60.0


def _secret(value: SecretStr | None, name: str) -> str:
    if value is None or not value.get_secret_value():
        raise ConfigurationError(f"JWT sign-in needs {name} (config file or environment)")
    return value.get_secret_value()


def token_lifetime(token: str, default: float = DEFAULT_TOKEN_LIFETIME) -> float:
    """The lifetime a JWT access token declares (`exp - iat`), or `default` when the token is
    opaque or the claims look wrong. Differences only: the platform's clock never matters."""
    try:
        payload = token.split(".")[1]
        claims: Any = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        lifetime = float(claims["exp"]) - float(claims["iat"])
    except (IndexError, ValueError, KeyError, TypeError):
        return default
    return lifetime if 5.0 <= lifetime <= 86_400.0 else default


def _parse(
    model: type[RcTokenResponse] | type[RingCxTokenResponse], response: httpx.Response, what: str
) -> Any:
    try:
        return model.model_validate_json(response.content)
    except ValidationError:
        raise MalformedResponse(f"{what}: the answer is not a token response") from None


class ApiTokenSignIn:
    """The legacy long-lived token, sent as `X-Auth-Token`. Good for unattended wall screens."""

    mode: Literal["api_token"] = "api_token"

    def __init__(self, token: SecretStr, redactor: Redactor) -> None:
        if not token.get_secret_value():
            raise ConfigurationError("api_token is empty")
        self._token = token
        redactor.add(token)

    def __repr__(self) -> str:
        return "ApiTokenSignIn(token=***)"

    async def headers(self) -> dict[str, str]:
        return {"X-Auth-Token": self._token.get_secret_value()}

    async def reauthenticate(self, rejected: Mapping[str, str]) -> None:
        raise AuthenticationError(
            "the platform says the API token has expired; create a new one "
            "(or use JWT sign-in) and update api_token"
        )


class JwtSignIn:
    """RingCentral JWT → RingCX tokens, refreshed ahead of expiry. One per client; serialised
    by a lock so concurrent requests never sign in twice."""

    mode: Literal["jwt"] = "jwt"

    def __init__(
        self,
        account: AccountConfig,
        transport: Transport,
        redactor: Redactor,
        *,
        clock: Callable[[], float] = time.monotonic,
        default_lifetime: float = DEFAULT_TOKEN_LIFETIME,
        refresh_fraction: float = 0.8,
    ) -> None:
        self._client_id = _secret(account.client_id, "client_id")
        self._client_secret = _secret(account.client_secret, "client_secret")
        self._jwt = _secret(account.jwt, "jwt")
        for value in (self._client_id, self._client_secret, self._jwt):
            redactor.add(value)
        self._platform_url = account.platform_url
        self._ringcx_url = account.ringcx_url
        self._transport = transport
        self._redactor = redactor
        self._clock = clock
        self._default_lifetime = default_lifetime
        self._refresh_fraction = refresh_fraction
        self._lock = anyio.Lock()
        self._rc_token: str | None = None
        self._rc_expires = 0.0
        self._access: str | None = None
        self._refresh: str | None = None
        self._renew_at = 0.0
        self.tokens: RingCxTokenResponse | None = None
        """The last RingCX token answer (its `agentDetails` name the sub-account)."""

    def __repr__(self) -> str:
        return f"JwtSignIn(platform_url={self._platform_url!r}, signed_in={self.signed_in})"

    @property
    def signed_in(self) -> bool:
        return self._access is not None

    async def headers(self) -> dict[str, str]:
        async with self._lock:
            if self._access is None:
                await self._exchange_afresh()
            elif self._clock() >= self._renew_at:
                await self._renew()
            assert self._access is not None
            return {"Authorization": f"Bearer {self._access}"}

    async def reauthenticate(self, rejected: Mapping[str, str]) -> None:
        """The platform refused `rejected` as expired. Renew unless another task already did."""
        async with self._lock:
            if self._access is not None and rejected.get("Authorization") != (
                f"Bearer {self._access}"
            ):
                return
            await self._renew()

    async def rc_headers(self) -> dict[str, str]:
        """A RingCentral bearer header, for the platform's own API (the account id)."""
        async with self._lock:
            return {"Authorization": f"Bearer {await self._rc_access_token()}"}

    async def rc_account_id(self) -> str:
        """`GET {platform}/restapi/v1.0/account/~` → `id`: the reports family's account id."""
        response = await self._transport.send(
            "GET",
            f"{self._platform_url}/restapi/v1.0/account/~",
            family="platform_auth",
            what="RingCentral account lookup",
            headers=await self.rc_headers(),
        )
        try:
            return RcAccountInfo.model_validate_json(response.content).id
        except ValidationError:
            raise MalformedResponse("RingCentral account lookup: no account id") from None

    # --- the steps -------------------------------------------------------------------------

    async def _renew(self) -> None:
        if self._refresh is not None:
            try:
                await self._refresh_tokens()
                return
            except RateLimited:
                raise
            except RingCxError as error:
                log.info("token refresh failed (%s); exchanging afresh", type(error).__name__)
        await self._exchange_afresh()

    async def _exchange_afresh(self) -> None:
        reused = self._rc_token_fresh()
        try:
            await self._exchange(await self._rc_access_token())
        except AuthenticationError:
            if not reused:
                raise
            # The kept RingCentral token was revoked or expired early: one new grant.
            self._rc_token = None
            await self._exchange(await self._rc_access_token())

    def _rc_token_fresh(self) -> bool:
        return self._rc_token is not None and self._clock() < self._rc_expires - RC_TOKEN_MARGIN

    async def _rc_access_token(self) -> str:
        if self._rc_token is not None and self._rc_token_fresh():
            return self._rc_token
        try:
            response = await self._transport.send(
                "POST",
                f"{self._platform_url}/restapi/oauth/token",
                family="platform_auth",
                what="RingCentral sign-in",
                priority="action",
                data={"grant_type": JWT_GRANT, "assertion": self._jwt},
                auth=httpx.BasicAuth(self._client_id, self._client_secret),
            )
        except (AuthenticationError, InvalidRequest) as error:
            raise AuthenticationError(
                "RingCentral refused the JWT sign-in; check client_id, client_secret and jwt "
                f"({error.message})",
                status=error.status,
            ) from None
        answer: RcTokenResponse = _parse(RcTokenResponse, response, "RingCentral sign-in")
        self._redactor.add(answer.access_token)
        self._redactor.add(answer.refresh_token)
        self._rc_token = answer.access_token
        self._rc_expires = self._clock() + answer.expires_in
        return answer.access_token

    async def _exchange(self, rc_token: str) -> None:
        response = await self._transport.send(
            "POST",
            f"{self._ringcx_url}/api/auth/login/rc/accesstoken",
            family="auth",
            what="RingCX token exchange",
            priority="action",
            params={"includeRefresh": "true"},
            data={"rcAccessToken": rc_token, "rcTokenType": "Bearer"},
        )
        self._keep(_parse(RingCxTokenResponse, response, "RingCX token exchange"))
        log.info("signed in to RingCX")

    async def _refresh_tokens(self) -> None:
        assert self._refresh is not None
        response = await self._transport.send(
            "POST",
            f"{self._ringcx_url}/api/auth/token/refresh",
            family="auth",
            what="RingCX token refresh",
            priority="action",
            retry=False,  # a failed refresh falls back to an exchange instead
            data={"refresh_token": self._refresh, "rcTokenType": "Bearer"},
        )
        self._keep(_parse(RingCxTokenResponse, response, "RingCX token refresh"))
        log.debug("RingCX token refreshed")

    def _keep(self, answer: RingCxTokenResponse) -> None:
        self._redactor.add(answer.accessToken)
        self._redactor.add(answer.refreshToken)
        lifetime = token_lifetime(answer.accessToken, self._default_lifetime)
        self._access = answer.accessToken
        # A refresh answer without a refresh token leaves us with none: the next renewal
        # exchanges afresh rather than re-using a token the platform has already rotated out.
        self._refresh = answer.refreshToken
        self._renew_at = self._clock() + lifetime * self._refresh_fraction
        self.tokens = answer
