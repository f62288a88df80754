"""Sending one request: budget, sign-in headers, retries, 429 handling and error mapping.

Why all of it lives in one loop: the rules interact. Every attempt (retries included) is charged
to the budget before it goes out; a 429 feeds the budget's back-off so every other task in the
process slows down too; reads are retried on timeouts, connection failures and 5xx because
asking again is harmless, while a control action is never re-sent on its own (a hangup that
timed out may have happened). The one exception is the single retry after a `401 ... expired`:
the platform refused that request outright, so sending it again after re-authenticating cannot
do anything twice.
"""

from __future__ import annotations

import logging
import math
import random
import re
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Literal, Protocol

import anyio
import httpx

from wallboard import budget as budgets
from wallboard.providers.ringcx.errors import (
    PlatformUnavailable,
    RateLimited,
    error_from_response,
)
from wallboard.redact import Redactor

Kind = Literal["read", "action"]

log = logging.getLogger("wallboard.ringcx")

#: The official SDKs re-authenticate when a 401's body says this (API notes).
EXPIRED = re.compile(r"\bexpired\b", re.IGNORECASE)


class SignIn(Protocol):
    """What the transport needs from a sign-in: headers, and a way to renew a rejected one."""

    async def headers(self) -> dict[str, str]: ...

    async def reauthenticate(self, rejected: Mapping[str, str]) -> None: ...


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP-date; None when
    absent or unreadable (then the budget's exponential backoff applies)."""
    if not value:
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


class Transport:
    """Sends requests for one client. `budget_for(family)` returns that family's shared budget."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        budget_for: Callable[[str], budgets.Budget],
        redactor: Redactor,
        *,
        read_attempts: int = 3,
        rate_limit_retries: int = 2,
        read_max_wait: float | None = 90.0,
        retry_backoff: float = 0.5,
        retry_backoff_cap: float = 8.0,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
        wall: Callable[[], datetime] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._http = http
        self._budget_for = budget_for
        self._redactor = redactor
        self._read_attempts = max(1, read_attempts)
        self._rate_limit_retries = max(0, rate_limit_retries)
        self._read_max_wait = read_max_wait
        self._retry_backoff = retry_backoff
        self._retry_backoff_cap = retry_backoff_cap
        self._sleep = sleep
        self._wall = wall or (lambda: datetime.now(UTC))
        self._rng = rng or random.Random()

    def __repr__(self) -> str:
        return "Transport()"

    async def send(
        self,
        method: str,
        url: str,
        *,
        family: str,
        what: str,
        kind: Kind = "read",
        priority: budgets.Priority = "poll",
        params: Mapping[str, str | int] | None = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: httpx.Auth | None = None,
        sign_in: SignIn | None = None,
        uii: str | None = None,
        retry: bool | None = None,
    ) -> httpx.Response:
        """Send until there is an answer to return or an error to raise (see module doc).

        `what` names the request in messages and logs; `uii` turns a 404 into CallNotActive.
        `retry` (default: reads only) says whether timeouts, cut connections and 5xx are tried
        again; a read that has a cheaper fallback of its own (token refresh) passes False."""
        budget = self._budget_for(family)
        attempts = self._read_attempts if (kind == "read" if retry is None else retry) else 1
        failures = 0
        limited = 0
        reauthenticated = False
        while True:
            signed = await sign_in.headers() if sign_in is not None else {}
            ticket = await self._acquire(budget, kind, priority)
            try:
                response = await self._http.request(
                    method,
                    url,
                    params=params,
                    json=json,
                    data=data,
                    headers={**(headers or {}), **signed},
                    auth=auth if auth is not None else httpx.USE_CLIENT_DEFAULT,
                )
            except httpx.TransportError as error:
                ticket.failed()
                problem = "timed out" if isinstance(error, httpx.TimeoutException) else "failed"
                log.debug(
                    "%s %s (%s), attempt %d", what, problem, type(error).__name__, failures + 1
                )
                if failures + 1 < attempts:
                    failures += 1
                    await self._pause(failures)
                    continue
                raise PlatformUnavailable(
                    f"{what}: the platform could not be reached ({problem}: {type(error).__name__})"
                ) from None
            except BaseException:
                ticket.failed()
                raise

            status = response.status_code
            log.debug("%s %s -> %d (%s)", method, response.url.path, status, family)
            if status == 429:
                retry_after = parse_retry_after(response.headers.get("retry-after"), self._wall())
                delay = ticket.rate_limited(retry_after)
                if kind == "read" and limited < self._rate_limit_retries and self._may_wait(delay):
                    limited += 1
                    continue
                raise self._rate_limited(what, family, delay)
            ticket.answered()

            if (
                status == 401
                and sign_in is not None
                and not reauthenticated
                and EXPIRED.search(response.text)
            ):
                reauthenticated = True
                log.info("%s: the access token expired; signing in again", what)
                await sign_in.reauthenticate(signed)
                continue
            if status >= 500 and failures + 1 < attempts:
                failures += 1
                await self._pause(failures)
                continue
            if status >= 400:
                raise error_from_response(response, what=what, redactor=self._redactor, uii=uii)
            return response

    async def _acquire(
        self, budget: budgets.Budget, kind: Kind, priority: budgets.Priority
    ) -> budgets.Ticket:
        """Reads wait for a slot (bounded); actions go now or fail at once with the time they
        could go, so a supervisor is never left wondering whether the hangup is coming."""
        try:
            if kind == "action":
                return await budget.acquire(priority, wait=False)
            return await budget.acquire(priority, wait=True, max_wait=self._read_max_wait)
        except budgets.RateLimited as error:
            raise RateLimited.from_budget(error) from None

    def _may_wait(self, delay: float) -> bool:
        return self._read_max_wait is None or delay <= self._read_max_wait

    def _rate_limited(self, what: str, family: str, delay: float) -> RateLimited:
        retry_at = self._wall() + timedelta(seconds=delay)
        return RateLimited(
            f"{what}: rate limited by the platform; retry in {delay:.1f} s",
            retry_after=delay,
            retry_at=retry_at,
            family=family,
            status=429,
        )

    async def _pause(self, failures: int) -> None:
        """Backoff before retrying a read after a timeout or 5xx: doubling, jittered, capped."""
        step = min(self._retry_backoff_cap, self._retry_backoff * 2.0 ** (failures - 1))
        await self._sleep(step * (0.5 + self._rng.random() / 2))
