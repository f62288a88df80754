"""Segment drill-down against the simulator: from a queue interval, from a call, and a
recording, with the 5-minute rule applied to interaction metadata."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from wallboard.sim.limits import SimLimits
from wallboard.sim.server import SimServer

EASTERN = ZoneInfo("US/Eastern")
pytestmark = pytest.mark.sim(limits=SimLimits.unlimited())


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 1, 15, hour, minute, tzinfo=EASTERN)


async def test_queue_interval_drill_down_shows_each_dialogs_segments(
    report_requests: Any, sim: SimServer, make_service: Any
) -> None:
    service = make_service(sim)
    report = await service.queue_intervals(at(9), at(9, 30), 30)
    row = max(report.rows, key=lambda r: r.answered)
    assert row.answered > 0
    drill = await service.queue_interval_segments(row)
    assert drill.dialogs, "a busy interval has dialogs"
    assert drill.requests == 1 and report_requests(sim, "interaction-metadata") == 1
    assert len(drill.dialogs) <= row.offered
    assert row.start is not None
    for dialog in drill.dialogs:
        queue = [
            s for s in dialog.segments if s.kind == "QUEUE" and s.participant_id == row.queue_id
        ]
        assert queue and queue[0].joined is not None
        assert row.start <= queue[0].joined < row.start + timedelta(minutes=30)
        joined = [s.joined for s in dialog.segments if s.joined is not None]
        assert joined == sorted(joined), "segments are in the order participants joined"
    agents = [s for d in drill.dialogs for s in d.segments if s.kind == "AGENT"]
    assert agents and any(s.agent_disposition for s in agents)
    assert all(s.left is not None and s.joined is not None for s in agents)
    assert any(s.has_recording for s in agents) and any(not s.has_recording for s in agents)
    assert all(any(e.kind == "START" for e in s.events) for s in agents)


async def test_call_drill_down_and_recording(sim: SimServer, make_service: Any) -> None:
    service = make_service(sim)
    found = await service.segments(at(9), at(9, 30))
    recorded = next(d for d in found.dialogs if d.recorded and d.interaction_id)
    assert recorded.interaction_id is not None and recorded.started is not None
    call = await service.call_segments(recorded.interaction_id, recorded.started)
    assert [d.dialog_id for d in call.dialogs] == [recorded.dialog_id]
    assert {"AGENT"} <= set(call.dialogs[0].kinds)
    before = len(sim.requests.entries())
    address = await service.recording_address(recorded.recorded[0])
    assert len(sim.requests.entries()) == before  # an address is built, not fetched
    assert address.startswith(sim.base_url) and recorded.recorded[0].segment_id in address
    audio = await service.recording(recorded.recorded[0])
    assert audio[:4] == b"RIFF"
    with pytest.raises(ValueError, match="no recording"):
        silent = next(s for d in found.dialogs for s in d.segments if not s.has_recording)
        await service.recording(silent)


async def test_segments_too_fresh_are_clipped_with_notices(
    report_requests: Any, sim: SimServer, make_service: Any
) -> None:
    result = await make_service(sim).segments(at(9, 50), at(10))
    assert result.end == at(9, 55)
    assert any("5 minutes" in n for n in result.notices)
    assert any("still be processing" in n for n in result.notices)
    assert report_requests(sim, "interaction-metadata", status=400) == 0
    assert report_requests(sim, "interaction-metadata", status=200) == 1
    assert all(s.left is not None and s.left <= at(9, 55) for s in result.segments)
