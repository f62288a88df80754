"""Counter and alert history in SQLite (WAL), written off the poller's path.

Why a database: the platform's counters reset every midnight, so the rolling compliance windows
(24 h, 30 days), trends across restarts and alert history exist only if the wallboard keeps them.
SQLite is embedded, crash-safe in WAL mode and readable by anyone with the `sqlite3` shell.

Why a writer thread with a bounded queue: the poller must never wait for a disk. `record_*`
only appends to an in-memory queue; one thread writes batches in transactions. If the queue
overflows (a stalled disk), the oldest entries are dropped and counted (`dropped`), never the
caller blocked.

Why counter batches wait (`flush_every_s`, a minute by default): every source brings a batch
every poll cycle, and at scale (500 campaigns, 7,200 agents) writing each in its own
transaction cost ~50 ms of CPU a cycle, mostly `counter_state` upserts of the same entities
again and again. The writer therefore keeps batches and writes them together, at most once per
`flush_every_s` (the first one at once), upserting each entity's counter state once per write
(its latest values); the increment rows and coverage are written exactly as batch by batch.
Written earlier: maintenance (promptly, after the batches queued before it, in queue order), a
queue half full, `flush()`, `close()`. An alert change is written promptly on its own, the
counter batches still waiting: at 10,000 calls some alert changes state nearly every cycle, and
taking the batches along made every cycle a write.

What a crash can lose, and why it stays consistent: each write is one transaction holding the
increments, coverage and counter state of the same cycles, so after a crash the database is as
of the last write, at most `flush_every_s` old. A restart seeds the daily counters from that
state and continues coverage from its end, so its first reading's increment spans the lost
time: nothing is double counted or missing from the windows; only that span's per-cycle rows
(at most `flush_every_s` of them) are re-derived as one increment. Alert changes still queued
at a crash are lost, as before.

Why a one-pass run beside a running wallboard writes nothing: both would write the same
account's increments for the same span (the one-pass run's first reading starts from the
counter state the running wallboard last wrote, up to `flush_every_s` ago, and the running
wallboard writes that span too), so the windows would count it twice. A running (`live`)
history stamps each write in `meta`; a one-pass run that finds a stamp younger than
`LIVE_WRITER_WINDOW_S` reads history but records nothing (`recording`). With no wallboard
running (a `check` from cron), one-pass runs record as before and carry the windows.

Why degrade instead of fail: a full or read-only disk, or a path that cannot be opened, must not
take the wallboard down. History then continues in an in-memory database (copied from the file
when it can still be read), `warning` says why, and the store shows it on the status line.

What is stored (all times epoch seconds, per account):
- `increments`: per source and entity, the non-zero counter increments of one cycle (JSON
  object of field -> increment), for the sources something reads back (campaigns' feed the
  compliance windows; `store.HISTORY_SOURCES` says which). Rows older than
  `compact_after_s` are merged into one row per hour (`resolution` 3600); everything older
  than `retention_days` is deleted.
- `counter_state`: each entity's last counter values (of the same sources), so a restart
  continues the same day.
- `coverage`: the spans of time the increments cover (see `wallboard.counters.Coverage`).
- `alerts`: every alert state change.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import re
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, cast

import platformdirs

from wallboard.alerts import Alert

log = logging.getLogger(__name__)

Values = tuple[int, ...]
HOUR = 3600
DEFAULT_RETENTION_DAYS = 35.0
"""Long enough for the 30-day compliance window plus a margin."""
DEFAULT_COMPACT_AFTER_S = 26 * HOUR
"""Cycle resolution is kept past 24 h so the 24 h window never reads hourly rows."""
DEFAULT_FLUSH_EVERY_S = 60.0
"""How long counter batches may wait to be written together (see the module docstring). A
minute: longer writes fewer rows (an entity that moved in several cycles is upserted once) but
holds the batches in memory meanwhile: at five minutes the wallboard's resident memory grew by
6-7 MB at 10,000 calls."""
LIVE_WRITER_WINDOW_S = 2 * DEFAULT_FLUSH_EVERY_S + 30.0
"""A running wallboard's write stamp younger than this means it is running (it writes at least
once per `flush_every_s` while it polls; two of those and a cycle's slack)."""

