"""SQLite history: increments, compaction, retention, restart, degraded disks, a writer that
never blocks its caller."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from wallboard.alerts import Alert
from wallboard.history import CounterBatch, History, default_history_path

FIELDS = ("answer", "abandon", "machine")
T0 = datetime(2026, 1, 15, 15, 0, tzinfo=UTC).timestamp()
DAY = 86400.0


def batch(
    at: float, increments: dict[str, tuple[int, ...]], since: float | None = None
) -> CounterBatch:
    state = {entity: values for entity, values in increments.items()}
    return CounterBatch(
        "campaigns", at, at - 15 if since is None else since, FIELDS, increments, state
    )


def alert(state: str, at: float) -> Alert:
    when = datetime.fromtimestamp(at, UTC)
    return Alert(
        id="abandon-30d/campaigns/1",
        rule="abandon-30d",
        title="Abandon rate near/over cap (30 days)",
        metric="abandon_rate_30d",
        source="campaigns",
        entity="1",
        entity_name="Spring",
        severity="critical",
        state=state,  # type: ignore[arg-type]
        value=0.031,
        threshold=0.03,
        first_seen=datetime.fromtimestamp(T0, UTC),
        last_change=when,
    )


def test_default_path_is_in_the_data_dir(tmp_path: Path) -> None:
    assert default_history_path(tmp_path) == tmp_path / "history.sqlite3"
    assert default_history_path().name == "history.sqlite3"


def test_increments_state_coverage_and_rolling_totals(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3")
    history.record_counters(batch(T0, {"1": (10, 1, 0), "2": (0, 0, 0)}, since=T0 - 3600))
    history.record_counters(batch(T0 + 15, {"1": (5, 0, 2)}))
    history.record_counters(batch(T0 + 30, {"1": (1, 1, 0), "2": (4, 0, 0)}))
    assert history.flush(5)
    assert history.row_counts()["increments"] == 4  # the all-zero row is not stored
    assert history.rolling_totals("campaigns", ("answer", "abandon"), T0 + 30, DAY) == {
        "1": (16, 2),
        "2": (4, 0),
    }
    # Only the last 20 s: the rows at T0+15 and T0+30.
    assert history.rolling_totals("campaigns", ("answer",), T0 + 30, 20) == {"1": (6,), "2": (4,)}
    assert history.coverage("campaigns") == [(T0 - 3600, T0 + 30)]
    assert history.counter_state("campaigns")["1"] == (T0 + 30, {"answer": 1, "abandon": 1})
    history.close()


def test_compaction_keeps_sums_and_retention_drops_old_rows(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3", retention_days=35, queue_size=5000)
    start = T0 - 40 * DAY
    for cycle in range(0, 42 * 24 * 4):  # 42 days, one row every 15 minutes
        at = start + cycle * 900
        history.record_counters(batch(at, {"1": (2, 1, 0)}, since=at - 900))
    history.record_alert(alert("firing", start + 60))
    history.record_alert(alert("resolved", T0))
    now = start + 42 * 24 * 4 * 900
    history.flush(30)
    window = 34 * DAY + 1  # starts just before an hour: compaction cannot move a row across it
    before = history.rolling_totals("campaigns", ("answer", "abandon"), now, window)
    history.maintain(now)
    assert history.flush(30)
    counts = history.row_counts()
    # Rows older than 26 h became one per hour; the last ~26 h stay at cycle resolution.
    assert 26 * 4 <= counts["increments"] <= 28 * 4
    assert counts["increments@3600"] == pytest.approx((35 * 24) - 26, abs=2)
    # Compaction changed no sum.
    assert history.rolling_totals("campaigns", ("answer", "abandon"), now, window) == before
    assert before == {"1": (2 * 34 * 96, 34 * 96)}
    # The last 24 h hold 95 rows (the newest is 15 min before `now`), all at full resolution.
    assert history.rolling_totals("campaigns", ("answer",), now, DAY) == {"1": (2 * 95,)}
    # Retention: nothing older than 35 days is left, alerts included.
    oldest = history.coverage("campaigns")[0][0]
    assert oldest == pytest.approx(now - 35 * DAY)
    assert [a.state for a in history.alert_history()] == ["resolved"]
    history.close()


def test_reopening_the_file_gives_the_same_history(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    first = History(path)
    first.record_counters(batch(T0, {"1": (10, 1, 0)}, since=T0 - 600))
    first.record_alert(alert("firing", T0))
    first.close()
    second = History(path)
    assert second.rolling_totals("campaigns", FIELDS, T0 + 60, DAY) == {"1": (10, 1, 0)}
    assert second.coverage("campaigns") == [(T0 - 600, T0)]
    assert second.counter_state("campaigns") == {"1": (T0, {"answer": 10, "abandon": 1})}
    assert second.alert_history()[0].id == "abandon-30d/campaigns/1"
    assert second.window_sums("campaigns", ("answer",), T0 - 1, 300) == [("1", T0, (10,))]
    assert not second.in_memory and second.warning is None
    second.close()


def test_an_unopenable_path_degrades_to_memory_with_a_warning(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    history = History(blocker / "history.sqlite3")
    assert history.in_memory
    assert history.warning is not None and "in memory" in history.warning
    history.record_counters(batch(T0, {"1": (3, 0, 0)}))
    assert history.flush(5)
    assert history.rolling_totals("campaigns", ("answer",), T0, DAY) == {"1": (3,)}
    history.close()


@pytest.mark.parametrize(
    ("pragma", "reason"),
    [("max_page_count", "full"), ("query_only", "readonly")],
)
def test_a_full_or_read_only_disk_degrades_to_memory_keeping_what_was_there(
    tmp_path: Path, pragma: str, reason: str
) -> None:
    history = History(tmp_path / "h.sqlite3")
    history.record_counters(batch(T0, {"1": (10, 0, 0)}))
    assert history.flush(5)
    with history._db:  # make the file refuse further writes, as a full or read-only disk does
        if pragma == "max_page_count":
            pages = history._conn.execute("PRAGMA page_count").fetchone()[0]
            history._conn.execute(f"PRAGMA max_page_count = {pages}")
        else:
            history._conn.execute("PRAGMA query_only = ON")
    history.record_counters(batch(T0 + 15, {str(i): (1, 0, 0) for i in range(2000)}))
    assert history.flush(5)
    assert history.in_memory
    assert history.warning is not None and "cannot write" in history.warning
    totals = history.rolling_totals("campaigns", ("answer",), T0 + 15, DAY)
    assert totals["1"] == (11,)  # the file's rows were copied, the new batch written
    assert len(totals) == 2000
    history.close()
    with sqlite3.connect(tmp_path / "h.sqlite3") as raw:  # the file is intact, not corrupted
        assert raw.execute("SELECT COUNT(*) FROM increments").fetchone()[0] == 1


def test_the_writer_never_blocks_the_caller_and_drops_the_oldest(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3", queue_size=4)
    history._db.acquire()  # a stalled disk: the writer cannot get at the database
    try:
        history.record_counters(batch(T0, {"first": (1, 0, 0)}))
        with history._cond:  # the writer has taken the first entry and is now stuck
            assert history._cond.wait_for(lambda: history._busy, timeout=5)
        done = threading.Event()

        def flood() -> None:
            for i in range(100):
                history.record_counters(batch(T0 + 15 * (i + 1), {f"c{i}": (1, 0, 0)}))
            done.set()

        threading.Thread(target=flood, daemon=True).start()
        assert done.wait(5), "record_counters blocked behind a stalled writer"
        assert history.dropped == 96
    finally:
        history._db.release()
    assert history.flush(5)
    written = history.rolling_totals("campaigns", ("answer",), T0 + 10_000, DAY)
    assert set(written) == {"first", "c96", "c97", "c98", "c99"}  # the newest were kept
    history.close()
    history.close()  # idempotent
