"""The status line, the alerts strip and the connection banner: how much to trust the numbers.

Why they are computed from the View alone (pure `status_text`, `connection_lost`): every number
carries its age, and a supervisor must see at a glance whether what is on the wall is live, old,
or the last thing seen before the connection went.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.text import Text
from textual.widgets import Static

from wallboard.store import SourceStatus, View
from wallboard.ui import format as fmt


def watched(view: View) -> list[SourceStatus]:
    """Sources the poller is fetching on purpose (not unsupported, not paused)."""
    return [s for s in view.sources.values() if s.capability == "supported" and s.polling]


def connection_lost(view: View) -> bool:
    """Every watched source failed its latest attempt: the platform is unreachable."""
    sources = watched(view)
    return bool(sources) and all(not s.ok for s in sources)


def last_good(view: View) -> datetime | None:
    times = [s.polled_at for s in watched(view) if s.polled_at is not None]
    return max(times) if times else None


def status_text(
    view: View, *, label: str, read_only: bool, paused: bool, kiosk: bool = False
) -> Text:
    snap = view.snapshot
    zone = snap.timezone
    out = Text()
    out.append(f" {label} ", "bold reverse")
    if read_only:
        out.append(" READ-ONLY ", "bold black on yellow")
    if paused:
        out.append(" PAUSED ", "bold black on cyan")
    out.append(" ")
    for name, status in view.sources.items():
        if status.capability != "supported":
            continue
        style = "red" if status.stale or not status.ok else ("dim" if not status.polling else "")
        out.append(f"{name} {fmt.age(status.age_s)} ", style)
    next_poll = snap.taken_at + timedelta(seconds=snap.interval_s)
    out.append(f"· next poll {fmt.clock(next_poll, zone)} ")
    for family in snap.budget:
        used = family.limit_per_minute - family.available
        out.append(f"· {family.family} {used:.0f} used/{family.available:.0f} left ")
        if family.retry_after_s:
            out.append(f"BACKING OFF {family.retry_after_s:.0f}s ", "bold red")
    if connection_lost(view):
        out.append("· connection LOST", "bold red")
    else:
        out.append("· connected", "green")
    for note in view.notes:
        out.append(f" · {note}", "yellow")
    return out


#: Alerts spelled out on the one-line strip; the rest are counted. A line shows a handful at
#: most, and a strip of hundreds (one per campaign on a bad morning) would cost a poll's CPU.
STRIP_ALERTS = 12


def alerts_text(view: View) -> Text:
    if not view.alerts:
        return Text(" No active alerts", "dim")
    out = Text()
    hidden = len(view.alerts) - STRIP_ALERTS
    if hidden > 0:
        out.append(f" {len(view.alerts)} alerts ", "bold")
    for alert in view.alerts[:STRIP_ALERTS]:
        style = "bold red" if alert.severity == "critical" else "yellow"
        mark = "✓" if alert.state == "acknowledged" else "●"
        out.append(f" {mark} {alert.severity.upper()} ", style)
        out.append(alert.message)
        out.append("  │")
    if hidden > 0:
        out.append(f" +{hidden} more (`wallboard status` lists them all)", "dim")
    return out


def banner_text(view: View) -> str:
    good = last_good(view)
    when = fmt.clock(good, view.snapshot.timezone)
    seconds = (view.taken_at - good).total_seconds() if good is not None else None
    return (
        f"CONNECTION LOST · showing the last good data, from {when} "
        f"({fmt.age(seconds)} ago) · retrying every {view.snapshot.interval_s:g} s"
    )


class OneLine(Static):
    """A one-line strip that repaints only when its text changes, and never asks for a layout
    (its height is fixed): a poll that changes nothing here sends nothing to the terminal."""

    _shown: object = None

    def show(self, content: str | Text) -> None:
        if content == self._shown:
            return
        self._shown = content
        self.update(content, layout=False)


class StatusLine(OneLine):
    pass


class AlertsStrip(OneLine):
    pass


class Banner(Static):
    pass
