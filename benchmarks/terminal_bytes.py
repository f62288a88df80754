"""Measure 2: bytes written to a real 200x60 pseudo-terminal per poll (~5% of values change).

Each app runs in its own process under a pty (`benchmarks.pty_child`). After its first paint
has settled, every poke publishes the next snapshot; the bytes read from the master side until
the terminal has been quiet for a moment are that poll's cost. Idle output (a blinking cursor,
a clock) is measured the same way without a poke and reported beside it.
"""

from __future__ import annotations

import os
import signal
import sys
import time

from benchmarks.data import Size
from benchmarks.ptyrun import PtyProcess

QUIET_S = 0.6
SETTLE_LIMIT_S = 120.0
FIRST_BYTE_LIMIT_S = 60.0


def _poll_bytes(kind: str, size: Size, runs: int) -> tuple[list[int], int]:
    """(bytes per poll, bytes in a quiet period as long as one poll's read) for one app."""
    argv = [
        sys.executable,
        "-m",
        "benchmarks.pty_child",
        kind,
        str(size.campaigns),
        str(size.calls),
    ]
    proc = PtyProcess(argv)
    proc.keep = False
    try:
        proc.read(5.0)  # the app starts: the first paint
        idle = 0
        for _ in range(4):  # the first fill at 10,000 rows has long silent stretches
            proc.read_until_quiet(3.0, SETTLE_LIMIT_S)
            idle = proc.read(QUIET_S * 2)
            if not idle:
                break
        counts: list[int] = []
        for _ in range(runs + 1):
            os.kill(proc.pid, signal.SIGUSR1)
            got = _first_output(proc)
            got += proc.read_until_quiet(QUIET_S, SETTLE_LIMIT_S)
            counts.append(got)
            time.sleep(0.1)
        return counts[1:], idle  # the first poke after the fill is a warm-up
    finally:
        proc.stop()


def _first_output(proc: PtyProcess) -> int:
    """Wait for the poll's first byte: at 10,000 calls the update takes seconds of CPU before
    anything is written, so a quiet spell right after the poke does not mean "no output"."""
    deadline = time.monotonic() + FIRST_BYTE_LIMIT_S
    while time.monotonic() < deadline:
        got = proc.read(QUIET_S)
        if got:
            return got
    return 0


def measure(size: Size, runs: int) -> tuple[list[int], list[int], int, int]:
    """(wallboard bytes per poll, baseline bytes per poll, wallboard idle, baseline idle)."""
    ours, ours_idle = _poll_bytes("wallboard", size, runs)
    base, base_idle = _poll_bytes("baseline", size, runs)
    return ours, base, ours_idle, base_idle
