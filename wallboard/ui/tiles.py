"""The header: large tiles for the numbers read from across a room.

Why `Digits`: three-row glyphs stay readable on a wall TV. On a small terminal (the app sets
`-compact`), the glyphs hide and the same value shows as one line of text. "no data" (an
undefined ratio) shows as a dash in the glyphs and the words underneath, never as 0%.
"""

from __future__ import annotations

from typing import NamedTuple

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits, Static

from wallboard import metrics as m
from wallboard.store import View
from wallboard.ui import format as fmt


class TileValue(NamedTuple):
    digits: str
    """What the big glyphs show (digits, `.`, `%`, `:`, `/`, `-`)."""
    text: str
    """The same value in words (the compact header, and "no data")."""
    note: str = ""
    alarm: bool = False


TILES: tuple[tuple[str, str], ...] = (
    ("active-calls", "Active calls"),
    ("agents", "Agents staffed/avail"),
    ("answer-rate", "Human answer"),
    ("abandon-rate", "Abandon vs cap"),
    ("containment", "IVR containment"),
    ("waiting", "Calls waiting"),
    ("longest-wait", "Longest wait"),
)


def _ratio(value: float | None, digits: int = 1) -> tuple[str, str]:
    if value is None:
        return "-", fmt.NO_DATA
    shown = f"{value * 100:.{digits}f}%"
    return shown, shown


def tile_values(view: View) -> dict[str, TileValue]:
    """Every tile's value from one view (pure, so it is tested without a screen)."""
    campaigns = [ev.record for ev in view.campaigns.values()]
    answer = sum(c.answer for c in campaigns)
    connects = sum(c.connects for c in campaigns)
    abandon = sum(c.abandon for c in campaigns)
    cap = view.compliance[next(iter(view.compliance))].cap if view.compliance else None
    human = m.human_answer_rate(answer, connects)
    abandon_rate = m.abandon_rate(abandon, answer)
    queues = [ev.record for ev in view.queues.values()]
    waiting = sum(q.waiting for q in queues) if queues else view.call_summary.waiting
    longest = max((q.longest_wait_s for q in queues), default=None)
    agents = view.agent_summary
    available = agents.by_state.get("AVAILABLE", 0)
    h_digits, h_text = _ratio(human)
    a_digits, a_text = _ratio(abandon_rate, 2)
    c_digits, c_text = _ratio(view.ivr_summary.containment)
    cap_note = f"cap {cap * 100:.1f}%" if cap is not None else ""
    over = cap is not None and abandon_rate is not None and abandon_rate > cap
    wait_text = fmt.duration(longest) if longest is not None else fmt.NO_DATA
    return {
        "active-calls": TileValue(str(view.call_summary.total), str(view.call_summary.total)),
        "agents": TileValue(
            f"{agents.logged_in}/{available}", f"{agents.logged_in}/{available}", "staffed/avail"
        ),
        "answer-rate": TileValue(h_digits, h_text),
        "abandon-rate": TileValue(a_digits, a_text, cap_note, over),
        "containment": TileValue(c_digits, c_text),
        "waiting": TileValue(str(waiting), str(waiting)),
        "longest-wait": TileValue(wait_text if longest is not None else "-", wait_text),
    }


class Tile(Vertical):
    def __init__(self, key: str, title: str) -> None:
        super().__init__(id=f"tile-{key}", classes="tile")
        self.title = title

    def compose(self) -> ComposeResult:
        yield Static(self.title, classes="tile-title")
        yield Digits("-", classes="tile-digits")
        yield Static(fmt.NO_DATA, classes="tile-text")

    def show(self, value: TileValue) -> None:
        self.query_one(Digits).update(value.digits)
        words = value.text if value.digits == "-" else value.note
        compact = value.text
        text = self.query_one(".tile-text", Static)
        text.update(compact if self.app.has_class("-compact") else words)
        self.set_class(value.alarm, "-alarm")


class HeaderTiles(Horizontal):
    def compose(self) -> ComposeResult:
        for key, title in TILES:
            yield Tile(key, title)

    def apply(self, view: View) -> None:
        values = tile_values(view)
        for key, _ in TILES:
            self.query_one(f"#tile-{key}", Tile).show(values[key])
