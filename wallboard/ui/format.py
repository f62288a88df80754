"""How numbers look on the wallboard: one place, so every pane says "no data" the same way.

Why "no data" and never 0%: a ratio with no denominator is undefined (see `wallboard.metrics`);
a supervisor reading 0% service level would act on a collapse that did not happen.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text

NO_DATA = "no data"
UP, DOWN = "▲", "▼"


def pct(value: float | None, digits: int = 1) -> str:
    """A ratio as a percentage, or "no data"."""
    return NO_DATA if value is None else f"{value * 100:.{digits}f}%"


def num(value: float | None, digits: int = 0) -> str:
    if value is None:
        return NO_DATA
    return f"{value:,.{digits}f}"


def duration(seconds: float | None) -> str:
    """`m:ss` under an hour, `h:mm:ss` above; "-" when unknown."""
    if seconds is None:
        return "-"
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def age(seconds: float | None) -> str:
    """A data age for the status line: `12s`, `3m`, `2h`, `never`."""
    if seconds is None:
        return "never"
    if seconds < 90:
        return f"{int(seconds)}s"
    if seconds < 5400:
        return f"{int(seconds // 60)}m"
    return f"{int(seconds // 3600)}h"


def clock(at: datetime | None, zone: str) -> str:
    """Wall-clock time in the account's zone, `HH:MM:SS`."""
    if at is None:
        return "never"
    return at.astimezone(ZoneInfo(zone)).strftime("%H:%M:%S")


def marked(text: str, direction: int) -> Text:
    """A cell with an up/down mark when the number moved since the last poll."""
    if direction > 0:
        return Text.assemble(text, (f" {UP}", "green"))
    if direction < 0:
        return Text.assemble(text, (f" {DOWN}", "red"))
    return Text(text + "  ")


SPARK = "▁▂▃▄▅▆▇█"


def sparkline(values: tuple[float | None, ...], width: int = 12) -> str:
    """A one-line trend from the store's series (gaps as spaces). Text, not a widget: one per
    row of a table would cost a widget each."""
    tail = values[-width:]
    known = [v for v in tail if v is not None]
    if not known:
        return " " * min(width, max(1, len(tail)))
    low, high = min(known), max(known)
    span = high - low
    out = []
    for v in tail:
        if v is None:
            out.append(" ")
        elif span == 0:
            out.append(SPARK[len(SPARK) // 2])
        else:
            out.append(SPARK[int((v - low) / span * (len(SPARK) - 1))])
    return "".join(out)
