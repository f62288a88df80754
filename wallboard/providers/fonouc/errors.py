"""Typed FonoUC errors, and the function that turns a failed answer into one of them.

Why typed: the screen and the command line react differently to a refused login (fix the
config), a refused request (show the reason), a rate limit (count down) and an outage (keep the
old data, show its age). Messages never contain a token or password: anything quoted from a
body goes through the client's `Redactor` first.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from wallboard import budget
from wallboard.redact import Redactor

QUOTE_LIMIT = 200


class FonoucError(Exception):
    """Base of every error the FonoUC client raises; `status` is the HTTP status if any."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class ConfigurationError(FonoucError):
    """The account settings cannot work (no password, no account id anywhere, ...)."""


class AuthenticationError(FonoucError):
    """Login refused, or the session rejected even after refreshing and logging in again."""


class InvalidRequest(FonoucError):
    """The platform answered 400 ("The information sent is invalid."), or a value was refused
    locally before sending."""


class NotFound(FonoucError):
    """The platform answered 404 (an unknown path or resource)."""


class PlatformUnavailable(FonoucError):
    """5xx, timeouts or connection failures, after the retries reads are allowed."""


class MalformedResponse(FonoucError):
    """The answer could not be read (not JSON even when straightened, or the wrong shape)."""


class RateLimited(FonoucError, budget.RateLimited):
    """Our own budget or the platform (429) refuses a send now; retry at `retry_at`."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float,
        retry_at: datetime,
        family: str | None = None,
        status: int | None = None,
    ) -> None:
        budget.RateLimited.__init__(
            self, message, retry_after=retry_after, retry_at=retry_at, family=family
        )
        self.message = message
        self.status = status

    @classmethod
    def from_budget(cls, error: budget.RateLimited) -> RateLimited:
        return cls(
            str(error), retry_after=error.retry_after, retry_at=error.retry_at, family=error.family
        )


def _said(response: httpx.Response, redactor: Redactor) -> str:
    """What the body says: its `message` when it is a JSON object with one, else its text."""
    text = response.text.strip()
    try:
        data: Any = response.json()
    except ValueError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        text = data["message"].strip()
    text = text.replace("\n", " ")
    if len(text) > QUOTE_LIMIT:
        text = text[:QUOTE_LIMIT] + "…"
    return redactor.scrub(text)


def error_from_response(response: httpx.Response, *, what: str, redactor: Redactor) -> FonoucError:
    """The typed error for a failed answer (status >= 400 other than 429)."""
    status = response.status_code
    said = _said(response, redactor)
    if status in (401, 403):
        return AuthenticationError(
            f"{what}: the platform rejected the session ({status}: {said or 'no reason'})",
            status=status,
        )
    if status == 404:
        return NotFound(f"{what}: not found ({said or 'unknown path'})", status=status)
    if 400 <= status < 500:
        return InvalidRequest(f"{what}: refused ({said or 'invalid request'})", status=status)
    if status >= 500:
        return PlatformUnavailable(
            f"{what}: the platform is unavailable (HTTP {status})", status=status
        )
    return FonoucError(f"{what}: unexpected HTTP {status} ({said})", status=status)
