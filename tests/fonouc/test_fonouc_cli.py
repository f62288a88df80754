"""`wallboard fonouc ...` against the simulated tenant, through a config file."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from wallboard.cli.main import main
from wallboard.config import render_account_toml
from wallboard.sim.fonouc.server import FonoucSimServer


def _config(sim: FonoucSimServer, tmp_path: Path, **extra: Any) -> str:
    c = sim.fonouc_credentials
    fields = {
        "platform": "fonouc",
        "fonouc_url": sim.base_url,
        "username": c.username,
        "password": c.password,
        "domain": c.domain,
        **extra,
    }
    path = tmp_path / "wallboard.toml"
    text = f'data_dir = "{tmp_path}"\n' + render_account_toml("tenant", fields)
    path.write_text(text, encoding="utf-8")
    return str(path)


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_list_add_status_and_delete_from_the_command_line(
    fonouc_sim: FonoucSimServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(fonouc_sim, tmp_path)
    campaigns = _json(capsys, "fonouc", "campaigns", "--config", config, "--json")
    cid = campaigns[0]["campaign_id"]
    page = _json(
        capsys, "fonouc", "leads", "list", "--config", config, "--campaign", cid,
        "--page-size", "5", "--json",
    )  # fmt: skip
    assert len(page["leads"]) == 5 and page["next_start_key"]
    added = _json(
        capsys, "fonouc", "leads", "add", "--config", config, "--campaign", cid,
        "--number", "+12025550188", "--first-name", "Yash", "--json",
    )  # fmt: skip
    lead_id = added["id"]
    assert main(["fonouc", "leads", "status", lead_id, "failed", "--config", config]) == 0
    assert "failed" in capsys.readouterr().out
    assert main(["fonouc", "leads", "delete", lead_id, "--yes", "--config", config]) == 0
    assert "deleted" in capsys.readouterr().out
    after = _json(capsys, "fonouc", "campaigns", "--config", config, "--json")
    assert after[0]["total_leads"] == campaigns[0]["total_leads"]  # added, then deleted
    assert main(["fonouc", "leads", "delete", lead_id, "--yes", "--config", config]) == 1
    assert "no lead" in capsys.readouterr().err

    # Every lead action is in the audit log: an attempt, then its outcome.
    assert main(["audit", "--config", config, "--json"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    actions = [(r["action"], r["phase"], r.get("outcome")) for r in records]
    assert ("fonouc.leads.add", "attempt", None) in actions
    assert ("fonouc.leads.add", "outcome", "done") in actions
    assert ("fonouc.leads.status", "outcome", "done") in actions
    assert ("fonouc.leads.delete", "outcome", "failed") in actions
    password = fonouc_sim.fonouc_account_config().password
    assert password is not None
    assert password.get_secret_value() not in json.dumps(records)


def test_delete_asks_and_an_unconfirmed_delete_changes_nothing(
    fonouc_sim: FonoucSimServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = _config(fonouc_sim, tmp_path)
    cid = _json(capsys, "fonouc", "campaigns", "--config", config, "--json")[0]["campaign_id"]
    args = ["fonouc", "leads", "list", "--config", config, "--campaign", cid, "--json"]
    first = _json(capsys, *args, "--page-size", "2")["leads"][0]["id"]
    monkeypatch.setattr("sys.stdin", io.StringIO("no\n"))
    assert main(["fonouc", "leads", "delete", first, "--config", config]) == 1
    assert "not confirmed" in capsys.readouterr().err
    assert _json(capsys, *args, "--page-size", "2")["leads"][0]["id"] == first
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    assert main(["fonouc", "leads", "delete", first, "--config", config]) == 0
    capsys.readouterr()
    assert _json(capsys, *args, "--page-size", "2")["leads"][0]["id"] != first


def test_read_only_accounts_and_other_platforms_are_refused(
    fonouc_sim: FonoucSimServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(fonouc_sim, tmp_path, read_only=True)
    assert main(["fonouc", "leads", "delete", "abc", "--yes", "--config", config]) == 1
    assert "read-only" in capsys.readouterr().err
    other = tmp_path / "ringcx.toml"
    other.write_text(render_account_toml("rc", {"api_token": "x" * 20}), encoding="utf-8")
    assert main(["fonouc", "campaigns", "--config", str(other)]) == 2
    assert "not fonouc" in capsys.readouterr().err
