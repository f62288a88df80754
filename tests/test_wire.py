"""Wire models: field names exactly as the seeds spell them; bad records become warnings."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import BaseModel

from wallboard.providers.ringcx import wire
from wallboard.providers.ringcx.record_memo import NotJson, RecordMemo, Ticks, ticks_hold

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def seed_text(prefix: str) -> str:
    matches = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not matches:
        pytest.skip(f"seed {prefix} not found beside the checkout ({SEEDS})")
    return matches[0].read_text(encoding="utf-8")


def table_fields(block: str) -> set[str]:
    """Field names in the seeds' tables: a name alone on a line, followed by ` |`."""
    return set(re.findall(r"^([a-zA-Z][a-zA-Z0-9]*) \|$", block, flags=re.MULTILINE))


def declared(model: type[BaseModel]) -> set[str]:
    return set(model.model_fields)


def test_outbound_and_ivr_fields_match_seed_000() -> None:
    text = seed_text("000")
    outbound_block, ivr_block = text.split("IVR Application Stats", 1)
    outbound = table_fields(outbound_block.split("View Full OutboundStats Schema", 1)[1])
    ivr = table_fields(ivr_block.split("View Full IvrStats Schema", 1)[1])
    assert len(outbound) >= 25 and len(ivr) >= 12
    assert outbound <= declared(wire.OutboundStats), outbound - declared(wire.OutboundStats)
    assert ivr <= declared(wire.IvrStats), ivr - declared(wire.IvrStats)


def test_active_call_fields_match_seed_001() -> None:
    text = seed_text("001")
    block = text.split("returns an array of ActiveCallListResponse objects", 1)[1]
    fields = table_fields(block.split("Example Response", 1)[0])
    assert {"uii", "dnisE164", "cnam"} <= fields
    assert fields <= declared(wire.ActiveCallListResponse)


def test_seed_001_example_response_parses() -> None:
    text = seed_text("001")
    example = text.split("Example Response:", 1)[1].split("Creating a Manual Agent Call", 1)[0]
    import json

    batch = wire.parse_records(wire.ActiveCallListResponse, json.loads(example))
    assert not batch.warnings
    call = batch.records[0]
    assert call.uii == "202005081040440132050000019657"
    assert call.enqueueTime == datetime(2020, 5, 8, 14, 40, 47, tzinfo=UTC)
    assert call.dequeueTime is None and call.agentLastName == "Vu"


def test_unknown_fields_are_kept_not_rejected() -> None:
    batch = wire.parse_records(wire.IvrStats, [{"visualIvrId": 3, "brandNewField": [1, 2]}])
    assert batch.records[0].model_extra == {"brandNewField": [1, 2]}
    assert not batch.warnings


def test_malformed_record_is_a_warning_and_the_batch_survives() -> None:
    payload = [
        {"campaignId": 1, "campaignName": "good", "answer": 5},
        {"campaignId": 2, "answer": "n/a"},
        {"campaignName": "no id"},
        {"campaignId": 4, "campaignName": "also good"},
    ]
    batch = wire.parse_records(wire.OutboundStats, payload)
    assert [r.campaignId for r in batch.records] == [1, 4]
    assert [w.index for w in batch.warnings] == [1, 2]
    assert "answer" in batch.warnings[0].reason and "campaignId" in batch.warnings[1].reason


def test_non_list_payload_is_one_warning() -> None:
    batch = wire.parse_records(wire.AgentStats, {"error": "nope"})
    assert batch.records == () and batch.warnings[0].index == -1


@pytest.mark.parametrize(
    "raw",
    ["2020-05-08T14:40:47.000+0000", "2020-05-08T14:40:47Z", "2020-05-08T10:40:47-04:00"],
)
def test_platform_timestamp_spellings(raw: str) -> None:
    stats = wire.OutboundStats(campaignId=1, lastUpdate=raw)
    assert stats.lastUpdate == datetime(2020, 5, 8, 14, 40, 47, tzinfo=UTC)


def test_epoch_milliseconds_timestamp() -> None:
    stats = wire.IvrStats(visualIvrId=1, lastUpdate=1611847650696)
    assert stats.lastUpdate is not None
    assert stats.lastUpdate.astimezone(UTC) == datetime(2021, 1, 28, 15, 27, 30, 696000, UTC)


def test_lead_loader_failure_reading() -> None:
    ok = wire.LeadLoaderResult(leadsAccepted=1, processingStatus="DEFAULT_NOT_A_FAILURE")
    nothing = wire.LeadLoaderResult(leadsAccepted=0, processingStatus="DEFAULT_NOT_A_FAILURE")
    bad = wire.LeadLoaderResult(leadsAccepted=3, processingStatus="GENERAL_FAILURE")
    assert (ok.failed, nothing.failed, bad.failed) == (False, True, True)


