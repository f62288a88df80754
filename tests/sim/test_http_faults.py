"""Every fault kind, observed the way the wallboard's client will meet it: from an httpx client
over real HTTP. Also the fault controls over HTTP and the request log."""

from __future__ import annotations

import json
from email.utils import parsedate_to_datetime

import httpx
import pytest

from wallboard.providers.ringcx.wire import OutboundStats, parse_records
from wallboard.sim.faults import FaultRule, FaultSpecError, parse_fault_spec
from wallboard.sim.server import SimServer


def outbound(sim: SimServer) -> str:
    return f"/voice/api/v1/admin/accounts/{sim.settings.sub_account_id}/realTimeData/outbound"


def calls(sim: SimServer) -> str:
    return f"/voice/api/v1/admin/accounts/{sim.settings.sub_account_id}/activeCalls/list"


def test_drop_is_a_transport_error(client: httpx.Client, sim: SimServer) -> None:
    sim.faults.add("drop", family="realtime", count=1)
    with pytest.raises(httpx.TransportError):
        client.get(outbound(sim))
    assert client.get(outbound(sim)).status_code == 200
    assert sim.requests.count(family="realtime", status="dropped") == 1


def test_malformed_json(client: httpx.Client, sim: SimServer) -> None:
    sim.faults.add("malformed_json", family="realtime", count=1)
    answer = client.get(outbound(sim))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        answer.json()
    assert isinstance(client.get(outbound(sim)).json(), list)


