"""The benchmark suite's own pieces stay sound (issue 9). No timing is asserted here: the
numbers live in BENCHMARKS.md, and `.ci/run` runs `python -m benchmarks --quick` end to end."""

from __future__ import annotations

from pathlib import Path

from benchmarks.data import Center, Size
from benchmarks.platform_load import Load, p95
from benchmarks.report import ratio, spread, write
from wallboard.store import Store


def test_each_poll_changes_about_five_percent_of_the_counters() -> None:
    center = Center(Size(100, 1_000))
    store = Store()
    store.publish(center.step())
    view = store.publish(center.step())
    cells = sum(len(v.record.COUNTERS) for v in view.campaigns.values())
    moved = sum(len(fields) for fields in view.delta.changed.get("campaigns", {}).values())
    assert 0.01 < moved / cells < 0.15
    assert len(view.calls) == 1_000
    ended = len(view.delta.calls_ended)
    assert 0 < ended < 100 and len(view.delta.calls_appeared) == ended


def test_the_same_seed_builds_the_same_center() -> None:
    first, second = Center(Size(10, 100)), Center(Size(10, 100))
    for _ in range(3):
        assert first.step() == second.step()


def test_report_shows_median_spread_and_ratio(tmp_path: Path) -> None:
    assert spread([0.010, 0.030, 0.020], 1000, " ms") == "20.0 ms (10.0-30.0, n=3)"
    assert ratio([4.0, 4.0], [1.0, 2.0]) == 4.0 / 1.5
    assert spread([]) == "n/a" and ratio([], [1.0]) is None
    out = tmp_path / "BENCHMARKS.md"
    write(out, "quick", [["## 1. A measure", "", "| a |", "|---|"]], 61.0)
    text = out.read_text()
    assert text.startswith("# Benchmarks") and "Textual" in text and "## 1. A measure" in text


def test_data_age_outside_the_storm_leaves_the_storm_out() -> None:
    ages = [(float(t), 30.0 if 10 <= t < 20 else 5.0) for t in range(40)]
    load = Load("x", 40.0, 20, 3, 0, 10, 120, (10.0, 20.0), ages)
    assert load.age_p95_calm == 5.0
    assert load.age_p95 == 30.0 and load.per_minute == 30.0
    assert p95([]) is None
