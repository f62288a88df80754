"""Turn the measures into BENCHMARKS.md: machine and versions, one table per measure.

Every table gives the median and the spread (min-max) of the wallboard and of the baseline
measured in the same run, their ratio, the issue's target and where we stand against it.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path


def machine() -> list[str]:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{mem_kb / 1024 / 1024:.1f} GB RAM"
    except (OSError, ValueError, IndexError):
        memory = "RAM unknown"
    load = os.getloadavg()
    return [
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {platform.system()} {platform.release()} {platform.machine()}, {cpu}, "
        f"{os.cpu_count()} cores visible, {memory}",
        f"- Load average at the end of the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
        "(other work shares these cores; CPU times count this process only)",
        f"- Python {platform.python_version()} ({sys.implementation.name}), "
        f"Textual {version('textual')}, Rich {version('rich')}",
    ]


def spread(values: Sequence[float], scale: float = 1.0, unit: str = "", digits: int = 1) -> str:
    """'median (min-max, n=N)' scaled into the unit shown."""
    if not values:
        return "n/a"
    med = statistics.median(values) * scale
    lo, hi = min(values) * scale, max(values) * scale
    return f"{med:,.{digits}f}{unit} ({lo:,.{digits}f}-{hi:,.{digits}f}, n={len(values)})"


def ratio(baseline: Sequence[float], ours: Sequence[float]) -> float | None:
    if not baseline or not ours:
        return None
    mine = statistics.median(ours)
    return None if mine <= 0 else statistics.median(baseline) / mine


def verdict(met: bool | None, missed_by: str = "") -> str:
    if met is None:
        return "not measured"
    return "**met**" if met else f"**missed**{' (' + missed_by + ')' if missed_by else ''}"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def write(path: Path, mode: str, sections: Sequence[Sequence[str]], seconds: float) -> None:
    out = [
        "# Benchmarks",
        "",
        "Written by `python -m benchmarks "
        f"--{mode}` (issue 9); do not edit by hand, run it again. Numbers, not adjectives: each "
        "measure gives the median and the spread (min-max) of the wallboard and of a baseline "
        "measured in the same run, their ratio, and where we stand against the issue's target.",
        "",
        *machine(),
        f"- Mode: {mode}; the suite took {seconds / 60:.1f} min",
        "",
    ]
    for section in sections:
        out += [*section, ""]
    path.write_text("\n".join(out).rstrip() + "\n", encoding="utf-8")
