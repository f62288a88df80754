"""Where the wallboard's own log lines go while a screen owns the terminal.

Why: Python's last-resort handler prints warnings to stderr, which is the terminal the screen is
drawing on; on a wall TV one "poll failed" line would sit on top of the panes until the next full
repaint. While the screen runs, log lines go to `<data dir>/wallboard.log` instead (rotated, so a
screen that runs for months keeps a bounded file). Secrets never reach it: the client redacts them
before anything is logged.
"""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_FILE = "wallboard.log"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_to_file(data_dir: Path, level: int = logging.INFO) -> Path | None:
    """Send the `wallboard` loggers (and httpx's) to a rotating file; None if it cannot be
    opened, in which case log lines are dropped rather than drawn over the screen."""
    root = logging.getLogger()
    for old in list(root.handlers):
        if isinstance(old, logging.StreamHandler) and not isinstance(old, logging.FileHandler):
            root.removeHandler(old)
    path: Path | None = data_dir / LOG_FILE
    handler: logging.Handler
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(
            data_dir / LOG_FILE, maxBytes=5_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        handler, path = logging.NullHandler(), None
    handler.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request is noise
    return path
