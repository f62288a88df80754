"""Pure pieces of the report layer: time arithmetic, derived figures and totals, the cache."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from wallboard.report_cache import ReportCache
from wallboard.reports_rows import FORMULAS, QueueInterval, total
from wallboard.reports_windows import (
    ReportRangeError,
    align_down,
    interval_seconds,
    metadata_windows,
    plan_range,
    split_windows,
)

EASTERN = ZoneInfo("US/Eastern")


def at(hour: int, minute: int = 0, day: int = 15) -> datetime:
    return datetime(2025, 1, day, hour, minute, tzinfo=EASTERN)


def test_intervals_align_to_local_midnight_not_utc() -> None:
    kolkata = ZoneInfo("Asia/Kolkata")  # UTC+05:30: hours there are not hours in UTC
    moment = datetime(2025, 1, 15, 10, 40, tzinfo=kolkata)
    assert align_down(moment, 3600, kolkata) == datetime(2025, 1, 15, 10, 0, tzinfo=kolkata)
    assert align_down(at(10, 40), 2700, EASTERN) == at(10, 30)  # 45-minute grid from midnight


@pytest.mark.parametrize("bad", [10, 20, 90, True])
def test_only_the_documented_intervals(bad: int) -> None:
    with pytest.raises(ReportRangeError, match="15, 30, 45, 60"):
        interval_seconds(bad)


def test_a_day_splits_into_three_hour_windows_in_order() -> None:
    plan = plan_range(at(0), at(0, day=16), 900, EASTERN, now=at(12, day=20))
    windows = split_windows(plan.intervals, plan.end)
    assert len(windows) == 8
    assert all(w.end - w.start == timedelta(hours=3) for w in windows)
    assert [w.start for w in windows] == sorted(w.start for w in windows)
    assert sum(len(w.intervals) for w in windows) == 96


def test_windows_never_exceed_three_wall_clock_hours_across_dst() -> None:
    """On the spring-forward night, 01:00-05:00 local is 3 real hours but 4 on the wall."""
    start = datetime(2025, 3, 9, 0, 0, tzinfo=EASTERN)
    plan = plan_range(start, start + timedelta(hours=6), 3600, EASTERN, now=at(12, day=20))
    for window in split_windows(plan.intervals, plan.end):
        wall = window.end.replace(tzinfo=None) - window.start.replace(tzinfo=None)
        assert wall <= timedelta(hours=3) and window.end - window.start <= timedelta(hours=3)


def test_clipping_marks_the_open_interval() -> None:
    plan = plan_range(at(9), at(11), 1800, EASTERN, now=at(10, 10))
    assert plan.end == at(10, 5) and plan.clipped
    assert [(i.start, i.closed) for i in plan.intervals] == [
        (at(9), True),
        (at(9, 30), True),
        (at(10), False),
    ]
    [window] = split_windows(plan.intervals, plan.end)
    assert window.end == at(10, 5)


def test_a_gap_of_cached_intervals_splits_the_windows() -> None:
    plan = plan_range(at(6), at(9), 3600, EASTERN, now=at(12))
    missing = [plan.intervals[0], plan.intervals[2]]
    assert [(w.start, w.end) for w in split_windows(missing, plan.end)] == [
        (at(6), at(7)),
        (at(8), at(9)),
    ]


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (at(9), at(8), "after its start"),
        (datetime(2025, 1, 15, 9), at(10), "time zone"),
    ],
)
def test_bad_ranges_are_named(start: datetime, end: datetime, message: str) -> None:
    with pytest.raises(ReportRangeError, match=message):
        plan_range(start, end, 900, EASTERN, now=at(12))


def test_metadata_windows_are_at_most_three_hours() -> None:
    windows = metadata_windows(at(0), at(7))
    assert [seconds for _, seconds in windows] == [10_800, 10_800, 3_600]
    assert windows[-1][0] == at(7)


def row(**values: float) -> QueueInterval:
    return QueueInterval(at(9), 1800, "1", "Sales", **values)  # type: ignore[arg-type]


def test_derived_queue_figures_follow_their_formulas() -> None:
    r = row(
        offered=12,
        answered=8,
        abandoned=4,
        short_abandoned=2,
        answered_within_sl=6,
        answer_wait_s=80,
        talk_s=800,
        wrap_s=160,
        longest_answer_wait_s=30,
        longest_abandon_wait_s=45,
    )
    assert r.service_level == pytest.approx(6 / (8 + 4 - 2))
    assert r.asa_s == 10 and r.aht_s == 120 and r.avg_wrap_s == 20
    assert r.abandon_rate == pytest.approx((4 - 2) / (12 - 2))
    assert r.longest_wait_s == 45
    empty = row()
    assert empty.service_level is None and empty.asa_s is None and empty.aht_s is None
    assert FORMULAS["asa_s"].startswith("queued-and-answered wait")


def test_totals_sum_counts_and_keep_longest_waits() -> None:
    a = row(answered=2, answer_wait_s=10, longest_answer_wait_s=9)
    b = row(answered=6, answer_wait_s=70, longest_answer_wait_s=30)
    summed = total([a, b], queue_name="All queues")
    assert summed is not None
    assert summed.answered == 8 and summed.longest_answer_wait_s == 30
    assert summed.asa_s == 10, "ASA of the totals is recomputed, not averaged"
    assert summed.start is None and summed.queue_name == "All queues"
    assert total([]) is None


def test_cache_keeps_wal_and_distinguishes_empty_from_missing(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    t = at(9).timestamp()
    with ReportCache(path, account="a") as cache:
        cache.put("agg-agent-stats", 1800, "US/Eastern", {t: [], t + 1800: [{"x": 1}]}, 0.0)
        assert cache.get("agg-agent-stats", 1800, "US/Eastern", [t, t + 1800, t + 3600]) == {
            t: [],
            t + 1800: [{"x": 1}],
        }
        assert cache.get("agg-agent-stats", 900, "US/Eastern", [t]) == {}
    with ReportCache(path, account="b") as other:
        assert other.count() == 0, "accounts do not share cached intervals"
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_an_unopenable_cache_degrades_to_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with ReportCache(blocker / "history.sqlite3") as cache:
        assert cache.warning and "memory" in cache.warning
        cache.put("r", 900, "UTC", {datetime(2025, 1, 1, tzinfo=UTC).timestamp(): []}, 0.0)
        assert cache.count() == 1
