"""The campaign pacing, IVR containment, inbound queue and agent panes: columns and rows.

Each pane is a `TablePane` that says which View entities it shows and how one entity becomes a
row; the keyed cell diffing, sorting, filtering and staleness live in `table_pane`.
"""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from wallboard.store import View
from wallboard.ui import format as fmt
from wallboard.ui.table_pane import (
    Column,
    Row,
    SortableText,
    TablePane,
    cell,
    delta_cell,
    search_text,
)


class CampaignsPane(TablePane):
    SOURCE = "campaigns"
    TITLE = "Campaign pacing"
    COLUMNS = (
        Column("name", "Campaign", 22),
        Column("active", "Active"),
        Column("ready", "Ready"),
        Column("pending", "Pend"),
        Column("staffed", "Staff"),
        Column("available", "Avail"),
        Column("dials", "Dials/m", 8),
        Column("connects", "Conn"),
        Column("noanswer", "NoAns"),
        Column("busy", "Busy"),
        Column("machine", "AMD"),
        Column("answer_rate", "Human%"),
        Column("amd_rate", "AMD%"),
        Column("abandon", "Aband%", 8),
        Column("abandon_30d", "30d%"),
        Column("starved", "Starved", 13),
        Column("trend", "Dials trend", 12),
    )

    def rows(self, view: View) -> Iterable[tuple[str, str, Row]]:
        cap = view.compliance
        for key, ev in view.campaigns.items():
            c, mv = ev.record, ev.metrics

            def d(name: str, value: int, key: str = key) -> SortableText:
                return delta_cell(view, "campaigns", key, name, value)

            abandon = mv.get("abandon_rate_today")
            compliance = cap.get(key)
            over = compliance is not None and abandon is not None and abandon > compliance.cap
            starved = ""
            if mv.get("agent_starved_s"):
                starved = f"agents {fmt.duration(mv['agent_starved_s'])}"
            elif mv.get("lead_starved_s"):
                starved = f"leads {fmt.duration(mv['lead_starved_s'])}"
            trend = view.trend("campaigns", key, "dials_per_min")
            row: Row = (
                cell(c.name, c.name.lower()),
                d("active", c.active),
                d("ready", c.ready),
                d("pending", c.pending),
                d("staffed", c.staffed),
                d("available", c.available),
                cell(fmt.num(mv.get("dials_per_min"), 1), mv.get("dials_per_min")),
                d("connects", c.connects),
                d("noanswer", c.noanswer),
                d("busy", c.busy),
                d("machine", c.machine),
                cell(fmt.pct(mv.get("human_answer_rate")), mv.get("human_answer_rate")),
                cell(fmt.pct(mv.get("amd_rate")), mv.get("amd_rate")),
                cell(fmt.pct(abandon, 2), abandon, "bold red" if over else ""),
                cell(fmt.pct(mv.get("abandon_rate_30d"), 2), mv.get("abandon_rate_30d")),
                cell(starved, starved or None, "bold yellow" if starved else ""),
                cell(fmt.sparkline(trend), None),
            )
            yield key, search_text(c.name, c.id, c.group), row

    def summary(self, view: View) -> str:
        return f"({len(view.campaigns)})"


class IvrPane(TablePane):
    SOURCE = "ivr"
    TITLE = "IVR containment"
    COLUMNS = (
        Column("name", "Application", 22),
        Column("active", "Active"),
        Column("presented", "Presented", 9),
        Column("connected", "Connected", 9),
        Column("to_queue", "→Queue"),
        Column("to_cloud", "→Cloud"),
        Column("to_trac", "→TRAC"),
        Column("containment", "Contained", 9),
        Column("trend", "Trend", 12),
    )

    def rows(self, view: View) -> Iterable[tuple[str, str, Row]]:
        for key, ev in view.ivr.items():
            r, contained = ev.record, ev.metrics.get("containment")

            def d(name: str, value: int, key: str = key) -> SortableText:
                return delta_cell(view, "ivr", key, name, value)

            row: Row = (
                cell(r.name, r.name.lower()),
                d("active", r.active),
                d("presented", r.presented),
                d("connected", r.connected),
                d("transfer_queue", r.transfer_queue),
                d("transfer_cloud", r.transfer_cloud),
                d("transfer_trac", r.transfer_trac),
                cell(fmt.pct(contained), contained),
                cell(fmt.sparkline(view.trend("ivr", key, "containment")), None),
            )
            yield key, search_text(r.name, r.id, r.group), row

    def summary(self, view: View) -> str:
        return f"(contained {fmt.pct(view.ivr_summary.containment)})"