_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS increments (
    account TEXT NOT NULL, source TEXT NOT NULL, entity TEXT NOT NULL,
    t REAL NOT NULL, resolution INTEGER NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS increments_by_time ON increments (account, source, t);
CREATE TABLE IF NOT EXISTS counter_state (
    account TEXT NOT NULL, source TEXT NOT NULL, entity TEXT NOT NULL,
    t REAL NOT NULL, data TEXT NOT NULL, PRIMARY KEY (account, source, entity));
CREATE TABLE IF NOT EXISTS coverage (
    account TEXT NOT NULL, source TEXT NOT NULL, start_t REAL NOT NULL, end_t REAL NOT NULL);
CREATE INDEX IF NOT EXISTS coverage_by_source ON coverage (account, source, start_t);
CREATE TABLE IF NOT EXISTS alerts (
    account TEXT NOT NULL, t REAL NOT NULL, alert_id TEXT NOT NULL, rule TEXT NOT NULL,
    title TEXT NOT NULL, metric TEXT NOT NULL, source TEXT NOT NULL, entity TEXT NOT NULL,
    entity_name TEXT NOT NULL, severity TEXT NOT NULL, state TEXT NOT NULL, value REAL,
    threshold REAL NOT NULL, first_seen REAL NOT NULL);
CREATE INDEX IF NOT EXISTS alerts_by_time ON alerts (account, t);
INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', '1');
"""


def default_history_path(data_dir: str | Path | None = None) -> Path:
    """`<data dir>/history.sqlite3`, the data dir defaulting to platformdirs' user data dir."""
    base = Path(data_dir) if data_dir else Path(platformdirs.user_data_dir("wallboard"))
    return base / "history.sqlite3"


@dataclass(frozen=True, slots=True)
class CounterBatch:
    """One source's counter reading: what to append and what to remember."""

    source: str
    at: float
    since: float
    """Start of the span the increments cover (see `Observation.since`)."""
    fields: tuple[str, ...]
    increments: Mapping[str, Values]
    """Per entity; all-zero entries are skipped when written."""
    state: Mapping[str, Values]
    """Latest counter values of the entities that changed."""


@dataclass(frozen=True, slots=True)
class _Maintain:
    now: float


_Item = CounterBatch | Alert | _Maintain
_State = dict[tuple[str, str], tuple[float, tuple[str, ...], Values]]
"""(source, entity) -> (at, fields, values): the counter state a write upserts."""

_STAMP = (
    "INSERT INTO meta (key, value) VALUES (?, ?)"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)
_UPSERT_STATE = (
    # An upsert updates the row in place (REPLACE deletes and inserts it again).
    "INSERT INTO counter_state VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT (account, source, entity)"
    " DO UPDATE SET t = excluded.t, data = excluded.data"
)


def _sparse(fields: tuple[str, ...], values: Values) -> str:
    """The non-zero counters as a compact JSON object. Written by hand, not by `json.dumps`:
    a thousand rows a cycle, and field names are identifiers and values ints (no escaping),
    so the text is the same as `json.dumps(..., separators=(",", ":"))` at a third the cost."""
    return "{" + ",".join([f'"{f}":{v:d}' for f, v in zip(fields, values, strict=True) if v]) + "}"


class History:
    """See the module docstring. Thread-safe; `close()` flushes."""

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        account: str = "default",
        retention_days: float = DEFAULT_RETENTION_DAYS,
        compact_after_s: float = DEFAULT_COMPACT_AFTER_S,
        queue_size: int = 1024,
        flush_every_s: float = DEFAULT_FLUSH_EVERY_S,
        live: bool = True,
    ) -> None:
        self.account = account
        self.live = live
        """A running wallboard's history: each write is stamped (see the module docstring)."""
        self.recording = True
        """False: what is recorded is dropped (a one-pass run beside a running wallboard)."""
        self.flush_every_s = flush_every_s
        self.retention_s = retention_days * 86400
        self.compact_after_s = compact_after_s
        self.dropped = 0
        self.warning: str | None = None
        """Why history is degraded (in memory only, entries dropped), or None."""
        self._db = threading.Lock()
        self._cond = threading.Condition()
        self._queue: deque[_Item] = deque(maxlen=queue_size)
        self._half = max(1, queue_size // 2)
        self._urgent = False
        """Maintenance is queued: write everything now, in queue order."""
        self._alerts = False
        """An alert change is queued: write the alerts now (the counter batches keep waiting)."""
        self._flushers = 0
        """`flush()` calls waiting: write now."""
        self._due = -math.inf
        """`time.monotonic()` from which queued counter batches are written (the last write's
        start + `flush_every_s`)."""
        self._busy = False
        self._closing = False
        self.path: Path | None = Path(path) if path is not None else default_history_path()
        self._conn = self._open(self.path)
        self._writer = threading.Thread(target=self._run, name="wallboard-history", daemon=True)
        self._writer.start()

    # --- opening and degrading -----------------------------------------------------------------

    def _open(self, path: Path | None) -> sqlite3.Connection:
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
                try:
                    conn.execute("PRAGMA busy_timeout = 2000")
                    conn.execute("PRAGMA journal_mode = WAL")
                    conn.execute("PRAGMA synchronous = NORMAL")
                    conn.executescript(_SCHEMA)
                except sqlite3.Error:
                    conn.close()
                    raise
                return conn
            except (OSError, sqlite3.Error) as error:
                self._warn(f"cannot open {path} ({error})")
        return self._memory()

    def _memory(self, source: sqlite3.Connection | None = None) -> sqlite3.Connection:
        conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        if source is not None:
            try:
                source.backup(conn)
            except sqlite3.Error as error:
                log.warning("history: could not copy the file into memory (%s)", error)
        conn.executescript(_SCHEMA)
        self.path = None
        return conn

    def _warn(self, reason: str) -> None:
        self.warning = f"history in memory only, lost on exit: {reason}"
        log.warning("%s", self.warning)

    @property
    def in_memory(self) -> bool:
        return self.path is None

    # --- writing (never blocks the caller) -----------------------------------------------------

    def _put(self, item: _Item) -> None:
        with self._cond:
            if self._closing or not self.recording:
                return
            if len(self._queue) == self._queue.maxlen:
                self.dropped += 1
                if self.dropped == 1 or self.dropped % 100 == 0:
                    log.warning("history: writer behind, %d entries dropped", self.dropped)
            self._queue.append(item)
            if isinstance(item, _Maintain):
                self._urgent = True
            elif isinstance(item, Alert):
                self._alerts = True
            # The writer waits for the due time already unless the queue was empty.
            if len(self._queue) == 1 or self._ready():
                self._cond.notify()

    def record_counters(self, batch: CounterBatch) -> None:
        self._put(batch)

    def record_alert(self, alert: Alert) -> None:
        self._put(alert)

    def maintain(self, now: float) -> None:
        """Queue compaction (rows older than `compact_after_s` -> hourly) and retention."""
        self._put(_Maintain(now))

    def flush(self, timeout: float | None = None) -> bool:
        """Write what is queued now (batches included) and wait until the writer is idle;
        False on timeout. Readers call it first when they need what was just recorded."""
        with self._cond:
            self._flushers += 1
            self._cond.notify_all()
            try:
                return self._cond.wait_for(lambda: not self._queue and not self._busy, timeout)
            finally:
                self._flushers -= 1

    def close(self) -> None:
        """Write what is queued, stop the writer, close the database. Idempotent."""
        with self._cond:
            if self._closing:
                return
            self._closing = True
            self._cond.notify_all()
        self._writer.join()
        with self._db:
            if self.live:  # stopped: a one-pass run may record again at once
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute("DELETE FROM meta WHERE key = ?", (self._stamp_key,))
            self._conn.close()

    def _ready(self) -> bool:
        """Whether the queue is to be written now (with `_cond` held)."""
        return bool(self._queue) and (self._alerts or self._all_due())

    def _all_due(self) -> bool:
        """Whether the whole queue, counter batches included, is to be written now."""
        return (
            self._urgent
            or self._closing
            or self._flushers > 0
            or len(self._queue) >= self._half
            or time.monotonic() >= self._due
        )

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._ready():
                    if not self._queue:
                        if self._closing:
                            return
                        self._cond.wait()
                    else:
                        wait = self._due - time.monotonic()
                        self._cond.wait(min(max(0.0, wait), threading.TIMEOUT_MAX))
                if self._all_due():
                    items = list(self._queue)
                    self._queue.clear()
                    self._urgent = False
                    self._due = time.monotonic() + self.flush_every_s
                else:  # only alerts are waiting: the counter batches keep theirs
                    items = [item for item in self._queue if isinstance(item, Alert)]
                    waiting = [item for item in self._queue if not isinstance(item, Alert)]
                    self._queue.clear()
                    self._queue.extend(waiting)
                self._alerts = False
                self._busy = True
                self._cond.notify_all()
            try:
                self._write(items)
            except Exception:  # the writer must survive anything; the poller depends on it
                log.exception("history: write failed, %d entries lost", len(items))
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _write(self, items: list[_Item]) -> None:
        with self._db:
            try:
                self._transaction(items)
            except sqlite3.Error as error:
                if self.in_memory:
                    raise
                self._warn(f"cannot write {self.path} ({error})")
                old = self._conn
                self._conn = self._memory(old)
                old.close()
                self._transaction(items)

    def _transaction(self, items: list[_Item]) -> None:
        """All `items` in one transaction, in order, except that counter state is upserted once
        per entity (its latest batch's values), before maintenance and at the end: the same rows
        as writing the items one by one."""
        conn = self._conn
        state: _State = {}
        conn.execute("BEGIN")
        try:
            for item in items:
                if isinstance(item, CounterBatch):
                    self._write_counters(conn, item)
                    at, fields = item.at, item.fields
                    for entity, values in item.state.items():
                        state[item.source, entity] = (at, fields, values)
                elif isinstance(item, Alert):
                    self._write_alert(conn, item)
                else:
                    self._write_state(conn, state)  # retention may delete what was upserted
                    state.clear()
                    self._maintain(conn, item.now)
            self._write_state(conn, state)
            if self.live:
                conn.execute(_STAMP, (self._stamp_key, repr(time.time())))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _write_counters(self, conn: sqlite3.Connection, b: CounterBatch) -> None:
        """Increments and coverage; the counter state is `_write_state`'s."""
        account, fields = self.account, b.fields
        conn.executemany(
            "INSERT INTO increments VALUES (?, ?, ?, ?, 0, ?)",
            [
                (account, b.source, entity, b.at, _sparse(fields, values))
                for entity, values in b.increments.items()
                if any(values)
            ],
        )
        last = conn.execute(
            "SELECT rowid, end_t FROM coverage WHERE account = ? AND source = ?"
            " ORDER BY start_t DESC LIMIT 1",
            (account, b.source),
        ).fetchone()
        if last is not None and b.since <= last[1] + 1e-6:
            conn.execute(
                "UPDATE coverage SET end_t = max(end_t, ?) WHERE rowid = ?", (b.at, last[0])
            )
        else:
            conn.execute(
                "INSERT INTO coverage VALUES (?, ?, ?, ?)", (account, b.source, b.since, b.at)
            )

    def _write_state(self, conn: sqlite3.Connection, state: _State) -> None:
        if state:
            account = self.account
            conn.executemany(
                _UPSERT_STATE,
                [
                    (account, source, entity, at, _sparse(fields, values))
                    for (source, entity), (at, fields, values) in state.items()
                ],
            )

    def _write_alert(self, conn: sqlite3.Connection, a: Alert) -> None:
        conn.execute(
            "INSERT INTO alerts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.account,
                a.last_change.timestamp(),
                a.id,
                a.rule,
                a.title,
                a.metric,
                a.source,
                a.entity,
                a.entity_name,
                a.severity,
                a.state,
                a.value,
                a.threshold,
                a.first_seen.timestamp(),
            ),
        )

    def _maintain(self, conn: sqlite3.Connection, now: float) -> None:
        account = self.account
        cutoff = (now - self.compact_after_s) // HOUR * HOUR
        rows = conn.execute(
            "SELECT source, entity, t, data FROM increments"
            " WHERE account = ? AND resolution = 0 AND t < ?",
            (account, cutoff),
        ).fetchall()
        merged: dict[tuple[str, str, int], tuple[float, dict[str, int]]] = {}
        for source, entity, t, data in rows:
            key = (source, entity, int(t // HOUR))
            last_t, sums = merged.get(key, (t, {}))
            for field, value in json.loads(data).items():
                sums[field] = sums.get(field, 0) + value
            merged[key] = (max(last_t, t), sums)
        conn.execute(
            "DELETE FROM increments WHERE account = ? AND resolution = 0 AND t < ?",
            (account, cutoff),
        )
        conn.executemany(
            "INSERT INTO increments VALUES (?, ?, ?, ?, ?, ?)",
            [
                (account, source, entity, t, HOUR, json.dumps(sums, separators=(",", ":")))
                for (source, entity, _), (t, sums) in merged.items()
            ],
        )
        oldest = now - self.retention_s
        for statement in (
            "DELETE FROM increments WHERE account = ? AND t < ?",
            "DELETE FROM counter_state WHERE account = ? AND t < ?",
            "DELETE FROM alerts WHERE account = ? AND t < ?",
            "DELETE FROM coverage WHERE account = ? AND end_t < ?",
        ):
            conn.execute(statement, (account, oldest))
        conn.execute(
            "UPDATE coverage SET start_t = ? WHERE account = ? AND start_t < ?",
            (oldest, account, oldest),
        )

    # --- reading (the caller's thread; briefly shares the connection with the writer) ----------

    def _query(self, sql: str, params: Iterable[Any]) -> list[Any]:
        with self._db:
            return self._conn.execute(sql, tuple(params)).fetchall()

    @property
    def _stamp_key(self) -> str:
        return f"live_writer_at:{self.account}"

    def live_writer_seen(self, within_s: float = LIVE_WRITER_WINDOW_S) -> bool:
        """Whether a running wallboard wrote this account's history in the last `within_s`
        seconds (by the wall clock: another process's stamp)."""
        rows = self._query("SELECT value FROM meta WHERE key = ?", (self._stamp_key,))
        try:
            return bool(rows) and time.time() - float(rows[0][0]) < within_s
        except ValueError:
            return False

    def counter_state(self, source: str) -> dict[str, tuple[float, dict[str, int]]]:
        """Each entity's last persisted counter values and when they were read."""
        rows = self._query(
            "SELECT entity, t, data FROM counter_state WHERE account = ? AND source = ?",
            (self.account, source),
        )
        return {entity: (t, json.loads(data)) for entity, t, data in rows}

    def coverage(self, source: str) -> list[tuple[float, float]]:
        rows = self._query(
            "SELECT start_t, end_t FROM coverage WHERE account = ? AND source = ? ORDER BY start_t",
            (self.account, source),
        )
        return [(float(s), float(e)) for s, e in rows]

    def _sums(self, fields: tuple[str, ...]) -> str:
        for field in fields:
            if not _FIELD.match(field):
                raise ValueError(f"not a counter field name: {field!r}")
        return ", ".join(f"TOTAL(json_extract(data, '$.{f}'))" for f in fields)

    def window_sums(
        self, source: str, fields: tuple[str, ...], since: float, bucket_s: float
    ) -> list[tuple[str, float, Values]]:
        """Per entity and bucket of `bucket_s` seconds from `since` on: (entity, a time in the
        bucket, sums of `fields`). Used to seed the store's rolling windows at start."""
        rows = self._query(
            f"SELECT entity, MAX(t), {self._sums(fields)} FROM increments"
            " WHERE account = ? AND source = ? AND t >= ?"
            " GROUP BY entity, CAST(t / ? AS INTEGER) ORDER BY MAX(t)",
            (self.account, source, since, bucket_s),
        )
        return [(row[0], float(row[1]), tuple(int(v) for v in row[2:])) for row in rows]

    def rolling_totals(
        self, source: str, fields: tuple[str, ...], now: float, width_s: float
    ) -> dict[str, Values]:
        """Sums of `fields` per entity over `(now - width_s, now]`, straight from the database
        (the headless `check` command's path; the store keeps the same sums in memory)."""
        rows = self._query(
            f"SELECT entity, {self._sums(fields)} FROM increments"
            " WHERE account = ? AND source = ? AND t > ? AND t <= ? GROUP BY entity",
            (self.account, source, now - width_s, now),
        )
        return {row[0]: tuple(int(v) for v in row[1:]) for row in rows}

    def alert_history(self, limit: int = 200) -> list[Alert]:
        """Alert state changes, newest first."""
        rows = self._query(
            "SELECT alert_id, rule, title, metric, source, entity, entity_name, severity, state,"
            " value, threshold, first_seen, t FROM alerts WHERE account = ?"
            " ORDER BY t DESC, rowid DESC LIMIT ?",
            (self.account, limit),
        )
        return [
            Alert(
                id=r[0],
                rule=r[1],
                title=r[2],
                metric=r[3],
                source=r[4],
                entity=r[5],
                entity_name=r[6],
                severity=cast(Literal["warn", "critical"], r[7]),
                state=cast(Literal["firing", "acknowledged", "resolved"], r[8]),
                value=r[9],
                threshold=r[10],
                first_seen=datetime.fromtimestamp(r[11], UTC),
                last_change=datetime.fromtimestamp(r[12], UTC),
            )
            for r in rows
        ]

    def row_counts(self) -> dict[str, int]:
        """Rows per table and resolution, for diagnostics and tests."""
        counts: dict[str, int] = {}
        for resolution, n in self._query(
            "SELECT resolution, COUNT(*) FROM increments WHERE account = ? GROUP BY resolution",
            (self.account,),
        ):
            counts["increments" if resolution == 0 else f"increments@{resolution}"] = n
        for table in ("counter_state", "coverage", "alerts"):
            counts[table] = self._query(
                f"SELECT COUNT(*) FROM {table} WHERE account = ?", (self.account,)
            )[0][0]
        return counts
