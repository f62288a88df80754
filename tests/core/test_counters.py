"""Daily counters -> increments across the midnight reset in a non-UTC zone; rolling sums."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from wallboard.counters import (
    Coverage,
    DailyCounters,
    LocalDay,
    RollingSum,
    coverage_text,
    human_duration,
)

EASTERN = ZoneInfo("US/Eastern")
FIELDS = ("answer", "abandon")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> float:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC).timestamp()


def test_local_midnight_is_the_accounts_not_utcs() -> None:
    day = LocalDay(EASTERN)
    # Winter (EST, UTC-5): 23:59 local on Jan 15 is 04:59 UTC on Jan 16.
    assert day.start(utc(2026, 1, 16, 4, 59)) == utc(2026, 1, 15, 5, 0)
    assert day.start(utc(2026, 1, 16, 5, 0)) == utc(2026, 1, 16, 5, 0)
    # Summer (EDT, UTC-4): midnight is 04:00 UTC.
    assert day.start(utc(2026, 7, 1, 4, 30)) == utc(2026, 7, 1, 4, 0)
    assert day.start(utc(2026, 7, 1, 3, 30)) == utc(2026, 6, 30, 4, 0)


def test_counter_drop_at_local_midnight_is_a_reset_never_negative() -> None:
    counters = DailyCounters(FIELDS, EASTERN)
    rolling = RollingSum(86400, 300, 2)
    steps = [
        (utc(2026, 1, 16, 4, 59, 30), (100, 3)),  # 23:59:30 EST
        (utc(2026, 1, 16, 4, 59, 45), (102, 3)),  # 23:59:45 EST: 2 more answers
        (utc(2026, 1, 16, 5, 0, 0), (1, 0)),  # 00:00:00 EST: the platform reset
        (utc(2026, 1, 16, 5, 0, 15), (3, 1)),  # 00:00:15 EST
    ]
    seen = []
    for at, values in steps:
        observation = counters.observe(at, {"c1": values})
        rolling.add(at, observation.increments)
        seen.append((observation.increments["c1"], "c1" in observation.resets))
    assert seen == [
        ((100, 3), False),  # first reading: everything since midnight
        ((2, 0), False),
        ((1, 0), True),  # a drop: the increment is the new value
        ((2, 1), False),
    ]
    assert all(min(inc) >= 0 for inc, _ in seen)
    # Today's totals restarted (the platform's counters say 3 answers, 1 abandon today) ...
    assert counters.last_values("c1") == (3, 1)
    # ... while the rolling 24 h still holds yesterday's late increments: 102 + 3 answers.
    rolling.expire(steps[-1][0])
    assert rolling.total("c1") == (105, 4)


def test_down_across_midnight_without_a_drop_still_resets() -> None:
    counters = DailyCounters(FIELDS, EASTERN)
    counters.observe(utc(2026, 1, 16, 1, 0), {"c1": (50, 1)})  # 20:00 EST on the 15th
    later = counters.observe(utc(2026, 1, 16, 14, 0), {"c1": (80, 2)})  # 09:00 EST on the 16th
    assert later.increments["c1"] == (80, 2)  # not 30: these 80 all happened today
    assert later.resets == {"c1"}
    assert later.since == utc(2026, 1, 16, 5, 0)  # covers from local midnight, not 20:00


def test_not_yet_reset_just_after_midnight_is_not_counted_twice() -> None:
    """Clocks are never in step: at 00:00:10 our time the platform may still show yesterday."""
    counters = DailyCounters(FIELDS, EASTERN, grace_s=120)
    counters.observe(utc(2026, 1, 16, 4, 59, 50), {"c1": (100, 3)})
    after = counters.observe(utc(2026, 1, 16, 5, 0, 10), {"c1": (101, 3)})
    assert after.increments["c1"] == (1, 0)
    reset = counters.observe(utc(2026, 1, 16, 5, 0, 25), {"c1": (0, 0)})
    assert reset.increments["c1"] == (0, 0) and reset.resets == {"c1"}


def test_new_entity_mid_day_counts_since_midnight_and_rates_need_an_interval() -> None:
    counters = DailyCounters(FIELDS, EASTERN)
    counters.observe(utc(2026, 1, 15, 15, 0), {"c1": (10, 0)})
    second = counters.observe(utc(2026, 1, 15, 15, 0, 15), {"c1": (16, 0), "c2": (7, 1)})
    assert second.increments == {"c1": (6, 0), "c2": (7, 1)}
    assert second.changed == {"c1", "c2"}
    assert second.rate("c1", 0) == pytest.approx(24.0)  # 6 in 15 s = 24 a minute
    assert second.rate("c2", 0) is None  # first reading: no interval
    assert second.since == utc(2026, 1, 15, 15, 0)


def test_seeded_state_continues_the_same_day_after_a_restart() -> None:
    counters = DailyCounters(FIELDS, EASTERN)
    at = utc(2026, 1, 15, 18, 0)
    counters.seed(at, {"c1": (at, {"answer": 40, "abandon": 1, "retired_field": 9})})
    observation = counters.observe(at + 3600, {"c1": (55, 2)})
    assert observation.increments["c1"] == (15, 1)
    assert observation.since == at  # contiguous with what history already covers


def test_rolling_sum_expires_whole_buckets_and_accepts_late_data() -> None:
    rolling = RollingSum(width_s=3600, bucket_s=600, nfields=2)
    rolling.add(1000.0, {"a": (5, 1), "idle": (0, 0)})
    rolling.add(2500.0, {"a": (2, 0), "b": (1, 1)})
    rolling.add(1100.0, {"b": (4, 0)})  # late data lands in its own (older) bucket
    rolling.expire(4000.0)
    assert rolling.total("a") == (7, 1)
    assert rolling.total("b") == (5, 1)
    assert rolling.total("idle") == (0, 0)
    rolling.expire(4800.0)  # the 600-1200 bucket ended at or before 4800 - 3600
    assert rolling.total("a") == (2, 0)
    assert rolling.total("b") == (1, 1)
    rolling.expire(99_999.0)
    assert rolling.total("a") == (0, 0)


def test_coverage_spans_and_text() -> None:
    coverage = Coverage()
    coverage.extend(0.0, 15.0)
    coverage.extend(15.0, 30.0)  # contiguous: one span
    coverage.extend(100.0, 130.0)  # a gap (missed midnight): a new span
    assert coverage.spans == [[0.0, 30.0], [100.0, 130.0]]
    assert coverage.covered(130.0, 1000.0) == 60.0
    assert coverage.covered(130.0, 40.0) == 30.0  # window 90..130
    coverage.prune(20.0)
    assert coverage.spans == [[20.0, 30.0], [100.0, 130.0]]
    assert coverage_text(7800, 86400) == "covers 2 h 10 min of 24 h"
    assert coverage_text(86400, 86400) == "full 24 h"
    assert coverage_text(3 * 86400, 30 * 86400) == "covers 3 d of 30 d"
    assert human_duration(45) == "45 s"
    assert human_duration(12 * 60) == "12 min"
    assert human_duration(3 * 86400 + 4 * 3600) == "3 d 4 h"
