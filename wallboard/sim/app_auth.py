"""Sign-in routes: the RingCentral platform's JWT grant and account id, the RingCX token exchange,
refresh with rotation, the legacy API token, and the sub-account list.

Why they answer in the platforms' own shapes (OAuth errors on the RingCentral side, RingCX error
bodies and plain `Jwt is expired` on the RingCX side): the wallboard's client must tell these
apart exactly as it will have to against production.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from wallboard.sim.app_common import (
    authorize,
    call_model,
    context,
    error_response,
    form,
    json_response,
    too_many_requests,
)
from wallboard.sim.auth import DemoUser, IssuedTokens, Permission

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def _oauth_error(status: int, error: str, code: str, message: str) -> JSONResponse:
    body = {
        "error": error,
        "errors": [{"errorCode": code, "message": message}],
        "error_description": message,
    }
    return JSONResponse(body, status_code=status)


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    return (client_id, secret) if sep else None


async def rc_token(request: Request) -> Response:
    """`POST /restapi/oauth/token`: the JWT-bearer grant."""
    ctx = context(request)
    client = _basic_credentials(request)
    if client is None or not ctx.tokens.credentials.check_client(*client):
        return _oauth_error(401, "invalid_client", "OAU-123", "Invalid client credentials")
    fields = await form(request)
    if fields.get("grant_type") != JWT_GRANT:
        return _oauth_error(400, "invalid_grant", "OAU-250", "Unsupported grant type")
    granted = ctx.tokens.grant_rc_token(fields.get("assertion", ""))
    if granted is None:
        return _oauth_error(400, "invalid_grant", "OAU-144", "Invalid JWT: unknown assertion")
    token, user = granted
    return JSONResponse(
        {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": ctx.tokens.RC_TOKEN_TTL,
            "refresh_token": None,
            "refresh_token_expires_in": ctx.tokens.RC_REFRESH_TTL,
            "scope": "ReadAccounts",
            "owner_id": str(user.extension_id),
            "endpoint_id": f"sim-{user.key}",
        }
    )


def _rc_bearer_user(request: Request) -> DemoUser | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return context(request).tokens.rc_user(token.strip())


async def rc_account(request: Request) -> Response:
    """`GET /restapi/v1.0/account/~`: the RingCentral account id (an integer, like the real one)."""
    if _rc_bearer_user(request) is None:
        return JSONResponse(
            {
                "errorCode": "TokenInvalid",
                "message": "Token not found",
                "errors": [{"errorCode": "OAU-213", "message": "Token not found"}],
            },
            status_code=401,
        )
    settings = context(request).settings
    rc_id = settings.rc_account_id
    return JSONResponse(
        {
            "uri": f"{request.base_url}restapi/v1.0/account/{rc_id}",
            "id": int(rc_id) if rc_id.isdigit() else rc_id,
            "mainNumber": "+16505550100",
            "status": "Confirmed",
        }
    )


def _ringcx_tokens(request: Request, issued: IssuedTokens) -> dict[str, Any]:
    settings = context(request).settings
    user = issued.user
    return {
        "accessToken": issued.access_token,
        "refreshToken": issued.refresh_token,
        "tokenType": "Bearer",
        "mainAccountId": settings.main_account_id,
        "adminId": user.admin_id,
        "agentDetails": [
            {
                "agentId": user.admin_id + 500_000,
                "firstName": user.first_name,
                "lastName": user.last_name,
                "email": user.email,
                "username": user.email,
                "accountId": settings.sub_account_id,
            }
        ],
    }


async def exchange(request: Request) -> Response:
    """`POST /api/auth/login/rc/accesstoken`: RingCentral token to RingCX tokens, 5 per minute."""
    ctx = context(request)
    wait = ctx.limiters.exchange.acquire(f"exchange:{ctx.settings.rc_account_id}")
    if wait is not None:
        return too_many_requests(request, wait)
    fields = await form(request)
    include_refresh = request.query_params.get("includeRefresh", "").lower() == "true"
    issued = ctx.tokens.exchange(fields.get("rcAccessToken", ""), include_refresh)
    if issued is None:
        return error_response(
            request, 401, "authentication.failure", "Invalid or expired RingCentral access token"
        )
    return JSONResponse(_ringcx_tokens(request, issued))


async def refresh(request: Request) -> Response:
    """`POST /api/auth/token/refresh`: new access and refresh tokens; the old refresh token dies."""
    fields = await form(request)
    issued = context(request).tokens.refresh(fields.get("refresh_token", ""))
    if issued is None:
        return error_response(
            request, 401, "authentication.failure", "Invalid, expired or already used refresh token"
        )
    return JSONResponse(_ringcx_tokens(request, issued))


async def api_token(request: Request) -> Response:
    """`POST /voice/api/v1/admin/token`: a never-expiring API token, as plain text."""
    principal = authorize(request, Permission.NONE, limiter=None, account_param=None)
    if isinstance(principal, Response):
        return principal
    return PlainTextResponse(context(request).tokens.issue_api_token(principal.user))


async def accounts(request: Request) -> Response:
    """`GET /voice/api/v1/admin/accounts`: the sub-accounts this user can see."""
    principal = authorize(request, Permission.NONE, limiter=None, account_param=None)
    if isinstance(principal, Response):
        return principal
    return await json_response(await call_model(context(request).center.accounts))


ROUTES = [
    Route("/restapi/oauth/token", rc_token, methods=["POST"]),
    Route("/restapi/v1.0/account/~", rc_account, methods=["GET"]),
    Route("/api/auth/login/rc/accesstoken", exchange, methods=["POST"]),
    Route("/api/auth/token/refresh", refresh, methods=["POST"]),
    Route("/voice/api/v1/admin/token", api_token, methods=["POST"]),
    Route("/voice/api/v1/admin/accounts", accounts, methods=["GET"]),
]
