"""`L` on a FonoUC campaign: its leads, and add, re-status or delete one (seed 004).

Why through the runtime's `FonoucClient`: the screen acts on the tenant it shows, signed in
once, on that client's budget. Each action is written to the audit log before it is sent and
again with its outcome, like the `wallboard fonouc leads ...` commands; delete asks first.
A read-only account never reaches this screen (the key is hidden), and the client's own
refusals are shown, not raised.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Footer, Input, Label, Static

from wallboard.audit import AuditLog, AuditRecord
from wallboard.providers.fonouc.client import FonoucClient, NewLead
from wallboard.providers.fonouc.errors import FonoucError
from wallboard.providers.fonouc.wire import Lead

PAGE_SIZE = 1000
#: Pages followed per listing: the newest leads (added last) are on the last page.
MAX_PAGES = 5


class ConfirmDelete(ModalScreen[bool]):
    """ "Delete lead X?" — `y` deletes, anything else keeps it."""

    DEFAULT_CSS = """
    ConfirmDelete { align: center middle; }
    ConfirmDelete > Vertical {
        width: 60; height: auto; border: thick $error; background: $surface; padding: 1 2;
    }
    ConfirmDelete Horizontal { height: auto; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Delete", id="fonouc.confirm_yes"),
        Binding("n,escape", "answer(False)", "Keep", id="fonouc.confirm_no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            with Horizontal():
                yield Button("Delete (y)", id="confirm-yes", variant="error")
                yield Button("Keep (n)", id="confirm-no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class FonoucLeadsScreen(ModalScreen[None]):
    """One FonoUC campaign's leads and the three lead actions."""

    DEFAULT_CSS = """
    FonoucLeadsScreen { align: center middle; }
    FonoucLeadsScreen > Vertical {
        width: 95%; height: 90%; border: round $accent; background: $surface; padding: 0 1;
    }
    FonoucLeadsScreen DataTable { height: 1fr; }
    FonoucLeadsScreen Horizontal { height: auto; }
    FonoucLeadsScreen Input { width: 1fr; }
    FonoucLeadsScreen #fonouc-result { height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="fonouc.close"),
        Binding("ctrl+d", "delete", "Delete lead", id="fonouc.delete"),
        Binding("ctrl+t", "set_status", "Set status", id="fonouc.status"),
        Binding("ctrl+a", "add", "Add lead", id="fonouc.add"),
    ]

    def __init__(
        self,
        client: FonoucClient,
        campaign_id: str,
        heading: str,
        *,
        audit: AuditLog | None,
        operator: str,
        account: str,
    ) -> None:
        super().__init__()
        self.client = client
        self.campaign_id = campaign_id
        self.heading = heading
        self.audit = audit
        self.operator = operator
        self.account = account
        self.leads: dict[str, Lead] = {}
        self.more = False
        self.loads = 0
        self.actions_done = 0
        self.last_message = ""

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = f"Leads · {self.heading}"
            table: DataTable[str] = DataTable(cursor_type="row", id="fonouc-leads")
            for key, label, width in (
                ("id", "Lead", 14),
                ("status", "Status", 11),
                ("number", "Number", 14),
                ("name", "Name", 24),
                ("retries", "Retries", 7),
            ):
                table.add_column(label, key=key, width=width)
            yield table
            with Horizontal():
                yield Input(id="fonouc-number", placeholder="number, e.g. +15551234567")
                yield Input(id="fonouc-first", placeholder="first name")
                yield Input(id="fonouc-last", placeholder="last name")
                yield Button("Add (ctrl+a)", id="fonouc-add", variant="primary")
            with Horizontal():
                yield Input(id="fonouc-status", placeholder="status for the selected lead")
                yield Button("Set status (ctrl+t)", id="fonouc-set-status")
                yield Button("Delete selected (ctrl+d)", id="fonouc-delete", variant="error")
            yield Static("loading leads…", id="fonouc-result")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.reload()

    # --- listing -------------------------------------------------------------------------------

    def reload(self) -> None:
        self.run_worker(self._load(), group="fonouc-leads", exclusive=True, exit_on_error=False)

    async def _load(self) -> None:
        try:
            listing = await self.client.all_leads(
                self.campaign_id, page_size=PAGE_SIZE, max_pages=MAX_PAGES
            )
        except FonoucError as error:
            self._say(f"leads unavailable: {error.message}")
            self.loads += 1
            return
        table: DataTable[str] = self.query_one(DataTable)
        table.clear()
        self.leads = {lead.id: lead for lead in listing.records}
        for lead in listing.records:
            name = f"{lead.first_name or ''} {lead.last_name or ''}".strip()
            retries = "" if lead.retries is None else str(lead.retries)
            table.add_row(lead.id, lead.status, lead.number or "", name, retries, key=lead.id)
        self.more = listing.next_start_key is not None
        if not self.last_message:
            more = (
                f" (the first {PAGE_SIZE * MAX_PAGES}; more on the platform)" if self.more else ""
            )
            self._say(f"{len(self.leads)} leads{more}")
        self.loads += 1

    @property
    def selected_lead(self) -> str | None:
        table: DataTable[str] = self.query_one(DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def select(self, lead_id: str) -> None:
        table: DataTable[str] = self.query_one(DataTable)
        table.move_cursor(row=table.get_row_index(lead_id))

    def _say(self, text: str) -> None:
        self.query_one("#fonouc-result", Static).update(text)

    def _value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value.strip()

    # --- actions -------------------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        handlers = {
            "fonouc-add": self.action_add,
            "fonouc-set-status": self.action_set_status,
            "fonouc-delete": self.action_delete,
        }
        handler = handlers.get(str(event.button.id))
        if handler is not None:
            handler()

    def action_add(self) -> None:
        number = self._value("fonouc-number")
        if not number:
            self._say("[b red]Not sent:[/] the number is required")
            return
        lead = NewLead(
            number=number,
            first_name=self._value("fonouc-first") or None,
            last_name=self._value("fonouc-last") or None,
        )
        params = {"campaign": self.campaign_id, "number": number}
        self._act("fonouc.leads.add", params, lambda: self.client.add_lead(self.campaign_id, lead))

    def action_set_status(self) -> None:
        lead_id, status = self.selected_lead, self._value("fonouc-status")
        if lead_id is None or not status:
            self._say("[b red]Not sent:[/] choose a lead and type its new status")
            return
        params = {"lead_id": lead_id, "status": status}
        self._act(
            "fonouc.leads.status", params, lambda: self.client.set_lead_status(lead_id, status)
        )

    def action_delete(self) -> None:
        lead_id = self.selected_lead
        if lead_id is None:
            self._say("[b red]Not sent:[/] choose a lead to delete")
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                self._say(f"lead {lead_id} kept (not confirmed)")
                return
            self._act(
                "fonouc.leads.delete",
                {"lead_id": lead_id},
                lambda: self.client.delete_lead(lead_id),
            )

        self.app.push_screen(
            ConfirmDelete(f"Delete lead {lead_id}? This cannot be undone."), answered
        )

    def _act(self, action: str, params: dict[str, Any], send: Callable[[], Awaitable[Any]]) -> None:
        self.run_worker(
            self._audited(action, params, send), group="fonouc-act", exit_on_error=False
        )

    async def _audited(
        self, action: str, params: dict[str, Any], send: Callable[[], Awaitable[Any]]
    ) -> None:
        record_id = uuid.uuid4().hex[:12]
        self._audit(record_id, action, params, "attempt")
        started = time.perf_counter()
        try:
            answer = await send()
        except FonoucError as error:
            self._audit(record_id, action, params, "outcome", "failed", error.message, started)
            self.last_message = f"[b red]{action} failed:[/] {error.message}"
            self._say(self.last_message)
            return
        self._audit(record_id, action, params, "outcome", "done", None, started)
        extra = f" ({answer})" if isinstance(answer, str) and answer else ""
        self.last_message = f"{action.rsplit('.', 1)[-1]}: done{extra}"
        self._say(self.last_message)
        self.actions_done += 1
        self.reload()

    def _audit(
        self,
        record_id: str,
        action: str,
        params: dict[str, Any],
        phase: str,
        outcome: str | None = None,
        message: str | None = None,
        started: float | None = None,
    ) -> None:
        if self.audit is None:
            return
        latency = (time.perf_counter() - started) * 1000 if started is not None else None
        self.audit.write(
            AuditRecord(
                id=record_id,
                time=datetime.now(UTC),
                phase=phase,
                operator=self.operator,
                account=self.account,
                action=action,
                call=None,
                parameters=params,
                outcome=outcome,
                message=message,
                latency_ms=round(latency, 1) if latency is not None else None,
            )
        )

    def action_close(self) -> None:
        self.dismiss(None)
