"""The baseline screen: the same View in plain Textual `DataTable`s, cleared and refilled.

Why this baseline: it is what a first Textual wallboard looks like (issue 9), so the ratio says
what the keyed cell updates and the virtualized calls pane buy. It shows the same sources and
comparable columns, formatted to strings inside the measured time as the wallboard does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable

from wallboard.store import View

COLUMNS: dict[str, tuple[str, ...]] = {
    "campaigns": (
        "Campaign",
        "Active",
        "Ready",
        "Pend",
        "Staff",
        "Avail",
        "Conn",
        "NoAns",
        "Busy",
        "AMD",
        "Aband",
    ),
    "ivr": ("Application", "Active", "Presented", "Connected", "Queue", "Cloud", "TRAC"),
    "queues": (
        "Queue",
        "Waiting",
        "Longest",
        "Active",
        "Staff",
        "Avail",
        "Offered",
        "Accepted",
        "Abandoned",
    ),
    "agents": ("Agent", "State", "Group", "Call", "Handled", "RNA"),
    "calls": ("UII", "ANI", "DNIS", "Agent", "Destination", "State", "Enqueued", "Via"),
}


def _rows(source: str, view: View) -> Iterable[tuple[str, ...]]:
    if source == "campaigns":
        for ev in view.campaigns.values():
            c = ev.record
            yield (
                c.name,
                *(
                    str(v)
                    for v in (
                        c.active,
                        c.ready,
                        c.pending,
                        c.staffed,
                        c.available,
                        c.connects,
                        c.noanswer,
                        c.busy,
                        c.machine,
                        c.abandon,
                    )
                ),
            )
    elif source == "ivr":
        for iv in view.ivr.values():
            r = iv.record
            yield (
                r.name,
                *(
                    str(v)
                    for v in (
                        r.active,
                        r.presented,
                        r.connected,
                        r.transfer_queue,
                        r.transfer_cloud,
                        r.transfer_trac,
                    )
                ),
            )
    elif source == "queues":
        for qv in view.queues.values():
            q = qv.record
            yield (
                q.name,
                *(
                    str(v)
                    for v in (
                        q.waiting,
                        q.longest_wait_s,
                        q.active,
                        q.staffed,
                        q.available,
                        q.presented,
                        q.accepted,
                        q.abandoned,
                    )
                ),
            )
    elif source == "agents":
        for av in view.agents.values():
            a = av.record
            yield (
                a.name,
                a.state,
                a.group or "",
                a.call_uii or "",
                str(a.calls_handled),
                str(a.rna),
            )
    else:
        for call in view.calls.values():
            when = call.enqueued_at.strftime("%H:%M:%S") if call.enqueued_at else ""
            yield (
                call.uii,
                call.ani or "",
                call.dnis or "",
                call.agent or "",
                call.destination or "",
                call.state,
                when,
                call.product or "",
            )


class Show(Message):
    def __init__(self, view: View) -> None:
        super().__init__()
        self.view = view


class BaselineApp(App[None]):
    """Five DataTables; every view clears them and adds every row again."""

    CSS = "DataTable { height: 1fr; }"

    def __init__(self) -> None:
        super().__init__()
        self.views_applied = 0

    def compose(self) -> ComposeResult:
        with Vertical():
            for source, labels in COLUMNS.items():
                table: DataTable[Any] = DataTable(id=source)
                table.add_columns(*labels)
                yield table

    def on_show(self, message: Show) -> None:
        self.apply(message.view)

    def apply(self, view: View) -> None:
        for source in COLUMNS:
            table = self.query_one(f"#{source}", DataTable)
            table.clear()
            table.add_rows(_rows(source, view))
        self.views_applied += 1
