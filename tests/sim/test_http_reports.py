"""WFM reports over HTTP: rows that validate, the 5-minute and 3-hour rules, the per-sub-account
budget (2 per minute, 9 per 15 minutes), interaction metadata and segment recordings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from pydantic import BaseModel

from wallboard.providers.ringcx.wire import (
    AgentExtendedIntervalStats,
    AgentIntervalStats,
    ApiErrorBody,
    InteractionSegment,
    QueueIntervalStats,
    parse_records,
)
from wallboard.sim.limits import SimLimits
from wallboard.sim.server import SimServer

EASTERN = ZoneInfo("US/Eastern")
FORMAT = "%Y-%m-%d %H:%M:%S"
REPORTS: dict[str, type[BaseModel]] = {
    "agg-queue-stats": QueueIntervalStats,
    "agg-agent-stats": AgentIntervalStats,
    "agg-agent-extended-stats": AgentExtendedIntervalStats,
}


def base(sim: SimServer) -> str:
    s = sim.settings
    return (
        f"/voice/api/cx/integration/v1/accounts/{s.rc_account_id}/sub-accounts/{s.sub_account_id}"
    )


def window(sim: SimServer, *, hours: float = 2, age_minutes: float = 10) -> dict[str, Any]:
    end = sim.clock.now().astimezone(EASTERN) - timedelta(minutes=age_minutes)
    end = end.replace(minute=0 if end.minute < 30 else 30, second=0, microsecond=0)
    start = end - timedelta(hours=hours)
    return {
        "startDate": start.strftime(FORMAT),
        "endDate": end.strftime(FORMAT),
        "timeInterval": 1800,
        "timeZone": "US/Eastern",
    }


@pytest.fixture
def unlimited(sim_factory: Callable[..., SimServer]) -> SimServer:
    """A simulator without report limits, for tests about validation, not budget."""
    return sim_factory(limits=SimLimits(reports=()))


@pytest.fixture
def reports(unlimited: SimServer, api_headers: Callable[..., dict[str, str]]) -> httpx.Client:
    return httpx.Client(base_url=unlimited.base_url, headers=api_headers(unlimited), timeout=30)


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_report_rows_validate(reports: httpx.Client, unlimited: SimServer, name: str) -> None:
    answer = reports.post(f"{base(unlimited)}/{name}", json=window(unlimited))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    parsed = parse_records(REPORTS[name], answer.json())
    assert parsed.warnings == ()
    assert parsed.records


def test_interaction_metadata_and_recordings(reports: httpx.Client, unlimited: SimServer) -> None:
    end = unlimited.clock.now().astimezone(EASTERN) - timedelta(minutes=20)
    body = {"segmentEndTime": end.strftime(FORMAT), "timeInterval": 3600, "timeZone": "US/Eastern"}
    answer = reports.post(f"{base(unlimited)}/interaction-metadata", json=body)
    assert answer.status_code == 200, answer.text
    parsed = parse_records(InteractionSegment, answer.json())
    assert parsed.warnings == () and parsed.records
    recorded = [s for s in parsed.records if s.hasRecording]
    assert recorded, "an hour of segments should include a recorded one"
    segment = recorded[0]
    audio = reports.get(
        f"{base(unlimited)}/recordings/dialogs/{segment.dialogId}/segments/{segment.segmentId}"
    )
    assert audio.status_code == 200
    assert audio.headers["content-type"] == "audio/wav"
    assert audio.content[:4] == b"RIFF"
    missing = reports.get(f"{base(unlimited)}/recordings/dialogs/nope/segments/nope")
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"age_minutes": 4}, "5 minutes"),
        ({"hours": 3.5}, "3 hours"),
    ],
)
def test_window_rules(
    reports: httpx.Client, unlimited: SimServer, change: dict[str, Any], fragment: str
) -> None:
    body = window(unlimited, **change)
    if "age_minutes" in change:  # an end 4 minutes ago, exactly
        end = unlimited.clock.now().astimezone(EASTERN) - timedelta(minutes=4)
        body["endDate"] = end.strftime(FORMAT)
    answer = reports.post(f"{base(unlimited)}/agg-queue-stats", json=body)
    assert answer.status_code == 400
    assert fragment in ApiErrorBody.model_validate(answer.json()).generalMessage  # type: ignore[operator]


def test_exactly_three_hours_and_five_minutes_are_allowed(
    reports: httpx.Client, unlimited: SimServer
) -> None:
    end = unlimited.clock.now().astimezone(EASTERN) - timedelta(minutes=5)
    body = {
        "startDate": (end - timedelta(hours=3)).strftime(FORMAT),
        "endDate": end.strftime(FORMAT),
        "timeInterval": 900,
        "timeZone": "US/Eastern",
    }
    assert reports.post(f"{base(unlimited)}/agg-agent-stats", json=body).status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        {"timeInterval": 600},
        {"timeZone": "Mars/Olympus"},
        {"startDate": "yesterday"},
        {"swap": True},
        {"drop": "timeZone"},
    ],
)
def test_bad_report_requests(
    reports: httpx.Client, unlimited: SimServer, change: dict[str, Any]
) -> None:
    body = window(unlimited)
    if change.pop("swap", False):
        body["startDate"], body["endDate"] = body["endDate"], body["startDate"]
    if "drop" in change:
        del body[change.pop("drop")]
    body.update(change)
    answer = reports.post(f"{base(unlimited)}/agg-queue-stats", json=body)
    assert answer.status_code == 400
    assert ApiErrorBody.model_validate(answer.json()).generalMessage


def test_interaction_metadata_rules(reports: httpx.Client, unlimited: SimServer) -> None:
    now = unlimited.clock.now().astimezone(EASTERN)
    path = f"{base(unlimited)}/interaction-metadata"
    too_fresh = {
        "segmentEndTime": now.strftime(FORMAT),
        "timeInterval": 60,
        "timeZone": "US/Eastern",
    }
    assert reports.post(path, json=too_fresh).status_code == 400
    old = (now - timedelta(minutes=30)).strftime(FORMAT)
    too_long = {"segmentEndTime": old, "timeInterval": 10_801, "timeZone": "US/Eastern"}
    assert reports.post(path, json=too_long).status_code == 400
    longest = {"segmentEndTime": old, "timeInterval": 10_800, "timeZone": "US/Eastern"}
    assert reports.post(path, json=longest).status_code == 200


def test_reports_allow_two_per_minute(sim: SimServer, client: httpx.Client) -> None:
    statuses = [
        client.post(f"{base(sim)}/{name}", json=window(sim)).status_code
        for name in ("agg-queue-stats", "agg-agent-stats", "agg-agent-extended-stats")
    ]
    assert statuses == [200, 200, 429]
    refused = client.post(f"{base(sim)}/agg-queue-stats", json=window(sim))
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_reports_budget_is_per_sub_account_not_per_token(
    sim: SimServer, api_headers: Callable[..., dict[str, str]]
) -> None:
    with httpx.Client(base_url=sim.base_url) as client:
        for user in ("supervisor", "viewer"):
            answer = client.post(
                f"{base(sim)}/agg-queue-stats", json=window(sim), headers=api_headers(sim, user)
            )
            assert answer.status_code == 200
        third = client.post(
            f"{base(sim)}/agg-queue-stats", json=window(sim), headers=api_headers(sim, "viewer")
        )
        assert third.status_code == 429


def test_reports_wrong_accounts_and_noaccess(
    client: httpx.Client, sim: SimServer, api_headers: Callable[..., dict[str, str]]
) -> None:
    wrong_rc = f"/voice/api/cx/integration/v1/accounts/1/sub-accounts/{sim.settings.sub_account_id}"
    assert client.post(f"{wrong_rc}/agg-queue-stats", json=window(sim)).status_code == 403
    denied = client.post(
        f"{base(sim)}/agg-queue-stats",
        json=window(sim),
        headers=api_headers(sim, "noaccess"),
    )
    assert denied.status_code == 403
    assert denied.json()["errorCode"] == "access.denied.exception"


def test_nine_per_fifteen_minutes(sim_factory: Callable[..., SimServer]) -> None:
    """With the per-minute window relaxed, the 15-minute window still stops the tenth request."""
    from wallboard.sim.limits import Window

    sim = sim_factory(limits=SimLimits(reports=(Window(100, 60.0), Window(9, 900.0))))
    headers = {"X-Auth-Token": sim.credentials.api_token()}
    with httpx.Client(base_url=sim.base_url, headers=headers) as client:
        statuses = [
            client.post(f"{base(sim)}/agg-queue-stats", json=window(sim)).status_code
            for _ in range(10)
        ]
    assert statuses == [200] * 9 + [429]


def test_report_dates_are_read_in_the_body_time_zone(
    reports: httpx.Client, unlimited: SimServer
) -> None:
    """The same wall-clock window read in US/Pacific ends three hours later than in US/Eastern,
    which at 10:00 Eastern is in the future: refused by the 5-minute rule."""
    body = window(unlimited, hours=1, age_minutes=60)
    assert reports.post(f"{base(unlimited)}/agg-queue-stats", json=body).status_code == 200
    pacific = dict(body, timeZone="US/Pacific")
    answer = reports.post(f"{base(unlimited)}/agg-queue-stats", json=pacific)
    assert answer.status_code == 400
    assert "5 minutes" in answer.json()["generalMessage"]
