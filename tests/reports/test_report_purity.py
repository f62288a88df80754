"""The report layer is core: the screen uses it, but it must never import Textual."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

MODULES = (
    "wallboard.reports",
    "wallboard.reports_rows",
    "wallboard.reports_windows",
    "wallboard.reports_segments",
    "wallboard.reports_export",
    "wallboard.reports_specs",
    "wallboard.report_cache",
    "wallboard.cli.report_command",
)


def test_report_modules_do_not_import_textual() -> None:
    program = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'textual')))\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=root, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"textual imported by the report layer: {done.stdout}"
