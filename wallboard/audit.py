"""The audit log: every supervisor action attempt, as one JSON object per line, on disk.

Why append-only JSON lines, flushed and fsynced per record: the log must survive the process
dying in the middle of a hangup, and must be readable with `tail`, `jq` or `wallboard audit`
without the wallboard. An attempt is written *before* its request is sent (phase `attempt`) and
again with its outcome (phase `outcome`), both with the same `id`; an attempt refused before
sending (read-only, bad input, not confirmed) is one `refused` line. If the attempt line cannot
be written, the action is not sent: an unaudited hangup is worse than a failed one.

No secret ever enters a record: records hold the account's *name*, never its credentials, and
every string goes through a `Redactor` holding the client's known secrets before it is written.

Core module: no Textual.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wallboard.redact import Redactor

AUDIT_FILE_NAME = "audit.jsonl"

#: The phases a record can have (see the module docstring).
PHASES = ("attempt", "outcome", "refused")


class AuditError(Exception):
    """The audit log could not be written or read; the message names the file."""


def default_audit_path(data_dir: Path) -> Path:
    return data_dir / AUDIT_FILE_NAME


@dataclass(frozen=True)
class AuditRecord:
    """One line of the audit log. `latency_ms` is set on outcomes of requests that were sent."""

    id: str
    time: datetime
    phase: str
    operator: str
    account: str
    action: str
    call: str | None
    parameters: Mapping[str, Any] = field(default_factory=dict)
    outcome: str | None = None
    message: str | None = None
    latency_ms: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "time": self.time.astimezone(UTC).isoformat(timespec="milliseconds"),
            "phase": self.phase,
            "operator": self.operator,
            "account": self.account,
            "action": self.action,
            "call": self.call,
            "parameters": dict(self.parameters),
            "outcome": self.outcome,
            "message": self.message,
            "latency_ms": self.latency_ms,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AuditRecord:
        """Read one decoded line; raises `ValueError` naming what is missing or wrong."""
        try:
            when = datetime.fromisoformat(str(data["time"]))
            latency = data.get("latency_ms")
            return cls(
                id=str(data["id"]),
                time=when,
                phase=str(data["phase"]),
                operator=str(data["operator"]),
                account=str(data["account"]),
                action=str(data["action"]),
                call=None if data.get("call") is None else str(data["call"]),
                parameters=dict(data.get("parameters") or {}),
                outcome=None if data.get("outcome") is None else str(data["outcome"]),
                message=None if data.get("message") is None else str(data["message"]),
                latency_ms=None if latency is None else float(latency),
            )
        except KeyError as missing:
            raise ValueError(f"audit record without {missing.args[0]!r}") from None
        except (TypeError, ValueError) as error:
            raise ValueError(f"audit record with a bad value: {error}") from None

    def describe(self) -> str:
        """One human line: time, operator, account, action, call, outcome and message."""
        local = self.time.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        params = " ".join(f"{k}={v}" for k, v in self.parameters.items() if v not in (None, ""))
        parts = [local, self.operator, self.account, self.phase, self.action]
        if self.call:
            parts.append(f"call={self.call}")
        if params:
            parts.append(params)
        if self.outcome:
            parts.append(f"-> {self.outcome}")
        if self.latency_ms is not None:
            parts.append(f"({self.latency_ms:.0f} ms)")
        text = " ".join(parts)
        return f"{text}: {self.message}" if self.message else text


def _scrub(value: Any, redactor: Redactor) -> Any:
    if isinstance(value, str):
        return redactor.scrub(value)
    if isinstance(value, Mapping):
        return {str(k): _scrub(v, redactor) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(v, redactor) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return redactor.scrub(str(value))


class AuditLog:
    """Appends records to one file (created 0600: it names callers' phone numbers).

    Thread-safe. `listen(callback)` tells the screen's audit pane of each record written by this
    process; `records()` and `follow()` read what any process wrote."""

    def __init__(self, path: Path, *, redactor: Redactor | None = None) -> None:
        self.path = path
        self.redactor = redactor or Redactor()
        self._lock = threading.Lock()
        self._listeners: list[Callable[[AuditRecord], None]] = []

    def __repr__(self) -> str:
        return f"AuditLog({str(self.path)!r})"

    def listen(self, callback: Callable[[AuditRecord], None]) -> Callable[[], None]:
        """Call `callback` with every record this log writes from now on; returns a remover."""
        self._listeners.append(callback)

        def remove() -> None:
            if callback in self._listeners:
                self._listeners.remove(callback)

        return remove

    def write(self, record: AuditRecord) -> AuditRecord:
        """Append `record` (scrubbed) and fsync it; raises `AuditError` if it cannot."""
        data = _scrub(record.to_json(), self.redactor)
        line = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
        try:
            with self._lock:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    os.write(fd, line.encode("utf-8"))
                    os.fsync(fd)
                finally:
                    os.close(fd)
        except OSError as error:
            raise AuditError(f"cannot write the audit log {self.path}: {error.strerror}") from None
        written = AuditRecord.from_json(data)
        for listener in list(self._listeners):
            listener(written)
        return written

    def records(self, last: int | None = None) -> list[AuditRecord]:
        """The last `last` records (all when None); unreadable lines are skipped."""
        return read_records(self.path, last=last)


def read_records(path: Path, *, last: int | None = None) -> list[AuditRecord]:
    """The last `last` well-formed records of an audit file (none if it does not exist yet)."""
    return _scan(path, last, complete_only=False)[0]


def read_backlog(path: Path, *, last: int | None = None) -> tuple[list[AuditRecord], int]:
    """The last `last` records and the byte offset just after the last complete line.

    Why not `read_records` then `follow`: `follow` starts at the file's size when it is
    called, so a record appended between the two reads would be shown by neither, and a line
    still being written when the backlog was read would be lost. Passing this offset to
    `follow(path, offset=...)` continues exactly where the backlog stopped."""
    return _scan(path, last, complete_only=True)


def _scan(path: Path, last: int | None, *, complete_only: bool) -> tuple[list[AuditRecord], int]:
    """Records of `path` (the last `last`) and the offset after the last complete line; an
    unterminated last line is parsed only when not `complete_only`."""
    if last is not None and last < 0:
        raise ValueError("last must be zero or more")
    if not path.exists():
        return [], 0
    kept: deque[AuditRecord] = deque(maxlen=last)
    offset = 0
    try:
        with path.open("rb") as handle:
            for raw in handle:
                if raw.endswith(b"\n"):
                    offset += len(raw)
                elif complete_only:
                    break
                record = _parse_line(raw.decode("utf-8", errors="replace"))
                if record is not None:
                    kept.append(record)
    except OSError as error:
        raise AuditError(f"cannot read the audit log {path}: {error.strerror}") from None
    return list(kept), offset


def _parse_line(line: str) -> AuditRecord | None:
    text = line.strip()
    if not text:
        return None
    try:
        data = json.loads(text)
        return AuditRecord.from_json(data) if isinstance(data, dict) else None
    except ValueError:
        return None


def follow(
    path: Path,
    *,
    stop: Callable[[], bool],
    offset: int | None = None,
    poll_s: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[AuditRecord]:
    """Records appended to `path` after `offset` (default: its size now), until `stop()` is
    true (like `tail -f`); `read_backlog` gives the offset that continues a backlog.

    A file that appears later is picked up; a file that shrinks (rotated by hand) is read again
    from its start. A partial last line waits for its newline; it is kept as bytes until then,
    so a character split across two reads is decoded whole."""
    if offset is None:
        offset = path.stat().st_size if path.exists() else 0
    pending = b""
    while not stop():
        size = path.stat().st_size if path.exists() else 0
        if size < offset:
            offset, pending = 0, b""
        if size > offset:
            with path.open("rb") as handle:
                handle.seek(offset)
                chunk = handle.read(size - offset)
            offset += len(chunk)
            *lines, pending = (pending + chunk).split(b"\n")
            for line in lines:
                record = _parse_line(line.decode("utf-8", errors="replace"))
                if record is not None:
                    yield record
            continue
        sleep(poll_s)
