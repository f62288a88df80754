"""Daily counters reset at midnight in the ACCOUNT's zone (seed 000), never at UTC midnight."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from wallboard.sim.clock import SimClock
from wallboard.sim.model import ContactCenter, SimSettings
from wallboard.sim.model_entities import fmt_ts


def totals(center: ContactCenter) -> dict[str, int]:
    """One daily counter per record family, summed over the account."""
    outbound = center.outbound_stats()
    return {
        "dials": sum(r["answer"] + r["noanswer"] + r["machine"] + r["busy"] for r in outbound),
        "complete": sum(r["complete"] for r in outbound),
        "ivr_presented": sum(r["presented"] for r in center.ivr_stats()),
        "gate_presented": sum(r["presented"] for r in center.inbound_stats()),
        "calls_handled": sum(r["callsHandled"] for r in center.agent_stats()),
    }


def advance_to(center: ContactCenter, when: datetime) -> None:
    center.clock.advance((when - center.clock.now()).total_seconds())


def all_records(center: ContactCenter) -> list[dict[str, Any]]:
    return (
        center.outbound_stats() + center.ivr_stats() + center.inbound_stats() + center.agent_stats()
    )


def test_counters_reset_at_eastern_midnight_not_utc_midnight() -> None:
    # 18:30 US/Eastern (EST, UTC-5) on a winter evening.
    clock = SimClock(start=datetime(2025, 1, 14, 23, 30, tzinfo=UTC), speed=0)
    center = ContactCenter(SimSettings(seed=5, history_minutes=20), clock)
    assert center.summary()["localDate"] == "2025-01-14"

    advance_to(center, datetime(2025, 1, 14, 23, 59, 50, tzinfo=UTC))
    before_utc_midnight = totals(center)
    advance_to(center, datetime(2025, 1, 15, 0, 10, tzinfo=UTC))
    after_utc_midnight = totals(center)
    for key, value in before_utc_midnight.items():
        assert after_utc_midnight[key] >= value, key  # nothing reset at 00:00 UTC
    assert center.summary()["localDate"] == "2025-01-14"

    advance_to(center, datetime(2025, 1, 15, 4, 59, 58, tzinfo=UTC))
    before_local_midnight = totals(center)
    assert all(v > 0 for v in before_local_midnight.values()), before_local_midnight
    advance_to(center, datetime(2025, 1, 15, 5, 0, 2, tzinfo=UTC))
    after_local_midnight = totals(center)
    for key, value in after_local_midnight.items():
        assert value < before_local_midnight[key], key
    assert after_local_midnight["ivr_presented"] <= 5  # two seconds of new callers at most
    assert center.summary()["localDate"] == "2025-01-15"
    # A reset is an update of every record.
    midnight = fmt_ts(datetime(2025, 1, 15, 5, 0, tzinfo=UTC).timestamp())
    assert all(r["lastUpdate"] >= midnight for r in all_records(center))


def test_summer_reset_follows_daylight_saving_time() -> None:
    # 23:50 EDT (UTC-4): midnight is 04:00 UTC in July.
    clock = SimClock(start=datetime(2025, 7, 9, 3, 50, tzinfo=UTC), speed=0)
    center = ContactCenter(SimSettings(seed=5, history_minutes=15), clock)
    advance_to(center, datetime(2025, 7, 9, 3, 59, 58, tzinfo=UTC))
    before = totals(center)
    advance_to(center, datetime(2025, 7, 9, 4, 0, 2, tzinfo=UTC))
    after = totals(center)
    assert after["ivr_presented"] < before["ivr_presented"]
    assert after["gate_presented"] < before["gate_presented"]


def test_another_account_zone_resets_at_its_own_midnight() -> None:
    # Asia/Kolkata is UTC+5:30: its midnight is 18:30 UTC.
    clock = SimClock(start=datetime(2025, 1, 15, 18, 20, tzinfo=UTC), speed=0)
    settings = SimSettings(seed=5, history_minutes=15, timezone="Asia/Kolkata")
    center = ContactCenter(settings, clock)
    advance_to(center, datetime(2025, 1, 15, 18, 29, 58, tzinfo=UTC))
    before = totals(center)
    advance_to(center, datetime(2025, 1, 15, 18, 30, 2, tzinfo=UTC))
    assert totals(center)["ivr_presented"] < before["ivr_presented"]
    assert center.summary()["localDate"] == "2025-01-16"
