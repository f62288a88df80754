"""The simulated FonoUC tenant over raw HTTP: the seed's paths, headers and error codes."""

from __future__ import annotations

from typing import Any

import httpx

from wallboard.sim.fonouc.server import FonoucSimServer


def _login(sim: FonoucSimServer, http: httpx.Client) -> dict[str, Any]:
    c = sim.fonouc_credentials
    answer = http.post(
        "/api/v2/login", json={"username": c.username, "password": c.password, "domain": c.domain}
    )
    assert answer.status_code == 200
    data: dict[str, Any] = answer.json()
    return data


def _headers(sim: FonoucSimServer, token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "X-Account-ID": sim.fonouc_credentials.account_id}


def test_login_answers_tokens_and_the_account(fonouc_sim: FonoucSimServer) -> None:
    with httpx.Client(base_url=fonouc_sim.base_url) as http:
        data = _login(fonouc_sim, http)
        wrong = http.post(
            "/api/v2/login",
            json={"username": "supervisor", "password": "nope", "domain": "sim.fonouc.local"},
        )
    assert data["access_token"] and data["refresh_token"]
    assert data["user"]["account_id"] == fonouc_sim.fonouc_credentials.account_id
    assert wrong.status_code == 400
    assert "invalid" in wrong.json()["message"]


def test_requests_need_a_live_token_and_the_account_header(
    fonouc_sim: FonoucSimServer, access_ttl: float
) -> None:
    path = "/api/v2/reports/campaigns/leads/status"
    with httpx.Client(base_url=fonouc_sim.base_url) as http:
        token = _login(fonouc_sim, http)["access_token"]
        good = http.get(path, headers=_headers(fonouc_sim, token))
        no_account = http.get(path, headers={"Authorization": f"Bearer {token}"})
        no_token = http.get(
            path, headers={"X-Account-ID": fonouc_sim.fonouc_credentials.account_id}
        )
        fonouc_sim.clock.advance(access_ttl + 1)
        expired = http.get(path, headers=_headers(fonouc_sim, token))
    assert good.status_code == 200
    assert no_account.status_code == 400
    assert no_token.status_code == 401
    assert expired.status_code == 401
    assert "expired" in expired.json()["message"]


def test_refresh_rotates_the_refresh_token(fonouc_sim: FonoucSimServer) -> None:
    with httpx.Client(base_url=fonouc_sim.base_url) as http:
        first = _login(fonouc_sim, http)
        renewed = http.post("/api/v2/login/refresh", json={"refresh_token": first["refresh_token"]})
        again = http.post("/api/v2/login/refresh", json={"refresh_token": first["refresh_token"]})
        fresh = renewed.json()["access_token"]
        works = http.get("/callcenter/queues/status", headers=_headers(fonouc_sim, fresh))
    assert renewed.status_code == 200
    assert fresh != first["access_token"]
    assert again.status_code == 400  # a refresh token is spent once
    assert works.status_code == 200


def test_campaign_counts_add_up_and_follow_the_model(fonouc_sim: FonoucSimServer) -> None:
    with httpx.Client(base_url=fonouc_sim.base_url) as http:
        headers = _headers(fonouc_sim, _login(fonouc_sim, http)["access_token"])
        path = "/api/v2/reports/campaigns/leads/status"
        before = http.get(path, headers=headers).json()
        fonouc_sim.clock.advance(300)
        after = http.get(path, headers=headers).json()
    assert len(before) == len(fonouc_sim.center.campaigns())
    for campaign in before.values():
        assert campaign["total_leads"] == sum(campaign["leads_by_status"].values())
        assert campaign["status"] in ("running", "stopped")
    done = sum(c["leads_by_status"].get("success", 0) for c in before.values())
    done_later = sum(c["leads_by_status"].get("success", 0) for c in after.values())
    assert done_later > done  # five minutes of dialing completed leads


def test_queues_carry_agents_with_the_seed_fields(fonouc_sim: FonoucSimServer) -> None:
    with httpx.Client(base_url=fonouc_sim.base_url) as http:
        headers = _headers(fonouc_sim, _login(fonouc_sim, http)["access_token"])
        queues = http.get("/callcenter/queues/status", headers=headers).json()
    assert len(queues) == len(fonouc_sim.center.gates()) + len(fonouc_sim.center.campaigns())
    queue = queues[0]
    assert queue["total_agents"] == len(queue["agents"])
    assert queue["logged_in_agents"] + queue["logged_out_agents"] == queue["total_agents"]
    agent = queue["agents"][0]
    assert {"id", "name", "extension", "logged_in", "status", "registered", "tags"} <= set(agent)


def test_activity_accepts_the_seeds_spelling_and_milliseconds(fonouc_sim: FonoucSimServer) -> None:
    now = int(fonouc_sim.clock.now().timestamp())
    path = "/api/v2/reports/campaigns/leads/history"
    with httpx.Client(base_url=fonouc_sim.base_url) as http:
        headers = _headers(fonouc_sim, _login(fonouc_sim, http)["access_token"])
        typo = http.get(
            path,
            params={"starDate": now - 300, "endDate": now * 1000, "pageSize": 5},
            headers=headers,
        )
        missing = http.get(path, params={"endDate": now}, headers=headers)
    assert typo.status_code == 200
    records = typo.json()
    assert 0 < len(records) <= 5
    assert all(now - 300 <= r["timestamp"] <= now for r in records)
    assert missing.status_code == 400
