"""The active-calls pane: a Line-API table that renders only the rows on screen.

Why not a DataTable: a 10,000-row DataTable rebuild blocks about 4 s, and even an update resends
the whole visible table. This is a `ScrollView` whose `render_line(y)` builds one row on demand
(as Toolong's log view does): a poll replaces the call records by uii, recomputes the order (a
list of uii strings) and refreshes; only the visible rows are ever turned into segments.

New calls are marked NEW for one cycle; calls that ended stay one cycle, dimmed and marked ENDED,
so a supervisor sees them go. `selected_uii` is where call actions (issue 6) will read their
target.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.events import Click
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from wallboard import metrics as m
from wallboard.domain import ActiveCall
from wallboard.store import SourceStatus, View
from wallboard.ui import format as fmt
from wallboard.ui.actions_bindings import CALL_ACTION_BINDINGS
from wallboard.ui.borders import set_border
from wallboard.ui.keyed_table import FrameGeometry, set_virtual_size

#: (key, label, width) of each column, in display order. The row fits the half-width pane at
#: 200 columns (96 inside its border and scroll bar): no column hides off to the right.
CALL_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("mark", "", 5),
    ("uii", "UII", 11),
    ("ani", "ANI", 12),
    ("dnis", "DNIS", 12),
    ("agent", "Agent", 12),
    ("destination", "Destination", 12),
    ("state", "State", 9),
    ("time", "Time", 8),
    ("product", "Via", 6),
)
ROW_WIDTH = sum(width + 1 for _, _, width in CALL_COLUMNS)
UII_TAIL = CALL_COLUMNS[1][2] - 1
"""A uii is 30 digits and starts with its creation time and node, the same on every row; the
pane shows its last digits (the sequence that tells calls apart) after an ellipsis."""
PRODUCT_SHORT = {"OUTBOUND": "OUT", "VISUAL_IVR": "IVR", "INBOUND": "IN"}


def short_uii(uii: str) -> str:
    return uii if len(uii) <= UII_TAIL + 1 else "…" + uii[-UII_TAIL:]


def call_time(call: ActiveCall, now: datetime) -> tuple[str, float | None]:
    """("q 1:05" in queue | "c 3:10" connected, seconds)."""
    if call.dequeued_at is not None:
        seconds = m.time_connected(call.dequeued_at, now)
        return f"c {fmt.duration(seconds)}", seconds
    seconds = m.time_in_queue(call.enqueued_at, None, now)
    return f"q {fmt.duration(seconds)}", seconds


def _sort_value(column: str, now: datetime) -> Callable[[ActiveCall], tuple[int, Any]]:
    if column == "time":

        def by_time(call: ActiveCall) -> tuple[int, Any]:
            seconds = call_time(call, now)[1]
            return (1, 0.0) if seconds is None else (0, seconds)

        return by_time

    def by_field(call: ActiveCall) -> tuple[int, Any]:
        value = getattr(call, column, None)
        return (1, "") if value is None else (0, str(value).lower())

    return by_field


def header_line() -> str:
    return " ".join(label.ljust(width) for _, label, width in CALL_COLUMNS)


class CallsTable(ScrollView, can_focus=True):
    """The virtualized rows. Keys move a cursor; only visible lines are rendered."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "Up", show=False, id="calls.up"),
        Binding("down", "cursor(1)", "Down", show=False, id="calls.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="calls.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="calls.page_down"),
        Binding("home", "edge(0)", "First", show=False, id="calls.first"),
        Binding("end", "edge(1)", "Last", show=False, id="calls.last"),
        *CALL_ACTION_BINDINGS,
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "calls--cursor",
        "calls--new",
        "calls--ended",
        "calls--waiting",
    }
    cursor: reactive[int] = reactive(0, always_update=True)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._calls: Mapping[str, ActiveCall] = {}
        self._ended: dict[str, ActiveCall] = {}
        self._new: frozenset[str] = frozenset()
        self._order: list[str] = []
        self._now: datetime | None = None
        self.sort_column: str | None = None
        self.sort_reverse = False
        self.show_cursor = True
        self._cache: dict[tuple[str, bool], Strip] = {}
        self._styles: dict[tuple[str, bool], Style] = {}
        """(component class, under the cursor) -> a line's style, looked up once per poll (and
        again after anything that drops the cached lines): Textual computes a widget's style by
        walking its ancestors, too slow for every line."""
        self._frame = FrameGeometry(self, self._shown_cursor)
        self._painted: dict[int, list[Segment]] = {}
        """Line index -> what was last painted there (what a poll compares against)."""
        self.renders = 0
        """Rows turned into segments since start (tests prove the virtualization with it)."""
        self.console_marks: Mapping[str, str] = {}
        """Marks set from this console's actions (uii -> "RM"...), shown in the mark column."""
        self.hidden: set[str] = set()
        """Calls this console hung up or found ended: left out until the poll drops them."""

    # --- data ----------------------------------------------------------------------------------

    def apply(self, view: View, needle: str) -> None:
        """Take this view's calls by uii (ended ones stay one cycle), then order and redraw."""
        previous = self._calls
        ended = view.delta.calls_ended
        self._ended = {uii: previous[uii] for uii in ended if uii in previous}
        self._calls = view.calls
        self._new = view.delta.calls_appeared if not view.delta.first else frozenset()
        self._now = view.taken_at
        self.reorder(needle)

    def reorder(self, needle: str) -> None:
        keep = self.selected_uii
        every = [*self._calls, *self._ended]
        if self.hidden:
            every = [u for u in every if u not in self.hidden]
        if needle:
            every = [uii for uii in every if needle in self._search_text(uii)]
        if self.sort_column is not None and self._now is not None:
            value = _sort_value(self.sort_column, self._now)
            every.sort(key=lambda uii: value(self._record(uii)), reverse=self.sort_reverse)
        self._order = every
        set_virtual_size(self, Size(ROW_WIDTH, len(every)))
        cursor = self.cursor
        if keep is not None and keep in self._calls:
            cursor = self._order.index(keep) if keep in self._order else 0
        cursor = min(cursor, max(0, len(self._order) - 1))
        if cursor != self.cursor:
            self.cursor = cursor  # repaints the lines it leaves and reaches
        self._repaint_changes()

    def _repaint_changes(self) -> None:
        """Rebuild the visible lines and repaint those that differ from the last paint. A poll
        where a few calls moved sends those lines, not the pane (a wall TV over SSH)."""
        before, self._painted = self._painted, {}
        self._styles = {}  # looked up afresh each poll
        cache: dict[tuple[str, bool], Strip] = {}
        first = self.scroll_offset.y
        height = self.scrollable_content_region.height
        cursor = self._shown_cursor()
        width = max(self.virtual_size.width, self.size.width)
        dirty: list[Region] = []
        for index in range(first, min(first + height, len(self._order))):
            uii = self._order[index]
            selected = index == cursor
            segments = self._segments(uii, selected)
            cache[uii, selected] = Strip(segments)
            self._painted[index] = segments
            if before.pop(index, None) != segments:
                dirty.append(Region(0, index - first, width, 1))
        for index in before:
            if first <= index < first + height:
                dirty.append(Region(0, index - first, width, 1))  # past the end now: blank
        self._cache = cache
        if dirty:  # one refresh for all the lines: each call re-reads the widget's geometry
            self.refresh(*dirty)

    def _shown_cursor(self) -> int:
        """The line showing the cursor; -1 when none does (hidden, or the table not focused)."""
        return self.cursor if self.show_cursor and self.has_focus else -1

    def _record(self, uii: str) -> ActiveCall:
        call = self._calls.get(uii)
        return call if call is not None else self._ended[uii]

    def _search_text(self, uii: str) -> str:
        c = self._record(uii)
        parts = (c.uii, c.ani, c.dnis, c.agent, c.destination, c.state, c.product)
        return " ".join(p for p in parts if p).lower()

    @property
    def order(self) -> list[str]:
        return list(self._order)

    @property
    def selected_uii(self) -> str | None:
        """The call under the cursor, if it is still live (the target of call actions)."""
        if not self._order or self.cursor >= len(self._order):
            return None
        uii = self._order[self.cursor]
        return uii if uii in self._calls else None

    def select(self, uii: str) -> bool:
        if uii not in self._order:
            return False
        self.cursor = self._order.index(uii)
        return True

    # --- rendering -----------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        with self._frame.rendering():
            return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y, width, cursor = self._frame.get()
        index = scroll_y + y
        if index >= len(self._order) or self._now is None:
            return Strip.blank(width, self._line_style("", False))
        uii = self._order[index]
        selected = index == cursor
        key = (uii, selected)
        strip = self._cache.get(key)
        if strip is None:
            segments = self._segments(uii, selected)
            strip = self._cache[key] = Strip(segments)
            self._painted[index] = segments
        return strip.crop_extend(scroll_x, scroll_x + width, self._line_style("", False))

    def _segments(self, uii: str, selected: bool) -> list[Segment]:
        self.renders += 1
        assert self._now is not None
        call = self._record(uii)
        ended = uii not in self._calls
        mark = "ENDED" if ended else self.console_marks.get(uii, "NEW" if uii in self._new else "")
        shown, _ = call_time(call, self._now)
        values = {
            "mark": mark,
            "uii": short_uii(call.uii),
            "ani": call.ani or "",
            "dnis": call.dnis or "",
            "agent": call.agent or "(waiting)",
            "destination": call.destination or "",
            "state": call.state,
            "time": shown,
            "product": PRODUCT_SHORT.get(call.product or "", call.product or ""),
        }
        text = " ".join(values[key][:width].ljust(width) for key, _, width in CALL_COLUMNS)
        if ended:
            kind = "calls--ended"
        elif uii in self._new:
            kind = "calls--new"
        elif call.dequeued_at is None:
            kind = "calls--waiting"
        else:
            kind = ""
        return [Segment(text + " ", self._line_style(kind, selected))]

    def _line_style(self, kind: str, selected: bool) -> Style:
        """The widget's style plus the component class `kind` (if any) and the cursor's."""
        style = self._styles.get((kind, selected))
        if style is None:
            style = self.rich_style
            if kind:
                style += self.get_component_rich_style(kind)
            if selected:
                style += self.get_component_rich_style("calls--cursor")
            self._styles[kind, selected] = style
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._forget_lines()

    def _forget_lines(self) -> None:
        """Drop the cached lines and the styles they were made with."""
        self._cache.clear()
        self._styles.clear()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._painted = {}  # every line shows another call now
        self._styles.clear()  # lines scrolled in are made with the styles of now

    def watch_cursor(self, old: int, new: int) -> None:
        self._forget_lines()
        self.scroll_to_region(Region(0, new, 1, 1), animate=False, force=True)
        self.refresh()

    def on_focus(self) -> None:
        self._forget_lines()
        self.refresh()

    def on_blur(self) -> None:
        self._forget_lines()
        self.refresh()

    # --- keys and mouse ------------------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        if self._order:
            self.cursor = max(0, min(len(self._order) - 1, self.cursor + step))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.scrollable_content_region.height - 1))

    def action_edge(self, end: int) -> None:
        self.cursor = max(0, len(self._order) - 1) if end else 0

    def on_click(self, event: Click) -> None:
        index = self.scroll_offset.y + event.y
        if 0 <= index < len(self._order):
            self.cursor = index


