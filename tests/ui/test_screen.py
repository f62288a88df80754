"""Screen behaviour on fixed data: calls by uii (new, ended, virtualized), tiles, palette jump,
read-only, keymap and theme fallback. Built with `build_app`, as the CLI does."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from typing import Any

from textual.pilot import Pilot
from ui_data import snapshot

from wallboard.config import WallboardConfig
from wallboard.domain import ActiveCall, with_changes
from wallboard.store import Store
from wallboard.ui.app import WallboardApp
from wallboard.ui.calls import CallsPane
from wallboard.ui.factory import AppOptions, FixedCore, build_app, fixed_opener
from wallboard.ui.panes import STATE_ORDER, AgentsPane, CampaignsPane
from wallboard.ui.tiles import tile_values


def app_on(store: Store, config: dict[str, Any] | None = None, **options: Any) -> WallboardApp:
    return build_app(
        WallboardConfig.model_validate(config or {}),
        AppOptions(**options),
        fixed_opener(FixedCore(store)),
    )


async def applied(pilot: Pilot[None], app: WallboardApp, count: int) -> None:
    for _ in range(200):
        if app.views_applied >= count:
            return
        await pilot.pause(0.02)
    raise AssertionError(f"only {app.views_applied} views applied, wanted {count}")


def agents_app() -> tuple[Store, WallboardApp]:
    """A store holding the fixed data's first poll, and the screen on it."""
    store = Store()
    store.publish(snapshot(0))
    return store, app_on(store)


def agents_poll(step: int, records: tuple[Any, ...]) -> Any:
    """The fixed data's poll `step` with these agent records."""
    later = snapshot(step)
    return replace(later, agents=replace(later.agents, records=records))


async def test_new_and_ended_calls_are_marked_by_uii() -> None:
    store = Store()
    store.publish(snapshot(0))
    app = app_on(store)
    async with app.run_test(size=(200, 60)) as pilot:
        await applied(pilot, app, 1)
        table = app.query_one(CallsPane).table
        assert "UII-0004" in table.order
        store.publish(snapshot(1))
        await applied(pilot, app, 2)
        assert "UII-0004" in table.order and "UII-0005" in table.order
        ended = "".join(s.text for s in table._segments("UII-0004", False))
        new = "".join(s.text for s in table._segments("UII-0005", False))
        assert ended.startswith("ENDED") and new.startswith("NEW")


@asynccontextmanager
async def on_screen(first: Any) -> AsyncIterator[tuple[Any, Pilot[None], Store]]:
    """The wallboard at 200x60 showing `first` (a snapshot), settled: (app, pilot, store)."""
    store = Store()
    store.publish(first)
    app = app_on(store)
    async with app.run_test(size=(200, 60)) as pilot:
        await applied(pilot, app, 1)
        await pilot.pause()
        yield app, pilot, store


def many_calls(count: int, step: int = 0) -> Any:
    """The fixed data's poll `step` with `count` queued calls."""
    base = snapshot(step)
    at = base.taken_at
    calls = tuple(
        ActiveCall(
            f"U{i:06d}",
            f"555{i:07d}",
            "+18005550100",
            None,
            "Billing",
            "QUEUED",
            at - timedelta(seconds=i % 600),
        )
        for i in range(count)
    )
    return replace(base, calls=replace(base.calls, records=calls))


async def test_calls_pane_renders_only_visible_rows_at_10000_calls() -> None:
    store = Store()
    store.publish(many_calls(10_000))
    app = app_on(store)
    async with app.run_test(size=(200, 60)) as pilot:
        await applied(pilot, app, 1)
        await pilot.pause()
        table = app.query_one(CallsPane).table
        assert len(table.order) == 10_000
        assert 0 < table.renders < 100, "only the visible rows are rendered"
        table.focus()
        await pilot.press("end")
        await pilot.pause()
        assert table.selected_uii == table.order[-1]
        assert table.renders < 200


async def test_tiles_say_no_data_for_undefined_ratios() -> None:
    store = Store()
    view = store.publish(replace(snapshot(0), campaigns=replace(snapshot(0).campaigns, records=())))
    values = tile_values(view)
    assert values["answer-rate"].text == "no data"
    assert values["abandon-rate"].text == "no data"
    assert values["active-calls"].text == "4"


