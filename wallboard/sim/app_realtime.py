"""Read routes of the real-time family: `realTimeData/{kind}`, `activeCalls/list`, and the lead
loader (a write, but it draws on the same 120-per-minute budget on the real platform).

Why `activeCalls/list` returns the whole list without `maxRows`: that is what the seed's sample
program relies on. With `maxRows`, pages are zero-based and a page past the end is an empty
array, so a client can stop at the first short page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wallboard.sim.app_common import (
    Params,
    authorize,
    call_model,
    context,
    error_response,
    invalid_request,
    json_body,
    json_response,
)
from wallboard.sim.auth import Permission
from wallboard.sim.model import ContactCenter

ACCOUNT = "/voice/api/v1/admin/accounts/{accountId}"

_KINDS: dict[str, Callable[[ContactCenter], Callable[[], list[dict[str, Any]]]]] = {
    "outbound": lambda center: center.outbound_stats,
    "ivr": lambda center: center.ivr_stats,
    "inbound": lambda center: center.inbound_stats,
    "agent": lambda center: center.agent_stats,
}


async def realtime_data(request: Request) -> Response:
    """`GET .../realTimeData/{outbound|ivr|inbound|agent}`."""
    kind = request.path_params["kind"]
    if kind not in _KINDS:
        return error_response(request, 404, "not.found", f"Unknown real-time data kind {kind!r}")
    ctx = context(request)
    principal = authorize(request, Permission.REALTIME, limiter=ctx.limiters.realtime)
    if isinstance(principal, Response):
        return principal
    return await json_response(await call_model(_KINDS[kind](ctx.center)))


def page_of(rows: list[dict[str, Any]], page: int | None, max_rows: int | None) -> list[Any]:
    """Zero-based paging; no `maxRows` means one page holding everything."""
    if max_rows is None:
        return rows if not page else []
    start = (page or 0) * max_rows
    return rows[start : start + max_rows]


async def list_active_calls(request: Request) -> Response:
    """`GET .../activeCalls/list` with `product`, `productId`, `externalId`, `page`, `maxRows`."""
    ctx = context(request)
    principal = authorize(request, Permission.LIST_CALLS, limiter=ctx.limiters.realtime)
    if isinstance(principal, Response):
        return principal
    params = Params.query(request)
    product = params.text("product")
    product_id = params.integer("productId")
    external_id = params.text("externalId")
    page = params.integer("page", minimum=0)
    max_rows = params.integer("maxRows", minimum=1)
    if failure := params.failure(request):
        return failure

    def listing() -> list[Any]:
        rows = ctx.center.active_calls(
            product=product, product_id=product_id, external_id=external_id
        )
        return page_of(rows, page, max_rows)

    return await json_response(await call_model(listing))


async def load_leads(request: Request) -> Response:
    """`POST .../campaigns/{campaignId}/leadLoader/direct`: 200 with counts even when every lead
    was rejected, like the real loader; an unknown campaign is 404."""
    ctx = context(request)
    principal = authorize(request, Permission.LOAD_LEADS, limiter=ctx.limiters.realtime)
    if isinstance(principal, Response):
        return principal
    raw_campaign = request.path_params["campaignId"]
    if not raw_campaign.isdigit():
        return invalid_request(request, f"campaignId {raw_campaign!r} is not a number")
    body = await json_body(request)
    if isinstance(body, Response):
        return body
    if not isinstance(body.get("uploadLeads", []), list):
        return invalid_request(request, "uploadLeads must be an array of leads")
    result = await call_model(ctx.center.load_leads, int(raw_campaign), body)
    return await json_response(result)


ROUTES = [
    Route(ACCOUNT + "/realTimeData/{kind}", realtime_data, methods=["GET"]),
    Route(ACCOUNT + "/activeCalls/list", list_active_calls, methods=["GET"]),
    Route(ACCOUNT + "/campaigns/{campaignId}/leadLoader/direct", load_leads, methods=["POST"]),
]
