"""A pane holding a `KeyedTable`: which entities, in which order, and how one becomes a row.

Why the pane computes the order and the table builds rows: ordering (filter, sort) needs one
cheap value per entity; a row (formatted numbers, marks, a trend) is costly and only worth
building for the lines on screen. So a poll costs one pass over the keys plus the visible rows,
whatever the pane holds: 500 campaigns or 7,500 agents.

Sorting orders by the raw value a column shows (numbers as numbers, "no data" last; ties by
key), never by its text; a pane may give a cheaper sort value than building the row (the agents
pane does). See `sort_order` for how an order is kept from poll to poll.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical

from wallboard.store import SourceStatus, View
from wallboard.ui import format as fmt
from wallboard.ui.borders import set_border
from wallboard.ui.keyed_table import Cell, Column, KeyedTable, Row
from wallboard.ui.sort_order import SortedOrder, patch_order, sort_order


class TablePane(Vertical):
    """Base of the campaign, IVR, queue and agent panes: subclasses say which source, which
    columns, how one entity becomes a row (`row`), what it is found by (`search_text`) and what
    each column sorts by (`sort_value`)."""

    SOURCE: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""
    COLUMNS: ClassVar[tuple[Column, ...]] = ()
    DEFAULT_SORT: ClassVar[int | None] = None
    METRICS: ClassVar[dict[str, str]] = {}
    """Columns showing a derived metric, by the metric's key (what they sort by)."""
    SORTS_BY_RECORD: ClassVar[bool] = False
    """Every column sorts by a field of the record alone (not a metric, not history)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="pane")
        self.border_title = self.TITLE
        self.sort_column: int | None = self.DEFAULT_SORT
        self.sort_reverse = False
        self._view: View | None = None
        self._needle = ""
        self._sorted: SortedOrder | None = None
        """The last sort (column and direction, sort values, order): reused when equal."""
        self._sorted_at: View | None = None
        """The view the last sort holds for (None when a filter was set)."""
        self._search: dict[str, tuple[object, str]] = {}
        """key -> (record it was made from, search text): rebuilt only when the record changes."""

    def compose(self) -> ComposeResult:
        yield KeyedTable(self.COLUMNS)

    @property
    def table(self) -> KeyedTable:
        return self.query_one(KeyedTable)

    # --- what subclasses provide ---------------------------------------------------------------

    def row(self, view: View, key: str) -> Row:
        """The cells of one entity."""
        raise NotImplementedError

    def search_text(self, view: View, key: str) -> str:
        """What the filter matches against (lower case)."""
        raise NotImplementedError

    def sort_value(self, view: View, key: str, column: int) -> Any:
        """What `column` sorts by for one entity (None sorts last): the raw value, never the
        text shown. By default: the name case-folded, a metric named in `METRICS`, nothing for
        the trend, else the record's field of the column's key."""
        entity = self.entities(view)[key]
        name = self.COLUMNS[column].key
        if name == "name":
            return str(entity.record.name).lower()
        if name in self.METRICS:
            return entity.metrics.get(self.METRICS[name])
        return None if name == "trend" else getattr(entity.record, name)

    def sort_values(self, view: View, keys: Iterable[str], column: int) -> dict[str, Any]:
        """`sort_value` of many entities at once, in the order of `keys` (a pane of thousands
        overrides it with a tight loop: the sort runs every poll)."""
        return {k: self.sort_value(view, k, column) for k in keys}

    def summary(self, view: View) -> str:
        """Extra words for the pane's border title."""
        return ""

    def entities(self, view: View) -> Mapping[str, Any]:
        found: Mapping[str, Any] = getattr(view, self.SOURCE)
        return found

    # --- applying a view -----------------------------------------------------------------------

    def apply(self, view: View, needle: str) -> None:
        """Show `view`: compute the order (filter, sort) and let the table repaint what moved."""
        self._view, self._needle = view, needle
        self._reorder()
        self._show_status(view.sources.get(self.SOURCE), view)

    def _reorder(self) -> None:
        view = self._view
        if view is None:
            return
        patched = self._patched(view)
        if patched is not None:
            self._sorted, self._sorted_at = patched, view
            self.table.show(patched.keys, lambda key: self.row(view, key))
            return
        keys: list[str] = list(self.entities(view))
        if self._needle:
            keys = [k for k in keys if self._needle in self._search_text(view, k)]
        if self.sort_column is not None:
            how = (self.sort_column, self.sort_reverse)
            values = self.sort_values(view, keys, self.sort_column)
            last = self._sorted
            if last is None or last.how != how or last.values != values:
                last = self._sorted = sort_order(how, values)
            keys = last.keys  # else nothing it sorts by moved (names rarely do): no sort
            self._sorted_at = view if not self._needle else None
        self.table.show(keys, lambda key: self.row(view, key))

    def _patched(self, view: View) -> SortedOrder | None:
        """The last sort patched from the store's delta (see `sort_order`): the view follows
        the one it was made for, and only the entities that came, went or whose sort value
        moved are placed again. Only for panes that sort by record fields alone
        (`SORTS_BY_RECORD`): at 7,500 agents even computing every sort value each poll is
        most of the pane's cost. None when a full sort is needed."""
        last, order = self._sorted_at, self._sorted
        if not self.SORTS_BY_RECORD or last is None or order is None or self._needle:
            return None
        column = self.sort_column
        if column is None or order.how != (column, self.sort_reverse):
            return None
        if view.snapshot.cycle != last.snapshot.cycle + 1:
            return None  # a view was skipped (or a cycle published twice): the delta is not ours
        delta, source, values = view.delta, self.SOURCE, order.values
        if delta.first:
            return None
        placed = self.sort_values(view, delta.appeared.get(source, ()), column)
        updated = self.sort_values(view, delta.updated.get(source, ()), column)
        get = values.get
        placed.update((k, v) for k, v in updated.items() if v != get(k))
        return patch_order(order, delta.removed.get(source, ()), placed)

    def _search_text(self, view: View, key: str) -> str:
        record = self.entities(view)[key].record
        cached = self._search.get(key)
        if cached is not None and cached[0] is record:
            return cached[1]
        text = self.search_text(view, key)
        self._search[key] = (record, text)
        return text

    def _show_status(self, status: SourceStatus | None, view: View) -> None:
        extra = self.summary(view)
        title = f"{self.TITLE}  {extra}".rstrip()
        if status is None:
            loading = self.SOURCE in view.waiting
            set_border(self, title=title, subtitle="loading…" if loading else None)
            return
        self.set_class(status.stale, "-stale")
        if not status.polling:
            subtitle = "paused (not polled)"
        elif status.stale:
            subtitle = f"STALE · data {fmt.age(status.age_s)} old"
        elif status.error:
            subtitle = f"last poll failed · data {fmt.age(status.age_s)} old"
        else:
            subtitle = f"{self.table.row_count} shown · {fmt.age(status.age_s)} old"
        set_border(self, title=title, subtitle=subtitle)

    # --- sorting -------------------------------------------------------------------------------

    def cycle_sort(self) -> str:
        """Sort by the next column (none -> first -> ... -> last -> none); returns its label."""
        count = len(self.COLUMNS)
        self.sort_column = (
            0
            if self.sort_column is None
            else (self.sort_column + 1 if self.sort_column + 1 < count else None)
        )
        self._reorder()
        return self.sort_label

    def reverse_sort(self) -> str:
        self.sort_reverse = not self.sort_reverse
        if self.sort_column is None:
            self.sort_column = 0
        self._reorder()
        return self.sort_label

    def sort_by(self, column_key: str) -> None:
        keys = [c.key for c in self.COLUMNS]
        index = keys.index(column_key)
        if self.sort_column == index:
            self.sort_reverse = not self.sort_reverse
        self.sort_column = index
        self._reorder()

    @property
    def sort_label(self) -> str:
        if self.sort_column is None:
            return "unsorted"
        arrow = fmt.DOWN if self.sort_reverse else fmt.UP
        return f"{self.COLUMNS[self.sort_column].label} {arrow}"

    def on_keyed_table_header_clicked(self, event: KeyedTable.HeaderClicked) -> None:
        event.stop()
        self.sort_by(event.column)

    # --- jumping and reading -------------------------------------------------------------------

    def select(self, key: str) -> bool:
        """Move the cursor to the row of `key` (the command palette's jump)."""
        table = self.table
        if not table.select(key):
            return False
        table.focus()
        return True

    @property
    def table_rows(self) -> dict[str, Row]:
        """The rows on screen, by key, as painted (tests check what changed)."""
        return self.table.visible_rows

    @property
    def row_keys(self) -> list[str]:
        """Keys in display order (tests read the sort and the filter with it)."""
        return self.table.order

    def row_of(self, key: str) -> Row | None:
        """One entity's row as shown now (built on demand), None when filtered out."""
        return self.table.row(key)


def cell(text: str, style: str = "") -> Cell:
    return Cell(text, style)


def delta_cell(
    view: View, source: str, key: str, field: str, value: float | None, shown: str | None = None
) -> Cell:
    """A number with its up/down mark since the last poll."""
    text = shown if shown is not None else fmt.num(value)
    return Cell(text, "", view.delta.direction(source, key, field))


def search_text(*parts: str | None) -> str:
    return " ".join(p for p in parts if p).lower()
