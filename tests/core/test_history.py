"""SQLite history: increments, compaction, retention, restart, degraded disks, a writer that
never blocks its caller."""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import closing
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


# --- coalesced counter batches ----------------------------------------------------------------

LONG = 3600.0
"""A `flush_every_s` no test waits out: batches are written only when something forces them."""


def contents(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the tables counter batches write, rowids included, through a connection of
    its own (what another process, or the next start, would read)."""
    with closing(sqlite3.connect(path)) as db:
        return {
            table: db.execute(f"SELECT rowid, * FROM {table} ORDER BY rowid").fetchall()
            for table in ("increments", "coverage", "counter_state", "alerts")
        }


def idle(history: History) -> bool:
    """Wait (without forcing a write, as `flush()` does) until the writer emptied the queue."""
    with history._cond:
        return history._cond.wait_for(lambda: not history._queue and not history._busy, timeout=5)


def agents(at: float, state: dict[str, tuple[int, ...]]) -> CounterBatch:
    """A source that keeps counter state but no increments (as the store's agents)."""
    return CounterBatch("agents", at, at - 15, FIELDS, {}, state)


def same_entities(at: float, n: int) -> CounterBatch:
    return batch(at, {str(i): (n, 1, 0) for i in range(50)})


SEQUENCE: list[CounterBatch | Alert | float] = [
    batch(T0, {"1": (10, 1, 0), "2": (0, 0, 0)}, since=T0 - 3600),
    agents(T0, {"a": (1, 0, 0), "b": (2, 0, 0)}),
    batch(T0 + 15, {"1": (5, 0, 2), "3": (1, 0, 0)}),  # "2" unchanged: its state stays T0's
    agents(T0 + 15, {"b": (3, 0, 0)}),
    alert("firing", T0 + 15),
    batch(T0 + 30, {"1": (1, 1, 0), "2": (4, 0, 0)}),
    batch(T0 + 600, {"1": (2, 0, 0)}, since=T0 + 500),  # a gap: a second coverage span
    agents(T0 + 600, {"c": (1, 0, 0), "a": (7, 0, 0)}),
]
"""Entities that change in some batches and not others, two sources, an alert, a gap."""

WITH_RETENTION: list[CounterBatch | Alert | float] = [
    agents(T0 - 3 * DAY, {"old": (1, 0, 0), "kept": (1, 0, 0)}),
    batch(T0 - 3 * DAY, {"1": (1, 0, 0)}),
    agents(T0 - 2 * DAY, {"kept": (2, 0, 0)}),
    T0,  # maintenance: retention (1 day here) deletes "old"'s state; "kept" is written again
    agents(T0, {"kept": (3, 0, 0), "new": (1, 0, 0)}),
    batch(T0, {"1": (4, 0, 0)}),
]
"""Maintenance between batches: its retention must see the state upserted before it."""


def record(history: History, item: CounterBatch | Alert | float) -> None:
    if isinstance(item, CounterBatch):
        history.record_counters(item)
    elif isinstance(item, Alert):
        history.record_alert(item)
    else:
        history.maintain(item)


@pytest.mark.parametrize("items", [SEQUENCE, WITH_RETENTION], ids=["batches", "maintenance"])
def test_coalesced_batches_write_the_same_rows_as_one_by_one(
    tmp_path: Path, items: list[CounterBatch | Alert | float]
) -> None:
    one_by_one = History(tmp_path / "one.sqlite3", retention_days=1, flush_every_s=0)
    for item in items:
        record(one_by_one, item)
        assert one_by_one.flush(5)
    one_by_one.close()

    together = History(tmp_path / "together.sqlite3", retention_days=1, flush_every_s=LONG)
    with together._cond:  # the writer cannot take any of them before all are queued
        for item in items:
            record(together, item)
    assert together.flush(5)
    together.close()

    expected = contents(tmp_path / "one.sqlite3")
    assert contents(tmp_path / "together.sqlite3") == expected
    assert all(expected[table] for table in ("increments", "coverage", "counter_state"))


def test_a_write_upserts_each_entity_s_counter_state_once(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3", flush_every_s=LONG)
    history.record_counters(same_entities(T0, 1))  # the first batch is written at once
    assert history.flush(5)
    with history._db:
        before = history._conn.total_changes
    for cycle in range(1, 5):  # four cycles of the same 50 campaigns, in one write
        history.record_counters(same_entities(T0 + 15 * cycle, cycle + 1))
    assert history.flush(5)
    with history._db:
        changed = history._conn.total_changes - before
    # 4 x 50 increment rows, 4 coverage updates, 50 counter-state upserts (not 4 x 50), and
    # the write's stamp (a running wallboard's history).
    assert changed == 4 * 50 + 4 + 50 + 1
    state = history.counter_state("campaigns")
    assert len(state) == 50 and state["7"] == (T0 + 60, {"answer": 5, "abandon": 1})
    assert history.coverage("campaigns") == [(T0 - 15, T0 + 60)]
    assert history.row_counts()["increments"] == 5 * 50
    history.close()


def test_batches_wait_for_flush_maintenance_or_a_half_full_queue(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    history = History(path, queue_size=8, flush_every_s=LONG)
    history.record_counters(batch(T0, {"1": (1, 0, 0)}))
    assert history.flush(5)

    # Batches wait (the next write is due in an hour): not in the file, still queued.
    history.record_counters(batch(T0 + 15, {"1": (2, 0, 0)}))
    history.record_counters(batch(T0 + 30, {"1": (3, 0, 0)}))
    with history._cond:
        assert len(history._queue) == 2 and not history._ready()
    assert len(contents(path)["increments"]) == 1
    assert history.counter_state("campaigns")["1"] == (T0, {"answer": 1})

    # An alert is written promptly, on its own: the batches keep waiting.
    history.record_alert(alert("firing", T0 + 30))
    with history._cond:  # the writer took the alert and is done
        assert history._cond.wait_for(lambda: not history._alerts and not history._busy, 5)
        assert len(history._queue) == 2 and not history._ready()
    assert len(contents(path)["alerts"]) == 1
    assert len(contents(path)["increments"]) == 1

    # Maintenance is written promptly, after the batches queued before it.
    history.maintain(T0 + 30)
    assert idle(history)
    assert len(contents(path)["increments"]) == 3
    assert history.counter_state("campaigns")["1"] == (T0 + 30, {"answer": 3})

    # A queue half full (4 of 8) is written without waiting.
    for cycle in range(3, 7):
        history.record_counters(batch(T0 + 15 * cycle, {"1": (cycle, 0, 0)}))
    assert idle(history)
    assert len(contents(path)["increments"]) == 7

    # `flush()` forces out what waits.
    history.record_counters(batch(T0 + 105, {"1": (7, 0, 0)}))
    assert len(contents(path)["increments"]) == 7
    assert history.flush(5)
    assert len(contents(path)["increments"]) == 8
    assert history.coverage("campaigns") == [(T0 - 15, T0 + 105)]
    assert history.flush(5)  # nothing queued: returns at once
    history.close()


def test_close_writes_the_batches_still_waiting(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    history = History(path, flush_every_s=LONG)
    history.record_counters(batch(T0, {"1": (1, 0, 0)}, since=T0 - 600))
    assert history.flush(5)
    history.record_counters(batch(T0 + 15, {"1": (2, 0, 0), "2": (5, 0, 0)}))
    history.record_counters(batch(T0 + 30, {"1": (3, 1, 0)}))
    with history._cond:
        assert len(history._queue) == 2
    history.close()

    reopened = History(path)
    assert reopened.rolling_totals("campaigns", ("answer", "abandon"), T0 + 30, DAY) == {
        "1": (6, 1),
        "2": (5, 0),
    }
    assert reopened.coverage("campaigns") == [(T0 - 600, T0 + 30)]
    assert reopened.counter_state("campaigns") == {
        "1": (T0 + 30, {"answer": 3, "abandon": 1}),
        "2": (T0 + 15, {"answer": 5}),
    }
    reopened.close()


def test_a_running_wallboard_stamps_its_writes_and_a_one_pass_run_beside_it_sees_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "h.sqlite3"
    one_pass = History(path, live=False)
    assert not one_pass.live_writer_seen()  # nothing has written yet
    one_pass.record_counters(batch(T0, {"1": (1, 0, 0)}))
    assert one_pass.flush(5)
    assert not one_pass.live_writer_seen()  # a one-pass run's own writes are not stamped
    running = History(path)
    running.record_counters(batch(T0 + 15, {"1": (2, 0, 0)}))
    assert running.flush(5)
    assert one_pass.live_writer_seen() and running.live_writer_seen()
    assert not History(path, account="other", live=False).live_writer_seen()  # per account
    running.close()
    assert not one_pass.live_writer_seen()  # stopped: a one-pass run may record at once
    stamp = "INSERT OR REPLACE INTO meta VALUES ('live_writer_at:default', ?)"
    with closing(sqlite3.connect(path)) as conn, conn:  # one that died without closing
        conn.execute(stamp, (repr(time.time()),))
    assert one_pass.live_writer_seen()
    with closing(sqlite3.connect(path)) as conn, conn:  # ... an hour ago
        conn.execute(stamp, ("1.0",))
    assert not one_pass.live_writer_seen()
    one_pass.close()


def test_a_history_not_recording_writes_nothing(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3", live=False)
    before = history.row_counts()
    history.recording = False
    history.record_counters(batch(T0, {"1": (1, 0, 0)}))
    history.record_alert(alert("firing", T0))
    history.maintain(T0)
    assert history.flush(5)
    assert history.row_counts() == before
    history.close()
