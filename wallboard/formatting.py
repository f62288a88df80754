"""Numbers as people read them, the same on the screen and on the command line.

Undefined ratios (None) read "no data", never 0%: a campaign that connected nothing has no
answer rate, and a wall that says 0% would send a supervisor running.
"""

from __future__ import annotations

NO_DATA = "no data"


def percent(value: float | None, digits: int = 1) -> str:
    return NO_DATA if value is None else f"{value * 100:.{digits}f}%"


def duration(seconds: float | None) -> str:
    """`42s`, `3:07`, `1:02:03`: minutes and seconds under an hour, hours beyond."""
    if seconds is None:
        return NO_DATA
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    if minutes:
        return f"{minutes}:{secs:02d}"
    return f"{secs}s"


def count(value: int | None) -> str:
    return NO_DATA if value is None else f"{value:,}"


def number(value: float | None, digits: int = 1) -> str:
    return NO_DATA if value is None else f"{value:,.{digits}f}"


def value(unit: str, raw: float | None) -> str:
    """Format a metric value by its unit (see `wallboard.metrics.MetricInfo.unit`)."""
    if raw is None:
        return NO_DATA
    if unit == "ratio":
        return percent(raw)
    if unit == "seconds":
        return duration(raw)
    if unit in ("count", "flag"):
        return count(int(raw))
    if unit == "cycles":
        return number(raw, 1)
    return number(raw, 1)
