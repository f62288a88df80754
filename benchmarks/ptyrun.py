"""Run a command under a real pseudo-terminal of a given size and read what it writes.

Why a pty and not a pipe: Textual only draws to a terminal, and what it draws (escape sequences
and all) is exactly what an SSH link to a wall TV carries. The reader drains the master side all
the time, so the app never blocks on a full terminal buffer.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import termios
import time
from collections.abc import Sequence


class PtyProcess:
    """A child process whose stdin/stdout/stderr are a pty of `cols` x `rows`."""

    def __init__(
        self,
        argv: Sequence[str],
        cols: int = 200,
        rows: int = 60,
        env: dict[str, str] | None = None,
    ) -> None:
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: size the terminal, then become the command
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            full_env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor"}
            full_env.update(env or {})
            os.execvpe(argv[0], list(argv), full_env)
        self.pid = pid
        self.fd = fd
        self.total = 0
        self.buffer = bytearray()
        self.keep = True
        """Keep what was read in `buffer` (turn off for long runs: memory stays flat)."""

    def read(self, timeout: float) -> int:
        """Read whatever arrives within `timeout` seconds; returns the bytes read."""
        got = 0
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                return got
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                return got
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return got
            if not chunk:
                return got
            got += len(chunk)
            self.total += len(chunk)
            if self.keep:
                self.buffer += chunk

    def read_until_quiet(self, quiet: float, limit: float) -> int:
        """Read until nothing arrived for `quiet` seconds (or `limit` passed); bytes read."""
        got = 0
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            n = self.read(quiet)
            got += n
            if n == 0:
                break
        return got

    def wait_for(self, needle: bytes, limit: float) -> float | None:
        """Seconds from the start until `needle` appears in the output; None if it never did."""
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            if needle in self.buffer:
                return time.perf_counter() - self.started
            self.read(0.01)
        return None

    def alive(self) -> bool:
        return os.waitpid(self.pid, os.WNOHANG) == (0, 0)

    def stop(self) -> None:
        """Ask the child to end (SIGTERM), insist (SIGKILL) after 3 s, then close the pty."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, sig)
            deadline = time.perf_counter() + 3
            while time.perf_counter() < deadline:
                self.read(0.05)
                if os.waitpid(self.pid, os.WNOHANG) != (0, 0):
                    with contextlib.suppress(OSError):
                        os.close(self.fd)
                    return
        with contextlib.suppress(OSError):
            os.close(self.fd)
