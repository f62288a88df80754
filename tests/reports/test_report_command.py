"""`wallboard report` against the simulator: CSV a spreadsheet opens, JSON, the cache across
runs (each run is a fresh runtime, as after a restart), progress on stderr, segments, and bad
input refused in one line with nothing sent.

The command's "now" is the real clock here (the simulator is not its demo), so the frozen
simulator's morning is long past and every interval in it is closed."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import pytest

from wallboard.cli.main import main
from wallboard.sim.limits import SimLimits
from wallboard.sim.server import SimServer

pytestmark = pytest.mark.sim(limits=SimLimits.unlimited())
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
RANGE = ["--from", "2025-01-15 08:30", "--to", "2025-01-15 09:30"]


@pytest.fixture
def config(sim: SimServer, tmp_path: Path) -> str:
    """A config for `sim` whose data directory (history and cache) is private to the test."""
    path = tmp_path / "wallboard.toml"
    sim.write_config(path, auth="api_token")
    data = tmp_path / "data"
    path.write_text(f'data_dir = "{data}"\n' + path.read_text(), encoding="utf-8")
    return str(path)


def test_csv_opens_in_a_spreadsheet(sim: SimServer, config: str, tmp_path: Path) -> None:
    out = tmp_path / "queues.csv"
    args = ["report", "queues", *RANGE, "--interval", "30", "--format", "csv"]
    assert main([*args, "--config", config, "--output", str(out)]) == 0
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    gates = {str(g["gateId"]) for g in sim.center.gates()}
    assert len(rows) == 2 * len(gates)
    assert {r["interval_start"] for r in rows} == {
        "2025-01-15T08:30:00-05:00",
        "2025-01-15T09:00:00-05:00",
    }
    for row in rows:
        for name in ("offered", "answered", "abandoned", "asa_s", "service_level", "talk_s"):
            assert row[name] == "" or NUMBER.match(row[name]), (name, row[name])
        if row["service_level"]:
            assert 0 <= float(row["service_level"]) <= 1
        assert row["partial"] == "false"
    assert sum(int(r["answered"]) for r in rows) > 0


def test_json_and_the_cache_across_runs(
    report_requests: Any, sim: SimServer, config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["report", "agents", *RANGE, "--format", "json", "--config", config]
    assert main(args) == 0
    first = json.loads(capsys.readouterr().out)
    assert report_requests(sim) == 1
    assert main(args) == 0  # a new runtime and cache connection: as after a restart
    second = json.loads(capsys.readouterr().out)
    assert report_requests(sim) == 1, "closed intervals come from the cache"
    assert first == second
    assert first["report"] == "agents" and first["interval_minutes"] == 30
    assert first["zone"] == "US/Eastern" and first["notices"] == []
    assert first["rows"] and first["totals"][-1]["agent_name"] == "All agents"
    total = first["totals"][-1]
    assert total["inbound"] == sum(r["inbound"] for r in first["rows"])


def test_table_with_totals_and_progress_on_stderr(
    report_requests: Any, sim: SimServer, config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Six hours need two windows: the progress lines go to stderr, the table to stdout."""
    args = ["report", "queues", "--from", "2025-01-15 03:00", "--to", "2025-01-15 09:00"]
    assert main([*args, "--interval", "60", "--config", config]) == 0
    captured = capsys.readouterr()
    assert "2/2 requests" in captured.err
    lines = captured.out.splitlines()
    assert lines[0].split()[:3] == ["interval_start", "interval_minutes", "queue_id"]
    assert any("All queues" in line for line in lines)
    assert report_requests(sim) == 2


def test_segments_for_one_call(sim: SimServer, config: str, tmp_path: Path) -> None:
    out = tmp_path / "segments.json"
    args = ["report", "segments", "--from", "2025-01-15 09:00", "--to", "2025-01-15 09:20"]
    assert main([*args, "--format", "json", "--config", config, "-o", str(out)]) == 0
    everything = json.loads(out.read_text(encoding="utf-8"))
    assert everything["dialogs"] > 1
    assert {"IVR", "QUEUE", "AGENT"} <= {r["kind"] for r in everything["rows"]}
    call = next(r["interaction_id"] for r in everything["rows"] if r["kind"] == "AGENT")
    assert (
        main([*args, "--format", "json", "--config", config, "-o", str(out), "--call", call]) == 0
    )
    one = json.loads(out.read_text(encoding="utf-8"))
    assert one["dialogs"] == 1
    assert {r["interaction_id"] for r in one["rows"]} == {call}


@pytest.mark.parametrize(
    ("flags", "fragment"),
    [
        (["--interval", "20"], "--interval must be one of 15, 30, 45, 60"),
        (["--format", "xml"], "--format must be one of table, csv, json"),
        (["--from", "soon"], "'soon' is not a time"),
        (["--from", "2025-01-15 09:00", "--to", "2025-01-15 08:00"], "--to must be after"),
    ],
)
def test_bad_input_is_one_clear_line_and_sends_nothing(
    report_requests: Any,
    sim: SimServer,
    config: str,
    capsys: pytest.CaptureFixture[str],
    flags: list[str],
    fragment: str,
) -> None:
    assert main(["report", "queues", *flags, "--config", config]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and fragment in err[0], err
    assert report_requests(sim) == 0


def test_a_missing_config_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.toml"
    assert main(["report", "queues", "--config", str(missing)]) == 2
    assert str(missing) in capsys.readouterr().err
