"""Measure 5: platform load under a 429 storm, the wallboard's poller against seed 000's loop.

Each client gets its own simulator (real time, speed 1, the platform's real limits) and the same
storm: every real-time request is answered 429 (`Retry-After: 5`) from `storm_start` for
`storm_s` seconds. Requests and 429s are counted from each simulator's request log (a 429 the
storm did not inject is one the client earned by going over the budget); data age is sampled
every second as now minus when the oldest shown source was last fetched.

Seed 000's sample runs unchanged apart from its constants (extracted as tests/sim/
test_http_seeds.py does) in its own process; a wrapper around `requests.get` prints when each
endpoint last answered 200, which is its data age.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import anyio
import httpx

from wallboard.config import load_config
from wallboard.runtime import open_runtime
from wallboard.sim.limits import SimLimits
from wallboard.sim.server import SimServer

SEEDS = Path("/work/shared/seeds")
#: Seed 000's lost indentation, one digit per line (as in tests/sim/test_http_seeds.py).
INDENTS_000 = "0000001122112211122323323101222342233444201"
WRAPPER = """
import sys, time, requests
_get = requests.get
def _logged(url, *a, **k):
    r = _get(url, *a, **k)
    if r.status_code == 200:
        print("OK", url.rsplit("/", 1)[1], time.time(), file=sys.stderr, flush=True)
    return r
