"""Sending one FonoUC request: budget, session headers, retries, 429 and 401 handling.

Why one loop, as for RingCX: every attempt is charged to the budget before it goes out; a 429
feeds the family's back-off; reads are retried on timeouts, cut connections and 5xx, while a
lead action is never re-sent on its own (a delete that timed out may have happened). A 401 is
answered once by renewing the session (refresh, else a new login) and sending again: the
platform refused the request outright, so sending it again cannot do anything twice.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol

import anyio
import httpx

from wallboard import budget as budgets
from wallboard.providers.fonouc.errors import (
    PlatformUnavailable,
    RateLimited,
    error_from_response,
)
from wallboard.providers.ringcx.transport import parse_retry_after
from wallboard.redact import Redactor

Kind = Literal["read", "action"]
log = logging.getLogger("wallboard.fonouc")


class Session(Protocol):
    """What the transport needs from a sign-in: headers, and a way to renew rejected ones."""

    async def headers(self) -> dict[str, str]: ...

    async def renew(self, rejected: Mapping[str, str]) -> None: ...


class Transport:
    """Sends requests for one client; `budget_for(family)` gives that family's shared budget."""

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
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self._http = http
        self._budget_for = budget_for
        self._redactor = redactor
        self._read_attempts = max(1, read_attempts)
        self._rate_limit_retries = max(0, rate_limit_retries)
        self._read_max_wait = read_max_wait
        self._retry_backoff = retry_backoff
        self._sleep = sleep
        self._rng = rng or random.Random()

    def __repr__(self) -> str:
        return "Transport()"

    async def send(
        self,
        method: str,
        path: str,
        *,
        family: str,
        what: str,
        kind: Kind = "read",
        priority: budgets.Priority = "poll",
        params: Mapping[str, str | int] | None = None,
        json: Any = None,
        session: Session | None = None,
    ) -> httpx.Response:
        """Send until there is an answer to return or an error to raise (module docstring)."""
        budget = self._budget_for(family)
        attempts = self._read_attempts if kind == "read" else 1
        failures = limited = 0
        renewed = False
        while True:
            signed = await session.headers() if session is not None else {}
            ticket = await self._acquire(budget, kind, priority)
            try:
                response = await self._http.request(
                    method, path, params=params, json=json, headers=signed
                )
            except httpx.TransportError as error:
                ticket.failed()
                problem = "timed out" if isinstance(error, httpx.TimeoutException) else "failed"
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
                wait = parse_retry_after(response.headers.get("retry-after"), datetime.now(UTC))
                delay = ticket.rate_limited(wait)
                if kind == "read" and limited < self._rate_limit_retries and self._may_wait(delay):
                    limited += 1
                    continue
                raise RateLimited(
                    f"{what}: rate limited by the platform; retry in {delay:.1f} s",
                    retry_after=delay,
                    retry_at=datetime.now(UTC) + timedelta(seconds=delay),
                    family=family,
                    status=429,
                )
            ticket.answered()
            if status == 401 and session is not None and not renewed:
                renewed = True
                log.info("%s: the session was refused; renewing it", what)
                await session.renew(signed)
                continue
            if status >= 500 and failures + 1 < attempts:
                failures += 1
                await self._pause(failures)
                continue
            if status >= 400:
                raise error_from_response(response, what=what, redactor=self._redactor)
            return response

    async def _acquire(
        self, budget: budgets.Budget, kind: Kind, priority: budgets.Priority
    ) -> budgets.Ticket:
        try:
            if kind == "action":
                return await budget.acquire(priority, wait=False)
            return await budget.acquire(priority, wait=True, max_wait=self._read_max_wait)
        except budgets.RateLimited as error:
            raise RateLimited.from_budget(error) from None

    def _may_wait(self, delay: float) -> bool:
        return self._read_max_wait is None or delay <= self._read_max_wait

    async def _pause(self, failures: int) -> None:
        step = min(8.0, self._retry_backoff * 2.0 ** (failures - 1))
        await self._sleep(step * (0.5 + self._rng.random() / 2))
