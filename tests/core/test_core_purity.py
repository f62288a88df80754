"""The live core must never import Textual: the screen is one consumer among several."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CORE = (
    "wallboard.domain",
    "wallboard.metrics",
    "wallboard.counters",
    "wallboard.alerts",
    "wallboard.history",
    "wallboard.store",
    "wallboard.providers.ringcx.adapter",
)


def test_no_core_module_imports_textual() -> None:
    program = (
        "import importlib, sys\n"
        f"for name in {CORE!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(loaded))\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=root, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"textual imported by the core: {done.stdout}"