class QueuesPane(TablePane):
    SOURCE = "queues"
    TITLE = "Inbound queues"
    COLUMNS = (
        Column("name", "Queue", 22),
        Column("waiting", "Waiting"),
        Column("longest", "Longest", 8),
        Column("active", "Active"),
        Column("staffed", "Staff"),
        Column("available", "Avail"),
        Column("presented", "Offered"),
        Column("accepted", "Accepted", 8),
        Column("abandoned", "Abandoned", 9),
        Column("sl", "SL%"),
        Column("asa", "ASA"),
        Column("trend", "Waiting trend", 13),
    )

    def rows(self, view: View) -> Iterable[tuple[str, str, Row]]:
        for key, ev in view.queues.items():
            q, mv = ev.record, ev.metrics

            def d(name: str, value: int, key: str = key) -> SortableText:
                return delta_cell(view, "queues", key, name, value)

            longest = delta_cell(
                view,
                "queues",
                key,
                "longest_wait_s",
                q.longest_wait_s,
                fmt.duration(q.longest_wait_s),
            )
            row: Row = (
                cell(q.name, q.name.lower()),
                d("waiting", q.waiting),
                longest,
                d("active", q.active),
                d("staffed", q.staffed),
                d("available", q.available),
                d("presented", q.presented),
                d("accepted", q.accepted),
                d("abandoned", q.abandoned),
                cell(fmt.pct(mv.get("service_level")), mv.get("service_level")),
                cell(fmt.duration(mv.get("asa_s")), mv.get("asa_s")),
                cell(fmt.sparkline(view.trend("queues", key, "calls_waiting")), None),
            )
            yield key, search_text(q.name, q.id, q.group), row

    def summary(self, view: View) -> str:
        return f"({len(view.queues)})"


#: Agent states in the order a supervisor scans them; others follow alphabetically.
STATE_ORDER = ("ON_CALL", "ENGAGED", "WRAP_UP", "AVAILABLE", "AWAY", "BREAK", "LUNCH")


def _state_rank(state: str) -> tuple[int, str]:
    return (STATE_ORDER.index(state) if state in STATE_ORDER else len(STATE_ORDER), state)


class AgentsPane(TablePane):
    """Agents by state. Incremental (thousands of rows): a row depends on the record and the
    delta only, so "Since" shows when the state began (the clock time, in the account's zone)
    rather than a duration that would change every row on every poll."""

    SOURCE = "agents"
    TITLE = "Agents by state"
    INCREMENTAL = True
    COLUMNS = (
        Column("name", "Agent", 22),
        Column("state", "State", 10),
        Column("time", "Since", 8),
        Column("group", "Group", 14),
        Column("call", "Call", 26),
        Column("handled", "Handled"),
        Column("rna", "RNA"),
        Column("flags", "Flags", 9),
    )

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.sort_column = 1  # by state: the pane is "agents by state"

    def rows(self, view: View) -> Iterable[tuple[str, str, Row]]:
        return self.rows_of(view, set(view.agents))

    def rows_of(self, view: View, keys: set[str]) -> Iterable[tuple[str, str, Row]]:
        zone = ZoneInfo(view.snapshot.timezone)
        for key, entity in view.agents.items():
            if key not in keys:
                continue
            a = entity.record
            since = a.state_since
            flags = " ".join(
                f for f, on in (("disp", a.pending_disposition), ("hold", a.on_hold)) if on
            )
            row: Row = (
                cell(a.name, a.name.lower()),
                cell(a.state, _state_rank(a.state), _state_style(a.state)),
                cell(
                    since.astimezone(zone).strftime("%H:%M:%S") if since else fmt.NO_DATA,
                    since.timestamp() if since else None,
                ),
                cell(a.group or "", a.group or None),
                cell(a.call_uii or "", a.call_uii),
                delta_cell(view, "agents", key, "calls_handled", a.calls_handled),
                delta_cell(view, "agents", key, "rna", a.rna),
                cell(flags, flags or None, "yellow" if flags else ""),
            )
            yield key, search_text(a.name, a.id, a.username, a.group, a.state), row

    def summary(self, view: View) -> str:
        by_state = sorted(view.agent_summary.by_state.items(), key=lambda kv: _state_rank(kv[0]))
        return " ".join(f"{state.lower()} {count}" for state, count in by_state)


def _state_style(state: str) -> str:
    return {
        "AVAILABLE": "green",
        "ON_CALL": "cyan",
        "ENGAGED": "cyan",
        "WRAP_UP": "yellow",
    }.get(state, "")
