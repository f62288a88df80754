"""The tighter partial updates (`wallboard.ui.terminal_output`) leave the terminal exactly as
Textual's own would, with fewer bytes.

How: a poll's updates are replayed on a small terminal model (cursor moves, colour codes, text)
starting from the screen as it was; the result must equal the screen the compositor holds after
the poll, cell by cell, for Textual's writes and for ours.
"""

from __future__ import annotations

import re
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from test_screen import app_on, applied
from textual._compositor import ChopsUpdate, Compositor
from textual.strip import Strip
from ui_data import snapshot

from wallboard.store import Store
from wallboard.ui import terminal_output

TOKEN = re.compile(r"\x1b\[(\d+);(\d+)H|\x1b\[([0-9;]*)m|(\r|\n)|([^\x1b\r\n]+)")
Screen = list[list[tuple[str, str]]]


def blank(width: int, height: int) -> Screen:
    return [[(" ", "")] * width for _ in range(height)]


def replay(screen: Screen, output: str) -> None:
    """Apply terminal output: moves, SGR codes (kept as the cell's style), text."""
    y = x = 0
    style = ""
    for token in TOKEN.finditer(output):
        move_y, move_x, sgr, _newline, text = token.groups()
        if move_y is not None:
            y, x = int(move_y) - 1, int(move_x) - 1
        elif sgr is not None:
            style = "" if sgr in ("", "0") else sgr
        elif text is not None:
            for char in text:
                screen[y][x] = (char, style)
                x += 1
                if cell_len(char) == 2:
                    screen[y][x] = ("", style)
                    x += 1


def full(strips: list[Strip], console: Console) -> str:
    return "".join(f"\x1b[{y + 1};1H" + strip.render(console) for y, strip in enumerate(strips))


async def poll_updates() -> tuple[list[Strip], list[Strip], list[ChopsUpdate]]:
    """(screen before, screen after, the partial updates between) for one poll."""
    store = Store()
    store.publish(snapshot(0))
    app = app_on(store)
    updates: list[ChopsUpdate] = []
    stock = Compositor.render_partial_update

    def recording(self: Compositor) -> Any:
        update = stock(self)
        if isinstance(update, ChopsUpdate):
            updates.append(update)
        return update

    async with app.run_test(size=(200, 60)) as pilot:
        await applied(pilot, app, 1)
        await pilot.pause()
        before = app.screen._compositor.render_strips()
        Compositor.render_partial_update = recording  # type: ignore[method-assign]
        try:
            store.publish(snapshot(1))
            await applied(pilot, app, 2)
            await pilot.pause()
        finally:
            Compositor.render_partial_update = stock  # type: ignore[method-assign]
        after = app.screen._compositor.render_strips()
    return before, after, updates


async def test_tight_updates_leave_the_screen_textual_would_and_send_less() -> None:
    console = Console(color_system="truecolor", force_terminal=True, width=200)
    before, after, updates = await poll_updates()
    assert updates, "the poll changed something on screen"
    expected = blank(200, 60)
    replay(expected, full(after, console))

    sent: dict[str, int] = {}
    for name, render in (
        ("stock", terminal_output._stock),
        ("ours", terminal_output.render_segments),
    ):
        screen = blank(200, 60)
        replay(screen, full(before, console))
        sent[name] = 0
        for update in updates:
            output = render(update, console)
            sent[name] += len(output)
            replay(screen, output)
        differing = [
            (y, x) for y in range(60) for x in range(200) if screen[y][x] != expected[y][x]
        ]
        assert not differing, f"{name}: cells differ at {differing[:5]}"
    assert sent["ours"] < sent["stock"]


def test_installed_only_on_the_checked_textual_line() -> None:
    assert terminal_output.install() is True  # Textual 8 is what the project pins
    assert ChopsUpdate.render_segments is terminal_output.render_segments
