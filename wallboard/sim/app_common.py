"""What every simulated route shares: the context, the platform's error bodies, the auth guard,
query-parameter parsing, and running model calls off the event loop.

Why one guard for all routes: the platform checks in a fixed order (who are you, are you over
budget, may you do this, is this your account) and the wallboard's error handling depends on
which answer it gets first; keeping that order in one function keeps every route consistent.

Why model calls run in a worker thread: listing 10,000 calls and encoding them takes tens of
milliseconds; on the event loop that would stall every other client (and the `/_sim/` controls
tests use) for that long. The model is thread-safe, so threads are safe here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from wallboard.sim.auth import AuthFailure, Permission, Principal, TokenAuthority
from wallboard.sim.clock import SimClock
from wallboard.sim.faults import FaultSwitchboard
from wallboard.sim.limits import LimiterSet, SlidingWindowLimiter, retry_after_header
from wallboard.sim.model import ContactCenter, SimSettings
from wallboard.sim.requestlog import RequestLog

T = TypeVar("T")

ACCESS_DENIED_MESSAGE = "You do not have permission to access this resource"
_PHONE = re.compile(r"^\+?\d{4,15}$")


@dataclass(frozen=True)
class SimContext:
    """Everything a route may touch; stored on the Starlette app's state."""

    center: ContactCenter
    tokens: TokenAuthority
    limiters: LimiterSet
    faults: FaultSwitchboard
    requests: RequestLog

    @property
    def clock(self) -> SimClock:
        return self.center.clock

    @property
    def settings(self) -> SimSettings:
        return self.center.settings


def context(request: Request) -> SimContext:
    return cast(SimContext, request.app.state.sim)


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":"), default=_default).encode()


async def json_response(data: Any, status: int = 200) -> Response:
    """A JSON answer, encoded in a worker thread (large call lists)."""
    body = await run_in_threadpool(dumps, data)
    return Response(body, status_code=status, media_type="application/json")


