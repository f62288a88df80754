"""The live core must never import Textual: the screen is one consumer among several.

Every module of the package is imported in a fresh interpreter, except the screen itself
(`wallboard.ui`) and the command that starts it; a new core module is covered without anyone
remembering to list it."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import wallboard

#: The only places allowed to import Textual.
SCREEN = ("wallboard.ui", "wallboard.cli.run_command")


def core_modules() -> list[str]:
    names = [m.name for m in pkgutil.walk_packages(wallboard.__path__, "wallboard.")]
    return sorted(n for n in names if not n.startswith(SCREEN) and n != "wallboard.__main__")


def test_the_core_is_everything_but_the_screen() -> None:
    core = core_modules()
    for expected in (
        "wallboard.poller",
        "wallboard.store",
        "wallboard.budget",
        "wallboard.runtime",
    ):
        assert expected in core


def test_no_core_module_imports_textual() -> None:
    program = (
        "import importlib, sys\n"
        f"for name in {core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(loaded))\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"textual imported by the core: {done.stdout}"
