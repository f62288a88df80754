"""Segment drill-down: a dialog's agent, IVR, queue and bot segments, and its recordings.

Opened from a queue interval row (the dialogs offered to that queue in that interval) or from a
call. The segments are fetched in a worker within the reports budget (the screen says when it
waits for it); `c` copies the selected segment's recording address to the clipboard with OSC 52
(`App.copy_to_clipboard`), which works over SSH. The address carries no credential, and the
screen does not print it either: a notice says it was copied.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from wallboard.providers.ringcx.errors import RingCxError
from wallboard.reports import Progress, ProgressCallback, ReportService, SegmentResult
from wallboard.reports_segments import Segment
from wallboard.ui import format as fmt
from wallboard.ui.reports_table import when

SegmentLoader = Callable[[ProgressCallback], Awaitable[SegmentResult]]

COLUMNS = (
    ("dialog", "Dialog", 12),
    ("kind", "Kind", 7),
    ("who", "Who", 14),
    ("joined", "Joined", 9),
    ("left", "Left", 9),
    ("duration", "Dur", 7),
    ("system", "System disp", 14),
    ("agent", "Agent disp", 12),
    ("notes", "Notes", 24),
    ("rec", "Rec", 4),
    ("transcript", "Txt", 4),
)


class SegmentsScreen(ModalScreen[None]):
    """The segments of the dialogs `load` fetches; see the module docstring."""

    DEFAULT_CSS = """
    SegmentsScreen { align: center middle; }
    SegmentsScreen > Vertical {
        width: 95%; height: 90%; border: round $accent; background: $surface; padding: 0 1;
    }
    SegmentsScreen #segments-progress { height: auto; color: $text-muted; }
    SegmentsScreen DataTable { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Back", id="segments.close"),
        Binding("c", "copy_recording", "Copy recording address", id="segments.copy"),
    ]

    def __init__(self, service: ReportService, title: str, load: SegmentLoader) -> None:
        super().__init__()
        self.service = service
        self.title_text = title
        self._load = load
        self.result: SegmentResult | None = None
        self.error: str | None = None
        self._segments: dict[str, Segment] = {}

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield Static("loading segments…", id="segments-progress")
            table: DataTable[str] = DataTable(cursor_type="row")
            for key, label, width in COLUMNS:
                table.add_column(label, key=key, width=width)
            yield table
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.run_worker(self._fetch(), name="segments", exit_on_error=False)

    def _progress(self, progress: Progress) -> None:
        self.query_one("#segments-progress", Static).update(progress.message)

    async def _fetch(self) -> None:
        line = self.query_one("#segments-progress", Static)
        try:
            result = await self._load(self._progress)
        except (RingCxError, ValueError) as error:
            self.error = str(error)
            line.update(f"segments unavailable: {error}")
            return
        self.result = result
        self._fill(result)
        recorded = sum(1 for s in result.segments if s.has_recording)
        words = [
            f"{len(result.dialogs)} dialogs, {len(result.segments)} segments, "
            f"{recorded} recorded" + (" (c copies the selected one's address)" if recorded else "")
        ]
        line.update(" · ".join([*words, *result.notices]))

    def _fill(self, result: SegmentResult) -> None:
        table = self.query_one(DataTable)
        zone = self.service.zone
        table.clear()
        self._segments.clear()
        for dialog in result.dialogs:
            for segment in dialog.segments:
                key = f"{segment.dialog_id}/{segment.segment_id}"
                self._segments[key] = segment
                table.add_row(
                    segment.dialog_id[-12:],
                    segment.kind,
                    segment.participant_id or segment.agent_group_id or "-",
                    when(segment.joined, zone),
                    when(segment.left, zone),
                    fmt.duration(segment.duration_s),
                    segment.system_disposition or "",
                    segment.agent_disposition or "",
                    (segment.notes or "").replace("\n", " "),
                    "yes" if segment.has_recording else "",
                    "yes" if segment.has_transcript else "",
                    key=key,
                )

    @property
    def selected(self) -> Segment | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self._segments.get(str(key))

    def select_segment(self, segment: Segment) -> None:
        """Put the cursor on `segment` (tests and the first recorded segment)."""
        table = self.query_one(DataTable)
        table.move_cursor(row=table.get_row_index(f"{segment.dialog_id}/{segment.segment_id}"))

    async def action_copy_recording(self) -> None:
        segment = self.selected
        if segment is None:
            self.notify("no segment selected", severity="warning")
            return
        if not segment.has_recording:
            self.notify(f"segment {segment.segment_id} has no recording", severity="warning")
            return
        try:
            address = await self.service.recording_address(segment)
        except (RingCxError, ValueError) as error:
            self.notify(f"recording address unavailable: {error}", severity="error")
            return
        self.app.copy_to_clipboard(address)
        self.notify(f"recording address of segment {segment.segment_id} copied (OSC 52)")

    def action_close(self) -> None:
        self.dismiss(None)
