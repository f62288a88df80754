"""`wallboard status` and `wallboard check` against the simulator: output, JSON shape and the
monitoring-plugin exit codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from wallboard.cli.main import main
from wallboard.history import CounterBatch, History
from wallboard.sim.server import SimServer


def write_config(sim: SimServer, tmp_path: Path, extra: str = "", top: str = "") -> Path:
    """The simulator's own config (API token), with history in `tmp_path` and `extra` tables."""
    path = tmp_path / "wallboard.toml"
    sim.write_config(path, auth="api_token")
    body = path.read_text(encoding="utf-8")
    path.write_text(f'data_dir = "{tmp_path}"\n{top}\n{body}\n{extra}', encoding="utf-8")
    return path


NO_RULES = "[alerts]\ndefaults = false\n"


def rule(warn: float, critical: float | None = None) -> str:
    """A rule on calls waiting that every queue trips (`calls_waiting` is never negative)."""
    crit = f"critical = {critical}\n" if critical is not None else ""
    return (
        f"{NO_RULES}[[alerts.rules]]\nid = 'waiting'\nmetric = 'calls_waiting'\n"
        f"warn = {warn}\n{crit}"
    )


def test_status_prints_a_compact_summary(
    sim: SimServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(sim, tmp_path)
    assert main(["status", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("sim · 2025-") is False  # stamped with the poll's own time
    assert any(line.startswith("calls ") for line in lines)
    assert any(line.startswith("agents ") for line in lines)
    assert "campaign" in out and "sources   all fresh" in out
    first_campaign = sim.center.outbound_stats()[0]["campaignName"]
    assert first_campaign[:28] in out
    assert sim.credentials.api_token() not in out


def test_status_json_matches_the_center(
    sim: SimServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(sim, tmp_path)
    assert main(["status", "--json", "--config", str(config)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert set(summary) >= {"account", "taken_at", "sources", "totals", "campaigns", "alerts"}
    assert len(summary["campaigns"]) == len(sim.center.outbound_stats())
    assert summary["totals"]["active_calls"] == len(sim.center.active_calls())
    assert all(s["ok"] for s in summary["sources"].values())
    rates = [c["human_answer_rate"] for c in summary["campaigns"]]
    assert all(r is None or 0 <= r <= 1 for r in rates)  # fractions, null when undefined


@pytest.mark.parametrize(
    ("extra", "code", "word"),
    [(NO_RULES, 0, "OK"), (rule(-1), 1, "WARNING"), (rule(-2, -1), 2, "CRITICAL")],
)
def test_check_exits_by_the_alert_rules(
    sim: SimServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: str,
    code: int,
    word: str,
) -> None:
    config = write_config(sim, tmp_path, extra)
    assert main(["check", "--config", str(config)]) == code
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"WALLBOARD {word} - ") and "\n" not in line
    assert "| active_calls=" in line  # performance data after the bar
    if code:
        assert "Calls waiting" in line


def test_check_is_unknown_when_nothing_can_be_read(
    sim: SimServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(sim, tmp_path, NO_RULES)
    sim.faults.add("server_error", family="realtime", status=503)
    assert main(["check", "--config", str(config)]) == 3
    assert capsys.readouterr().out.startswith("WALLBOARD UNKNOWN - no data: ")


def test_a_bad_config_names_the_file_and_key(
    sim: SimServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(sim, tmp_path, top="colour = 'blue'")
    assert main(["check", "--config", str(config)]) == 3
    captured = capsys.readouterr()
    assert str(config) in captured.err and "colour: unknown key" in captured.err
    assert captured.out.startswith("WALLBOARD UNKNOWN")
    assert main(["status", "--config", str(config), "--account", "nope"]) == 3


def test_a_pass_beside_a_running_wallboard_records_nothing_in_its_history(
    sim: SimServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Both would write the same account's increments for the span since the running one's
    last write: a pass that finds it running leaves history to it. Alone, a pass records (a
    `check` from cron carries the windows)."""
    config = write_config(sim, tmp_path)
    path = tmp_path / "history.sqlite3"
    assert main(["status", "--config", str(config)]) == 0
    reader = History(path, account="sim", live=False)
    assert reader.row_counts()["coverage"] > 0  # alone, the pass recorded its reading
    running = History(path, account="sim")  # a wallboard running on the same account
    now = time.time()
    running.record_counters(CounterBatch("campaigns", now, now - 15, ("answer",), {}, {}))
    assert running.flush(5)
    before = reader.row_counts(), reader.coverage("campaigns")
    assert main(["status", "--config", str(config)]) == 0
    assert (reader.row_counts(), reader.coverage("campaigns")) == before
    capsys.readouterr()
    running.close()
    reader.close()
