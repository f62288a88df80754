"""The reports screen (`R`) against the simulated contact center over real HTTP.

The demo's clock is started at 02:40 in the center's zone, so "today" (from local midnight to
5 minutes ago) is one report request: the tests stay within the reports budget (2 a minute)
without waiting for it. The simulator's 90-minute warm-up gives closed intervals with traffic.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from demo_helpers import demo_app, until
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import DataTable

from wallboard import runtime
from wallboard.reports_rows import AgentInterval, QueueInterval
from wallboard.ui.app import WallboardApp
from wallboard.ui.help import HelpScreen, report_formulas_table
from wallboard.ui.reports_extended import ExtendedScreen
from wallboard.ui.reports_screen import ReportsScreen
from wallboard.ui.reports_segments import SegmentsScreen

SIZE = (200, 60)
#: 02:40 US/Eastern: today so far fits in one 3-hour report window.
EARLY = datetime(2025, 1, 15, 7, 40, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _early_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime, "demo_start", lambda zone, now=None: EARLY)


async def open_reports(pilot: Pilot[None], app: WallboardApp) -> ReportsScreen:
    await until(pilot, lambda: app.views_applied >= 1, "the first view")
    await pilot.press("R")
    await until(pilot, lambda: isinstance(app.screen, ReportsScreen), "the reports screen")
    screen = app.screen
    assert isinstance(screen, ReportsScreen)
    await until(pilot, lambda: screen.loads >= 1, "the first report")
    assert screen.error is None
    return screen


def busiest_closed(screen: ReportsScreen) -> str:
    """The key of the closed queue interval with the most answered calls."""
    candidates = [
        key
        for key in screen.row_keys
        if isinstance(row := screen.row(key), QueueInterval)
        and row.start is not None
        and not row.partial
    ]
    return max(candidates, key=lambda key: screen.row(key).answered)  # type: ignore[union-attr]


async def test_queue_intervals_show_totals_and_switch_interval() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot, app)
        result = screen.result
        assert result is not None and result.rows, "queue interval rows from the simulator"
        assert {row.interval_s for row in result.rows} == {1800}
        assert "total:q:*" in screen.row_keys, "a grand total row"
        grand = screen.row("total:q:*")
        assert isinstance(grand, QueueInterval)
        assert grand.offered == sum(row.offered for row in result.rows) > 0
        assert grand.answered == sum(row.answered for row in result.rows) > 0
        table = screen.query_one(DataTable)
        assert table.row_count == len(result.rows) + len(result.totals) + 1
        assert "requests" in str(screen.query_one("#reports-progress").render())

        await pilot.press("i")
        await until(pilot, lambda: screen.loads >= 2, "the 45-minute report")
        assert screen.minutes == 45
        switched = screen.result
        assert switched is not None and switched.rows
        assert {row.interval_s for row in switched.rows} == {2700}
        assert switched.grand_total is not None
        assert switched.grand_total.offered == grand.offered, "same day, same offered calls"
        assert "45-minute" in str(screen.query_one("#reports-title").render())

        await pilot.press("escape")
        assert not isinstance(app.screen, ReportsScreen)


async def test_drill_down_shows_segments_and_copies_recording_address() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot, app)
        key = busiest_closed(screen)
        screen.select(key)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SegmentsScreen), "the drill-down")
        drill = app.screen
        assert isinstance(drill, SegmentsScreen)
        await until(pilot, lambda: drill.result is not None or drill.error, "the segments")
        assert drill.error is None and drill.result is not None
        assert drill.result.dialogs, "dialogs offered to the queue in that interval"
        row = screen.row(key)
        assert isinstance(row, QueueInterval)
        kinds = {segment.kind for segment in drill.result.segments}
        assert "QUEUE" in kinds and len(drill.query_one(DataTable).rows) >= len(
            drill.result.dialogs
        )

        recorded = [s for s in drill.result.segments if s.has_recording]
        assert recorded, "an answered call's agent leg is recorded"
        drill.select_segment(recorded[0])
        await pilot.press("c")
        await until(pilot, lambda: app.clipboard != "", "the copied address")
        assert f"recordings/dialogs/{recorded[0].dialog_id}" in app.clipboard
        assert recorded[0].segment_id in app.clipboard

        await pilot.press("escape")
        assert app.screen is screen


async def test_agent_productivity_and_per_queue_drill_down() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.views_applied >= 1, "the first view")
        app.open_reports("agents")  # what the command palette's "Reports: agent productivity" runs
        await until(pilot, lambda: isinstance(app.screen, ReportsScreen), "the reports screen")
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        await until(pilot, lambda: screen.loads >= 1, "the agent report")
        assert screen.error is None and screen.result is not None
        agents = [r for r in screen.result.rows if isinstance(r, AgentInterval)]
        assert agents and any(r.working_s > 0 for r in agents)
        assert "total:a:*" in screen.row_keys
        chosen = max((r for r in agents if not r.partial), key=lambda r: r.inbound + r.outbound)
        screen.select(f"{int(chosen.start.timestamp())}:a:{chosen.agent_id}")  # type: ignore[union-attr]
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ExtendedScreen), "the drill-down")
        extended = app.screen
        assert isinstance(extended, ExtendedScreen)
        await until(pilot, lambda: extended.loaded, "the per-queue figures")
        assert all(r.agent_id == chosen.agent_id for r in extended.rows)
        assert sum(r.answered for r in extended.rows) <= chosen.inbound


def as_text(renderable: object) -> str:
    console = Console(width=300, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


async def test_help_lists_report_formulas_and_keys() -> None:
    text = as_text(report_formulas_table())
    assert "service_level" in text and "answered" in text.lower()
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        assert app.screen.query_one("#help-report-formulas") is not None
        ids = {b.id for b in app.all_bindings()}
        assert {"wallboard.reports", "wallboard.leads"} <= ids


async def test_call_drill_down_from_the_selected_call() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.views_applied >= 1, "the first view")
        view = app.view
        assert view is not None
        answered = [c for c in view.calls.values() if c.dequeued_at is not None]
        assert answered, "calls with an agent in the simulator"
        call = min(answered, key=lambda c: c.dequeued_at)  # type: ignore[arg-type, return-value]
        app.jump("calls", call.uii)
        await pilot.press("p")  # keep the selection while the platform's time moves on
        assert app.calls_pane.selected_uii == call.uii
        sim = app.core.demo  # type: ignore[union-attr]
        sim.clock.advance(30 * 60)  # the call ends and its segments become reportable
        await pilot.press("D")
        await until(pilot, lambda: isinstance(app.screen, SegmentsScreen), "the drill-down")
        drill = app.screen
        assert isinstance(drill, SegmentsScreen)
        await until(pilot, lambda: drill.result is not None or drill.error, "the segments")
        assert drill.error is None and drill.result is not None
        assert drill.result.dialogs, "the call's dialog"
        assert all(
            any(s.interaction_id == call.uii for s in dialog.segments)
            for dialog in drill.result.dialogs
        )
        assert "AGENT" in {s.kind for s in drill.result.segments}
        assert call.uii in drill.title_text


async def test_reload_reuses_the_cache_and_a_budget_wait_does_not_stop_polling() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot, app)
        assert screen.result is not None and screen.result.requests == 1
        await pilot.press("g")
        await until(pilot, lambda: screen.loads >= 2, "the reload")
        again = screen.result
        assert again is not None and again.requests == 0, "closed intervals cached, open reused"
        assert again.cached_intervals > 0

        await pilot.press("i")  # 45 minutes: the second request of this minute
        await until(pilot, lambda: screen.loads >= 3, "the 45-minute report")
        await pilot.press("i")  # 60 minutes: the budget (2 a minute) makes this one wait
        progress = screen.query_one("#reports-progress")
        await until(pilot, lambda: "next in" in str(progress.render()), "the budget wait")
        assert "reports budget" in str(progress.render())
        seen = app.views_applied
        assert app.core is not None and app.core.poller is not None
        app.core.poller.refresh()
        await until(pilot, lambda: app.views_applied > seen, "a poll while the report waits")
        assert screen.loads == 3, "the waiting report has not finished"
        budget = screen.access.service.budget()
        assert budget is not None and budget.remaining == 0
