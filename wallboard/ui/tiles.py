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
from wallboard.totals import totals
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


NOT_PROVIDED = "not provided"
LOADING = "loading…"


def _provided(view: View, source: str) -> bool:
    status = view.sources.get(source)
    return status is None or status.capability == "supported"


def tile_values(view: View) -> dict[str, TileValue]:
    """Every tile's value from one view (pure, so it is tested without a screen). The figures
    are `wallboard.totals`, the same `status` and `check` print; a figure whose source the
    platform does not provide says so instead of showing 0."""
    cap = next(iter(view.compliance.values())).cap if view.compliance else m.DEFAULT_ABANDON_CAP
    t = totals(view, cap)
    waiting = t.calls_waiting if view.queues else view.call_summary.waiting
    longest = t.longest_wait_s if view.queues else None
    h_digits, h_text = _ratio(t.human_answer_rate)
    a_digits, a_text = _ratio(t.abandon_rate_today, 2)
    c_digits, c_text = _ratio(t.ivr_containment)
    over = t.abandon_rate_today is not None and t.abandon_rate_today > cap
    wait_text = fmt.duration(longest) if longest is not None else fmt.NO_DATA
    staffed = f"{t.agents_staffed}/{t.agents_available}"
    values = {
        "active-calls": TileValue(str(t.active_calls), str(t.active_calls)),
        "agents": TileValue(staffed, staffed, "staffed/avail"),
        "answer-rate": TileValue(h_digits, h_text),
        "abandon-rate": TileValue(a_digits, a_text, f"cap {cap * 100:.1f}%", over),
        "containment": TileValue(c_digits, c_text),
        "waiting": TileValue(str(waiting), str(waiting)),
        "longest-wait": TileValue(wait_text if longest is not None else "-", wait_text),
    }
    unprovided = {"active-calls": "calls", "containment": "ivr"}
    for key, source in unprovided.items():
        if not _provided(view, source):
            values[key] = TileValue("-", NOT_PROVIDED)
    if not _provided(view, "queues") and not _provided(view, "calls"):
        values["waiting"] = values["longest-wait"] = TileValue("-", NOT_PROVIDED)
    if "calls" in view.waiting:  # the first listing is still being read: not zero calls
        values["active-calls"] = TileValue("-", LOADING)
        if not view.queues:
            values["waiting"] = TileValue("-", LOADING)
    return values


class Tile(Vertical):
    def __init__(self, key: str, title: str) -> None:
        super().__init__(id=f"tile-{key}", classes="tile")
        self.tile_key = key
        self.title = title
        self._text = fmt.NO_DATA
        self._digits = Digits("-", classes="tile-digits")
        self._words = Static(fmt.NO_DATA, classes="tile-text")
        """The tile's parts, kept: every poll shows a value in them (no query each time)."""

    def compose(self) -> ComposeResult:
        yield Static(self.title, classes="tile-title")
        yield self._digits
        yield self._words

    def show(self, value: TileValue, *, compact: bool) -> None:
        digits = self._digits
        if digits.value != value.digits:
            digits.update(value.digits)
        words = value.text if value.digits == "-" else value.note
        shown = value.text if compact else words
        if shown != self._text:
            self._text = shown
            self._words.update(shown, layout=False)
        self.set_class(value.alarm, "-alarm")


class HeaderTiles(Horizontal):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._tiles = [Tile(key, title) for key, title in TILES]

    def compose(self) -> ComposeResult:
        yield from self._tiles

    def apply(self, view: View) -> None:
        values = tile_values(view)
        compact = self.app.has_class("-compact")
        for tile in self._tiles:
            tile.show(values[tile.tile_key], compact=compact)