async def test_palette_jump_selects_campaign_and_call() -> None:
    store = Store()
    store.publish(snapshot(0))
    app = app_on(store)
    async with app.run_test(size=(200, 60)) as pilot:
        await applied(pilot, app, 1)
        app.jump("calls", "UII-0003")
        await pilot.pause()
        assert app.query_one(CallsPane).selected_uii == "UII-0003"
        app.jump("campaigns", "102")
        await pilot.pause()
        pane = app.query_one(CampaignsPane)
        assert pane.table.cursor_row == pane.row_keys.index("102")


async def test_read_only_and_keymap_and_theme_fallback() -> None:
    store = Store()
    store.publish(snapshot(0))
    config = {"ui": {"keys": {"wallboard.pause": "z", "no.such": "x"}, "theme": "nope"}}
    app = app_on(store, config, read_only=True)
    async with app.run_test(size=(200, 60)) as pilot:
        await applied(pilot, app, 1)
        assert app.read_only
        assert app.theme == "textual-dark"
        notes = [n.message for n in app._notifications]
        assert any("unknown theme 'nope'" in n for n in notes)
        assert any("no.such" in n for n in notes)
        await pilot.press("z")
        assert app.paused
        assert "READ-ONLY" in str(app.query_one("#status").render())


async def test_a_changed_count_repaints_that_cell_and_its_mark_goes_agents_poll() -> None:
    agents = snapshot(0).agents.records
    store, app = agents_app()

    async with app.run_test(size=(200, 60)) as pilot:
        await applied(pilot, app, 1)
        await pilot.pause()
        table = app.query_one(AgentsPane).table
        first = agents[0].id
        assert first in table.visible_rows
        cells, lines = table.cells_repainted, table.lines_repainted
        busier = with_changes(agents[0], calls_handled=agents[0].calls_handled + 1)
        store.publish(agents_poll(1, (busier, *agents[1:])))
        await applied(pilot, app, 2)
        handled = [c.key for c in AgentsPane.COLUMNS].index("calls_handled")
        row = table.visible_rows[first]
        assert row[handled].mark == 1 and row[handled].text == f"{busier.calls_handled:,}"
        assert (table.cells_repainted, table.lines_repainted) == (cells + 1, lines)
        store.publish(agents_poll(2, (busier, *agents[1:])))
        await applied(pilot, app, 3)
        assert table.visible_rows[first][handled].mark == 0  # last poll's mark is gone
        assert (table.cells_repainted, table.lines_repainted) == (cells + 2, lines)


async def test_thousands_of_agents_build_only_the_rows_on_screen() -> None:
    base = snapshot(0)
    model = base.agents.records[0]
    many = tuple(
        with_changes(model, id=f"A{n:05d}", name=f"Agent {n:05d}", username=f"agent{n}")
        for n in range(5_000)
    )
    store = Store()
    store.publish(replace(base, agents=replace(base.agents, records=many)))
    app = app_on(store)
    async with app.run_test(size=(200, 60)) as pilot:
        await applied(pilot, app, 1)
        await pilot.pause()
        pane = app.query_one(AgentsPane)
        table = pane.table
        assert table.row_count == 5_000
        assert pane.row_keys[:3] == ["A00000", "A00001", "A00002"]  # by name
        on_screen = table.scrollable_content_region.height
        assert 0 < table.rows_built <= 2 * on_screen  # built on demand, never all 5,000
        built = table.rows_built
        pane.select("A04000")  # the palette's jump: the row is built when it comes on screen
        await pilot.pause()
        assert table.cursor_row == 4_000
        assert "A04000" in table.visible_rows
        assert table.rows_built - built <= 2 * on_screen


async def test_calls_still_loading_say_so_instead_of_zero() -> None:
    base = snapshot(0)
    loading = replace(base.calls, records=(), waiting=True)
    store = Store()
    store.publish(replace(base, calls=loading))
    app = app_on(store)
    async with app.run_test(size=(200, 60)) as pilot:
        await applied(pilot, app, 1)
        assert app.view is not None and "calls" in app.view.waiting
        values = tile_values(app.view)
        assert values["active-calls"].text == "loading…"
        pane = app.query_one(CallsPane)
        assert "loading" in str(pane.border_title)
        assert app.query_one(CampaignsPane).row_keys, "the campaigns that did arrive are shown"


