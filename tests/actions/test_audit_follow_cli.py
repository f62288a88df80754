"""`wallboard audit --follow` as a person on call runs it: a real process that shows the backlog,
then every record another process appends (written by the product's own `AuditLog`), each once,
and exits 0 without a traceback on Ctrl-C.

Why a subprocess: the function-level tests of `follow` cannot see what only the command does
(argument parsing, the data directory from the config, stdout flushing through a pipe, the
hand-over from backlog to following, and the Ctrl-C path through `main`).
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from wallboard.audit import AuditLog, AuditRecord, default_audit_path

ROOT = Path(__file__).resolve().parents[2]
#: Upper bound for each wait on the process; generous for a loaded 2-core machine. The test
#: polls and moves on as soon as the line arrives, so this bounds a failure, not a pass.
DEADLINE_S = 30.0


def _record(n: int, phase: str = "attempt", **changes: object) -> AuditRecord:
    base: dict[str, object] = {
        "id": f"follow-{n}",
        "time": datetime(2025, 1, 15, 15, 0, n, tzinfo=UTC),
        "phase": phase,
        "operator": "dana",
        "account": "prod",
        "action": "hangup",
        "call": f"2025011510000044400100000000{n:02d}",
    }
    return AuditRecord(**{**base, **changes})  # type: ignore[arg-type]


def _env() -> dict[str, str]:
    """The test's environment (isolated XDG dirs, no WALLBOARD_*), running this checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WALLBOARD_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("PYTHONUNBUFFERED", None)  # the command must flush its lines by itself
    return env


class _Lines:
    """The process's stdout, read on a thread so the test can wait with a deadline."""

    def __init__(self, stream: IO[str]) -> None:
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self._thread.start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self._queue.put(line)
        self._queue.put(None)

    def next_json(self) -> dict[str, object]:
        """The next line, decoded; fails if none arrives before the deadline."""
        try:
            line = self._queue.get(timeout=DEADLINE_S)
        except queue.Empty:
            raise AssertionError(f"no line on stdout within {DEADLINE_S} s") from None
        assert line is not None, "stdout closed early"
        decoded = json.loads(line)
        assert isinstance(decoded, dict)
        return decoded

    def rest(self) -> list[str]:
        """Every line after the process closed its stdout."""
        self._thread.join(timeout=DEADLINE_S)
        lines: list[str] = []
        while (line := self._queue.get_nowait()) is not None:
            lines.append(line)
        return lines


def _as_at_a_terminal() -> None:
    """In the child, before it runs: Ctrl-C acts as at a terminal. A suite started in the
    background by a non-interactive shell (`cmd &`) ignores SIGINT, and children inherit that;
    Python then installs no KeyboardInterrupt handler and the command could not be stopped."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _interrupt(process: subprocess.Popen[str]) -> str:
    """Ctrl-C, as a person at the terminal; the process's stderr once it has exited. (Not
    `communicate()`: it would read stdout too, under the `_Lines` thread.)"""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=DEADLINE_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise
    assert process.stderr is not None
    return process.stderr.read()


def test_follow_shows_new_records_as_they_are_written_and_stops_on_ctrl_c(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    config = tmp_path / "wallboard.toml"
    config.write_text(f'data_dir = "{data_dir}"\n', encoding="utf-8")
    log = AuditLog(default_audit_path(data_dir))
    log.write(_record(0))  # the backlog: shown once, before following starts
    command = [sys.executable, "-m", "wallboard", "audit", "--follow", "--json"]
    process = subprocess.Popen(
        [*command, "--config", str(config), "--last", "5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=_env(),
        cwd=tmp_path,
        preexec_fn=_as_at_a_terminal,
    )
    try:
        assert process.stdout is not None
        lines = _Lines(process.stdout)
        assert lines.next_json()["id"] == "follow-0"

        # Written the moment the backlog is on screen: the command may not have started
        # following yet, and must show these anyway (each once, in order).
        log.write(_record(1))
        log.write(_record(1, phase="outcome", outcome="ok", latency_ms=42.0))
        first, second = lines.next_json(), lines.next_json()
        assert (first["id"], first["phase"]) == ("follow-1", "attempt")
        assert (second["id"], second["phase"], second["outcome"]) == ("follow-1", "outcome", "ok")

        # A later record, with text outside ASCII (the log keeps it as UTF-8).
        log.write(_record(2, operator="Zoë Ångström", message="caller hung up first"))
        third = lines.next_json()
        assert third["id"] == "follow-2" and third["operator"] == "Zoë Ångström"
        assert third["message"] == "caller hung up first"
    finally:
        stderr = _interrupt(process)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr, stderr
    assert lines.rest() == []  # nothing repeated or left over after the last record


def test_follow_picks_up_a_log_created_while_it_starts(tmp_path: Path) -> None:
    """A fresh data directory has no audit log until the first action: following it must wait
    for the file, not fail, and show every record once it is written."""
    data_dir = tmp_path / "data"
    config = tmp_path / "wallboard.toml"
    config.write_text(f'data_dir = "{data_dir}"\n', encoding="utf-8")
    path = default_audit_path(data_dir)
    command = [sys.executable, "-m", "wallboard", "audit", "-f", "--json"]
    process = subprocess.Popen(
        [*command, "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=_env(),
        cwd=tmp_path,
        preexec_fn=_as_at_a_terminal,
    )
    try:
        assert process.stdout is not None
        lines = _Lines(process.stdout)
        # Written while the process starts up, at no particular point of it: whether the
        # command meets it as backlog or while following, it must show it exactly once.
        log = AuditLog(path)
        log.write(_record(3))
        assert lines.next_json()["id"] == "follow-3"
        # Written after that line was shown, so certainly met while following.
        log.write(_record(4))
        assert lines.next_json()["id"] == "follow-4"
    finally:
        stderr = _interrupt(process)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr, stderr
    assert lines.rest() == []