def test_access_denied_body_from_seed_000() -> None:
    body = wire.ApiErrorBody.model_validate(
        {
            "errorCode": "access.denied.exception",
            "generalMessage": "You do not have permission to access this resource",
            "timestamp": 1611847650696,
        }
    )
    assert body.errorCode == "access.denied.exception" and body.validationErrors == []


# --- RecordMemo: unchanged records are not validated again -----------------------------------


def answer(*records: object) -> bytes:
    """An answer's bytes, as the platform sends them."""
    return json.dumps(list(records)).encode()


def call(uii: str, **fields: object) -> dict[str, object]:
    return {
        "uii": uii,
        "ani": "5551230001",
        "enqueueTime": "2026-01-15T14:40:47.000+0000",
        **fields,
    }


def call_memo() -> RecordMemo[wire.ActiveCallListResponse, wire.ActiveCallListResponse]:
    return RecordMemo(wire.ActiveCallListResponse, "uii")


def same(record: wire.ActiveCallListResponse) -> wire.ActiveCallListResponse:
    return record


def test_an_unchanged_record_is_reused_and_a_changed_one_validated_again() -> None:
    memo = call_memo()
    first = memo.parse(answer(call("1"), call("2"), call("3")), same)
    assert (memo.validated, memo.reused) == (3, 0)
    # The same records again, in a new answer: not parsed, not validated.
    second = memo.parse(answer(call("1"), call("2", ani="5559990000"), call("3"), call("4")), same)
    assert (memo.validated, memo.reused) == (2, 2)
    assert second.records[0] is first.records[0] and second.records[2] is first.records[2]
    assert second.records[1].ani == "5559990000" and second.records[1] is not first.records[1]
    assert [r.uii for r in second.records] == ["1", "2", "3", "4"] and second.warnings == ()


def test_a_field_added_or_retyped_is_a_change() -> None:
    memo = call_memo()
    first = memo.parse(answer(call("1", archive=False), call("2")), same)
    second = memo.parse(answer(call("1", archive=0), call("2", cnam="NEW")), same)
    # The model reads a JSON 0 as false too, but other bytes are another record: validated.
    assert second.records[0] is not first.records[0] and second.records[0].archive is False
    assert second.records[1] is not first.records[1] and second.records[1].cnam == "NEW"
    assert (memo.validated, memo.reused) == (2, 0)


def test_a_malformed_record_is_still_a_counted_warning() -> None:
    memo = call_memo()
    memo.parse(answer(call("1"), call("2"), call("3")), same)
    batch = memo.parse(answer(call("1"), call("2", enqueueTime="soon"), {"ani": "no uii"}, 7), same)
    assert [r.uii for r in batch.records] == ["1"]
    assert [w.index for w in batch.warnings] == [1, 2, 3]
    assert "enqueueTime" in batch.warnings[0].reason and "uii" in batch.warnings[1].reason
    # The record that went bad is forgotten: good again, it is validated again.
    again = memo.parse(answer(call("1"), call("2")), same)
    assert (memo.validated, memo.reused) == (1, 1) and len(again.records) == 2


def test_a_listing_over_pages_keeps_each_key_once_and_forgets_the_absent() -> None:
    memo = call_memo()
    memo.begin()
    page0 = memo.read(answer(call("1"), call("2")), same)
    page1 = memo.read(answer(call("2"), call("3", dnis=[1])), same, offset=2)  # "2" moved pages
    memo.end()
    assert [r.uii for r in page0.records + page1.records] == ["1", "2"]
    assert [w.index for w in page1.warnings] == [3]
    assert len(memo) == 2
    memo.parse(answer(call("2")), same)
    assert len(memo) == 1 and memo.reused == 1


def test_a_payload_that_is_not_a_list_is_one_warning() -> None:
    batch = call_memo().parse(b'{"error": "nope"}', same)
    assert batch.records == () and batch.warnings[0].index == -1
    assert batch.warnings[0].reason == "expected a JSON array, got dict"


def test_a_list_wrapped_in_an_object_is_read() -> None:
    batch = call_memo().parse(b'{"records": ' + answer(call("1"), call("2")) + b', "n": 2}', same)
    assert [r.uii for r in batch.records] == ["1", "2"] and batch.size == 2


def test_an_answer_that_is_not_json_raises_not_json() -> None:
    with pytest.raises(NotJson, match="not valid JSON"):
        call_memo().parse(b"<html>502 Bad Gateway</html>", same)