async def test_sorting_orders_by_value_not_text_and_keeps_no_data_last() -> None:
    store = Store()
    store.publish(snapshot(0))
    store.publish(snapshot(1))
    app = app_on(store)
    async with app.run_test(size=(200, 60)) as pilot:
        await applied(pilot, app, 1)
        pane = app.query_one(CampaignsPane)
        view = app.view
        assert view is not None
        for reverse in (False, True):
            pane.sort_by("abandon")  # the second call reverses
            assert pane.sort_reverse is reverse
            values = [view.campaigns[k].metrics.get("abandon_rate_today") for k in pane.row_keys]
            known = [v for v in values if v is not None]
            assert known == sorted(known, reverse=reverse)
            assert values[len(known) :] == [None] * (len(values) - len(known))
        pane.sort_by("active")
        counts = [view.campaigns[k].record.active for k in pane.row_keys]
        assert counts == sorted(counts, reverse=pane.sort_reverse)  # numbers, not text


async def test_a_state_change_moves_the_agent_when_sorted_by_state() -> None:
    agents = snapshot(0).agents.records
    store, app = agents_app()

    async with app.run_test(size=(200, 60)) as pilot:
        await applied(pilot, app, 1)
        pane = app.query_one(AgentsPane)
        pane.sort_by("state")
        order = pane.row_keys
        busier = with_changes(agents[0], calls_handled=agents[0].calls_handled + 1)
        store.publish(agents_poll(1, (busier, *agents[1:])))
        await applied(pilot, app, 2)
        assert pane.row_keys == order  # a count moved, not the state: same order
        last = order[-1]
        moved = next(a for a in agents if a.id == last)
        first_state = app.view.agents[order[0]].record.state if app.view else ""
        others = tuple(a for a in (busier, *agents[1:]) if a.id != last)
        store.publish(agents_poll(2, (*others, with_changes(moved, state=first_state))))
        await applied(pilot, app, 3)
        keys = pane.row_keys
        assert set(keys) == set(order)
        states = [app.view.agents[k].record.state for k in keys] if app.view else []
        assert keys.index(last) < len(keys) - 1 or len(set(states)) == 1
        ranks = [STATE_ORDER.index(s) if s in STATE_ORDER else 99 for s in states]
        assert ranks == sorted(ranks)  # still in state order after the move


async def test_clicking_a_column_label_sorts_by_it_and_again_reverses() -> None:
    store = Store()
    store.publish(snapshot(0))
    app = app_on(store)
    async with app.run_test(size=(200, 60)) as pilot:
        await applied(pilot, app, 1)
        pane = app.query_one(CampaignsPane)
        active_x = CampaignsPane.COLUMNS[0].width + 3  # inside the "Active" label
        await pilot.click("#campaigns KeyedTable", offset=(active_x, 0))
        assert (pane.sort_label, pane.sort_reverse) == ("Active ▲", False)
        await pilot.click("#campaigns KeyedTable", offset=(active_x, 0))
        assert pane.sort_reverse


async def test_the_core_opens_before_the_screen_is_built_and_shows_once_it_is() -> None:
    """Signing in and the first polls overlap the screen's set-up (`on_load`): the core is
    opened before any widget exists, and touches the screen only once it is mounted."""
    store = Store()
    store.publish(snapshot(0))
    mounted_at_open: list[bool] = []

    @asynccontextmanager
    async def opener() -> AsyncIterator[FixedCore]:
        assert app.screen_ready is not None
        mounted_at_open.append(app.screen_ready.is_set())
        yield FixedCore(store)

    app = build_app(WallboardConfig(), AppOptions(), opener)
    async with app.run_test(size=(200, 60)) as pilot:
        await applied(pilot, app, 1)
        assert mounted_at_open == [False], "opened before the screen was mounted"
        assert app.core is not None and app.query_one(CampaignsPane).row_keys
