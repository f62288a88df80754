"""The simulated FonoUC tenant's HTTP face: every endpoint of seed 004 on one Starlette app.

Errors follow the seed's tables: 400 "The information sent is invalid." for anything the
tenant refuses, 500 for internal failures. Authentication problems answer 401 with a message
that says `expired` or `invalid` (the seed is silent; a real server must refuse somehow, and a
401 is what the wallboard expects). The body is always `{"message": ...}`.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wallboard.sim.fonouc.auth import FonoucTokens
from wallboard.sim.fonouc.tenant import FonoucTenant, TenantError

INVALID = "The information sent is invalid."
DEFAULT_PAGE_SIZE = 100

Endpoint = Callable[[Request], Awaitable[Response]]


def _message(status: int, message: str) -> JSONResponse:
    return JSONResponse({"message": message}, status_code=status)


def _invalid(detail: str) -> JSONResponse:
    return _message(400, f"{INVALID} {detail}")


def _tenant(request: Request) -> FonoucTenant:
    tenant: FonoucTenant = request.app.state.tenant
    return tenant


def _tokens(request: Request) -> FonoucTokens:
    tokens: FonoucTokens = request.app.state.tokens
    return tokens


async def _body(request: Request) -> dict[str, Any] | None:
    try:
        data = json.loads(await request.body())
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _authorized(handler: Endpoint) -> Endpoint:
    """Check the bearer token and the account header before the handler runs."""

    async def wrapper(request: Request) -> Response:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _message(401, "missing bearer token")
        problem = _tokens(request).check(token.strip())
        if problem is not None:
            return _message(401, f"access token {problem}")
        account = request.headers.get("x-account-id")
        if account != _tenant(request).identity.account_id:
            return _invalid("X-Account-ID is missing or not this user's account")
        try:
            return await handler(request)
        except TenantError as error:
            return _invalid(str(error))

    return wrapper


def _tokens_answer(request: Request, pair: tuple[str, str]) -> JSONResponse:
    tenant = _tenant(request)
    credentials = _tokens(request).credentials
    user = {
        "id": tenant.identity.account_id[:16] + "0" * 16,
        "username": credentials.username,
        "domain": tenant.identity.domain,
        "account_id": tenant.identity.account_id,
        "role": "admin",
    }
    return JSONResponse({"user": user, "access_token": pair[0], "refresh_token": pair[1]})


async def login(request: Request) -> Response:
    body = await _body(request)
    if body is None or not all(isinstance(body.get(k), str) for k in ("username", "password")):
        return _invalid("username, password and domain are required")
    domain = body.get("domain")
    if not isinstance(domain, str):
        return _invalid("username, password and domain are required")
    pair = _tokens(request).login(body["username"], body["password"], domain)
    if pair is None:
        return _invalid("wrong username, password or domain")
    return _tokens_answer(request, pair)


async def refresh(request: Request) -> Response:
    body = await _body(request)
    token = body.get("refresh_token") if body else None
    if not isinstance(token, str):
        return _invalid("refresh_token is required")
    pair = _tokens(request).refresh(token)
    if pair is None:
        return _invalid("the refresh token is unknown or expired")
    return _tokens_answer(request, pair)


@_authorized
async def campaigns_status(request: Request) -> Response:
    return JSONResponse(await run_in_threadpool(_tenant(request).campaigns_status))


def _int_param(request: Request, *names: str, default: int | None = None) -> int | None:
    for name in names:
        raw = request.query_params.get(name)
        if raw is not None and raw != "":
            try:
                return int(raw)
            except ValueError:
                raise TenantError(f"{name} must be an integer") from None
    return default


@_authorized
async def campaign_leads(request: Request) -> Response:
    size = _int_param(request, "page_size", default=DEFAULT_PAGE_SIZE)
    assert size is not None
    key = request.query_params.get("next_start_key") or None
    page = await run_in_threadpool(
        _tenant(request).leads_page, request.path_params["campaign_id"], size, key
    )
    return JSONResponse(page)


@_authorized
async def queues_status(request: Request) -> Response:
    return JSONResponse(await run_in_threadpool(_tenant(request).queues_status))


def _epoch(value: int) -> float:
    """Seconds, or milliseconds when the number is too large to be seconds (the seed's example
    `endDate` has 13 digits)."""
    return value / 1000.0 if value > 100_000_000_000 else float(value)


@_authorized
async def activity(request: Request) -> Response:
    # The seed's example spells `starDate`; its parameter list says `startDate`. Both work.
    start = _int_param(request, "startDate", "starDate")
    end = _int_param(request, "endDate")
    if start is None or end is None:
        raise TenantError("startDate and endDate are required")
    size = _int_param(request, "pageSize", default=1000)
    assert size is not None
    key = request.query_params.get("startKey") or None
    records = await run_in_threadpool(
        _tenant(request).activity, _epoch(start), _epoch(end), size, key
    )
    return JSONResponse(records)


@_authorized
async def add_lead(request: Request) -> Response:
    body = await _body(request)
    if body is None:
        raise TenantError("the body must be a JSON object")
    lead_id = await run_in_threadpool(
        _tenant(request).add_lead, request.path_params["campaign_id"], body
    )
    return JSONResponse({"message": "Lead added to campaign successfully.", "id": lead_id})


@_authorized
async def lead_status(request: Request) -> Response:
    await run_in_threadpool(
        _tenant(request).set_lead_status,
        request.path_params["lead_id"],
        request.path_params["status"],
    )
    return JSONResponse({"message": "Lead status set successfully."})


@_authorized
async def delete_lead(request: Request) -> Response:
    await run_in_threadpool(_tenant(request).delete_lead, request.path_params["lead_id"])
    return JSONResponse({"message": "Lead deleted successfully."})


@_authorized
async def voicemail(request: Request) -> Response:
    await run_in_threadpool(_tenant(request).set_voicemail, request.path_params["cdr_id"])
    return JSONResponse({"message": "Call disposition set successfully."})


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    return _message(status, str(exc.detail) if isinstance(exc, HTTPException) else "error")


async def _internal(request: Request, exc: Exception) -> Response:
    return _message(500, "Error due to an internal issue.")


ROUTES = [
    Route("/api/v2/login", login, methods=["POST"]),
    Route("/api/v2/login/refresh", refresh, methods=["POST"]),
    Route("/api/v2/reports/campaigns/leads/status", campaigns_status, methods=["GET"]),
    Route("/api/v2/reports/campaigns/leads/history", activity, methods=["GET"]),
    Route("/api/v2/config/campaigns/{campaign_id}/leads", campaign_leads, methods=["GET"]),
    Route("/api/v2/config/campaigns/{campaign_id}/lead", add_lead, methods=["PUT"]),
    Route(
        "/api/v2/config/campaigns/leads/{lead_id}/status/{status}", lead_status, methods=["POST"]
    ),
    Route("/api/v2/config/campaigns/leads/{lead_id}", delete_lead, methods=["DELETE"]),
    Route(
        "/api/v2/config/campaigns/call/{cdr_id}/disposition/voicemail", voicemail, methods=["PUT"]
    ),
    Route("/callcenter/queues/status", queues_status, methods=["GET"]),
]


def create_fonouc_app(tenant: FonoucTenant, tokens: FonoucTokens) -> Starlette:
    """The ASGI app for one simulated FonoUC tenant."""
    app = Starlette(
        routes=ROUTES,
        exception_handlers={HTTPException: _http_error, Exception: _internal},
    )
    app.state.tenant = tenant
    app.state.tokens = tokens
    return app
