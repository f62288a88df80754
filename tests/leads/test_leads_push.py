"""Pushing files and single leads through `LeadPusher`, both routes, against the simulator over
real HTTP: counts, the rejects file's content, leads landing in the campaign, the audit log."""

from __future__ import annotations

import csv
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from pydantic import SecretStr

from wallboard.audit import AuditLog, read_records
from wallboard.leads import LeadPusher
from wallboard.leads_routes import FeedRoute, LoaderRoute
from wallboard.providers.leadfeed import LeadFeedClient
from wallboard.providers.ringcx.client import RingCxClient
from wallboard.sim.server import SimServer

#: Campaign 31004 of the default simulator has no ready leads: a lead-starved campaign.
STARVED_CAMPAIGN = "31004"


@asynccontextmanager
async def feed_pusher(
    sim: SimServer, key: str, audit: Path, *, read_only: bool = False
) -> AsyncIterator[LeadPusher]:
    async with LeadFeedClient(SecretStr(key), base_url=sim.base_url) as client:
        yield LeadPusher(
            FeedRoute(client),
            audit=AuditLog(audit),
            account="sim",
            operator="tester",
            read_only=read_only,
        )


@asynccontextmanager
async def loader_pusher(sim: SimServer, audit: Path, batch: int = 3) -> AsyncIterator[LeadPusher]:
    async with RingCxClient(sim.account_config(auth="api_token")) as client:
        route = LoaderRoute(client, batch_size=batch)
        yield LeadPusher(route, audit=AuditLog(audit), account="sim", operator="tester")


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _rejects_files(folder: Path) -> list[Path]:
    return list(folder.glob("*.rejects.*"))


MIXED_CSV = [
    ["leadPhone", "firstName", "email"],
    ["(212) 555-0101", "Ann", "ann@example.com"],
    ["+1 305-555-0102", "Bob", ""],
    ["12345", "Short", ""],
    ["", "NoPhone", ""],
    ["617.555.0103", "Cy", "not-an-email"],
    ["055-555-0104", "AreaZero", ""],
    ["7135550105", "Dee", ""],
]


async def test_file_via_feed_good_and_bad_rows(
    sim: SimServer,
    feed_keys: dict[str, str],
    tmp_path: Path,
    leads_in: Callable[[SimServer, str], int],
    sim_post: Callable[..., None],
) -> None:
    source = _write_csv(tmp_path / "leads.csv", MIXED_CSV)
    audit = tmp_path / "audit.jsonl"
    before = leads_in(sim, STARVED_CAMPAIGN)
    # The dialer fails the first lead that reaches it (HTTP 500 at the dialer: a 502 here).
    override = {"status": 500, "body": {"errorCode": "server.error", "generalMessage": "down"}}
    sim_post(sim, "/_sim/leadfeed/dialer", json=override)
    seen: list[tuple[int, int]] = []
    async with feed_pusher(sim, feed_keys["ringcx"], audit) as pusher:
        report = await pusher.push_file(
            STARVED_CAMPAIGN,
            source,
            {"dialPriority": "IMMEDIATE"},
            lambda d, t: seen.append((d, t)),
        )
    assert (report.supplied, report.accepted, report.inserted) == (7, 2, 2)
    assert report.rejected_count == 5
    assert report.rejects_file == tmp_path / "leads.rejects.csv"
    assert leads_in(sim, STARVED_CAMPAIGN) == before + 2
    rejects = _read_csv(report.rejects_file)
    assert [r["firstName"] for r in rejects] == ["Ann", "Short", "NoPhone", "Cy", "AreaZero"]
    assert list(rejects[0]) == ["leadPhone", "firstName", "email", "rejectReason"]
    reasons = [r["rejectReason"] for r in rejects]
    assert reasons[0].startswith("rejected by the dialer") and "down" in reasons[0]
    assert "not a 10-digit US number" in reasons[1]
    assert reasons[2] == "leadPhone is required"
    assert "not an email address" in reasons[3]
    assert "area code cannot start with 0" in reasons[4]
    assert rejects[0]["leadPhone"] == "(212) 555-0101"  # as written, for the fix-and-retry
    assert seen[-1] == (7, 7)
    records = read_records(audit)
    assert [r.phase for r in records] == ["attempt", "outcome"]
    assert records[0].id == records[1].id and records[1].action == "leads.push"
    assert records[1].outcome == "partial"
    assert "accepted 2" in (records[1].message or "")
    assert feed_keys["ringcx"] not in audit.read_text()


