"""Signing in to FonoUC: username, password and tenant domain for an access and refresh token.

Seed 004 documents only `POST /api/v2/login`. What it leaves out, assumed here (see
`wallboard.providers.fonouc`):

- **Lifetime.** The answer carries no expiry, so the session is renewed when the platform
  refuses it (401), not on a timer.
- **Refresh.** `POST /api/v2/login/refresh` with `{"refresh_token": ...}`, answered like the
  login. When it fails for any reason but a rate limit (including a server that has no such
  route), the session logs in again with the password; after a 404 or 405 it stops trying.
- **Account.** `X-Account-ID` is the configured `account_id`, else the login answer's
  `user.account_id`.

The password and every token are registered with the client's `Redactor`; nothing here shows
one in a `repr`, a log line or an exception.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import anyio
import httpx
from pydantic import SecretStr, ValidationError

from wallboard.config import AccountConfig
from wallboard.providers.fonouc.errors import (
    AuthenticationError,
    ConfigurationError,
    FonoucError,
    InvalidRequest,
    MalformedResponse,
    NotFound,
    RateLimited,
)
from wallboard.providers.fonouc.transport import Transport
from wallboard.providers.fonouc.wire import LoginResponse, loads
from wallboard.redact import Redactor

log = logging.getLogger("wallboard.fonouc.auth")

LOGIN_PATH = "/api/v2/login"
REFRESH_PATH = "/api/v2/login/refresh"
AUTH_FAMILY = "fonouc_auth"


def _required(value: str | SecretStr | None, name: str) -> str:
    text = value.get_secret_value() if isinstance(value, SecretStr) else value
    if not text:
        raise ConfigurationError(f"a fonouc account needs {name} (config file or environment)")
    return text


class FonoucSession:
    """One signed-in FonoUC user; renewals are serialised so concurrent requests that were all
    refused renew once."""

    def __init__(self, account: AccountConfig, transport: Transport, redactor: Redactor) -> None:
        self._username = _required(account.username, "username")
        self._password = _required(account.password, "password")
        self._domain = _required(account.domain, "domain")
        redactor.add(self._password)
        self._redactor = redactor
        self._transport = transport
        self._account_id = account.account_id
        self._lock = anyio.Lock()
        self._access: str | None = None
        self._refresh: str | None = None
        self._refresh_supported = True
        self.logins = 0
        self.refreshes = 0

    def __repr__(self) -> str:
        return f"FonoucSession(user={self._username!r}, domain={self._domain!r}, password=***)"

    @property
    def account_id(self) -> str | None:
        return self._account_id

    async def headers(self) -> dict[str, str]:
        if self._access is None:
            async with self._lock:
                if self._access is None:
                    await self._login()
        assert self._access is not None and self._account_id is not None
        return {"Authorization": f"Bearer {self._access}", "X-Account-ID": self._account_id}

    async def renew(self, rejected: Mapping[str, str]) -> None:
        """Renew after a 401 on `rejected` headers (unless another task already has)."""
        async with self._lock:
            if self._access is not None and rejected.get("Authorization") != (
                f"Bearer {self._access}"
            ):
                return
            if self._refresh and self._refresh_supported:
                try:
                    await self._exchange(REFRESH_PATH, {"refresh_token": self._refresh}, "refresh")
                    self.refreshes += 1
                    return
                except RateLimited:
                    raise
                except FonoucError as error:
                    if isinstance(error, NotFound) or error.status == 405:
                        self._refresh_supported = False
                    log.info("token refresh failed (%s); logging in again", error.message)
            await self._login()

    async def _login(self) -> None:
        body = {"username": self._username, "password": self._password, "domain": self._domain}
        try:
            await self._exchange(LOGIN_PATH, body, "login")
        except InvalidRequest as error:
            raise AuthenticationError(
                f"login refused: check username, password and domain ({error.message})",
                status=error.status,
            ) from None
        self.logins += 1

    async def _exchange(self, path: str, body: dict[str, str], what: str) -> None:
        response: httpx.Response = await self._transport.send(
            "POST", path, family=AUTH_FAMILY, what=what, json=body
        )
        try:
            answer = LoginResponse.model_validate(loads(response.content))
        except (ValueError, ValidationError):
            raise MalformedResponse(f"{what}: the answer is not a token response") from None
        self._redactor.add(answer.access_token)
        self._redactor.add(answer.refresh_token)
        self._access = answer.access_token
        self._refresh = answer.refresh_token
        if self._account_id is None:
            self._account_id = answer.user.account_id
            if not self._account_id:
                raise ConfigurationError(
                    "the login answer names no user.account_id; set account_id in the config"
                )
