"""The audit log on its own: append-only JSON lines, 0600, scrubbed, readable, followable."""

from __future__ import annotations

import json
import stat
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from wallboard.audit import AuditLog, AuditRecord, follow, read_backlog, read_records
from wallboard.redact import Redactor

SECRET = "s3cr3t-token-value-XYZ"


def record(n: int, **changes: object) -> AuditRecord:
    base: dict[str, object] = {
        "id": f"id{n}",
        "time": datetime(2025, 1, 15, 15, 0, n, tzinfo=UTC),
        "phase": "attempt",
        "operator": "dana",
        "account": "prod",
        "action": "ping",
        "call": "1234",
    }
    return AuditRecord(**{**base, **changes})  # type: ignore[arg-type]


def test_records_are_appended_as_json_lines_with_private_permissions(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "audit.jsonl"
    log = AuditLog(path)
    log.write(record(1))
    log.write(record(2, phase="outcome", outcome="ok", latency_ms=12.5))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["id1", "id2"]
    assert json.loads(lines[1])["time"] == "2025-01-15T15:00:02.000+00:00"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    AuditLog(path).write(record(3))  # a second writer appends, never truncates
    assert [r.id for r in read_records(path)] == ["id1", "id2", "id3"]


def test_known_secrets_are_scrubbed_from_every_field(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path, redactor=Redactor([SECRET]))
    written = log.write(
        record(1, message=f"401: token {SECRET} expired", parameters={"notes": f"x{SECRET}"})
    )
    text = path.read_text(encoding="utf-8")
    assert SECRET not in text and "***" in text
    assert written.message == "401: token *** expired"


def test_last_n_skips_unreadable_lines(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path)
    for n in range(5):
        log.write(record(n))
    with path.open("a", encoding="utf-8") as handle:
        handle.write('not json\n[1, 2]\n{"id": "no time"}\n')
    log.write(record(9))
    assert [r.id for r in log.records(last=2)] == ["id4", "id9"]
    assert len(read_records(path)) == 6
    assert read_records(tmp_path / "missing.jsonl") == []
    with pytest.raises(ValueError, match="last must be zero or more"):
        read_records(path, last=-1)


def test_listeners_hear_each_record_until_removed(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    heard: list[str] = []
    remove = log.listen(lambda r: heard.append(r.id))
    log.write(record(1))
    remove()
    log.write(record(2))
    assert heard == ["id1"]


def test_describe_is_one_readable_line() -> None:
    line = record(
        1,
        phase="outcome",
        action="monitor",
        parameters={"phone": "+15554150123", "empty": ""},
        outcome="denied",
        message="permission denied: no",
        latency_ms=41.6,
    ).describe()
    assert "dana prod outcome monitor call=1234 phone=+15554150123 -> denied (42 ms)" in line
    assert line.endswith(": permission denied: no") and "empty" not in line


def test_follow_yields_records_written_after_it_started(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path)
    log.write(record(0))  # before following: not repeated
    got: list[str] = []
    done = threading.Event()
    naps = 0

    def nap(_: float) -> None:
        nonlocal naps
        naps += 1
        if naps == 1:
            log.write(record(1))
            with path.open("a", encoding="utf-8") as handle:  # half a line: wait for the rest
                handle.write('{"id": "id2"')
        elif naps == 2:
            with path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(record(2).to_json())[len('{"id": "id2"') :] + "\n")
        else:
            done.set()

    for item in follow(path, stop=done.is_set, poll_s=0.0, sleep=nap):
        got.append(item.id)
    assert got == ["id1", "id2"]


def _naps_then_stop(
    *actions: Callable[[], object],
) -> tuple[Callable[[float], None], Callable[[], bool]]:
    """A `sleep` for `follow` that runs one action per nap, then a `stop` true after the last."""
    pending = list(actions)
    done = threading.Event()

    def nap(_: float) -> None:
        if pending:
            pending.pop(0)()
        else:
            done.set()

    return nap, done.is_set


def test_backlog_then_follow_misses_nothing_written_in_between(tmp_path: Path) -> None:
    """`wallboard audit -f` shows the backlog, then follows: a record written between the two
    reads must be shown once (following from the file's size then would lose it)."""
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path)
    log.write(record(0))
    backlog, offset = read_backlog(path, last=5)
    log.write(record(1))  # after the backlog was read, before following began
    nap, stop = _naps_then_stop(lambda: log.write(record(2)))
    followed = [r.id for r in follow(path, stop=stop, offset=offset, poll_s=0.0, sleep=nap)]
    assert [r.id for r in backlog] == ["id0"]
    assert followed == ["id1", "id2"]
    assert read_backlog(tmp_path / "missing.jsonl") == ([], 0)


def test_backlog_leaves_a_half_written_line_to_follow(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    AuditLog(path).write(record(0))
    line = json.dumps(record(1).to_json()) + "\n"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line[:20])
    backlog, offset = read_backlog(path)
    assert [r.id for r in backlog] == ["id0"]

    def finish() -> None:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(line[20:])

    nap, stop = _naps_then_stop(finish)
    assert [r.id for r in follow(path, stop=stop, offset=offset, poll_s=0.0, sleep=nap)] == ["id1"]


def test_follow_decodes_a_character_split_between_two_reads(tmp_path: Path) -> None:
    """Operators' names and notes are kept as UTF-8; a read that ends inside a character must
    not turn it into replacement characters."""
    path = tmp_path / "audit.jsonl"
    path.touch()
    data = (json.dumps(record(1, operator="Zoë").to_json(), ensure_ascii=False) + "\n").encode()
    cut = data.index("ë".encode()) + 1  # between the two bytes of "ë"

    def append(part: bytes) -> Callable[[], object]:
        def write() -> None:
            with path.open("ab") as handle:
                handle.write(part)

        return write

    nap, stop = _naps_then_stop(append(data[:cut]), append(data[cut:]))
    got = list(follow(path, stop=stop, poll_s=0.0, sleep=nap))
    assert [r.operator for r in got] == ["Zoë"]