requests.get = _logged
"""


@dataclass
class Load:
    client: str
    seconds: float
    requests: int
    storm_429: int
    other_429: int
    max_per_minute: int
    budget_per_minute: int
    storm: tuple[float, float] = (0.0, 0.0)
    """(start, end) of the storm, seconds from the start of the run."""
    ages: list[tuple[float, float]] = field(default_factory=list)
    """(seconds from the start, data age in seconds), one sample a second."""

    @property
    def per_minute(self) -> float:
        return self.requests * 60.0 / self.seconds

    @property
    def age_p95(self) -> float | None:
        return p95([age for _, age in self.ages])

    @property
    def age_p95_calm(self) -> float | None:
        """p95 of the samples taken outside the storm."""
        start, end = self.storm
        return p95([age for t, age in self.ages if not start <= t < end])


def p95(values: list[float]) -> float | None:
    if len(values) < 2:
        return values[0] if values else None
    return statistics.quantiles(values, n=20)[-1]


def seed_000_program(sim: SimServer, token: str) -> str | None:
    """Seed 000's monitor with the seed's own placeholders filled in; None without the seed."""
    files = sorted(SEEDS.glob("000_*"))
    if not files:
        return None
    lines = files[0].read_text(encoding="utf-8").splitlines()
    start = lines.index("import requests")
    end = lines.index('if __name__ == "__main__":', start) + 2
    code = lines[start:end]
    if len(code) != len(INDENTS_000):
        return None
    body = "\n".join("    " * int(n) + line for n, line in zip(INDENTS_000, code, strict=True))
    base = f"{sim.base_url}/voice/api/v1/admin/accounts"
    body = body.replace(
        'BASE_URL = "https://ringcx.ringcentral.com/voice/api/v1/admin/accounts"',
        f'BASE_URL = "{base}"',
    )
    body = body.replace('ACCOUNT_ID = "12345"', f'ACCOUNT_ID = "{sim.settings.sub_account_id}"')
    return WRAPPER + body.replace('"YOUR_ACCESS_TOKEN"', repr(token)) + "\n"


def bearer_token(sim: SimServer) -> str:
    """The RingCX access token a person following the seed would paste in (JWT sign-in)."""
    creds = sim.credentials
    with httpx.Client(base_url=sim.base_url, timeout=10) as client:
        grant = client.post(
            "/restapi/oauth/token",
            auth=(creds.client_id, creds.client_secret),
            data={
                "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                "assertion": creds.jwt("supervisor"),
            },
        )
        grant.raise_for_status()
        answer = client.post(
            "/api/auth/login/rc/accesstoken",
            params={"includeRefresh": "false"},
            data={"rcAccessToken": grant.json()["access_token"], "rcTokenType": "Bearer"},
        )
        answer.raise_for_status()
        return str(answer.json()["accessToken"])


def _storm(sim: SimServer, start: float, seconds: float, stop: threading.Event) -> None:
    if not stop.wait(start):
        sim.faults.add("rate_limit", family="realtime", seconds=seconds, retry_after="5")


def _count(
    sim: SimServer, client: str, seconds: float, storm: tuple[float, float], ages: list[Any]
) -> Load:
    entries = [e for e in sim.requests.entries() if e.family == "realtime"]
    times = sorted(datetime.fromisoformat(e.time) for e in entries)
    window = timedelta(seconds=60)
    busiest, lo = 0, 0
    for hi, at in enumerate(times):
        while at - times[lo] >= window:
            lo += 1
        busiest = max(busiest, hi - lo + 1)
    window_limit = SimLimits().realtime[0]
    budget = round(window_limit.limit * 60.0 / window_limit.seconds)
    return Load(
        client,
        seconds,
        len(entries),
        sum(1 for e in entries if str(e.status) == "429" and e.fault),
        sum(1 for e in entries if str(e.status) == "429" and not e.fault),
        busiest,
        budget,
        storm,
        ages,
    )


def _wallboard(seconds: float, storm_start: float, storm_s: float) -> Load:
    sim = SimServer(token_ttl=3600).start()
    stop = threading.Event()
    try:
        with tempfile.TemporaryDirectory(prefix="wallboard-bench-") as tmp:
            path = Path(tmp) / "sim.toml"
            sim.write_config(path)
            config = load_config(str(path))
            threading.Thread(target=_storm, args=(sim, storm_start, storm_s, stop)).start()
            ages = anyio.run(_poll, config, seconds)
        storm = (storm_start, storm_start + storm_s)
        return _count(sim, "wallboard poller", seconds, storm, ages)
    finally:
        stop.set()
        sim.stop()


async def _poll(config: Any, seconds: float) -> list[tuple[float, float]]:
    ages: list[tuple[float, float]] = []
    began = time.monotonic()
    async with open_runtime(config, keep_history=False) as runtime, anyio.create_task_group() as tg:
        assert runtime.poller is not None
        tg.start_soon(runtime.poller.run)
        end = began + seconds
        while time.monotonic() < end:
            await anyio.sleep(1.0)
            view = runtime.store.latest
            if view is None:
                continue
            fetched = [
                r.polled_at
                for r in view.snapshot.sources()
                if r.polling and r.polled_at is not None and r.capability == "supported"
            ]
            if fetched:
                age = (datetime.now(UTC) - min(fetched)).total_seconds()
                ages.append((time.monotonic() - began, age))
        tg.cancel_scope.cancel()
    return ages


def _seed_loop(seconds: float, storm_start: float, storm_s: float) -> Load | None:
    sim = SimServer(token_ttl=3600).start()
    stop = threading.Event()
    try:
        program = seed_000_program(sim, bearer_token(sim))
        if program is None:
            return None
        sim.requests.reset()
        last: dict[str, float] = {}
        proc = subprocess.Popen(
            [sys.executable, "-c", program],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

        def read() -> None:
            assert proc.stderr is not None
            for line in proc.stderr:
                parts = line.split()
                if len(parts) == 3 and parts[0] == "OK":
                    last[parts[1]] = float(parts[2])

        threading.Thread(target=read, daemon=True).start()
        threading.Thread(target=_storm, args=(sim, storm_start, storm_s, stop)).start()
        ages: list[tuple[float, float]] = []
        began = time.monotonic()
        while time.monotonic() < began + seconds:
            time.sleep(1.0)
            if len(last) == 2:
                ages.append((time.monotonic() - began, time.time() - min(last.values())))
        proc.terminate()
        proc.wait(10)
        storm = (storm_start, storm_start + storm_s)
        return _count(sim, "seed 000 sample loop", seconds, storm, ages)
    finally:
        stop.set()
        sim.stop()


def measure(seconds: float, storm_start: float, storm_s: float) -> list[Load]:
    """Both clients at once (each on its own simulator, same storm)."""
    results: dict[str, Load | None] = {}
    seed = threading.Thread(
        target=lambda: results.__setitem__("seed", _seed_loop(seconds, storm_start, storm_s))
    )
    seed.start()
    ours = _wallboard(seconds, storm_start, storm_s)
    seed.join()
    found = results.get("seed")
    return [ours] + ([found] if found is not None else [])
