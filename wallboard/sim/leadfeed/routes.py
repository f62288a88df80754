"""HTTP face of the simulated live lead feed (seed 003, OutboundIQ): `POST /live-feed/ringcx`,
plus simulator-only controls under `/_sim/leadfeed`.

Checks run in the order a real service would meet them: the key (401 missing, invalid or
inactive; 403 not universal), the body (400 with the reason), the company's dialer (400 none,
400 unsupported family, 400 no auth token), the campaign (404), then the dialer's lead loader
(502 with `dialerResponse` on an HTTP failure or `leadsAccepted === 0`, else 200). Error bodies
are `{"success": false, "error": ...}`; the seed only fixes the statuses and `dialerResponse`.

Why the world is created lazily on the app's state: `create_app` only mounts `ROUTES`, so the
rest of the simulator needs no knowledge of the feed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wallboard.sim.app_common import call_model, context, json_body
from wallboard.sim.leadfeed.dialers import DialerOverride, FeedDialers
from wallboard.sim.leadfeed.directory import (
    SUPPORTED_FAMILIES,
    TOKEN_FIELD,
    FeedApiKey,
    KeyDirectory,
    demo_feed_keys,
)
from wallboard.sim.leadfeed.validate import FeedRequestError, parse_feed_request
from wallboard.sim.model import NotFound

_CREATE_LOCK = threading.Lock()


@dataclass
class LeadFeedWorld:
    seed: int
    keys: KeyDirectory
    dialers: FeedDialers
    #: The next `throttled` feed requests are answered 429 with this Retry-After (seconds).
    throttled: int = 0
    retry_after: int = 1


def feed_world(request: Request) -> LeadFeedWorld:
    """The feed's state for this simulator, made on first use."""
    state = request.app.state
    with _CREATE_LOCK:
        world: LeadFeedWorld | None = getattr(state, "leadfeed", None)
        if world is None:
            ctx = context(request)
            seed = ctx.settings.seed
            world = LeadFeedWorld(seed, KeyDirectory(seed), FeedDialers(ctx.center))
            state.leadfeed = world
    return world


def _failure(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"success": False, "error": message, **extra}, status_code=status)


def _caller(request: Request, world: LeadFeedWorld) -> FeedApiKey | Response:
    scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return _failure(401, "Missing API key: send Authorization: Bearer <key>")
    key = world.keys.find(token.strip())
    if key is None:
        return _failure(401, "Invalid API key")
    if not key.active:
        return _failure(401, "API key is inactive")
    if key.key_type != "universal":
        return _failure(403, "API key type must be universal")
    return key


def _dialer_problem(key: FeedApiKey) -> str | None:
    family = key.company.dialer_family
    if family is None:
        return "The company has no dialer configured"
    if family not in SUPPORTED_FAMILIES:
        return f"Unsupported dialer family {family!r}: only ringcx and newbridge are supported"
    if not key.company.has_token:
        return f"The dialer config is missing the required auth token ({TOKEN_FIELD[family]})"
    return None


async def upload_lead(request: Request) -> Response:
    """`POST /live-feed/ringcx`: push one lead (see the module docstring for the checks)."""
    world = feed_world(request)
    with _CREATE_LOCK:
        throttle = world.throttled > 0
        world.throttled = max(0, world.throttled - 1)
    if throttle:
        headers = {"Retry-After": str(world.retry_after)}
        return JSONResponse(
            {"success": False, "error": "Too many requests"}, status_code=429, headers=headers
        )
    key = _caller(request, world)
    if isinstance(key, Response):
        return key
    body = await json_body(request)
    if isinstance(body, Response):
        return _failure(400, "Request body failed validation: it must be a JSON object")
    try:
        parsed = parse_feed_request(body)
    except FeedRequestError as error:
        return _failure(400, f"Request body failed validation: {error}", issues=error.issues)
    if problem := _dialer_problem(key):
        return _failure(400, problem)
    company = key.company
    dialers = world.dialers
    if not await call_model(dialers.has_campaign, company, parsed.campaign_id):
        return _failure(404, f"No campaign with campaignId {parsed.campaign_id!r} exists")
    loader_body = parsed.loader_request(caller_id=dialers.next_caller_id())
    try:
        answer = await call_model(dialers.forward, company, parsed.campaign_id, loader_body)
    except NotFound:
        return _failure(404, f"No campaign with campaignId {parsed.campaign_id!r} exists")
    if answer.status >= 400 or answer.body.get("leadsAccepted") == 0:
        return _failure(
            502, "The dialer's lead loader rejected the upload", dialerResponse=answer.body
        )
    return JSONResponse({"success": True, "dialerResponse": answer.body})


# --- simulator-only controls -------------------------------------------------------------------


async def inspect(request: Request) -> Response:
    """`GET /_sim/leadfeed`: the demo keys by kind and the NewBridge campaigns' counts."""
    world = feed_world(request)
    return JSONResponse(
        {"keys": demo_feed_keys(world.seed), "newbridge": world.dialers.newbridge_counts()}
    )


async def dialer_override(request: Request) -> Response:
    """`POST /_sim/leadfeed/dialer` `{"status"?, "body"?, "patch"?, "count"?}` makes the next
    `count` loader answers fail; `DELETE` clears it."""
    world = feed_world(request)
    if request.method == "DELETE":
        world.dialers.set_override(None)
        return JSONResponse({"override": None})
    body = await json_body(request)
    if isinstance(body, Response):
        return JSONResponse({"error": "body must be a JSON object"}, status_code=400)
    status, count = body.get("status"), body.get("count", 1)
    extra, patch = body.get("body", {}), body.get("patch", {})
    if status is not None and (not isinstance(status, int) or not 400 <= status <= 599):
        return JSONResponse({"error": "status must be an HTTP error status"}, status_code=400)
    if not isinstance(count, int) or count < 1:
        return JSONResponse({"error": "count must be a positive integer"}, status_code=400)
    if not isinstance(extra, dict) or not isinstance(patch, dict):
        return JSONResponse({"error": "body and patch must be JSON objects"}, status_code=400)
    world.dialers.set_override(DialerOverride(status, extra, patch, count))
    return JSONResponse({"override": {"status": status, "patch": patch, "count": count}})


async def throttle(request: Request) -> Response:
    """`POST /_sim/leadfeed/throttle?count=N&retry_after=S`: answer the next N pushes 429."""
    world = feed_world(request)
    try:
        count = int(request.query_params.get("count", "1"))
        wait = int(request.query_params.get("retry_after", "1"))
    except ValueError:
        return JSONResponse({"error": "count and retry_after must be integers"}, status_code=400)
    if count < 0 or wait < 0:
        return JSONResponse({"error": "count and retry_after must not be negative"}, 400)
    with _CREATE_LOCK:
        world.throttled, world.retry_after = count, wait
    return JSONResponse({"throttled": count, "retry_after": wait})


ROUTES = [
    Route("/live-feed/ringcx", upload_lead, methods=["POST"]),
    Route("/_sim/leadfeed", inspect, methods=["GET"]),
    Route("/_sim/leadfeed/dialer", dialer_override, methods=["POST", "DELETE"]),
    Route("/_sim/leadfeed/throttle", throttle, methods=["POST"]),
]
