"""`wallboard leads push` end to end: config file, env API key, exit status, output, rejects."""

from __future__ import annotations

from pathlib import Path

import pytest

from wallboard.cli.main import main
from wallboard.leads_check import FEED_FIELDS, LeadProblem, normalize_us_phone
from wallboard.leads_read import LeadFileError, read_lead_file
from wallboard.sim.server import SimServer


def _config(sim: SimServer, tmp_path: Path, route: str) -> Path:
    path = tmp_path / "wallboard.toml"
    sim.write_config(path, auth="api_token")
    extra = f'\n[leads]\nroute = "{route}"\nfeed_url = "{sim.base_url}"\n'
    text = f'data_dir = "{tmp_path / "data"}"\n' + path.read_text() + extra
    path.write_text(text)
    return path


@pytest.mark.parametrize("route", ["feed", "loader"])
def test_push_command(
    sim: SimServer,
    feed_keys: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    route: str,
) -> None:
    monkeypatch.setenv("WALLBOARD_LEADFEED_API_KEY", feed_keys["ringcx"])
    config = _config(sim, tmp_path, route)
    source = tmp_path / "in.csv"
    source.write_text("leadPhone,firstName\n2125550150,Ann\n99,Bad\n3055550151,Bob\n")
    args = ["leads", "push", "--campaign", "31004", str(source), "--config", str(config)]
    status = main([*args, "--dial-priority", "immediate"])
    out, err = capsys.readouterr()
    assert status == 1
    assert f"via {route}: supplied 3, accepted 2, inserted 2, rejected 1" in out
    assert "in.rejects.csv" in out
    assert "3/3" in err
    assert feed_keys["ringcx"] not in out + err
    assert (tmp_path / "in.rejects.csv").read_text().splitlines()[1].startswith("99,Bad,")
    assert (tmp_path / "data" / "audit.jsonl").is_file()


def test_bad_flag_and_bad_file_send_nothing(
    sim: SimServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(sim, tmp_path, "loader")
    source = tmp_path / "in.csv"
    source.write_text("phone,name\n2125550150,Ann\n")
    base = ["leads", "push", "--campaign", "31004", str(source), "--config", str(config)]
    assert main([*base, "--list-state", "paused"]) == 2
    assert "--list-state must be one of ACTIVE, INACTIVE" in capsys.readouterr().err
    assert main(base) == 2
    assert "unknown column(s) 'phone', 'name'" in capsys.readouterr().err
    assert sim.requests.count(path_contains="leadLoader") == 0


def test_feed_without_api_key_is_a_config_error(
    sim: SimServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("WALLBOARD_LEADFEED_API_KEY", raising=False)
    config = _config(sim, tmp_path, "feed")
    source = tmp_path / "in.csv"
    source.write_text("leadPhone\n2125550150\n")
    assert main(["leads", "push", "--campaign", "31004", str(source), "--config", str(config)]) == 2
    assert "WALLBOARD_LEADFEED_API_KEY" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("5551234567", None),
        ("(212) 555-0142", "2125550142"),
        ("+1 212.555.0142", "2125550142"),
        ("12125550142", "2125550142"),
        ("212555014", None),
        ("0125550142", None),
        ("2121550142", None),
        ("22125550142", None),
    ],
)
def test_phone_normalisation(raw: str, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(LeadProblem):
            normalize_us_phone(raw)
    else:
        assert normalize_us_phone(raw) == expected


def test_unusable_files_are_refused_with_the_reason(tmp_path: Path) -> None:
    cases = {
        "a.txt": ("leadPhone\n", "use .csv or .jsonl"),
        "b.csv": ("", "no header row"),
        "c.csv": ("leadPhone,leadPhone\n", "appears twice"),
        "missing.csv": (None, "no such file"),
    }
    for name, (text, words) in cases.items():
        path = tmp_path / name
        if text is not None:
            path.write_text(text)
        with pytest.raises(LeadFileError, match=words):
            read_lead_file(path, FEED_FIELDS)
