"""Command palette entries for the reports: "Reports: queue intervals" and "agent productivity".

Why a provider of its own: the palette's jump provider searches live entities; the reports are
fixed destinations, listed on discovery and matched by words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from wallboard.ui.app import WallboardApp

ENTRIES = (
    ("Reports: queue intervals", "queues", "today's intervals per queue: SL, ASA, AHT, abandons"),
    ("Reports: agent productivity", "agents", "per agent: available, working, paused, counts"),
)


class ReportsCommands(Provider):
    def _app(self) -> WallboardApp:
        return cast("WallboardApp", self.app)

    async def discover(self) -> Hits:
        for title, view, help_text in ENTRIES:
            yield DiscoveryHit(title, self._opener(view), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, view, help_text in ENTRIES:
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._opener(view), help=help_text)

    def _opener(self, view: str) -> Callable[[], None]:
        app = self._app()
        return lambda: app.open_reports(view)
