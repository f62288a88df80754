"""WFM reports (seed 002 + API notes) from the model's own history: they agree exactly with the
real-time counters, and every row is spelled as the wire models."""

from __future__ import annotations

import io
import wave
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import BaseModel

from wallboard.providers.ringcx.wire import (
    AgentExtendedIntervalStats,
    AgentIntervalStats,
    InteractionSegment,
    QueueIntervalStats,
    parse_records,
)
from wallboard.sim.clock import SimClock
from wallboard.sim.model import ContactCenter, InvalidRequest, NotFound, SimSettings

EASTERN = ZoneInfo("US/Eastern")
# 01:00 EST: the 90-minute warm-up starts before local midnight, so today's counters began at
# the reset and yesterday's history must not leak into today's sums.
START = datetime(2025, 1, 15, 6, 0, tzinfo=UTC)
LOCAL_MIDNIGHT = datetime(2025, 1, 15, tzinfo=EASTERN)


@pytest.fixture(scope="module")
def center() -> ContactCenter:
    clock = SimClock(start=START, speed=0)
    center = ContactCenter(SimSettings(seed=21, history_minutes=90), clock)
    clock.advance(3_600)
    return center


def assert_wire(model: type[BaseModel], rows: list[dict[str, Any]]) -> None:
    batch = parse_records(model, rows)
    assert batch.warnings == ()
    for row in rows:
        assert set(row) <= set(model.model_fields)


def today(center: ContactCenter, interval: int) -> list[dict[str, Any]]:
    return center.queue_interval_stats(LOCAL_MIDNIGHT, center.clock.now(), interval, EASTERN)


@pytest.mark.parametrize("interval", [900, 1800, 2700, 3600])
def test_queue_intervals_add_up_to_todays_real_time_counters(
    center: ContactCenter, interval: int
) -> None:
    rows = today(center, interval)
    assert_wire(QueueIntervalStats, rows)
    sums: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        for name in ("answIxnCnt", "offdDirectIxnCnt", "abandIxnCnt", "abandShortIxnCnt"):
            sums[row["queue"]][name] += row[name]
        sums[row["queue"]]["ansServicelevelCnt"] += row["ansServicelevelCnt"]
        assert row["interval"] == interval
    for gate in center.inbound_stats():
        got = sums[str(gate["gateId"])]
        assert got["answIxnCnt"] == gate["accepted"]
        assert got["offdDirectIxnCnt"] == gate["presented"]
        assert got["abandIxnCnt"] == gate["abandoned"]
        assert got["abandShortIxnCnt"] == gate["shortAbandon"]
        assert got["ansServicelevelCnt"] == gate["slaPass"]
    assert sum(g["accepted"] for g in center.inbound_stats()) > 50


def test_queue_rows_tile_local_time_and_cover_every_gate(center: ContactCenter) -> None:
    rows = today(center, 900)
    labels = sorted({r["dateTimeFrom"] for r in rows})
    assert labels[0] == "2025-01-15 00:00:00"
    assert all(label[-5:] in ("00:00", "15:00", "30:00", "45:00") for label in labels)
    gates = {str(g["gateId"]) for g in center.gates()}
    for label in labels:
        assert {r["queue"] for r in rows if r["dateTimeFrom"] == label} == gates
    # Before the warm-up there is no history, hence no rows.
    yesterday = LOCAL_MIDNIGHT - timedelta(days=1)
    assert (
        center.queue_interval_stats(yesterday, yesterday + timedelta(hours=3), 900, EASTERN) == []
    )


def test_agent_and_extended_rows_agree_with_the_queue_rows(center: ContactCenter) -> None:
    end = center.clock.now()
    queue = today(center, 3600)
    agents = center.agent_interval_stats(LOCAL_MIDNIGHT, end, 3600, EASTERN)
    extended = center.agent_extended_interval_stats(LOCAL_MIDNIGHT, end, 3600, EASTERN)
    assert_wire(AgentIntervalStats, agents)
    assert_wire(AgentExtendedIntervalStats, extended)
    answered = sum(r["answIxnCnt"] for r in queue)
    assert sum(r["directInIxnCnt"] for r in agents) == answered
    assert sum(r["answIxnCnt"] for r in extended) == answered
    queue_talk = sum(r["talkingIxnDur"] for r in queue)
    assert sum(r["talkingIxnDur"] for r in extended) == pytest.approx(queue_talk)
    assert sum(r["directInIxnDur"] for r in agents) == pytest.approx(queue_talk)
    assert sum(r["wrapUpDur"] for r in extended) == pytest.approx(
        sum(r["wrapUpDur"] for r in queue)
    )
    for row in agents:
        spent = row["availDur"] + row["totWorkDur"] + row["pauseDur"]
        spent += row["waitDur"] + row["adminDur"]
        assert 0 < spent <= 3600 + 0.005  # each field is rounded to milliseconds
    assert sum(r["directOutIxnCnt"] for r in agents) > 0
    assert sum(r["pauseDur"] for r in agents) > 0