async def test_rejects_file_pushed_again_after_a_fix(
    sim: SimServer, feed_keys: dict[str, str], tmp_path: Path
) -> None:
    source = _write_csv(tmp_path / "batch.csv", [MIXED_CSV[0], MIXED_CSV[1], MIXED_CSV[3]])
    async with feed_pusher(sim, feed_keys["ringcx"], tmp_path / "audit.jsonl") as pusher:
        first = await pusher.push_file(STARVED_CAMPAIGN, source)
        assert first.rejects_file is not None and first.rejected_count == 1
        rows = _read_csv(first.rejects_file)
        rows[0]["leadPhone"] = "212-555-0199"
        fixed = [list(rows[0]), list(rows[0].values())]
        _write_csv(first.rejects_file, fixed)
        second = await pusher.push_file(STARVED_CAMPAIGN, first.rejects_file)
    assert (second.supplied, second.accepted, second.rejected_count) == (1, 1, 0)
    assert second.ok and second.rejects_file is None


async def test_jsonl_via_loader(
    sim: SimServer, tmp_path: Path, leads_in: Callable[[SimServer, str], int]
) -> None:
    lines = [
        json.dumps({"leadPhone": 2125550111, "firstName": "Num", "externId": "A-1"}),
        json.dumps({"leadPhone": "2125550111", "firstName": "Dup"}),
        "{not json",
        json.dumps({"leadPhone": "3055550112", "favouriteColour": "blue"}),
        json.dumps(["a", "list"]),
        json.dumps({"leadPhone": "6175550113", "zip": 2134}),
        json.dumps({"leadPhone": "7135550114", "firstName": True}),
    ]
    source = tmp_path / "leads.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = leads_in(sim, STARVED_CAMPAIGN)
    async with loader_pusher(sim, tmp_path / "audit.jsonl", batch=2) as pusher:
        report = await pusher.push_file(STARVED_CAMPAIGN, source)
    # The duplicate phone is accepted but not inserted (REMOVE_FROM_LIST is the default).
    assert (report.supplied, report.accepted, report.inserted) == (7, 3, 2)
    assert leads_in(sim, STARVED_CAMPAIGN) == before + 2
    assert report.rejects_file == tmp_path / "leads.rejects.jsonl"
    rejects = [json.loads(line) for line in report.rejects_file.read_text().splitlines()]
    assert [r["rejectReason"] for r in rejects] == [
        "not valid JSON",
        "unknown field(s) 'favouriteColour'",
        "a line must be a JSON object",
        "firstName must be text, got bool",
    ]
    assert rejects[0] == {"unreadableLine": "{not json", "rejectReason": "not valid JSON"}
    assert rejects[1]["leadPhone"] == "3055550112"


async def test_unknown_campaign_stops_and_keeps_every_row(
    sim: SimServer, feed_keys: dict[str, str], tmp_path: Path
) -> None:
    source = _write_csv(tmp_path / "leads.csv", MIXED_CSV)
    async with feed_pusher(sim, feed_keys["ringcx"], tmp_path / "audit.jsonl") as pusher:
        report = await pusher.push_file("99999", source)
    assert report.accepted == 0 and report.rejected_count == 7
    assert report.stopped is not None and "unknown campaign" in report.stopped
    assert report.rejects_file is not None
    reasons = [r["rejectReason"] for r in _read_csv(report.rejects_file)]
    assert (
        sum(reason.startswith("not sent: lead feed: unknown campaign") for reason in reasons) == 3
    )
    assert read_records(tmp_path / "audit.jsonl")[-1].outcome == "failed"


