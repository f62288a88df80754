"""`wallboard call ...` and `wallboard audit` against the simulator over HTTP, via `main()`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from action_helpers import SUPERVISOR_PHONE, audit_lines, connected_uii, control_requests

from wallboard.cli.main import main
from wallboard.config import render_account_toml
from wallboard.sim.limits import SimLimits
from wallboard.sim.server import SimServer

pytestmark = pytest.mark.sim(limits=SimLimits.unlimited())


def write_config(
    sim: SimServer, tmp_path: Path, *, user: str = "supervisor", extra: str = ""
) -> str:
    """A config for `sim` with its data dir under `tmp_path` and an [actions] table."""
    fields = {
        "platform": "ringcx",
        "ringcx_url": sim.base_url,
        "platform_url": sim.base_url,
        "api_token": sim.credentials.api_token(user),
        "sub_account_id": sim.settings.sub_account_id,
        "timezone": sim.settings.timezone,
    }
    head = f'data_dir = "{tmp_path / "data"}"\noperator = "dana"\n'
    actions = f'\n[actions]\nsupervisor_phone = "{SUPERVISOR_PHONE}"\n{extra}'
    path = tmp_path / "wallboard.toml"
    path.write_text(head + render_account_toml("sim", fields) + actions, encoding="utf-8")
    return str(path)


def audit_file(tmp_path: Path) -> Path:
    return tmp_path / "data" / "audit.jsonl"


def test_call_list_shows_the_calls_in_flight(
    sim: SimServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(sim, tmp_path)
    assert main(["call", "list", "--config", config, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {row["uii"] for row in rows} == {str(c["uii"]) for c in sim.center.active_calls()}
    assert main(["call", "list", "--config", config, "--limit", "3"]) == 0
    out = capsys.readouterr()
    assert out.out.splitlines()[0].startswith("UII") and len(out.out.splitlines()) == 4
    assert "3 call(s)" in out.err


def test_monitor_from_the_command_line(
    sim: SimServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(sim, tmp_path)
    uii = connected_uii(sim)
    assert main(["call", "monitor", uii, "--config", config]) == 0
    assert f"session on call {uii} ringing {SUPERVISOR_PHONE}" in capsys.readouterr().out
    inspected = sim.center.inspect_call(uii)
    assert inspected is not None
    assert [(s["phone"], s["sessionType"]) for s in inspected["sessions"]] == [
        (SUPERVISOR_PHONE, "MONITOR")
    ]
    lines = audit_lines(audit_file(tmp_path))
    assert [(x["phase"], x["operator"], x["account"]) for x in lines] == [
        ("attempt", "dana", "sim"),
        ("outcome", "dana", "sim"),
    ]


def test_hangup_asks_for_the_last_digits(
    sim: SimServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = write_config(sim, tmp_path)
    uii = connected_uii(sim)
    monkeypatch.setattr("sys.stdin", io.StringIO("nope\n"))
    assert main(["call", "hangup", uii, "--config", config]) == 3
    err = capsys.readouterr().err
    assert f"type {uii[-4:]}" in err and "not confirmed" in err
    assert control_requests(sim) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{uii[-4:]}\n"))
    assert main(["call", "hangup", uii, "--config", config]) == 0
    assert f"call {uii} hung up" in capsys.readouterr().out
    inspected = sim.center.inspect_call(uii)
    assert inspected is None or inspected["active"] is False


def test_yes_skips_the_confirmation_and_a_stale_call_exits_1(
    sim: SimServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(sim, tmp_path)
    uii = connected_uii(sim)
    assert main(["call", "hangup", uii, "--yes", "--config", config]) == 0
    capsys.readouterr()
    assert main(["call", "hangup", uii, "--yes", "--config", config, "--json"]) == 1
    out = capsys.readouterr()
    assert f"call {uii} has already ended" in out.err
    assert json.loads(out.out)["status"] == "stale"


def test_read_only_refuses_with_nothing_sent(
    sim: SimServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(sim, tmp_path)
    uii = connected_uii(sim)
    assert main(["call", "hold", uii, "on", "--read-only", "--config", config]) == 3
    assert "read-only" in capsys.readouterr().err
    text = Path(config).read_text(encoding="utf-8")
    Path(config).write_text(text.replace("[actions]", "read_only = true\n\n[actions]"), "utf-8")
    assert main(["call", "hangup", uii, "--yes", "--config", config]) == 3
    assert control_requests(sim) == 0
    assert [x["outcome"] for x in audit_lines(audit_file(tmp_path))] == ["refused", "refused"]


def test_bad_input_exits_2_before_any_prompt(
    sim: SimServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(sim, tmp_path)
    uii = connected_uii(sim)
    assert main(["call", "barge", uii, "--phone", "555-01", "--config", config]) == 2
    err = capsys.readouterr().err
    assert "phone '555-01' is not a phone number" in err and "type" not in err
    assert main(["call", "dial", "agent@x.y", "6505550142", "--config", config]) == 2
    assert "no caller id" in capsys.readouterr().err
    assert control_requests(sim) == 0


def test_permission_denied_exits_1_with_the_platform_message(
    sim: SimServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(sim, tmp_path, user="viewer")
    assert main(["call", "ping", connected_uii(sim), "--config", config]) == 1
    assert "You do not have permission to access this resource" in capsys.readouterr().err


def test_a_bad_config_is_explained(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[actions]\nsupervisor_phone = "12"\nconfirm = {explode = "typed"}\n', "utf-8")
    assert main(["call", "ping", "1", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert "actions.supervisor_phone" in err and "is not a phone number" in err
    assert "actions.confirm" in err and "unknown action(s) explode" in err
    empty = tmp_path / "empty.toml"
    empty.write_text("", "utf-8")
    assert main(["call", "ping", "1", "--config", str(empty)]) == 2
    assert "no account configured" in capsys.readouterr().err


def test_audit_shows_the_last_records(
    sim: SimServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(sim, tmp_path)
    uii = connected_uii(sim)
    assert main(["call", "ping", uii, "--config", config]) == 0
    assert main(["call", "record", uii, "off", "--config", config]) == 0
    capsys.readouterr()
    assert main(["audit", "--config", config, "--last", "2"]) == 0
    shown = capsys.readouterr().out.splitlines()
    assert len(shown) == 2
    assert "attempt record call=" in shown[0] and "state=False" in shown[0]
    assert "outcome record" in shown[1] and "-> ok" in shown[1]
    assert main(["audit", "--config", config, "--json"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 4
    assert main(["audit", "--config", config, "--last", "x"]) == 2
    assert "--last 'x' must be a whole number" in capsys.readouterr().err


def test_the_demo_can_be_acted_on_in_one_shot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "demo.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n', "utf-8")
    assert main(["call", "list", "--demo", "--config", str(config), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)
    assert main(["call", "ping", "1", "--demo", "--config", str(config)]) == 1
    assert "call 1 has already ended" in capsys.readouterr().err
    assert audit_lines(tmp_path / "data" / "demo" / "audit.jsonl")[-1]["account"] == "demo"
