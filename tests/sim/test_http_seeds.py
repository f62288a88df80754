"""The seeds' own sample programs run, unchanged apart from their base URL, account id and
token, against the simulator, using `requests` as their authors did.

Why: the seeds are the contract. If the documented sample works against the simulator, the
simulator speaks the documented API (paths, parameters, the whole-list answer, JSON shapes).
"""

from __future__ import annotations

import contextlib
import io
import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from wallboard.sim.server import SimServer

SEEDS = Path("/work/shared/seeds")

#: The seed files are text extracted from web pages, which dropped every line's leading
#: whitespace. These are the samples' indentation levels, one digit per line from
#: `import requests` to the `__main__` call; nothing else about the programs is changed, and
#: `sample_program` checks that the seed still has exactly these lines.
INDENTS = {
    "000": "0000001122112211122323323101222342233444201",
    "001": "000000001111111011111121201123301",
}


def sample_program(prefix: str) -> str:
    """The Python sample in seed `prefix`, from `import requests` to its `__main__` call, with
    the indentation the page extraction lost put back."""
    if not SEEDS.is_dir():
        pytest.skip(f"the seeds directory {SEEDS} is not available here")
    files = sorted(SEEDS.glob(f"{prefix}_*"))
    if not files:
        pytest.skip(f"seed {prefix} is not in {SEEDS}")
    lines = files[0].read_text(encoding="utf-8").splitlines()
    start = lines.index("import requests")
    main = lines.index('if __name__ == "__main__":', start)
    code = lines[start : main + 2]
    levels = INDENTS[prefix]
    assert len(code) == len(levels), "the seed's sample changed; update INDENTS"
    assert code[-1].endswith('("YOUR_ACCESS_TOKEN")')
    lines = ("    " * int(level) + line for level, line in zip(levels, code, strict=True))
    return "\n".join(lines) + "\n"


def adapted(source: str, sim: SimServer, token: str) -> str:
    """Only the constants the seed tells its reader to change."""
    base = f"{sim.base_url}/voice/api/v1/admin/accounts"
    source, n_base = re.subn(r'(?m)^BASE_URL = ".*"$', f'BASE_URL = "{base}"', source)
    account = sim.settings.sub_account_id
    source, n_account = re.subn(r'(?m)^ACCOUNT_ID = ".*"$', f'ACCOUNT_ID = "{account}"', source)
    assert (n_base, n_account) == (1, 1)
    return source.replace('"YOUR_ACCESS_TOKEN"', repr(token))


class _StopMonitor(Exception):
    """Ends seed 000's endless monitor loop at its first poll-interval sleep."""


def run_sample(source: str, monkeypatch: pytest.MonkeyPatch, poll_interval: float) -> str:
    sleeps: list[float] = []

    def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if seconds == poll_interval:
            raise _StopMonitor

    monkeypatch.setattr(time, "sleep", fake_sleep)
    output = io.StringIO()
    namespace: dict[str, Any] = {"__name__": "__main__"}
    with contextlib.redirect_stdout(output), contextlib.suppress(_StopMonitor):
        exec(compile(source, "<seed sample>", "exec"), namespace)
    return output.getvalue()


def test_seed_000_campaign_monitor(
    sim: SimServer, bearer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = bearer(sim)
    token = headers["Authorization"].removeprefix("Bearer ")
    printed = run_sample(adapted(sample_program("000"), sim, token), monkeypatch, 15)

    account = f"{sim.base_url}/voice/api/v1/admin/accounts/{sim.settings.sub_account_id}"
    outbound = httpx.get(f"{account}/realTimeData/outbound", headers=headers).json()
    ivrs = httpx.get(f"{account}/realTimeData/ivr", headers=headers).json()
    expected = []
    for campaign in outbound:
        if campaign.get("available", 0) == 0 and campaign.get("ready", 0) > 0:
            name, ready = campaign["campaignName"], campaign["ready"]
            expected.append(f"ALERT: {name} — agent-starved, {ready} leads waiting")
    for ivr in ivrs:
        presented = ivr.get("presented", 0)
        if presented > 0:
            transfers = ivr["transferGate"] + ivr["transferCloud"] + ivr["transferTrac"]
            rate = round((presented - transfers) / presented * 100, 1)
            expected.append(f"{ivr['visualIvrName']} containment: {rate}%")
    assert any("containment" in line for line in expected), "no IVR traffic to report on"
    assert printed.splitlines() == expected


def _vu_calls(sim: SimServer, headers: dict[str, str]) -> list[dict[str, Any]]:
    account = f"{sim.base_url}/voice/api/v1/admin/accounts/{sim.settings.sub_account_id}"
    listing = httpx.get(f"{account}/activeCalls/list", headers=headers).json()
    return [c for c in listing if c.get("agentLastName") == "Vu" and c["callState"] == "ACTIVE"]


def test_seed_001_monitors_paco_vus_calls(
    sim: SimServer, bearer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = bearer(sim)
    for _ in range(240):  # up to 2 simulated hours, until Paco Vu is on a call
        if _vu_calls(sim, headers):
            break
        sim.clock.advance(30)
    targets = _vu_calls(sim, headers)
    assert targets, "Paco Vu was never on a call"
    token = headers["Authorization"].removeprefix("Bearer ")
    printed = run_sample(adapted(sample_program("001"), sim, token), monkeypatch, -1)

    assert printed.splitlines() == [
        f"Monitoring session attached to call {c['uii']}" for c in targets
    ]
    for call in targets:
        inspected = httpx.get(f"{sim.base_url}/_sim/calls/{call['uii']}").json()
        sessions = inspected["sessions"]
        assert any(
            s["sessionType"] == "MONITOR" and s["phone"] == "+15554150123" for s in sessions
        ), sessions