async def test_same_refusal_again_and_again_stops_the_push(
    sim: SimServer, feed_keys: dict[str, str], tmp_path: Path
) -> None:
    rows = [["leadPhone"]] + [[f"212555{n:04d}"] for n in range(200, 212)]
    source = _write_csv(tmp_path / "leads.csv", rows)
    async with feed_pusher(sim, feed_keys["no_dialer"], tmp_path / "audit.jsonl") as pusher:
        report = await pusher.push_file(STARVED_CAMPAIGN, source)
    assert report.rejected_count == 12 and report.accepted == 0
    assert report.stopped is not None and "no dialer configured" in report.stopped
    sent = [r for r in sim.requests.entries() if r.path == "/live-feed/ringcx"]
    assert len(sent) == 5


async def test_read_only_account_sends_nothing(
    sim: SimServer,
    feed_keys: dict[str, str],
    tmp_path: Path,
    leads_in: Callable[[SimServer, str], int],
) -> None:
    before = leads_in(sim, STARVED_CAMPAIGN)
    audit = tmp_path / "audit.jsonl"
    async with feed_pusher(sim, feed_keys["ringcx"], audit, read_only=True) as pusher:
        report = await pusher.push_one(STARVED_CAMPAIGN, {"leadPhone": "2125550142"})
    assert not report.ok and report.accepted == 0
    assert "read-only" in report.rejected[0][1]
    assert leads_in(sim, STARVED_CAMPAIGN) == before
    assert [r.phase for r in read_records(audit)] == ["refused"]


async def test_push_one_for_the_screen(
    sim: SimServer,
    feed_keys: dict[str, str],
    tmp_path: Path,
    leads_in: Callable[[SimServer, str], int],
) -> None:
    before = leads_in(sim, STARVED_CAMPAIGN)
    async with feed_pusher(sim, feed_keys["ringcx"], tmp_path / "audit.jsonl") as pusher:
        good = await pusher.push_one(
            STARVED_CAMPAIGN, {"leadPhone": "212 555 0142", "firstName": "Jane"}
        )
        bad = await pusher.push_one(STARVED_CAMPAIGN, {"leadPhone": "212"})
        option = await pusher.push_one(STARVED_CAMPAIGN, {"leadPhone": "2125550143"}, {"x": "1"})
    assert good.ok and (good.accepted, good.inserted) == (1, 1)
    assert not bad.ok and "not a 10-digit US number" in bad.rejected[0][1]
    assert "unknown upload option" in (option.stopped or "")
    assert leads_in(sim, STARVED_CAMPAIGN) == before + 1
    assert _rejects_files(tmp_path) == []


async def test_feed_waits_out_429(
    sim: SimServer, feed_keys: dict[str, str], tmp_path: Path, sim_post: Callable[..., None]
) -> None:
    sim_post(sim, "/_sim/leadfeed/throttle", params={"count": 2, "retry_after": 1})
    async with feed_pusher(sim, feed_keys["ringcx"], tmp_path / "audit.jsonl") as pusher:
        report = await pusher.push_one(STARVED_CAMPAIGN, {"leadPhone": "2125550142"})
    assert report.ok and report.accepted == 1
    statuses = [r.status for r in sim.requests.entries() if r.path == "/live-feed/ringcx"]
    assert statuses == [429, 429, 200]


@pytest.mark.parametrize("route", ["feed", "loader"])
async def test_a_file_with_only_bad_rows_sends_nothing(
    sim: SimServer, feed_keys: dict[str, str], tmp_path: Path, route: str
) -> None:
    source = _write_csv(
        tmp_path / "bad.csv",
        [["leadPhone", "firstName", "email"], ["555-01", "Short", ""], ["", "NoPhone", ""]],
    )
    audit = tmp_path / "audit.jsonl"
    sim.requests.reset()
    if route == "feed":
        async with feed_pusher(sim, feed_keys["ringcx"], audit) as pusher:
            report = await pusher.push_file(STARVED_CAMPAIGN, source, {})
    else:
        async with loader_pusher(sim, audit) as pusher:
            report = await pusher.push_file(STARVED_CAMPAIGN, source, {})
    assert (report.supplied, report.accepted, report.rejected_count) == (2, 0, 2)
    sent = [
        e.path for e in sim.requests.entries() if "live-feed" in e.path or "leadLoader" in e.path
    ]
    assert sent == []  # an empty batch is never uploaded