SORTABLE = tuple(key for key, _, _ in CALL_COLUMNS if key != "mark")


class CallsPane(Vertical):
    """Title, column header and the virtualized table; sorting and staleness like the others."""

    SOURCE = "calls"
    TITLE = "Active calls"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="pane")
        self.border_title = self.TITLE

    def compose(self) -> ComposeResult:
        yield Static(header_line(), classes="calls-header", markup=False)
        yield CallsTable()

    @property
    def table(self) -> CallsTable:
        return self.query_one(CallsTable)

    @property
    def selected_uii(self) -> str | None:
        """The call actions (issue 6) act on this call."""
        return self.table.selected_uii

    def apply(self, view: View, needle: str) -> None:
        table = self.table
        table.apply(view, needle)
        summary = view.call_summary
        extra = f"({summary.total}, {summary.waiting} waiting)"
        if self.SOURCE in view.waiting:
            extra = "(loading the first listing…)"
        elif summary.truncated:
            extra += " listing truncated"
        set_border(self, title=f"{self.TITLE}  {extra}")
        self._show_status(view.sources.get(self.SOURCE), len(table.order) if needle else None)

    def _show_status(self, status: SourceStatus | None, shown: int | None) -> None:
        """The data's age; how many calls the filter left, when one is set (unfiltered, the
        title already counts them, and a count that moves every poll would resend the line)."""
        if status is None:
            return
        self.set_class(status.stale, "-stale")
        if not status.polling:
            subtitle = "paused (not polled)"
        elif status.stale:
            subtitle = f"STALE · data {fmt.age(status.age_s)} old"
        elif status.error:
            subtitle = f"last poll failed · data {fmt.age(status.age_s)} old"
        else:
            subtitle = f"{fmt.age(status.age_s)} old"
            if shown is not None:
                subtitle = f"{shown} shown · {subtitle}"
        set_border(self, subtitle=subtitle)

    def cycle_sort(self, needle: str) -> str:
        table = self.table
        current = table.sort_column
        if current is None:
            table.sort_column = SORTABLE[0]
        else:
            nxt = SORTABLE.index(current) + 1
            table.sort_column = SORTABLE[nxt] if nxt < len(SORTABLE) else None
        table.reorder(needle)
        return self.sort_label

    def reverse_sort(self, needle: str) -> str:
        table = self.table
        table.sort_reverse = not table.sort_reverse
        table.sort_column = table.sort_column or SORTABLE[0]
        table.reorder(needle)
        return self.sort_label

    @property
    def sort_label(self) -> str:
        column = self.table.sort_column
        if column is None:
            return "unsorted"
        label = next(lbl for key, lbl, _ in CALL_COLUMNS if key == column)
        return f"{label} {fmt.DOWN if self.table.sort_reverse else fmt.UP}"

    def select(self, uii: str) -> bool:
        table = self.table
        if not table.select(uii):
            return False
        table.focus()
        return True
