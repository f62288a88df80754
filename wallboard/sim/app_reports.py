"""WFM report routes: interval statistics, interaction metadata, segment recordings.

Why the window rules are enforced here, not in the model: they are the platform's request
validation (data must be at least 5 minutes old, at most 3 hours per request, the documented
intervals only), and the wallboard must learn to respect them before it meets production. The
budget is per sub-account (2 per minute and 9 per 15 minutes), charged before validation, as a
gateway would.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wallboard.providers.ringcx.wire import AggStatsRequest, InteractionMetadataRequest
from wallboard.sim.app_common import (
    access_denied,
    authorize,
    call_model,
    context,
    error_response,
    invalid_request,
    json_response,
    validation_failed,
)
from wallboard.sim.auth import Permission, Principal
from wallboard.sim.model import ContactCenter

BASE = "/voice/api/cx/integration/v1/accounts/{rcAccountId}/sub-accounts/{subAccountId}"
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
AGG_INTERVALS = (900, 1800, 2700, 3600)
MAX_WINDOW = timedelta(hours=3)
MIN_AGE = timedelta(minutes=5)
MAX_METADATA_INTERVAL = 10_800

IntervalReport = Callable[[datetime, datetime, int, ZoneInfo], list[dict[str, Any]]]
_AGG: dict[str, Callable[[ContactCenter], IntervalReport]] = {
    "agg-queue-stats": lambda center: center.queue_interval_stats,
    "agg-agent-stats": lambda center: center.agent_interval_stats,
    "agg-agent-extended-stats": lambda center: center.agent_extended_interval_stats,
}


class _Refusal(Exception):
    """A request the platform refuses with 400: `str()` is the generalMessage; `problems`, when
    set, are the validationErrors."""

    def __init__(self, message: str, problems: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.problems = problems


def _guard(request: Request) -> Principal | Response:
    ctx = context(request)
    principal = authorize(
        request,
        Permission.REPORTS,
        limiter=ctx.limiters.reports,
        limit_key=f"reports:{ctx.settings.sub_account_id}",
        account_param="subAccountId",
    )
    if isinstance(principal, Principal) and (
        request.path_params.get("rcAccountId") != ctx.settings.rc_account_id
    ):
        return access_denied(request)
    return principal


def _parse(model: type[BaseModel], raw: bytes) -> Any:
    try:
        data = json.loads(raw) if raw else None
    except ValueError:
        raise _Refusal("Request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise _Refusal("Request body must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems = [
            {
                "attributeName": ".".join(str(p) for p in item["loc"]) or "body",
                "message": item["msg"],
                "value": None if item["type"] == "missing" else item.get("input"),
            }
            for item in error.errors()
        ]
        raise _Refusal("Request validation failed", problems) from None


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise _Refusal(f"Unknown timeZone {name!r}") from None


def _local(text: str, field: str, zone: ZoneInfo) -> datetime:
    try:
        return datetime.strptime(text, DATE_FORMAT).replace(tzinfo=zone)
    except ValueError:
        raise _Refusal(f"{field} {text!r} is not in the format YYYY-MM-DD HH:mm:ss") from None


def _check_age(end: datetime, now: datetime, field: str) -> None:
    if end > now - MIN_AGE:
        raise _Refusal(
            f"{field} must be at least 5 minutes before the current time "
            f"(now {now.astimezone(end.tzinfo).strftime(DATE_FORMAT)} in the requested timeZone)"
        )


def _agg_window(request: Request, body: AggStatsRequest) -> tuple[datetime, datetime, ZoneInfo]:
    zone = _zone(body.timeZone)
    if body.timeInterval not in AGG_INTERVALS:
        raise _Refusal(f"timeInterval must be one of {', '.join(map(str, AGG_INTERVALS))} seconds")
    start = _local(body.startDate, "startDate", zone)
    end = _local(body.endDate, "endDate", zone)
    if end <= start:
        raise _Refusal("endDate must be after startDate")
    if end - start > MAX_WINDOW:
        raise _Refusal("The requested window is longer than 3 hours; split it into smaller ones")
    _check_age(end, context(request).clock.now(), "endDate")
    return start, end, zone


async def _answer(request: Request, work: Callable[[], Awaitable[Response]]) -> Response:
    """Run the guard, then `work` (which may refuse), mapping refusals to the platform's 400."""
    principal = _guard(request)
    if isinstance(principal, Response):
        return principal
    try:
        return await work()
    except _Refusal as refusal:
        if refusal.problems:
            return validation_failed(request, refusal.problems)
        return invalid_request(request, str(refusal))


async def agg_stats(request: Request) -> Response:
    """`POST .../{agg-queue-stats|agg-agent-stats|agg-agent-extended-stats}`."""
    name = request.path_params["report"]
    if name not in _AGG:
        return error_response(request, 404, "not.found", f"Unknown report {name!r}")

    async def work() -> Response:
        body: AggStatsRequest = _parse(AggStatsRequest, await request.body())
        start, end, zone = _agg_window(request, body)
        report = _AGG[name](context(request).center)
        rows = await call_model(report, start, end, body.timeInterval, zone)
        return await json_response(rows)

    return await _answer(request, work)


async def interaction_metadata(request: Request) -> Response:
    """`POST .../interaction-metadata`: segments ending in the `timeInterval` seconds before
    `segmentEndTime`."""

    async def work() -> Response:
        body: InteractionMetadataRequest = _parse(InteractionMetadataRequest, await request.body())
        zone = _zone(body.timeZone)
        if not 1 <= body.timeInterval <= MAX_METADATA_INTERVAL:
            raise _Refusal(f"timeInterval must be between 1 and {MAX_METADATA_INTERVAL} seconds")
        end = _local(body.segmentEndTime, "segmentEndTime", zone)
        _check_age(end, context(request).clock.now(), "segmentEndTime")
        center = context(request).center
        rows = await call_model(center.interaction_metadata, end, body.timeInterval, zone)
        return await json_response(rows)

    return await _answer(request, work)


async def recording(request: Request) -> Response:
    """`GET .../recordings/dialogs/{dialogId}/segments/{segmentId}`: WAV bytes, or 404."""

    async def work() -> Response:
        center = context(request).center
        dialog, segment = request.path_params["dialogId"], request.path_params["segmentId"]
        audio = await call_model(center.recording, dialog, segment)
        return Response(audio, media_type="audio/wav")

    return await _answer(request, work)


ROUTES = [
    Route(BASE + "/interaction-metadata", interaction_metadata, methods=["POST"]),
    Route(BASE + "/recordings/dialogs/{dialogId}/segments/{segmentId}", recording, methods=["GET"]),
    Route(BASE + "/{report}", agg_stats, methods=["POST"]),
]
