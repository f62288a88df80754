"""What the poller needs from a platform, and nothing more.

Why a protocol: the poller, the store and the screen must not know which platform feeds them
(RingCX today, FonoUC next). A provider fetches one source at a time as domain records and says
how much of its poll budget is left; everything about URLs, sign-in and wire formats stays
inside its package.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from wallboard.domain import BudgetFamily, SourceName


@dataclass(frozen=True, slots=True)
class Fetched:
    """One successful fetch of one source, already mapped to domain records."""

    records: tuple[object, ...]
    warnings: int = 0
    """Records skipped as malformed."""
    truncated: bool = False
    """The platform had more than was fetched (a capped call listing)."""
    requests: int = 1
    """Requests the fetch spent (pages of a listing), for budget planning."""


@dataclass(frozen=True, slots=True)
class PollCapacity:
    """How many poll requests one limit family allows, as the poller plans with it."""

    family: str
    per_minute: float
    """Requests per minute the poller may spend, after the actions' reserve."""
    remaining_now: int
    """Poll requests that may go out right now without waiting for the window."""


class Provider(Protocol):
    """One signed-in platform account, as the poller sees it."""

    @property
    def account(self) -> str:
        """A label for the account (config name), shown on screen and in `status`."""
        ...

    @property
    def timezone(self) -> str:
        """The account's IANA zone: its daily counters reset at this zone's midnight."""
        ...

    @property
    def sources(self) -> tuple[SourceName, ...]:
        """The sources this platform offers; the others are shown as not provided."""
        ...

    @property
    def page_size(self) -> int:
        """Records per page of the active-call listing."""
        ...

    def poll_family(self, source: SourceName) -> str:
        """The limit family a source's requests draw from."""
        ...

    def capacity(self, family: str) -> PollCapacity:
        """The poll share of a limit family, now."""
        ...

    def budget(self) -> tuple[BudgetFamily, ...]:
        """Every limit family's state, for the screen's budget line."""
        ...

    async def fetch(
        self, source: SourceName, *, max_pages: int = 1, at: datetime | None = None
    ) -> Fetched:
        """Fetch one source; raise the provider's typed error on failure. `at` is the poll's
        time on the poller's clock: durations the platform reports (seconds in state) are
        anchored there, so a simulated clock and the wall clock never mix."""
        ...

    async def aclose(self) -> None: ...
