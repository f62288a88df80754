"""A pane holding a keyed `DataTable` that changes only the cells that changed.

Why keyed cell updates and not a rebuild: a rebuild resends every cell each poll (and loses the
cursor and scroll position); Dolphie's process list updates changed cells only. Rows are keyed by
entity id, columns by a fixed key, so `update_cell` touches exactly what moved.

Sorting: every cell is a `SortableText` carrying the raw value it shows, so sorting orders by
numbers (and puts "no data" last), never by the text.

Incremental panes (`INCREMENTAL = True`, the agents pane at thousands of rows) rebuild only the
rows of entities the store's delta says changed, plus the rows that carried an up/down mark last
poll (the mark must go); every other row is reused as it is, so a poll costs what changed, not
what is shown. Their rows may depend on the record and the delta only, never on the clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable

from wallboard.store import SourceStatus, View
from wallboard.ui import format as fmt

SortValue = tuple[int, Any]


class SortableText(Text):
    """A cell: what it shows plus the value it sorts by (None sorts last)."""

    def __init__(self, text: str | Text, value: Any = None, style: str = "") -> None:
        if isinstance(text, Text):
            super().__init__(style=style)
            self.append_text(text)
        else:
            super().__init__(text, style=style)
        self.sort_value: SortValue = (1, 0) if value is None else (0, value)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int = 8
    """Fixed, so columns never jump on a wall as values grow (and no re-measuring per poll)."""


Row = tuple[SortableText, ...]


class TablePane(Vertical):
    """Base of the campaign, IVR, queue and agent panes: subclasses say which source, which
    columns, and how one entity becomes a row (`rows`)."""

    SOURCE: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""
    COLUMNS: ClassVar[tuple[Column, ...]] = ()
    INCREMENTAL: ClassVar[bool] = False

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="pane")
        self.border_title = self.TITLE
        self._rows: dict[str, Row] = {}
        self._built: dict[str, tuple[str, Row]] = {}
        """Every entity's (search text, row), shown or filtered out (incremental panes)."""
        self._marked: set[str] = set()
        self.sort_column: int | None = None
        self.sort_reverse = False

    def compose(self) -> ComposeResult:
        table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=False)
        for column in self.COLUMNS:
            table.add_column(column.label, key=column.key, width=column.width)
        yield table

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one(DataTable)

    # --- what subclasses provide ---------------------------------------------------------------

    def rows(self, view: View) -> Iterable[tuple[str, str, Row]]:
        """(key, searchable text, cells) per entity."""
        raise NotImplementedError

    def rows_of(self, view: View, keys: set[str]) -> Iterable[tuple[str, str, Row]]:
        """`rows` for some entities only (incremental panes override it)."""
        return (r for r in self.rows(view) if r[0] in keys)

    def summary(self, view: View) -> str:
        """Extra words for the pane's border title."""
        return ""

    # --- applying a view -----------------------------------------------------------------------

    def apply(self, view: View, needle: str) -> None:
        """Bring the table to `view`: add, remove and update cells by key; then re-sort."""
        table = self.table
        built = self._build(view)
        wanted = {key: row for key, (text, row) in built.items() if not needle or needle in text}
        for key in [k for k in self._rows if k not in wanted]:
            table.remove_row(key)
            del self._rows[key]
        columns = [c.key for c in self.COLUMNS]
        for key, row in wanted.items():
            old = self._rows.get(key)
            if old is row:
                continue  # an incremental pane reused it: nothing moved
            if old is None:
                table.add_row(*row, key=key)
            else:
                for column, new_cell, old_cell in zip(columns, row, old, strict=True):
                    if new_cell != old_cell:
                        table.update_cell(key, column, new_cell)
            self._rows[key] = row
        self._sort()
        self._show_status(view.sources.get(self.SOURCE), view)

    def _build(self, view: View) -> dict[str, tuple[str, Row]]:
        """Every entity's (search text, row): all rebuilt, or for an incremental pane only
        those that changed or lose a mark."""
        if not self.INCREMENTAL:
            return {key: (text, row) for key, text, row in self.rows(view)}
        entities: dict[str, Any] = getattr(view, self.SOURCE)
        delta = view.delta
        moved = set(delta.changed.get(self.SOURCE, {}))
        touched = set(delta.updated.get(self.SOURCE, ())) | moved | self._marked
        stale = {k for k in touched if k in entities} | {
            k for k in entities if k not in self._built
        }
        built = {k: v for k, v in self._built.items() if k in entities}
        for key, text, row in self.rows_of(view, stale):
            built[key] = (text, row)
        self._built, self._marked = built, moved
        return built

    def _show_status(self, status: SourceStatus | None, view: View) -> None:
        extra = self.summary(view)
        self.border_title = f"{self.TITLE}  {extra}".rstrip()
        if status is None:
            return
        self.set_class(status.stale, "-stale")
        if not status.polling:
            self.border_subtitle = "paused (not polled)"
        elif status.stale:
            self.border_subtitle = f"STALE · data {fmt.age(status.age_s)} old"
        elif status.error:
            self.border_subtitle = f"last poll failed · data {fmt.age(status.age_s)} old"
        else:
            self.border_subtitle = f"{len(self._rows)} shown · {fmt.age(status.age_s)} old"

    # --- sorting -------------------------------------------------------------------------------

    def cycle_sort(self) -> str:
        """Sort by the next column (none -> first -> ... -> last -> none); returns its label."""
        count = len(self.COLUMNS)
        self.sort_column = (
            0
            if self.sort_column is None
            else (self.sort_column + 1 if self.sort_column + 1 < count else None)
        )
        self._sort()
        return self.sort_label

    def reverse_sort(self) -> str:
        self.sort_reverse = not self.sort_reverse
        if self.sort_column is None:
            self.sort_column = 0
        self._sort()
        return self.sort_label

    def sort_by(self, column_key: str) -> None:
        keys = [c.key for c in self.COLUMNS]
        index = keys.index(column_key)
        if self.sort_column == index:
            self.sort_reverse = not self.sort_reverse
        self.sort_column = index
        self._sort()

    @property
    def sort_label(self) -> str:
        if self.sort_column is None:
            return "unsorted"
        arrow = fmt.DOWN if self.sort_reverse else fmt.UP
        return f"{self.COLUMNS[self.sort_column].label} {arrow}"

    def _sort(self) -> None:
        if self.sort_column is None or not self._rows:
            return
        key = self.COLUMNS[self.sort_column].key
        self.table.sort(key, key=_sort_key, reverse=self.sort_reverse)

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        self.sort_by(str(event.column_key.value))

    # --- jumping -------------------------------------------------------------------------------

    def select(self, key: str) -> bool:
        """Move the cursor to the row of `key` (the command palette's jump)."""
        if key not in self._rows:
            return False
        table = self.table
        table.move_cursor(row=table.get_row_index(key))
        table.focus()
        return True

    @property
    def table_rows(self) -> dict[str, Row]:
        """The rows shown, by key (the cells as built; tests check what was rebuilt)."""
        return dict(self._rows)

    @property
    def row_keys(self) -> list[str]:
        """Keys in display order (tests read the sort with it)."""
        return [str(row.key.value) for row in self.table.ordered_rows]


def _sort_key(cell: Any) -> SortValue:
    value: SortValue = getattr(cell, "sort_value", (1, 0))
    return value


def cell(text: str | Text, value: Any = None, style: str = "") -> SortableText:
    return SortableText(text, value, style)


def delta_cell(
    view: View, source: str, key: str, field: str, value: float | None, shown: str | None = None
) -> SortableText:
    """A number with its up/down mark since the last poll."""
    text = shown if shown is not None else fmt.num(value)
    return SortableText(fmt.marked(text, view.delta.direction(source, key, field)), value)


def search_text(*parts: str | None) -> str:
    return " ".join(p for p in parts if p).lower()
