"""While a screen owns the terminal, log lines go to a file in the data dir, never to stderr."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from wallboard.logsetup import LOG_FILE, log_to_file


@pytest.fixture
def restore_root() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def test_warnings_go_to_the_file_not_the_terminal(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], restore_root: None
) -> None:
    path = log_to_file(tmp_path / "data")
    assert path == tmp_path / "data" / LOG_FILE
    logging.getLogger("wallboard.poller").warning("poll agents failed: platform unavailable")
    assert "poll agents failed" in path.read_text(encoding="utf-8")
    captured = capfd.readouterr()
    assert "poll agents failed" not in captured.err + captured.out


def test_an_unwritable_data_dir_drops_lines_rather_than_drawing_them(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], restore_root: None
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    assert log_to_file(blocker / "data") is None
    logging.getLogger("wallboard.poller").warning("poll failed")
    assert "poll failed" not in capfd.readouterr().err
