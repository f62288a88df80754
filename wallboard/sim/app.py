"""The simulated platform's HTTP face: one ASGI app serving the RingCentral platform paths, the
RingCX paths and the simulator's own `/_sim/` controls.

Why one host for both platforms: the wallboard's config takes a RingCX URL and a platform URL;
pointing both at one simulator keeps a demo to one process and one port. Routes live in
`app_auth`, `app_realtime`, `app_calls`, `app_reports` and `app_control`; this module only
composes them, maps the model's exceptions to the platform's error bodies, and wraps the lot in
the fault and request-log layer.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp

from wallboard.sim import app_auth, app_calls, app_control, app_realtime, app_reports, leadfeed
from wallboard.sim.app_common import SimContext, error_response, validation_failed
from wallboard.sim.app_middleware import SimMiddleware
from wallboard.sim.model import CallNotActive, InvalidRequest, NotFound


async def _call_not_active(request: Request, exc: Exception) -> Response:
    uii = request.path_params.get("uii", "")
    return error_response(request, 404, "call.not.found", f"Call {uii} is no longer active")


async def _invalid_request(request: Request, exc: Exception) -> Response:
    attribute = getattr(exc, "attribute", None)
    value = getattr(exc, "value", None)
    problem = {"attributeName": attribute, "message": str(exc), "value": value}
    return validation_failed(request, [problem])


async def _not_found(request: Request, exc: Exception) -> Response:
    return error_response(request, 404, "resource.not.found", str(exc) or "Not found")


async def _http_error(request: Request, exc: Exception) -> Response:
    """Unknown paths and wrong methods get the platform's JSON error body, not Starlette's text."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    code = {404: "not.found", 405: "method.not.allowed"}.get(status, "http.error")
    message = exc.detail if isinstance(exc, HTTPException) else "Error"
    return error_response(request, status, code, str(message))


def create_app(ctx: SimContext) -> ASGIApp:
    """The ASGI app for one simulated contact center."""
    app = Starlette(
        routes=[
            *app_auth.ROUTES,
            *app_realtime.ROUTES,
            *app_calls.ROUTES,
            *app_reports.ROUTES,
            *app_control.ROUTES,
            *leadfeed.ROUTES,
        ],
        exception_handlers={
            CallNotActive: _call_not_active,
            InvalidRequest: _invalid_request,
            NotFound: _not_found,
            HTTPException: _http_error,
        },
    )
    app.state.sim = ctx
    return SimMiddleware(app, ctx.faults, ctx.requests, ctx.clock)
