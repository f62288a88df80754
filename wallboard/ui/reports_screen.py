"""`R`: today's interval reports, queue intervals or agent productivity, on a screen of their own.

Why a screen and a worker: a report may need several requests at two a minute (seed 002), so it
loads in a worker that shows its progress (including "next in 40 s" while the reports budget
refills) and never touches the real-time cycle, which keeps polling behind this screen.

What refreshes: closed intervals are fetched once (the service caches them); the open interval
is refetched at most every `[reports] open_refresh` seconds, and only while this screen is the
one shown.

Keys: `i` switches the interval (15, 30, 45, 60 minutes), `v` switches queues/agents, Enter
drills down (a queue interval: its dialogs' segments; an agent interval: the per-queue figures),
`g` reloads now, Escape goes back to the wallboard.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from wallboard.providers.ringcx.errors import RingCxError
from wallboard.reports import Progress, ReportResult
from wallboard.reports_rows import AgentInterval, QueueInterval
from wallboard.reports_windows import ReportRangeError
from wallboard.ui.reports_access import ReportsAccess
from wallboard.ui.reports_extended import ExtendedScreen
from wallboard.ui.reports_segments import SegmentsScreen
from wallboard.ui.reports_table import (
    AGENT_COLUMNS,
    INTERVAL_COLUMN,
    QUEUE_COLUMNS,
    ReportRow,
    cells,
    row_key,
)

INTERVALS = (15, 30, 45, 60)
ReportView = Literal["queues", "agents"]
TITLES: dict[ReportView, str] = {
    "queues": "Queue intervals",
    "agents": "Agent productivity",
}


class ReportsScreen(Screen[None]):
    """See the module docstring."""

    DEFAULT_CSS = """
    ReportsScreen { layout: vertical; }
    ReportsScreen #reports-title { height: 1; text-style: bold; padding: 0 1; }
    ReportsScreen #reports-progress { height: auto; color: $text-muted; padding: 0 1; }
    ReportsScreen DataTable { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,R", "close", "Back to wallboard", id="reports.close"),
        Binding("i", "next_interval", "Interval", id="reports.interval"),
        Binding("v", "switch_view", "Queues/agents", id="reports.view"),
        Binding("enter", "drill_down", "Drill down", id="reports.drill"),
        Binding("g", "reload", "Reload", id="reports.reload"),
    ]

    def __init__(self, access: ReportsAccess, view: ReportView = "queues") -> None:
        super().__init__()
        self.access = access
        self.report_view: ReportView = view
        minutes = access.settings.interval
        self.minutes: int = minutes if minutes in INTERVALS else 30
        self.result: ReportResult[Any] | None = None
        """The report on screen (None until the first load ends)."""
        self.loads = 0
        """Loads finished (tests wait on it)."""
        self.error: str | None = None
        self._rows: dict[str, ReportRow] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="reports-title")
        yield Static("loading…", id="reports-progress")
        yield DataTable(cursor_type="row", id="reports-table")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.set_interval(self.access.settings.open_refresh, self._refresh_open, name="open")
        self.action_reload()

    # --- loading -------------------------------------------------------------------------------

    def action_reload(self) -> None:
        zone = self.access.service.zone.key
        self.query_one("#reports-title", Static).update(
            f"{TITLES[self.report_view]} · today · {self.minutes}-minute intervals · {zone}"
        )
        self.run_worker(self._load(), group="reports", exclusive=True, exit_on_error=False)

    def _refresh_open(self) -> None:
        """Refresh the open interval, only while this screen is shown (the service refetches
        it at most every `open_refresh` seconds; closed intervals come from its cache)."""
        if self.is_current:
            self.action_reload()

    def _progress(self, progress: Progress) -> None:
        self.query_one("#reports-progress", Static).update(progress.message)

    async def _load(self) -> None:
        service = self.access.service
        line = self.query_one("#reports-progress", Static)
        start, end = service.today()
        try:
            if self.report_view == "queues":
                result: ReportResult[Any] = await service.queue_intervals(
                    start, end, self.minutes, progress=self._progress
                )
            else:
                result = await service.agent_intervals(
                    start, end, self.minutes, progress=self._progress
                )
        except (RingCxError, ReportRangeError) as error:
            self.error = str(error)
            line.update(f"report unavailable: {error}")
            self.loads += 1
            return
        self.error = None
        self.result = result
        self._fill(result)
        words = [
            f"{len(result.rows)} rows",
            f"{result.requests} requests",
            f"{result.cached_intervals} intervals from the cache",
        ]
        if result.warnings:
            words.append(f"{result.warnings} malformed records skipped")
        line.update(" · ".join([*words, *result.notices]))
        self.loads += 1

    def _fill(self, result: ReportResult[Any]) -> None:
        table: DataTable[str] = self.query_one(DataTable)
        columns = QUEUE_COLUMNS if self.report_view == "queues" else AGENT_COLUMNS
        kept = self.selected_key
        table.clear(columns=True)
        for column in (INTERVAL_COLUMN, *columns):
            table.add_column(column.label, key=column.key, width=column.width)
        self._rows.clear()
        zone = self.access.service.zone
        everything = [*result.rows, *result.totals]
        if result.grand_total is not None:
            everything.append(result.grand_total)
        for row in everything:
            key = row_key(row)
            self._rows[key] = row
            table.add_row(*cells(row, columns, zone), key=key)
        if kept in self._rows:
            table.move_cursor(row=table.get_row_index(kept))

    # --- reading the table ---------------------------------------------------------------------

    @property
    def row_keys(self) -> list[str]:
        return list(self._rows)

    def row(self, key: str) -> ReportRow:
        return self._rows[key]

    @property
    def selected_key(self) -> str | None:
        table: DataTable[str] = self.query_one(DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def select(self, key: str) -> None:
        table: DataTable[str] = self.query_one(DataTable)
        table.move_cursor(row=table.get_row_index(key))

    # --- actions -------------------------------------------------------------------------------

    def action_next_interval(self) -> None:
        self.minutes = INTERVALS[(INTERVALS.index(self.minutes) + 1) % len(INTERVALS)]
        self.action_reload()

    def action_switch_view(self) -> None:
        self.report_view = "agents" if self.report_view == "queues" else "queues"
        self.action_reload()

    def action_drill_down(self) -> None:
        key = self.selected_key
        row = self._rows.get(key) if key else None
        if row is None or row.start is None:
            self.notify("choose an interval row (totals have no drill-down)", severity="warning")
            return
        service = self.access.service
        zone = service.zone
        label = row.start.astimezone(zone).strftime("%H:%M")
        if isinstance(row, QueueInterval):
            chosen = row
            self.app.push_screen(
                SegmentsScreen(
                    service,
                    f"Segments · {row.queue_name} · {label} ({row.interval_s // 60} min)",
                    lambda progress: service.queue_interval_segments(chosen, progress=progress),
                )
            )
        elif isinstance(row, AgentInterval):
            end = row.start + timedelta(seconds=row.interval_s)
            self.app.push_screen(ExtendedScreen(service, row, end, self.minutes))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_drill_down()

    def action_close(self) -> None:
        self.dismiss(None)
