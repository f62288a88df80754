"""Opening the report screens from the wallboard: `R`, the palette, and `D` on a call.

Why here and not in the app: the app only forwards the key; which service, which screen and what
to say when the platform has no WFM reports (FonoUC) is the reports' business.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wallboard.ui.reports_access import ReportsAccess, ReportsUnavailable, open_access
from wallboard.ui.reports_screen import ReportsScreen
from wallboard.ui.reports_segments import SegmentsScreen

if TYPE_CHECKING:
    from wallboard.ui.app import WallboardApp


def reports_for(app: WallboardApp) -> ReportsAccess | None:
    """The app's reports service, opened on first use; None (and a notice saying why) when
    the account cannot serve reports."""
    if app.reports_access is None:
        try:
            app.reports_access = open_access(app.core, app.config.reports)
        except ReportsUnavailable as why:
            app.notify(str(why), severity="warning")
            return None
    return app.reports_access


def open_reports(app: WallboardApp, view: str) -> None:
    """Queue intervals (`view="queues"`) or agent productivity (`"agents"`)."""
    access = reports_for(app)
    if access is not None:
        app.push_screen(ReportsScreen(access, "agents" if view == "agents" else "queues"))


def open_call_segments(app: WallboardApp) -> None:
    """The selected call's dialog: its segments that ended within an hour of now (a live call
    shows the legs already over, once they are 5 minutes old)."""
    uii = app.calls_pane.selected_uii
    if uii is None:
        app.notify("call segments: select a call in the calls pane", severity="warning")
        return
    access = reports_for(app)
    if access is None:
        return
    service = access.service
    around = service.now()
    app.push_screen(
        SegmentsScreen(
            service,
            f"Segments · call {uii}",
            lambda progress: service.call_segments(uii, around, progress=progress),
        )
    )
