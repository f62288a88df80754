"""`wallboard run` / `wallboard demo` argument handling (the screen itself is tested by Pilot)."""

from __future__ import annotations

import pytest

from wallboard.cli.main import build_parser, main


def test_run_and_demo_take_the_screen_flags() -> None:
    parser = build_parser()
    args = parser.parse_args(["run", "--kiosk", "--read-only", "--theme", "wall-ansi", "--demo"])
    assert (args.kiosk, args.read_only, args.theme, args.demo) == (True, True, "wall-ansi", True)
    demo = parser.parse_args(["demo", "--account", "x"])
    assert demo.account == "x" and demo.handler.__name__ == "handle_demo"


def test_missing_config_file_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--config", "/nonexistent/wallboard.toml"]) == 2
    err = capsys.readouterr().err
    assert "/nonexistent/wallboard.toml" in err and "not found" in err
