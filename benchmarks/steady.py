"""Measures 3 and 4: cold start to live numbers, then steady-state CPU share and memory.

The simulator runs as its own process (`wallboard sim --scale ... --write-config`), so only the
wallboard is measured: `wallboard run --config PATH` under a 200x60 pty. Cold start is the time
from launching the command to the first pty output that carries a pane's live "N shown · age"
subtitle (it appears only once a view from a poll is on screen), with the wallboard's bytecode
written as an install leaves it (`compile_package`). CPU share and memory come from
/proc/PID/stat (utime + stime) and /proc/PID/status (VmRSS, VmHWM) of that one process, measured
from one cycle after the first paint to the end of the window.

Baselines: cold start of a bare Textual app to its first painted text; steady state of the plain
DataTable app (`benchmarks.pty_child baseline`) at the same size, refilled every cycle.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from benchmarks.ptyrun import PtyProcess

LIVE_MARK = " shown · ".encode()
CYCLE_S = 15.0
TICKS = os.sysconf("SC_CLK_TCK")
BARE_APP = (
    "from textual.app import App\n"
    "from textual.widgets import Static\n"
    "class Bare(App):\n"
    "    def compose(self):\n"
    "        yield Static('bare textual app is up')\n"
    "Bare().run()\n"
)


@dataclass
class Usage:
    cpu_share: float
    """CPU seconds per wall second (1.0 = one core busy)."""
    rss_mb: float
    peak_rss_mb: float
    seconds: float


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14 and 15)


def memory_mb(pid: int) -> tuple[float, float]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SimProcess:
    """`wallboard sim` in its own process, with a ready config written for it."""

    def __init__(self, scale: str, workdir: Path) -> None:
        self.port = free_port()
        self.config = workdir / "sim.toml"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "wallboard",
                "sim",
                "--scale",
                scale,
                "--port",
                str(self.port),
                "--write-config",
                str(self.config),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 180
        while not self.config.exists() or not self._up():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"wallboard sim --scale {scale} did not start")
            time.sleep(0.2)

    def _up(self) -> bool:
        try:
            return httpx.get(f"{self.url}/_sim/state", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request_counts(self) -> dict[str, dict[str, int]]:
        data = httpx.get(f"{self.url}/_sim/requests", timeout=10).json()
        counts: dict[str, dict[str, int]] = data.get("counts", {})
        return counts

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _env(workdir: Path) -> dict[str, str]:
    return {"XDG_DATA_HOME": str(workdir / "data"), "XDG_CONFIG_HOME": str(workdir / "cfg")}


def compile_package() -> None:
    """Write the wallboard's bytecode cache before the cold starts are timed.

    Why: a cold start is a new process with the program installed, and an installed program has
    its bytecode: pip writes it at install, and a checkout's first start writes it for every
    start after. Where `PYTHONDONTWRITEBYTECODE` is set (the CI image sets it), nothing ever
    writes it, and every start compiled all of the wallboard from source first: about 0.15 s
    more, measured, for a start no user makes twice."""
    import compileall

    import wallboard

    compileall.compile_dir(Path(wallboard.__file__).parent, quiet=1)


def cold_start(config: Path, workdir: Path) -> float | None:
    """Seconds from launching `wallboard run` to the first painted live numbers."""
    proc = PtyProcess(
        [sys.executable, "-m", "wallboard", "run", "--config", str(config)], env=_env(workdir)
    )
    try:
        return proc.wait_for(LIVE_MARK, 60.0)
    finally:
        proc.stop()


def bare_start() -> float | None:
    proc = PtyProcess([sys.executable, "-c", BARE_APP])
    try:
        return proc.wait_for(b"bare textual app is up", 30.0)
    finally:
        proc.stop()


def _watch(proc: PtyProcess, seconds: float) -> Usage:
    """Drain the pty for `seconds`, reading the process's CPU and memory around it."""
    cpu0, t0 = cpu_seconds(proc.pid), time.perf_counter()
    proc.read(seconds)
    cpu1, t1 = cpu_seconds(proc.pid), time.perf_counter()
    rss, peak = memory_mb(proc.pid)
    return Usage((cpu1 - cpu0) / (t1 - t0), rss, peak, t1 - t0)


def steady(
    config: Path, workdir: Path, seconds: float, settle: float
) -> tuple[float | None, Usage]:
    """(cold start, steady usage) of one `wallboard run` left running for `seconds`."""
    proc = PtyProcess(
        [sys.executable, "-m", "wallboard", "run", "--config", str(config)], env=_env(workdir)
    )
    proc.keep = True
    try:
        started = proc.wait_for(LIVE_MARK, 120.0)
        proc.keep = False
        proc.buffer.clear()
        proc.read(settle)  # a cycle after the first paint: imports and caches settle
        return started, _watch(proc, seconds)
    finally:
        proc.stop()


def baseline_steady(campaigns: int, calls: int, seconds: float, settle: float) -> Usage:
    proc = PtyProcess(
        [
            sys.executable,
            "-m",
            "benchmarks.pty_child",
            "baseline",
            str(campaigns),
            str(calls),
            str(CYCLE_S),
        ]
    )
    proc.keep = False
    try:
        proc.read(settle + 10)  # building the center and the first fill, then a cycle
        return _watch(proc, seconds)
    finally:
        proc.stop()


@dataclass
class SteadyResult:
    scale: str
    cold: list[float]
    bare: list[float]
    usage: Usage
    base_usage: Usage
    requests: dict[str, dict[str, int]]
    seconds: float


def measure(
    scale: str, campaigns: int, calls: int, seconds: float, cold_runs: int, settle: float
) -> SteadyResult:
    with tempfile.TemporaryDirectory(prefix="wallboard-bench-") as tmp:
        workdir = Path(tmp)
        sim = SimProcess(scale, workdir)
        try:
            compile_package()
            cold = [c for c in (cold_start(sim.config, workdir) for _ in range(cold_runs - 1)) if c]
            before = sim.request_counts()
            first, usage = steady(sim.config, workdir, seconds, settle)
            if first is not None:
                cold.append(first)
            after = sim.request_counts()
        finally:
            sim.stop()
    bare = [b for b in (bare_start() for _ in range(cold_runs)) if b]
    base_usage = baseline_steady(campaigns, calls, seconds, settle)
    requests = {
        family: {k: v - before.get(family, {}).get(k, 0) for k, v in statuses.items()}
        for family, statuses in after.items()
    }
    return SteadyResult(scale, cold, bare, usage, base_usage, requests, seconds)
