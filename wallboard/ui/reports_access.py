"""How the screen reaches the WFM reports: one `ReportService` per running core.

Why one per core and kept: the service remembers the open interval (refetched at most every
`[reports] open_refresh` seconds) and its cache holds closed intervals, so reopening the reports
screen or switching back to an interval length costs no request. The cache lives in the history
database when there is one (a restart does not refetch), in memory otherwise.

Why "now" comes from the demo's clock: the simulated center's time is the platform's time, and
windows must end at least 5 minutes before *its* now.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wallboard.config import ReportsConfig
from wallboard.providers.ringcx.client import RingCxClient
from wallboard.report_cache import ReportCache
from wallboard.reports import ReportService
from wallboard.reports_windows import utc_now


class ReportsUnavailable(Exception):
    """The account cannot serve WFM reports (not RingCX, or the core is not open yet)."""


@dataclass
class ReportsAccess:
    """The service, its cache and the settings the screens need."""

    service: ReportService
    cache: ReportCache
    settings: ReportsConfig

    def close(self) -> None:
        self.cache.close()


def open_access(core: Any, settings: ReportsConfig) -> ReportsAccess:
    """A `ReportsAccess` for `core` (a `Runtime`); `ReportsUnavailable` says why not."""
    if core is None:
        raise ReportsUnavailable("reports: not connected yet")
    client = getattr(getattr(core, "provider", None), "client", None)
    if not isinstance(client, RingCxClient):
        raise ReportsUnavailable("reports: WFM interval reports are not provided by this platform")
    history = getattr(core, "history", None)
    path = history.path if settings.cache and history is not None else None
    cache = ReportCache(path, account=str(core.name))
    demo = getattr(core, "demo", None)
    now = demo.clock.now if demo is not None else utc_now
    service = ReportService(
        client,
        zone=core.account.timezone,
        cache=cache,
        now=now,
        open_refresh_s=settings.open_refresh,
    )
    return ReportsAccess(service, cache, settings)
