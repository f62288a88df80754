"""Call-control routes (`activeCalls/{uii}/...` and `createManualAgentCall`).

Each answers a plain-text `true`/`false`, as the platform does. The guard runs first (a `viewer`
gets the documented 403 even for a malformed request), then the `uii` and the query parameters
are checked, then the model acts. The model's `CallNotActive` and `InvalidRequest` become the
platform's 404 and 400 bodies in `app.py`'s exception handlers, so each route stays a few lines.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wallboard.sim.app_common import Params, authorize, bool_text, call_model, check_uii, context
from wallboard.sim.app_realtime import ACCOUNT
from wallboard.sim.auth import Permission
from wallboard.sim.model import ContactCenter

SESSION_TYPES = ("MONITOR", "COACHING", "BARGEIN")
HOLD_STATES = ("ON", "OFF")
_CONTROL = Permission.CONTROL_CALLS

#: Parses the query for one action and returns the model call to make, or None if invalid.
Action = Callable[[ContactCenter, str, Params], Callable[[], bool] | None]


def _add_session(center: ContactCenter, uii: str, p: Params) -> Callable[[], bool] | None:
    destination = p.phone("destination", required=True)
    session_type = p.choice("sessionType", SESSION_TYPES, required=True)
    if destination is None or session_type is None:
        return None
    return lambda: center.add_session(uii, destination, session_type)


def _disposition(center: ContactCenter, uii: str, p: Params) -> Callable[[], bool] | None:
    disposition = p.text("disposition", required=True)
    callback = p.boolean("callback", required=True)
    dts = p.text("callBackDTS", required=bool(callback))
    notes = p.text("notes")
    if dts is not None and not (len(dts) == 14 and dts.isdigit()):
        p.errors.append(
            {"attributeName": "callBackDTS", "message": "must be yyyyMMddHHmmss", "value": dts}
        )
    if disposition is None or callback is None or p.errors:
        return None
    return lambda: center.disposition(uii, disposition, callback, callback_dts=dts, notes=notes)


def _hangup(center: ContactCenter, uii: str, p: Params) -> Callable[[], bool] | None:
    return lambda: center.hangup_call(uii)


def _hangup_session(center: ContactCenter, uii: str, p: Params) -> Callable[[], bool] | None:
    phone = p.phone("phone", required=True)
    return None if phone is None else (lambda: center.hangup_session(uii, phone))


def _hangup_session_by_id(center: ContactCenter, uii: str, p: Params) -> Callable[[], bool] | None:
    session_id = p.text("sessionId", required=True)
    return None if session_id is None else (lambda: center.hangup_session_by_id(uii, session_id))


def _recording(center: ContactCenter, uii: str, p: Params) -> Callable[[], bool] | None:
    record = p.boolean("record", required=True)
    return None if record is None else (lambda: center.toggle_recording(uii, record))


def _ping(center: ContactCenter, uii: str, p: Params) -> Callable[[], bool] | None:
    return lambda: center.ping(uii)


def _hold(center: ContactCenter, uii: str, p: Params) -> Callable[[], bool] | None:
    state = p.choice("state", HOLD_STATES, required=True)
    return None if state is None else (lambda: center.toggle_hold(uii, state))


def _requeue(center: ContactCenter, uii: str, p: Params) -> Callable[[], bool] | None:
    gate_id = p.integer("gateId", required=True)
    return None if gate_id is None else (lambda: center.requeue(uii, gate_id))


ACTIONS: dict[str, Action] = {
    "addSessionToCall": _add_session,
    "dispositionCall": _disposition,
    "hangupCall": _hangup,
    "hangupSession": _hangup_session,
    "hangupSessionById": _hangup_session_by_id,
    "toggleCallRecording": _recording,
    "pingCall": _ping,
    "toggleCallHold": _hold,
    "requeueCall": _requeue,
}


def _control(action: Action) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        ctx = context(request)
        principal = authorize(request, _CONTROL, limiter=ctx.limiters.realtime)
        if isinstance(principal, Response):
            return principal
        uii = check_uii(request)
        if isinstance(uii, Response):
            return uii
        params = Params.query(request)
        call = action(ctx.center, uii, params)
        if failure := params.failure(request):
            return failure
        assert call is not None  # an action returns None only after recording an error
        return bool_text(await call_model(call))

    return endpoint


async def create_manual_agent_call(request: Request) -> Response:
    """`POST .../activeCalls/createManualAgentCall`: ring the named agent, then dial."""
    ctx = context(request)
    principal = authorize(request, _CONTROL, limiter=ctx.limiters.realtime)
    if isinstance(principal, Response):
        return principal
    p = Params.query(request)
    username = p.text("username", required=True)
    destination = p.phone("destination", required=True)
    ring_duration = p.integer("ringDuration", required=True, minimum=1)
    caller_id = p.phone("callerId", required=True)
    if failure := p.failure(request):
        return failure
    assert username and destination and ring_duration and caller_id
    result = await call_model(
        ctx.center.create_manual_agent_call, username, destination, ring_duration, caller_id
    )
    return bool_text(result)


def _routes() -> list[Route]:
    routes = [
        Route(
            ACCOUNT + "/activeCalls/createManualAgentCall",
            create_manual_agent_call,
            methods=["POST"],
        )
    ]
    for name, action in ACTIONS.items():
        path = ACCOUNT + "/activeCalls/{uii}/" + name
        routes.append(Route(path, _control(action), methods=["POST"], name=name))
    return routes


ROUTES = _routes()
