"""Real-time data and the active-call list over HTTP: wire-model validity, paging and filters,
permissions, the 120-per-minute budget, the daily reset, and the lead loader."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from wallboard.providers.ringcx.wire import (
    ActiveCallListResponse,
    AgentStats,
    ApiErrorBody,
    InboundQueueStats,
    IvrStats,
    LeadLoaderResult,
    OutboundStats,
    parse_records,
)
from wallboard.sim.server import SimServer

KINDS = {
    "outbound": OutboundStats,
    "ivr": IvrStats,
    "inbound": InboundQueueStats,
    "agent": AgentStats,
}


def account(sim: SimServer) -> str:
    return f"/voice/api/v1/admin/accounts/{sim.settings.sub_account_id}"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_realtime_endpoints_validate_with_the_wire_models(
    client: httpx.Client, sim: SimServer, kind: str
) -> None:
    answer = client.get(f"{account(sim)}/realTimeData/{kind}")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    parsed = parse_records(KINDS[kind], answer.json())
    assert parsed.warnings == ()
    assert parsed.records, f"no {kind} records"


def test_active_calls_whole_list_and_pages(client: httpx.Client, sim: SimServer) -> None:
    whole = client.get(f"{account(sim)}/activeCalls/list")
    assert whole.status_code == 200
    parsed = parse_records(ActiveCallListResponse, whole.json())
    assert parsed.warnings == ()
    uiis = [call.uii for call in parsed.records]
    assert len(uiis) > 10 and len(set(uiis)) == len(uiis)

    paged: list[str] = []
    for page in range(100):
        rows = client.get(
            f"{account(sim)}/activeCalls/list", params={"page": page, "maxRows": 7}
        ).json()
        assert len(rows) <= 7
        paged += [row["uii"] for row in rows]
        if len(rows) < 7:
            break
    assert paged == uiis
    past_end = client.get(f"{account(sim)}/activeCalls/list", params={"page": 1000, "maxRows": 7})
    assert (past_end.status_code, past_end.json()) == (200, [])


def test_active_calls_product_filters(client: httpx.Client, sim: SimServer) -> None:
    path = f"{account(sim)}/activeCalls/list"
    everything = client.get(path).json()
    by_account = client.get(
        path, params={"product": "ACCOUNT", "productId": sim.settings.sub_account_id}
    ).json()
    assert [c["uii"] for c in by_account] == [c["uii"] for c in everything]

    outbound = client.get(path, params={"product": "OUTBOUND"}).json()
    acd = client.get(path, params={"product": "ACD"}).json()
    assert outbound and acd
    assert {c["uii"] for c in outbound}.isdisjoint({c["uii"] for c in acd})
    assert {c["uii"] for c in outbound} | {c["uii"] for c in acd} <= {c["uii"] for c in everything}
    assert client.get(path, params={"product": "TEAMS"}).json() == []

    with_external = [c for c in everything if c.get("externalId")]
    if with_external:
        wanted = with_external[0]["externalId"]
        found = client.get(path, params={"externalId": wanted}).json()
        assert found and all(c["externalId"] == wanted for c in found)


@pytest.mark.parametrize(
    ("params", "attribute"),
    [
        ({"page": "x", "maxRows": 10}, "page"),
        ({"maxRows": "0"}, "maxRows"),
        ({"page": "-1", "maxRows": "5"}, "page"),
        ({"productId": "abc"}, "productId"),
        ({"product": "NOT_A_PRODUCT"}, "product"),
    ],
)
def test_active_calls_bad_parameters(
    client: httpx.Client, sim: SimServer, params: dict[str, Any], attribute: str
) -> None:
    answer = client.get(f"{account(sim)}/activeCalls/list", params=params)
    assert answer.status_code == 400
    body = ApiErrorBody.model_validate(answer.json())
    assert attribute in {v.attributeName for v in body.validationErrors}


def test_noaccess_user_gets_the_documented_403(
    sim: SimServer, api_headers: Callable[..., dict[str, str]]
) -> None:
    with httpx.Client(base_url=sim.base_url, headers=api_headers(sim, "noaccess")) as client:
        for path in ("/realTimeData/outbound", "/realTimeData/agent", "/activeCalls/list"):
            answer = client.get(account(sim) + path)
            assert answer.status_code == 403
            body = answer.json()
            assert list(body) == [
                "errorCode",
                "generalMessage",
                "details",
                "requestUri",
                "timestamp",
            ]
            assert body["errorCode"] == "access.denied.exception"
            assert body["generalMessage"] == "You do not have permission to access this resource"
            assert body["details"] == ""
            assert body["requestUri"] == f"/api/v1/admin/accounts/44400001{path} - GET"
            assert body["timestamp"] == int(sim.clock.now().timestamp() * 1000)


def test_wrong_account_is_access_denied(client: httpx.Client, sim: SimServer) -> None:
    answer = client.get("/voice/api/v1/admin/accounts/12345/realTimeData/outbound")
    assert answer.status_code == 403
    assert answer.json()["errorCode"] == "access.denied.exception"


def test_121st_realtime_request_in_a_minute_is_refused(
    client: httpx.Client, sim: SimServer
) -> None:
    paths = [f"{account(sim)}/realTimeData/{kind}" for kind in sorted(KINDS)]
    paths.append(f"{account(sim)}/activeCalls/list?maxRows=1")
    statuses = [client.get(paths[i % len(paths)]).status_code for i in range(120)]
    assert statuses == [200] * 120
    refused = client.get(paths[0])
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert sim.requests.count(family="realtime", status=429) == 1
    # The budget is per token: another user's token is unaffected.
    other = client.get(paths[0], headers={"X-Auth-Token": sim.credentials.api_token("viewer")})
    assert other.status_code == 200


def _connects(client: httpx.Client, sim: SimServer) -> tuple[int, int]:
    outbound = parse_records(
        OutboundStats, client.get(f"{account(sim)}/realTimeData/outbound").json()
    )
    ivr = parse_records(IvrStats, client.get(f"{account(sim)}/realTimeData/ivr").json())
    return sum(r.connects for r in outbound.records), sum(r.presented for r in ivr.records)


@pytest.mark.sim(start=datetime(2025, 1, 15, 4, 55, tzinfo=UTC))
def test_daily_counters_reset_at_eastern_midnight(client: httpx.Client, sim: SimServer) -> None:
    before = _connects(client, sim)
    assert before[0] > 0 and before[1] > 0, "23:55 Eastern should have a day of counters"
    sim.clock.advance(6 * 60)  # 05:01 UTC = 00:01 EST
    after = _connects(client, sim)
    assert after[0] < before[0] and after[1] < before[1]


@pytest.mark.sim(start=datetime(2025, 1, 14, 23, 55, tzinfo=UTC))
def test_daily_counters_do_not_reset_at_utc_midnight(client: httpx.Client, sim: SimServer) -> None:
    before = _connects(client, sim)
    sim.clock.advance(6 * 60)  # 00:01 UTC = 19:01 EST
    after = _connects(client, sim)
    assert after[0] >= before[0] > 0 and after[1] >= before[1] > 0


def _campaign_id(client: httpx.Client, sim: SimServer) -> int:
    outbound = client.get(f"{account(sim)}/realTimeData/outbound").json()
    return int(outbound[0]["campaignId"])


def test_lead_loader_accepts_good_rows_and_rejects_bad(
    client: httpx.Client, sim: SimServer
) -> None:
    campaign = _campaign_id(client, sim)
    body = {
        "description": "test upload",
        "dialPriority": "IMMEDIATE",
        "duplicateHandling": "RETAIN_ALL",
        "listState": "ACTIVE",
        "timeZoneOption": "NPA_NXX",
        "uploadLeads": [
            {"leadPhone": "6505550101", "firstName": "Jane", "externId": "crm-1"},
            {"leadPhone": "not a phone", "firstName": "Bad"},
            {"leadPhone": "+1 (650) 555-0102", "firstName": "Formatted"},
        ],
    }
    answer = client.post(f"{account(sim)}/campaigns/{campaign}/leadLoader/direct", json=body)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    result = LeadLoaderResult.model_validate(answer.json())
    assert result.leadsSupplied == 3
    assert 1 <= result.leadsAccepted < 3
    assert len(result.rejectedRows) == 3 - result.leadsAccepted
    assert not result.failed

    nothing = client.post(
        f"{account(sim)}/campaigns/{campaign}/leadLoader/direct",
        json={"uploadLeads": [{"leadPhone": "12"}]},
    )
    assert nothing.status_code == 200
    assert LeadLoaderResult.model_validate(nothing.json()).failed


def test_lead_loader_unknown_campaign_and_bad_body(client: httpx.Client, sim: SimServer) -> None:
    unknown = client.post(
        f"{account(sim)}/campaigns/999999999/leadLoader/direct",
        json={"uploadLeads": [{"leadPhone": "6505550101"}]},
    )
    assert unknown.status_code == 404
    assert ApiErrorBody.model_validate(unknown.json()).errorCode
    campaign = _campaign_id(client, sim)
    not_json = client.post(
        f"{account(sim)}/campaigns/{campaign}/leadLoader/direct",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert not_json.status_code == 400


def test_lead_loader_needs_the_right_and_counts_as_realtime(
    sim: SimServer, api_headers: Callable[..., dict[str, str]]
) -> None:
    with httpx.Client(base_url=sim.base_url, headers=api_headers(sim, "viewer")) as viewer:
        campaign = _campaign_id(viewer, sim)
        denied = viewer.post(
            f"{account(sim)}/campaigns/{campaign}/leadLoader/direct",
            json={"uploadLeads": [{"leadPhone": "6505550101"}]},
        )
        assert denied.status_code == 403
    assert sim.requests.count(family="realtime", path_contains="leadLoader") == 1
