"""`wallboard sim` as a user runs it: a subprocess that prints its banner, serves, writes a
config the wallboard accepts, refuses bad flags in one line, and exits 0 on Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from wallboard.cli.main import main
from wallboard.config import load_config

ROOT = Path(__file__).resolve().parents[2]


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "wallboard", "sim", *args]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WALLBOARD_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def test_sim_command_serves_and_writes_a_config(tmp_path: Path) -> None:
    config_path = tmp_path / "wallboard.toml"
    process = subprocess.Popen(
        _command("--port", "0", "--speed", "0", "--write-config", str(config_path)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
        cwd=tmp_path,
    )
    try:
        assert process.stdout is not None
        banner: list[str] = []
        for _ in range(40):  # bounded: the banner is about 15 lines
            line = process.stdout.readline()
            if not line:
                break
            banner.append(line.rstrip("\n"))
            if line.startswith("Press Ctrl-C"):
                break
        text = "\n".join(banner)
        match = re.search(r"at (http://127\.0\.0\.1:\d+)", text)
        assert match, text
        base_url = match.group(1)
        for label in ("client id", "client secret", "supervisor JWT", "viewer JWT", "API token"):
            assert label in text
        assert "44400001" in text and "400131234008" in text
        assert f"wallboard --config {config_path}" in text

        assert stat.S_IMODE(config_path.stat().st_mode) == 0o600
        config = load_config(config_path, environ={})
        _, account = config.selected()
        assert account.ringcx_url == base_url and account.platform_url == base_url
        assert account.auth_mode() == "jwt"
        assert account.sub_account_id == "44400001"
        assert account.rc_account_id == "400131234008"
        assert account.client_secret is not None and account.client_id is not None

        state = httpx.get(f"{base_url}/_sim/state", timeout=10)
        assert state.status_code == 200
        creds = (account.client_id.get_secret_value(), account.client_secret.get_secret_value())
        assert account.jwt is not None
        grant = httpx.post(
            f"{base_url}/restapi/oauth/token",
            auth=creds,
            data={
                "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                "assertion": account.jwt.get_secret_value(),
            },
            timeout=10,
        )
        assert grant.status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        try:
            _, stderr = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert process.returncode == 0
    assert "Traceback" not in stderr


@pytest.mark.parametrize(
    ("flag", "value", "fragment"),
    [
        ("--scale", "huge", "--scale"),
        ("--fault", "gremlins", "--fault"),
        ("--speed", "-1", "--speed"),
        ("--port", "http", "--port"),
        ("--timezone", "Mars/Olympus", "--timezone"),
        ("--token-ttl", "0", "--token-ttl"),
    ],
)
def test_bad_flags_exit_2_with_one_line(
    flag: str, value: str, fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sim", flag, value]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0] and "error" in lines[0]
    assert captured.out == ""