@pytest.mark.parametrize(
    "template",
    [
        b'[{"agentId":7,"stateTime":%d,"loginTime":%d,"agentState":"AVAILABLE"}]',
        b'[ {"agentId": 7, "stateTime" : %d, "loginTime": %d , "agentState": "AVAILABLE"} ]',
        b'[{"agentId":7,"agentState":"AVAILABLE","loginTime":%d,"stateTime":%d}]',
        b'[{"agentId":7,"agentState":"AVAILABLE","stateTime":%d,"loginTime":%d}]',
        b'[{"agentId":7,"stateTime":%d,"agentState":"AVAILABLE","loginTime":%d}]',
    ],
)
def test_compact_and_spaced_json_are_both_read_and_ticks_cut_from_either(template: bytes) -> None:
    memo: RecordMemo[wire.AgentStats, wire.AgentStats]
    memo = RecordMemo(wire.AgentStats, "agentId", ticking=wire.AgentStats.TICKING)
    first = memo.parse(template % (30, 30), same_agent, at=1000.0).records[0]
    assert memo.parse(template % (45, 45), same_agent, at=1015.0).records[0] is first
    assert memo.reused == 1


def same_agent(record: wire.AgentStats) -> wire.AgentStats:
    return record


def agent(state_time: object, **fields: object) -> dict[str, object]:
    return {"agentId": 7, "agentState": "AVAILABLE", "stateTime": state_time, **fields}


def test_ticking_fields_hold_while_they_tick_with_the_clock_and_any_other_change_validates() -> (
    None
):
    memo: RecordMemo[wire.AgentStats, wire.AgentStats]
    memo = RecordMemo(wire.AgentStats, "agentId", ticking=wire.AgentStats.TICKING)
    first = memo.parse(answer(agent(30, loginTime=600)), same_agent, at=1000.0).records[0]
    again = memo.parse(answer(agent(45, loginTime=615)), same_agent, at=1015.0)
    assert again.records[0] is first and memo.reused == 1
    assert memo.parse(answer(agent(61, loginTime=631)), same_agent, at=1030.0).records[0] is first
    redone = memo.parse(answer(agent(3, loginTime=634)), same_agent, at=1034.0).records[0]
    assert redone is not first and redone.stateTime == 3 and memo.validated == 1  # a new state
    changed = memo.parse(
        answer(agent(18, loginTime=649, agentState="ON_CALL")), same_agent, at=1049.0
    ).records[0]
    assert changed.agentState == "ON_CALL" and memo.validated == 1
    missing = memo.parse(answer(agent(33)), same_agent, at=1064.0)  # no loginTime: validated
    assert memo.validated == 1 and missing.records[0].loginTime == 0
    bad = memo.parse(answer(agent("long")), same_agent, at=1079.0)
    assert bad.records == () and bad.warnings[0].index == 0


def test_an_answer_read_record_by_record_finds_the_records_of_one_read_whole() -> None:
    """The whole-answer pass and the record-by-record one (an answer where a ticking field is
    missing from some record) give unchanged records the same identity."""
    memo: RecordMemo[wire.AgentStats, wire.AgentStats]
    memo = RecordMemo(wire.AgentStats, "agentId", ticking=wire.AgentStats.TICKING)
    whole = [agent(30, loginTime=600, agentId=n) for n in (1, 2, 3)]
    first = memo.parse(answer(*whole), same_agent, at=1000.0).records
    each = [agent(45, loginTime=615, agentId=1), agent(45, agentId=2), agent(45, agentId=3)]
    each[2]["loginTime"] = 615
    second = memo.parse(answer(*each), same_agent, at=1015.0).records
    assert second[0] is first[0] and second[2] is first[2] and second[1] is not first[1]
    assert (memo.validated, memo.reused) == (1, 2)
    # And back: read whole again, the agents read record by record are found.
    third = memo.parse(
        answer(*[agent(60, loginTime=630, agentId=n) for n in (1, 3)]), same_agent, at=1030.0
    )
    assert third.records == (first[0], first[2]) and memo.reused == 2


@pytest.mark.parametrize(
    ("now", "then", "elapsed", "holds"),
    [
        ((110, 3615), (95, 3600), 15.0, True),
        ((111, 3614), (95, 3600), 15.0, True),  # whole seconds, read a moment apart
        ((4, 3615), (95, 3600), 15.0, False),  # a new state began
        ((110, 20), (95, 3600), 15.0, False),  # logged in again
        ((None, 3615), (95, 3600), 15.0, False),  # not an integer: for the wire model to judge
        ((0, 0), (0, 0), 15.0, True),  # never started, still not
        ((5, 0), (0, 0), 15.0, False),
        ((0, 0), (5, 0), 15.0, False),
        ((1_768_489_200_000, 0), (1_768_489_200_000, 0), 15.0, True),  # an instant stays
        ((1_768_489_201_000, 0), (1_768_489_200_000, 0), 15.0, False),
        ((1_768_489_200, 0), (1_768_489_200, 0), 15.0, True),
    ],
)
def test_ticks_hold_while_durations_grow_with_the_clock_and_instants_stay(
    now: Ticks, then: Ticks, elapsed: float, holds: bool
) -> None:
    assert ticks_hold(now, then, elapsed) is holds
