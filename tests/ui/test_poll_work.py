"""What a poll costs the screen: styles looked up once, one refresh per table, rows and border
texts reused when nothing they show changed, a frame's geometry read once per render."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from rich.style import Style
from test_screen import agents_poll, applied, many_calls, on_screen
from textual.geometry import Region
from ui_data import snapshot

from wallboard.domain import with_changes
from wallboard.ui.borders import set_border
from wallboard.ui.calls import CallsPane, CallsTable
from wallboard.ui.keyed_table import FrameGeometry
from wallboard.ui.panes import AgentsPane, CampaignsPane


async def test_a_poll_looks_up_the_calls_line_styles_once_not_per_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with on_screen(many_calls(2_000)) as (app, pilot, store):
        table = app.query_one(CallsPane).table
        lookups: list[tuple[str, ...]] = []
        looked_up = CallsTable.get_component_rich_style

        def counting(self: CallsTable, *names: str, **options: Any) -> Style:
            lookups.append(names)
            return looked_up(self, *names, **options)

        monkeypatch.setattr(CallsTable, "get_component_rich_style", counting)
        renders = table.renders
        store.publish(many_calls(2_000, step=1))
        await applied(pilot, app, 2)
        await pilot.pause()
        assert table.renders - renders >= 20, "every visible line was rebuilt"
        assert lookups == [("calls--waiting",)], "one lookup for all the waiting calls"


async def test_calls_lines_take_the_new_theme_after_a_theme_change() -> None:
    async with on_screen(snapshot(0)) as (app, pilot, _):
        table = app.query_one(CallsPane).table
        uii = table.order[0]
        before = table._segments(uii, False)[0].style
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        after = table._segments(uii, False)[0].style
        fresh = table.rich_style
        call = app.view.calls[uii] if app.view else None
        if call is not None and call.dequeued_at is None:
            fresh += table.get_component_rich_style("calls--waiting")
        assert after != before and after == fresh


async def test_a_poll_refreshes_each_table_once_with_only_the_changed_cells() -> None:
    agents = snapshot(0).agents.records
    async with on_screen(snapshot(0)) as (app, pilot, store):
        table = app.query_one(AgentsPane).table
        refreshes: list[tuple[Region, ...]] = []
        refresh = table.refresh

        def counting(*regions: Region, **options: Any) -> Any:
            refreshes.append(regions)
            return refresh(*regions, **options)

        table.refresh = counting  # type: ignore[method-assign]
        first, second = agents[0], agents[1]
        busier = (
            with_changes(first, calls_handled=first.calls_handled + 1, rna=first.rna + 1),
            with_changes(second, calls_handled=second.calls_handled + 1),
        )
        cells = table.cells_repainted
        store.publish(agents_poll(1, (*busier, *agents[2:])))
        await applied(pilot, app, 2)
        assert table.cells_repainted - cells == 3
        assert len(refreshes) == 1 and len(refreshes[0]) == 3, "one refresh, three cells"
        assert all(region.height == 1 for region in refreshes[0])


async def test_an_unchanged_agent_keeps_its_row_and_a_changed_one_is_rebuilt() -> None:
    agents = snapshot(0).agents.records
    async with on_screen(snapshot(0)) as (app, pilot, store):
        pane = app.query_one(AgentsPane)
        table = pane.table
        store.publish(agents_poll(1, agents))  # the records the next poll will keep
        await applied(pilot, app, 2)
        await pilot.pause()
        first, second = agents[0], agents[1]
        rows = table.visible_rows
        wrapping = with_changes(second, state="WRAP_UP")
        store.publish(agents_poll(2, (first, wrapping, *agents[2:])))
        await applied(pilot, app, 3)
        now = table.visible_rows
        assert now[first.id] is rows[first.id], "same record, no marks: the same row"
        assert now[second.id] is not rows[second.id]
        state = [c.key for c in AgentsPane.COLUMNS].index("state")
        assert (rows[second.id][state].text, now[second.id][state].text) == (
            second.state,
            "WRAP_UP",
        )
        assert set(pane._made) == set(now), "only the rows built since the last poll are kept"


async def test_a_border_text_given_again_is_not_parsed_again_and_an_outside_change_shows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with on_screen(snapshot(0)) as (app, _, _):
        pane = app.query_one(CampaignsPane)
        parsed: list[str] = []
        render_str = pane.render_str

        def counting(text: Any) -> Any:
            parsed.append(text)
            return render_str(text)

        monkeypatch.setattr(pane, "render_str", counting)
        set_border(pane, subtitle="3 shown · 0s old")
        set_border(pane, subtitle="3 shown · 0s old")
        assert parsed == ["3 shown · 0s old"]
        pane.border_subtitle = "changed elsewhere"  # Textual's setter parses it itself
        set_border(pane, subtitle="3 shown · 0s old")
        assert pane.border_subtitle == "3 shown · 0s old"
        assert parsed == ["3 shown · 0s old", "changed elsewhere"]


async def test_a_frame_is_read_once_per_render_and_afresh_outside_one() -> None:
    base = snapshot(0)
    model = base.agents.records[0]
    many = tuple(with_changes(model, id=f"A{n:03d}", name=f"Agent {n:03d}") for n in range(200))
    shown = replace(base, agents=replace(base.agents, records=many))
    async with on_screen(shown) as (app, _, _):
        table = app.query_one(AgentsPane).table
        reads: list[int] = []

        def cursor() -> int:
            reads.append(1)
            return table._shown_cursor()

        table._frame = FrameGeometry(table, cursor)
        table.refresh()  # every line is rendered again
        lines = table.render_lines(Region(0, 0, table.size.width, table.size.height))
        assert len(lines) == table.size.height > 3
        assert len(reads) == 1, "one read for all the lines"
        assert "Agent 000" in lines[1].text
        table.render_line(1)
        table.render_line(2)
        assert len(reads) == 3, "outside a render every line reads it"
        table.scroll_to(y=2, animate=False, immediate=True)
        assert table.scroll_offset.y == 2
        assert table.render_line(1).text.startswith("Agent 002"), "not the frame read before"
