"""Pilot tests against the simulated contact center over real HTTP (`wallboard demo`).

The app is built by `build_app`, the factory the CLI uses, with `demo=True`: the simulator runs
in-process on a free loopback port and the poller signs in and polls it. Tests wait for views
to be applied (`views_applied`), never for wall-clock time.
"""

from __future__ import annotations

import io

import pytest
from demo_helpers import demo_app, until
from rich.console import Console
from textual.pilot import Pilot

from wallboard.config import WallboardConfig
from wallboard.metrics import METRICS
from wallboard.ui.app import ViewArrived, WallboardApp
from wallboard.ui.calls import CallsPane
from wallboard.ui.factory import AppOptions, build_app
from wallboard.ui.help import HelpScreen, keys_table, metrics_table
from wallboard.ui.panes import CampaignsPane
from wallboard.ui.status import Banner, StatusLine

SIZE = (200, 60)


def as_text(renderable: object) -> str:
    console = Console(width=400, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


async def next_view(pilot: Pilot[None], app: WallboardApp) -> None:
    seen = app.views_applied
    assert app.core is not None and app.core.poller is not None
    app.core.poller.refresh()
    await until(pilot, lambda: app.views_applied > seen, "the next view")


async def test_demo_shows_live_numbers_and_status() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.views_applied >= 1, "the first view")
        campaigns = app.query_one(CampaignsPane)
        assert campaigns.row_keys, "campaign rows from the simulator"
        assert app.query_one(CallsPane).table.order, "active calls from the simulator"
        status = str(app.query_one(StatusLine).render())
        assert "demo" in status and "connected" in status and "next poll" in status
        await next_view(pilot, app)
        assert app.views_applied >= 2


async def test_filter_narrows_every_pane_and_escape_clears() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.views_applied >= 1, "the first view")
        pane = app.query_one(CampaignsPane)
        everything = pane.row_keys
        view = app.view
        assert view is not None
        word = view.campaigns[everything[0]].name.split()[0].lower()
        await pilot.press("slash")
        await pilot.press(*word)
        await pilot.pause()
        assert app.needle == word
        assert everything[0] in pane.row_keys
        assert all(word in view.campaigns[k].name.lower() for k in pane.row_keys)
        assert len(pane.row_keys) < len(everything)
        await pilot.press("escape")
        await pilot.pause()
        assert sorted(pane.row_keys) == sorted(everything)


async def test_sort_cycles_columns_on_the_focused_pane() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.views_applied >= 1, "the first view")
        pane = app.query_one(CampaignsPane)
        pane.table.focus()
        await pilot.press("s")  # by name
        view = app.view
        assert view is not None
        names = [view.campaigns[k].name.lower() for k in pane.row_keys]
        assert names == sorted(names)
        await pilot.press("S")  # reversed
        names = [view.campaigns[k].name.lower() for k in pane.row_keys]
        assert names == sorted(names, reverse=True)
        calls = app.query_one(CallsPane)
        calls.table.focus()
        await pilot.press("s", "s")  # uii, then ANI
        order = calls.table.order
        anis = [view.calls[u].ani or "" for u in order if u in view.calls]
        assert anis == sorted(anis)


async def test_help_lists_keys_and_formulas() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = as_text(keys_table(app.all_bindings(), app.keymap))
        for binding_id in ("wallboard.filter", "wallboard.sort", "wallboard.pause", "help.close"):
            assert binding_id in keys or binding_id == "help.close"
        formulas = as_text(metrics_table())
        for info in METRICS.values():
            assert info.formula.splitlines()[0] in formulas, info.name
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_pause_skips_painting_but_not_polling() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.views_applied >= 1, "the first view")
        await pilot.press("p")
        assert app.paused
        painted, applied = app.view, app.views_applied
        assert app.core is not None and app.core.poller is not None
        cycle = app.core.poller.cycle
        app.core.poller.refresh()
        await until(pilot, lambda: app._pending is not painted, "a view while paused")
        assert app.core.poller.cycle > cycle
        assert app.view is painted and app.views_applied == applied
        assert "PAUSED" in str(app.query_one(StatusLine).render())
        await pilot.press("p")
        assert app.view is app._pending and app.views_applied == applied + 1


async def test_outage_shows_stale_banner_then_recovers() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.views_applied >= 1, "the first view")
        demo = app.core.demo  # type: ignore[union-attr]
        banner = app.query_one(Banner)
        assert not banner.has_class("-shown")
        demo.faults.add("outage", family="realtime")
        demo.clock.advance(60)  # more than two cycles of 15 s without good data
        await next_view(pilot, app)
        assert banner.has_class("-shown")
        assert "CONNECTION LOST" in str(banner.render())
        campaigns = app.query_one(CampaignsPane)
        assert campaigns.has_class("-stale")
        assert "STALE" in str(campaigns.border_subtitle)
        demo.faults.clear()
        await next_view(pilot, app)
        assert not banner.has_class("-shown")
        assert not campaigns.has_class("-stale")


async def test_kiosk_rotates_panes_and_ignores_quit_keys() -> None:
    config = WallboardConfig.model_validate(
        {"history": {"enabled": False}, "ui": {"kiosk_rotate_s": 3}}
    )
    app = build_app(config, AppOptions(demo=True, kiosk=True, keep_history=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.views_applied >= 1, "the first view")
        assert app.read_only and app.has_class("-single")
        first = app.shown
        await pilot.press("ctrl+c", "q", "slash", "tab")
        assert app.is_running and app.shown == first
        await until(pilot, lambda: app.shown != first, "the next pane rotating in", tries=200)
        assert app.query_one(
            f"#{('campaigns', 'ivr', 'queues', 'agents', 'calls')[app.shown]}"
        ).has_class("-shown")


@pytest.mark.parametrize("theme", ["wall-contrast", "wall-ansi"])
async def test_project_themes_apply(theme: str) -> None:
    app = demo_app(theme=theme)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == theme


async def test_a_view_that_arrives_while_the_screen_is_taken_down_is_dropped() -> None:
    """Exiting takes the widgets down one by one while a view may still be queued: that view
    finds part of the screen gone and is dropped, never raised."""
    app = demo_app()
    async with app.run_test(size=(200, 60)) as pilot:
        await until(pilot, lambda: app.view is not None, "the first view")
        applied = app.views_applied
        await app.query_one(StatusLine).remove()
        app.post_message(ViewArrived(app.view))  # type: ignore[arg-type]
        await pilot.pause()
        assert app.views_applied == applied and app.is_running