def test_truncated_json(client: httpx.Client, sim: SimServer) -> None:
    whole = client.get(outbound(sim)).content
    sim.faults.add("truncated_json", path="/realTimeData/outbound", count=1)
    answer = client.get(outbound(sim))
    assert answer.status_code == 200
    assert answer.content == whole[: len(whole) // 2]
    with pytest.raises(json.JSONDecodeError):
        answer.json()


def test_wrong_types_keeps_the_good_records(client: httpx.Client, sim: SimServer) -> None:
    sim.faults.add("wrong_types", family="realtime", count=1)
    payload = client.get(outbound(sim)).json()
    parsed = parse_records(OutboundStats, payload)
    assert parsed.warnings, "spoiled records must be reported"
    assert parsed.records, "untouched records must survive"
    assert len(parsed.records) + len(parsed.warnings) == len(payload)
    assert any("n/a" in record.values() for record in payload)
    assert any("campaignId" not in record for record in payload)


def test_slow(client: httpx.Client, sim: SimServer) -> None:
    sim.faults.add("slow", family="realtime", delay=1.0, count=1)
    with pytest.raises(httpx.ReadTimeout):
        client.get(outbound(sim), timeout=0.2)
    assert client.get(outbound(sim), timeout=5).status_code == 200


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_error(client: httpx.Client, sim: SimServer, status: int) -> None:
    sim.faults.add("server_error", family="realtime", status=status, count=2)
    assert [client.get(outbound(sim)).status_code for _ in range(3)] == [status, status, 200]


def test_outage_answers_503_or_drops_every_request(client: httpx.Client, sim: SimServer) -> None:
    sim.faults.add("outage")
    requests = [
        ("GET", outbound(sim)),
        ("POST", "/api/auth/token/refresh"),
        ("POST", "/restapi/oauth/token"),
        ("GET", calls(sim)),
    ]
    outcomes: list[int | str] = []
    for index in range(16):
        method, path = requests[index % len(requests)]
        try:
            outcomes.append(client.request(method, path).status_code)
        except httpx.TransportError:
            outcomes.append("dropped")
    assert set(outcomes) == {503, "dropped"}
    sim.faults.clear()
    assert client.get(outbound(sim)).status_code == 200


def test_outage_spares_the_simulator_controls(client: httpx.Client, sim: SimServer) -> None:
    sim.faults.add("outage")
    for _ in range(5):
        assert client.get("/_sim/state").status_code == 200


def test_rate_limit_with_seconds(client: httpx.Client, sim: SimServer) -> None:
    sim.faults.add("rate_limit", family="realtime", retry_after=7, count=1)
    answer = client.get(outbound(sim))
    assert (answer.status_code, answer.headers["Retry-After"]) == (429, "7")


def test_rate_limit_without_retry_after(client: httpx.Client, sim: SimServer) -> None:
    sim.faults.add("rate_limit", family="realtime", retry_after=None, count=1)
    answer = client.get(outbound(sim))
    assert answer.status_code == 429
    assert "Retry-After" not in answer.headers


def test_rate_limit_with_an_http_date(client: httpx.Client, sim: SimServer) -> None:
    sim.faults.add("rate_limit", family="realtime", retry_after="date+30", count=1)
    answer = client.get(outbound(sim))
    assert answer.status_code == 429
    when = parsedate_to_datetime(answer.headers["Retry-After"])
    assert when.tzinfo is not None
    fixed = "Wed, 21 Oct 2037 07:28:00 GMT"
    sim.faults.add("rate_limit", family="realtime", retry_after=fixed, count=1)
    assert client.get(outbound(sim)).headers["Retry-After"] == fixed


def test_scope_by_family_and_path(client: httpx.Client, sim: SimServer) -> None:
    sim.faults.add("server_error", family="reports")
    sim.faults.add("server_error", path="/activeCalls/", status=502)
    assert client.get(outbound(sim)).status_code == 200
    assert client.get(calls(sim)).status_code == 502


def test_probability_is_seeded_and_partial(client: httpx.Client, sim: SimServer) -> None:
    sim.faults.add("server_error", family="realtime", probability=0.5)
    statuses = [client.get(outbound(sim)).status_code for _ in range(40)]
    assert 0 < statuses.count(503) < 40
    assert set(statuses) == {200, 503}


def test_seconds_bounds_a_rule_in_real_time(client: httpx.Client, sim: SimServer) -> None:
    rule = sim.faults.add("server_error", family="realtime", seconds=3600)
    assert client.get(outbound(sim)).status_code == 503
    listed = sim.faults.rules()
    assert listed[0]["id"] == rule.id and 0 < listed[0]["seconds_left"] <= 3600
    assert sim.faults.remove(rule.id)
    assert client.get(outbound(sim)).status_code == 200


def test_faults_over_http(client: httpx.Client, sim: SimServer) -> None:
    added = client.post(
        "/_sim/faults", json={"kind": "server_error", "family": "realtime", "status": 502}
    )
    assert added.status_code == 201
    assert client.get(outbound(sim)).status_code == 502
    listed = client.get("/_sim/faults").json()["rules"]
    assert [(r["kind"], r["hits"]) for r in listed] == [("server_error", 1)]
    assert client.delete("/_sim/faults").status_code == 200
    assert client.get(outbound(sim)).status_code == 200
    bad = client.post("/_sim/faults", json={"kind": "gremlins"})
    assert bad.status_code == 400 and "gremlins" in bad.json()["error"]
    one = client.post("/_sim/faults", json={"kind": "drop", "path": "/ivr"}).json()
    assert client.delete(f"/_sim/faults/{one['id']}").status_code == 200
    assert client.get("/_sim/faults").json()["rules"] == []


def test_auth_family_faults_hit_sign_in(sim: SimServer) -> None:
    sim.faults.add("server_error", family="auth", count=1)
    with httpx.Client(base_url=sim.base_url) as client:
        answer = client.post("/restapi/oauth/token", data={"grant_type": "x"})
        assert answer.status_code == 503
        assert client.post("/restapi/oauth/token").status_code == 401


def test_request_log_counts_and_never_holds_tokens(client: httpx.Client, sim: SimServer) -> None:
    sim.faults.add("rate_limit", family="realtime", count=1)
    client.get(outbound(sim))
    client.get(outbound(sim))
    client.get(outbound(sim), headers={"X-Auth-Token": "wrong"})
    log = client.get("/_sim/requests", params={"last": 10}).json()
    assert log["counts"]["realtime"] == {"200": 1, "401": 1, "429": 1}
    entries = log["entries"]
    assert [e["status"] for e in entries] == [429, 200, 401]
    assert entries[0]["fault"] == "rate_limit" and entries[1]["fault"] is None
    assert entries[0]["token"] and entries[0]["token"] == entries[1]["token"] != entries[2]["token"]
    text = json.dumps(log)
    assert sim.credentials.api_token() not in text
    assert client.post("/_sim/requests/reset").status_code == 200
    assert client.get("/_sim/requests").json()["total"] == 0


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("drop", FaultRule("drop")),
        (
            "rate_limit:family=realtime,retry_after=none,count=3",
            FaultRule("rate_limit", family="realtime", retry_after=None, count=3),
        ),
        ("slow:delay=0.5,probability=0.25", FaultRule("slow", delay=0.5, probability=0.25)),
        ("server_error:status=502,seconds=30", FaultRule("server_error", status=502, seconds=30)),
    ],
)
def test_fault_specs(spec: str, expected: FaultRule) -> None:
    assert parse_fault_spec(spec) == expected


@pytest.mark.parametrize(
    "spec",
    [
        "gremlins",
        "drop:family=voice",
        "server_error:status=404",
        "slow:delay=abc",
        "drop:count=0",
        "drop:probability=2",
        "drop:colour=red",
        "drop:count",
        "rate_limit:retry_after=soon",
    ],
)
def test_bad_fault_specs(spec: str) -> None:
    with pytest.raises(FaultSpecError):
        parse_fault_spec(spec)