def test_agent_time_adds_up_to_the_interval_for_agents_logged_in_throughout(
    center: ContactCenter,
) -> None:
    start = LOCAL_MIDNIGHT + timedelta(hours=1)  # 01:00-01:15, inside the simulated hour
    rows = center.agent_interval_stats(start, start + timedelta(minutes=15), 900, EASTERN)
    full = [
        r["availDur"] + r["totWorkDur"] + r["pauseDur"] + r["waitDur"] + r["adminDur"] for r in rows
    ]
    assert sum(1 for spent in full if spent == pytest.approx(900.0)) > len(full) / 2


def test_interaction_metadata_segments(center: ContactCenter) -> None:
    end = center.clock.now() - timedelta(minutes=5)
    rows = center.interaction_metadata(end, 1800, EASTERN)
    assert_wire(InteractionSegment, rows)
    window = (int((end.timestamp() - 1800) * 1000), int(end.timestamp() * 1000))
    assert all(window[0] < r["segmentEndTimeMs"] <= window[1] for r in rows)
    assert len({r["segmentId"] for r in rows}) == len(rows)
    kinds = Counter(r["segmentType"] for r in rows)
    assert {"IVR", "QUEUE", "AGENT"} <= set(kinds)
    dialogs: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        dialogs[row["interactionId"]].add(row["dialogId"])
        events = [e["eventType"] for e in row["segmentEvents"]]
        assert events[0] == "START" and events[-1] == "END"
        assert row["segmentDurationMs"] == row["segmentEndTimeMs"] - row["segmentStartTimeMs"]
    assert all(len(ids) == 1 for ids in dialogs.values())
    agent_rows = [r for r in rows if r["segmentType"] == "AGENT"]
    assert sum(r["agentDisposition"] is not None for r in agent_rows) > 0.9 * len(agent_rows)
    assert any(r["hasRecording"] for r in agent_rows)
    assert any(not r["hasRecording"] for r in agent_rows)


def test_recordings_exist_only_for_recorded_segments(center: ContactCenter) -> None:
    rows = center.interaction_metadata(center.clock.now(), 3600, EASTERN)
    recorded = next(r for r in rows if r["hasRecording"])
    audio = center.recording(recorded["dialogId"], recorded["segmentId"])
    with wave.open(io.BytesIO(audio)) as wav:
        assert wav.getnframes() > 0 and wav.getnchannels() == 1
    silent = next(r for r in rows if not r["hasRecording"])
    with pytest.raises(NotFound):
        center.recording(silent["dialogId"], silent["segmentId"])
    with pytest.raises(NotFound):
        center.recording("other-dialog", recorded["segmentId"])


def test_report_parameters_are_validated(center: ContactCenter) -> None:
    now = center.clock.now()
    with pytest.raises(InvalidRequest) as caught:
        center.queue_interval_stats(now - timedelta(hours=1), now, 600, EASTERN)
    assert caught.value.attribute == "timeInterval"
    for bad in (0, 10_801):
        with pytest.raises(InvalidRequest):
            center.interaction_metadata(now, bad, EASTERN)


def test_control_actions_show_in_segments() -> None:
    clock = SimClock(start=datetime(2025, 1, 15, 15, 0, tzinfo=UTC), speed=0)
    center = ContactCenter(SimSettings(seed=4, history_minutes=20), clock)
    call = next(
        info
        for c in center.active_calls(product="ACD")
        if (info := center.inspect_call(c["uii"])) and info["phase"] == "CONNECTED"
    )
    uii = call["uii"]
    center.toggle_hold(uii, "ON")
    clock.advance(2)
    center.toggle_hold(uii, "OFF")
    center.toggle_recording(uii, True)
    target = max(center.inbound_stats(), key=lambda g: g["staffed"])["gateId"]
    center.requeue(uii, target)
    for _ in range(600):  # until a second agent picks it up
        clock.advance(1)
        info = center.inspect_call(uii)
        if info is not None and info["phase"] == "CONNECTED":
            break
    center.hangup_call(uii)
    rows = [
        r
        for r in center.interaction_metadata(clock.now(), 3600, EASTERN)
        if r["interactionId"] == uii
    ]
    agent_segments = [r for r in rows if r["segmentType"] == "AGENT"]
    assert [r["systemDisposition"] for r in agent_segments] == ["REQUEUED", "API_HANGUP"]
    assert agent_segments[0]["segmentParticipantId"] != agent_segments[1]["segmentParticipantId"]
    events = [e["eventType"] for e in agent_segments[0]["segmentEvents"]]
    assert "HOLD" in events and "UNHOLD" in events and "RECORDING_ON" in events
    assert agent_segments[0]["hasRecording"]
    queue_segments = [r for r in rows if r["segmentType"] == "QUEUE"]
    assert len(queue_segments) >= 2
