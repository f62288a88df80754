"""Agent drill-down: one agent's extended figures per queue for one interval.

Why a separate request: the per-queue stats (answered, transfers out, talk and wrap-up) are a
report of their own (seed 002's extended agent report); fetching it only when a supervisor asks
keeps the two-a-minute reports budget for the panes.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from wallboard.providers.ringcx.errors import RingCxError
from wallboard.reports import Progress, ReportService
from wallboard.reports_rows import AgentInterval, AgentQueueInterval, total
from wallboard.reports_windows import ReportRangeError
from wallboard.ui.reports_table import EXTENDED_COLUMNS, INTERVAL_COLUMN, cells, row_key


class ExtendedScreen(ModalScreen[None]):
    """`row`'s agent, per queue, over `row`'s interval."""

    DEFAULT_CSS = """
    ExtendedScreen { align: center middle; }
    ExtendedScreen > Vertical {
        width: 90%; height: 70%; border: round $accent; background: $surface; padding: 0 1;
    }
    ExtendedScreen #extended-progress { height: auto; color: $text-muted; }
    ExtendedScreen DataTable { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Back", id="extended.close"),
    ]

    def __init__(
        self, service: ReportService, row: AgentInterval, end: datetime, minutes: int
    ) -> None:
        super().__init__()
        self.service = service
        self.agent = row
        self.end = end
        self.minutes = minutes
        self.rows: list[AgentQueueInterval] = []
        self.loaded = False

    def compose(self) -> ComposeResult:
        start = self.agent.start
        label = start.astimezone(self.service.zone).strftime("%H:%M") if start else ""
        with Vertical() as box:
            box.border_title = f"{self.agent.agent_name} · per queue · {label}"
            yield Static("loading…", id="extended-progress")
            table: DataTable[str] = DataTable(cursor_type="row")
            for column in (INTERVAL_COLUMN, *EXTENDED_COLUMNS):
                table.add_column(column.label, key=column.key, width=column.width)
            yield table
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.run_worker(self._load(), name="extended", exit_on_error=False)

    def _progress(self, progress: Progress) -> None:
        self.query_one("#extended-progress", Static).update(progress.message)

    async def _load(self) -> None:
        line = self.query_one("#extended-progress", Static)
        start = self.agent.start
        if start is None:
            line.update("a totals row has no interval")
            return
        try:
            result = await self.service.agent_queue_intervals(
                start, self.end, self.minutes, progress=self._progress
            )
        except (RingCxError, ReportRangeError) as error:
            line.update(f"report unavailable: {error}")
            return
        self.rows = [r for r in result.rows if r.agent_id == self.agent.agent_id]
        table: DataTable[str] = self.query_one(DataTable)
        zone = self.service.zone
        summed = total(self.rows, queue_id="*", queue_name="All queues")
        for row in [*self.rows, *([summed] if summed else [])]:
            table.add_row(*cells(row, EXTENDED_COLUMNS, zone), key=row_key(row))
        line.update(f"{len(self.rows)} queues · " + " · ".join(result.notices or ("",)))
        self.loaded = True

    def action_close(self) -> None:
        self.dismiss(None)
