"""Closed report intervals kept in the history database, so a restart never refetches them.

Why here and why this shape: reports cost two requests a minute, and a closed interval (one that
ended at least 5 minutes ago) never changes, so fetching it twice is pure waste. The cache lives
in the same SQLite file as `wallboard.history` (one file to back up) but in its own table,
through its own connection, in WAL mode so the history writer thread and this reader never
block each other for long (`busy_timeout` covers the rest).

One row per (account, report, interval length, zone, interval start) holds that interval's wire
records as JSON, exactly as the platform sent them. Storing the wire form, not derived figures,
means a corrected formula applies to cached data too. An empty array is a real answer ("no
activity"), distinct from a missing row ("never fetched"). Open intervals are never stored.

A path that cannot be opened degrades to an in-memory cache with `warning` set: the reports
still work, they are just fetched again after a restart.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS report_intervals (
    account TEXT NOT NULL, report TEXT NOT NULL, interval_s INTEGER NOT NULL,
    zone TEXT NOT NULL, start_t REAL NOT NULL, fetched_t REAL NOT NULL, rows TEXT NOT NULL,
    PRIMARY KEY (account, report, interval_s, zone, start_t));
"""

WireRows = list[dict[str, Any]]


class ReportCache:
    """See the module docstring. Thread-safe; use as a context manager or call `close()`."""

    def __init__(self, path: str | Path | None = None, *, account: str = "default") -> None:
        self.account = account
        self.warning: str | None = None
        self.path = Path(path) if path is not None else None
        self._lock = threading.Lock()
        self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        if self.path is not None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=5.0, check_same_thread=False)
                db.execute("PRAGMA busy_timeout = 5000")
                db.execute("PRAGMA journal_mode = WAL")
                db.executescript(_SCHEMA)
                return db
            except (OSError, sqlite3.Error) as error:
                self.warning = f"report cache unavailable ({type(error).__name__}); kept in memory"
        db = sqlite3.connect(":memory:", check_same_thread=False)
        db.executescript(_SCHEMA)
        return db

    def __enter__(self) -> ReportCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def get(
        self, report: str, interval_s: int, zone: str, starts: Iterable[float]
    ) -> dict[float, WireRows]:
        """The cached wire rows of each interval start that is cached (missing starts absent)."""
        wanted = sorted(set(starts))
        if not wanted:
            return {}
        found: dict[float, WireRows] = {}
        with self._lock:
            cursor = self._db.execute(
                "SELECT start_t, rows FROM report_intervals WHERE account = ? AND report = ? "
                "AND interval_s = ? AND zone = ? AND start_t BETWEEN ? AND ?",
                (self.account, report, interval_s, zone, wanted[0], wanted[-1]),
            )
            rows = cursor.fetchall()
        keep = set(wanted)
        for start_t, text in rows:
            if start_t in keep:
                try:
                    found[start_t] = list(json.loads(text))
                except (ValueError, TypeError):
                    continue  # a damaged entry is simply fetched again
        return found

    def put(
        self,
        report: str,
        interval_s: int,
        zone: str,
        entries: Mapping[float, WireRows],
        fetched_t: float,
    ) -> None:
        """Store closed intervals' wire rows (replacing any earlier copy)."""
        if not entries:
            return
        values = [
            (self.account, report, interval_s, zone, start_t, fetched_t, json.dumps(rows))
            for start_t, rows in entries.items()
        ]
        with self._lock:
            try:
                with self._db:
                    self._db.executemany(
                        "INSERT OR REPLACE INTO report_intervals "
                        "(account, report, interval_s, zone, start_t, fetched_t, rows) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        values,
                    )
            except sqlite3.Error as error:
                self.warning = f"report cache write failed ({type(error).__name__})"

    def prune(self, before_t: float) -> int:
        """Forget intervals that started before `before_t`; returns how many were removed."""
        with self._lock, self._db:
            cursor = self._db.execute(
                "DELETE FROM report_intervals WHERE account = ? AND start_t < ?",
                (self.account, before_t),
            )
            return cursor.rowcount

    def count(self, report: str | None = None) -> int:
        """Cached intervals (of one report, or all), for tests and the status line."""
        query = "SELECT COUNT(*) FROM report_intervals WHERE account = ?"
        params: tuple[Any, ...] = (self.account,)
        if report is not None:
            query += " AND report = ?"
            params += (report,)
        with self._lock:
            return int(self._db.execute(query, params).fetchone()[0])