async def call_model(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run one model method in a worker thread; its exceptions propagate to the app's handlers."""
    return await run_in_threadpool(function, *args, **kwargs)


def bool_text(value: bool) -> Response:
    """Control endpoints answer a plain-text boolean."""
    return PlainTextResponse("true" if value else "false")


# --- Error bodies ------------------------------------------------------------------------------


def request_uri(request: Request) -> str:
    """The platform reports paths without its `/voice` gateway prefix, then the method."""
    path = request.url.path
    if path.startswith("/voice/"):
        path = path[len("/voice") :]
    return f"{path} - {request.method}"


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    *,
    validation: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """The platform's error body, keys in the seed's order."""
    body: dict[str, Any] = {
        "errorCode": code,
        "generalMessage": message,
        "details": "",
        "requestUri": request_uri(request),
        "timestamp": int(context(request).clock.now().timestamp() * 1000),
    }
    if validation:
        body["validationErrors"] = validation
    return JSONResponse(body, status_code=status, headers=headers)


def access_denied(request: Request) -> JSONResponse:
    return error_response(request, 403, "access.denied.exception", ACCESS_DENIED_MESSAGE)


def validation_failed(request: Request, errors: list[dict[str, Any]]) -> JSONResponse:
    names = ", ".join(str(e.get("attributeName")) for e in errors)
    return error_response(
        request,
        400,
        "request.validation.failure",
        f"Request validation failed: {names}",
        validation=errors,
    )


def invalid_request(request: Request, message: str) -> JSONResponse:
    return error_response(request, 400, "invalid.request", message)


def unauthorized(request: Request, failure: AuthFailure) -> Response:
    if failure.reason == "expired":
        return PlainTextResponse("Jwt is expired", status_code=401)
    return error_response(
        request,
        401,
        "authentication.failure",
        "Full authentication is required to access this resource",
    )


def too_many_requests(request: Request, wait: float) -> JSONResponse:
    return error_response(
        request,
        429,
        "too.many.requests",
        "Rate limit exceeded; retry later",
        headers={"Retry-After": retry_after_header(wait)},
    )


# --- The guard ---------------------------------------------------------------------------------


def authorize(
    request: Request,
    permission: Permission,
    *,
    limiter: SlidingWindowLimiter | None,
    limit_key: str | None = None,
    account_param: str | None = "accountId",
) -> Principal | Response:
    """Authenticate, charge the rate limit, check the permission and the account, in that order.

    `limit_key` defaults to the caller's token session (the real-time family's "per token");
    the reports family passes its sub-account. Returns the caller or the refusal to send.
    """
    ctx = context(request)
    result = ctx.tokens.authenticate(
        request.headers.get("authorization"), request.headers.get("x-auth-token")
    )
    if isinstance(result, AuthFailure):
        return unauthorized(request, result)
    if limiter is not None:
        wait = limiter.acquire(limit_key or f"session:{result.session}")
        if wait is not None:
            return too_many_requests(request, wait)
    if not result.user.may(permission):
        return access_denied(request)
    if account_param and request.path_params.get(account_param) != ctx.settings.sub_account_id:
        return access_denied(request)
    return result


# --- Parameters --------------------------------------------------------------------------------


def _problem(name: str, message: str, value: Any) -> dict[str, Any]:
    return {"attributeName": name, "message": message, "value": value}


class Params:
    """Typed query parameters; problems accumulate so one 400 names them all."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values
        self.errors: list[dict[str, Any]] = []

    @classmethod
    def query(cls, request: Request) -> Params:
        return cls(dict(request.query_params))

    def text(self, name: str, *, required: bool = False) -> str | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                self.errors.append(_problem(name, f"{name} is required", None))
            return None
        return value

    def integer(
        self, name: str, *, required: bool = False, minimum: int | None = None
    ) -> int | None:
        raw = self.text(name, required=required)
        if raw is None:
            return None
        try:
            value = int(raw.strip())
        except ValueError:
            self.errors.append(_problem(name, f"{name} must be an integer", raw))
            return None
        if minimum is not None and value < minimum:
            self.errors.append(_problem(name, f"{name} must be at least {minimum}", raw))
            return None
        return value

    def boolean(self, name: str, *, required: bool = False) -> bool | None:
        raw = self.text(name, required=required)
        if raw is None:
            return None
        lowered = raw.strip().lower()
        if lowered not in {"true", "false"}:
            self.errors.append(_problem(name, f"{name} must be true or false", raw))
            return None
        return lowered == "true"

    def choice(self, name: str, choices: tuple[str, ...], *, required: bool = False) -> str | None:
        raw = self.text(name, required=required)
        if raw is None:
            return None
        if raw not in choices:
            self.errors.append(_problem(name, f"{name} must be one of {', '.join(choices)}", raw))
            return None
        return raw

    def phone(self, name: str, *, required: bool = False) -> str | None:
        """Digits or E.164. A `+` sent unencoded arrives as a space; take it back as `+`."""
        raw = self.values.get(name)
        if raw is not None and raw.startswith(" ") and raw.strip().isdigit():
            raw = "+" + raw.strip()
            self.values[name] = raw
        value = self.text(name, required=required)
        if value is None:
            return None
        if not _PHONE.match(value):
            self.errors.append(
                _problem(name, f"{name} must be digits or E.164 (e.g. +15554150123)", value)
            )
            return None
        return value

    def failure(self, request: Request) -> Response | None:
        return validation_failed(request, self.errors) if self.errors else None


def check_uii(request: Request) -> str | Response:
    """A `uii` path segment must be digits, like the platform's interaction ids."""
    uii = str(request.path_params.get("uii", ""))
    if not uii.isdigit():
        return validation_failed(request, [_problem("uii", "uii must contain digits only", uii)])
    return uii


async def form(request: Request) -> dict[str, str]:
    """An urlencoded form body (the auth endpoints' only form)."""
    body = (await request.body()).decode("utf-8", errors="replace")
    return dict(parse_qsl(body, keep_blank_values=True))


async def json_body(request: Request) -> dict[str, Any] | Response:
    """A JSON object body, or the 400 to send."""
    raw = await request.body()
    try:
        data = json.loads(raw) if raw else None
    except ValueError:
        return invalid_request(request, "Request body is not valid JSON")
    if not isinstance(data, dict):
        return invalid_request(request, "Request body must be a JSON object")
    return data
