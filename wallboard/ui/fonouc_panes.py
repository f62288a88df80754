"""Panes a platform cannot fill say so, instead of showing an empty table or zeros.

Why by capability: the poller marks a source the provider does not offer (FonoUC has no IVR
statistics and no active-call listing in seed 004) as `Capability.NOT_PROVIDED`; any pane whose
source is so marked shows one line saying it is not provided by this platform.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.widget import Widget
from textual.widgets import Static

from wallboard.domain import Capability
from wallboard.store import View

NOTE_CLASS = "not-provided-note"


def not_provided(view: View, source: str) -> bool:
    status = view.sources.get(source)
    return status is not None and status.capability == str(Capability.NOT_PROVIDED)


def mark_unprovided(panes: Iterable[Widget], view: View) -> None:
    """Give each pane whose source the platform does not offer the class `-not-provided`, a
    subtitle and a note saying so (CSS hides its empty table)."""
    for pane in panes:
        source = str(getattr(pane, "SOURCE", ""))
        absent = not_provided(view, source)
        pane.set_class(absent, "-not-provided")
        if not absent:
            continue
        pane.border_subtitle = str(Capability.NOT_PROVIDED)
        if not pane.query(f".{NOTE_CLASS}"):
            title = str(getattr(pane, "TITLE", source))
            pane.mount(Static(f"{title}: {Capability.NOT_PROVIDED}", classes=NOTE_CLASS))
