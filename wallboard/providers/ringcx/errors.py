"""Typed RingCX errors, and the one function that turns a failed answer into one of them.

Why typed: the wallboard reacts differently to each (a stale uii disappears from the list, a
permission problem is shown once and polling stops, a rate limit shows a countdown). Messages are
for the supervisor reading them and never contain a token, secret or header: anything quoted
from a response body goes through the client's `Redactor` first.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import httpx
from pydantic import ValidationError

from wallboard import budget
from wallboard.providers.ringcx.wire import ApiErrorBody, ValidationErrorItem
from wallboard.redact import Redactor

#: How much of an unexpected body a message may quote.
QUOTE_LIMIT = 200


class RingCxError(Exception):
    """Base of every error this client raises. `status` is the HTTP status when there was one."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class ConfigurationError(RingCxError):
    """The account settings cannot work (missing credential, ambiguous sub-account, ...)."""


class AuthenticationError(RingCxError):
    """Sign-in failed, or the platform rejected the session even after re-authenticating."""


class PermissionDenied(RingCxError):
    """The signed-in user lacks the RingCX Admin right for this resource (HTTP 403)."""

    def __init__(
        self,
        message: str,
        *,
        general_message: str | None = None,
        error_code: str | None = None,
        status: int | None = 403,
    ) -> None:
        super().__init__(message, status=status)
        self.general_message = general_message
        self.error_code = error_code


class CallNotActive(RingCxError):
    """The call has ended or archived: its uii no longer accepts control actions (HTTP 404)."""

    def __init__(self, message: str, *, uii: str, status: int | None = 404) -> None:
        super().__init__(message, status=status)
        self.uii = uii


class NotFound(RingCxError):
    """A resource other than a call does not exist (HTTP 404), e.g. a wrong sub-account id."""


class RateLimited(RingCxError, budget.RateLimited):
    """The platform or our own budget refuses a send now; retry at `retry_at`."""

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


class InvalidRequest(RingCxError):
    """The request was refused as invalid, by the platform (400) or locally before sending."""

    def __init__(
        self,
        message: str,
        *,
        validation_errors: tuple[ValidationErrorItem, ...] = (),
        status: int | None = 400,
    ) -> None:
        super().__init__(message, status=status)
        self.validation_errors = validation_errors


class PlatformUnavailable(RingCxError):
    """5xx, timeouts or connection failures, after the retries reads are allowed."""


class MalformedResponse(RingCxError):
    """The answer could not be read (not JSON, truncated, wrong shape)."""


class ActionFailed(RingCxError):
    """A control action was accepted by HTTP but the platform answered `false`."""

    def __init__(self, message: str, *, action: str, uii: str | None = None) -> None:
        super().__init__(message, status=200)
        self.action = action
        self.uii = uii


def _error_body(response: httpx.Response) -> ApiErrorBody | None:
    try:
        data: Any = json.loads(response.content)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    try:
        return ApiErrorBody.model_validate(data)
    except ValidationError:
        return None


def _quote(response: httpx.Response, redactor: Redactor) -> str:
    text = response.text.strip().replace("\n", " ")
    if len(text) > QUOTE_LIMIT:
        text = text[:QUOTE_LIMIT] + "…"
    return redactor.scrub(text)


def error_from_response(
    response: httpx.Response, *, what: str, redactor: Redactor, uii: str | None = None
) -> RingCxError:
    """The typed error for a failed answer (status >= 400, except 429 which the transport maps
    because it needs the budget). `what` names the request for the message ("hangupCall")."""
    status = response.status_code
    body = _error_body(response)
    said = redactor.scrub(body.generalMessage) if body and body.generalMessage else None
    if status == 401:
        return AuthenticationError(
            f"{what}: the platform rejected the session (401: {_quote(response, redactor)})",
            status=status,
        )
    if status == 403:
        return PermissionDenied(
            f"{what}: permission denied: {said or 'this user lacks the RingCX Admin right'}",
            general_message=said,
            error_code=body.errorCode if body else None,
            status=status,
        )
    if status == 404 and uii is not None:
        return CallNotActive(f"{what}: call {uii} is no longer active", uii=uii, status=status)
    if status == 404:
        return NotFound(f"{what}: not found ({said or 'check the account ids'})", status=status)
    if status in (400, 409, 422):
        items = tuple(body.validationErrors) if body else ()
        details = "; ".join(
            redactor.scrub(f"{item.attributeName or '?'}: {item.message or 'invalid'}")
            for item in items
        )
        reason = details or said or _quote(response, redactor) or "invalid request"
        return InvalidRequest(
            f"{what}: invalid request ({reason})", validation_errors=items, status=status
        )
    if status >= 500:
        return PlatformUnavailable(
            f"{what}: the platform is unavailable (HTTP {status})", status=status
        )
    return RingCxError(
        f"{what}: unexpected HTTP {status} ({said or _quote(response, redactor)})", status=status
    )
