"""The audit pane (`A`): every action attempt and outcome this screen wrote since it started.

Why fed by `layer.audit.listen`: the pane shows exactly the records that went to the audit file
(already scrubbed of secrets), in the order written, including refusals that sent nothing. The
file itself, with other processes' lines, is `wallboard audit`'s job.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from wallboard.audit import AuditRecord

COLUMNS = ("Time", "Phase", "Action", "Call", "Outcome", "Latency", "Message")


def audit_row(record: AuditRecord) -> tuple[str, ...]:
    """One record as table cells (local time of day; parameters are in the file)."""
    latency = "" if record.latency_ms is None else f"{record.latency_ms:.0f} ms"
    return (
        record.time.astimezone().strftime("%H:%M:%S"),
        record.phase,
        record.action,
        record.call or "",
        record.outcome or "",
        latency,
        record.message or "",
    )


class AuditScreen(ModalScreen[None]):
    """The actions taken from this screen; new records appear while it is open."""

    DEFAULT_CSS = """
    AuditScreen {
        align: center middle;
        & > Vertical {
            width: 95%;
            height: 85%;
            background: $surface;
            border: round $primary;
            padding: 0 1;
        }
        & DataTable { height: 1fr; }
        .dialog-help { color: $text-muted; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,A,q", "close", "Close audit", id="actions.audit_close"),
    ]

    def __init__(self, records: Iterable[AuditRecord], where: str) -> None:
        super().__init__()
        self._initial = list(records)
        self._where = where

    def compose(self) -> ComposeResult:
        with Vertical(id="audit-body"):
            yield Static(
                f"Actions taken since the screen started (the full log: {self._where})",
                markup=False,
            )
            yield DataTable(id="audit-table", cursor_type="row", zebra_stripes=True)
            yield Static(
                "Esc or A closes · `wallboard audit` follows the file", classes="dialog-help"
            )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        for record in self._initial:
            self.add(record)

    def add(self, record: AuditRecord) -> None:
        table = self.query_one(DataTable)
        table.add_row(*audit_row(record))
        table.move_cursor(row=table.row_count - 1)

    @property
    def rows(self) -> list[tuple[str, ...]]:
        table = self.query_one(DataTable)
        return [tuple(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]

    def action_close(self) -> None:
        self.dismiss(None)
