"""Command palette: jump to a campaign or a call by name, id, ANI or agent.

Why read `Store.latest` through the app: the palette runs while polls continue; it must search
the newest view, and never a half-applied one (views are immutable).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from wallboard.ui.app import WallboardApp

MAX_CALL_HITS = 50


class JumpProvider(Provider):
    @property
    def _app(self) -> WallboardApp:
        return cast("WallboardApp", self.app)

    async def discover(self) -> Hits:
        view = self._app.view
        if view is None:
            return
        for key, ev in view.campaigns.items():
            yield DiscoveryHit(
                f"campaign: {ev.name}", partial(self._app.jump, "campaigns", key), help=key
            )

    async def search(self, query: str) -> Hits:
        view = self._app.view
        if view is None:
            return
        matcher = self.matcher(query)
        for key, ev in view.campaigns.items():
            text = f"campaign: {ev.name}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(text),
                    partial(self._app.jump, "campaigns", key),
                    help=f"campaign {key}",
                )
        found = 0
        needle = query.lower()
        for uii, call in view.calls.items():
            words = " ".join(p for p in (uii, call.ani, call.agent, call.destination) if p)
            if needle not in words.lower():
                continue
            text = f"call: {words}"
            yield Hit(
                max(matcher.match(text), 0.5),
                matcher.highlight(text),
                partial(self._app.jump, "calls", uii),
                help=f"call {uii}",
            )
            found += 1
            if found >= MAX_CALL_HITS:
                break
