"""Simulator-only routes under `/_sim/`: look inside the model, move the clock, switch faults,
read the request log.

Why a separate, unauthenticated prefix: tests and demos need to see the truth (did the hangup
really end the call?) and to steer time and failures without going through the platform's
budget, faults or sign-in. Nothing under `/_sim/` is faulted, rate-limited or logged, and no
platform path starts with it, so it can never be mistaken for the API being simulated.
"""

from __future__ import annotations

import math
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wallboard.sim.app_common import call_model, context, dumps, json_response
from wallboard.sim.faults import FaultRule, FaultSpecError


def _problem(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _clock_state(request: Request) -> dict[str, Any]:
    clock = context(request).clock
    return {"now": clock.now().isoformat(), "speed": clock.speed}


def _number(request: Request, name: str) -> float | Response:
    raw = request.query_params.get(name)
    try:
        value = float(raw) if raw is not None else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        return _problem(400, f"{name} must be a non-negative number")
    return value


async def state(request: Request) -> Response:
    ctx = context(request)
    summary = await call_model(ctx.center.summary)
    return await json_response(
        {"clock": _clock_state(request), "summary": summary, "faults": ctx.faults.rules()}
    )


async def inspect_call(request: Request) -> Response:
    found = await call_model(context(request).center.inspect_call, request.path_params["uii"])
    return _problem(404, "no such call") if found is None else await json_response(found)


async def inspect_agent(request: Request) -> Response:
    found = await call_model(context(request).center.inspect_agent, request.path_params["key"])
    return _problem(404, "no such agent") if found is None else await json_response(found)


async def gates(request: Request) -> Response:
    return await json_response(await call_model(context(request).center.gates))


async def campaigns(request: Request) -> Response:
    return await json_response(await call_model(context(request).center.campaigns))


async def advance(request: Request) -> Response:
    seconds = _number(request, "seconds")
    if isinstance(seconds, Response):
        return seconds
    context(request).clock.advance(seconds)
    return JSONResponse(_clock_state(request))


async def speed(request: Request) -> Response:
    value = _number(request, "speed")
    if isinstance(value, Response):
        return value
    context(request).clock.set_speed(value)
    return JSONResponse(_clock_state(request))


async def requests_log(request: Request) -> Response:
    raw = request.query_params.get("last", "50")
    if not raw.isdigit():
        return _problem(400, "last must be a non-negative integer")
    return Response(
        dumps(context(request).requests.snapshot(int(raw))), media_type="application/json"
    )


async def requests_reset(request: Request) -> Response:
    context(request).requests.reset()
    return JSONResponse({"reset": True})


async def faults(request: Request) -> Response:
    board = context(request).faults
    if request.method == "DELETE":
        board.clear()
        return JSONResponse({"rules": []})
    if request.method == "POST":
        try:
            data = await request.json()
            if not isinstance(data, dict):
                raise FaultSpecError("a fault rule is a JSON object")
            rule = board.add(FaultRule.from_mapping(data))
        except (ValueError, FaultSpecError) as error:
            return _problem(400, str(error))
        return JSONResponse(rule.as_dict(), status_code=201)
    return JSONResponse({"rules": board.rules()})


async def delete_fault(request: Request) -> Response:
    raw = request.path_params["rule_id"]
    if raw.isdigit() and context(request).faults.remove(int(raw)):
        return JSONResponse({"removed": int(raw)})
    return _problem(404, "no such fault rule")


ROUTES = [
    Route("/_sim/state", state, methods=["GET"]),
    Route("/_sim/calls/{uii}", inspect_call, methods=["GET"]),
    Route("/_sim/agents/{key}", inspect_agent, methods=["GET"]),
    Route("/_sim/gates", gates, methods=["GET"]),
    Route("/_sim/campaigns", campaigns, methods=["GET"]),
    Route("/_sim/clock/advance", advance, methods=["POST"]),
    Route("/_sim/clock/speed", speed, methods=["POST"]),
    Route("/_sim/requests", requests_log, methods=["GET"]),
    Route("/_sim/requests/reset", requests_reset, methods=["POST"]),
    Route("/_sim/faults", faults, methods=["GET", "POST", "DELETE"]),
    Route("/_sim/faults/{rule_id}", delete_fault, methods=["DELETE"]),
]
