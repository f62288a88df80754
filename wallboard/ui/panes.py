"""The campaign pacing, IVR containment, inbound queue and agent panes: columns and rows.

Each pane is a `TablePane` that says which View entities it shows, how one entity becomes a row,
what it is found by and what each column sorts by; ordering, staleness and the keyed table's
repaint-what-changed live in `table_pane` and `keyed_table`.

Why these widths: at 200x60 the campaign pane spans the screen and the others take half of it
(96 columns inside the border and scrollbar), and every column must fit there, so a wall never
shows a horizontal scrollbar or hides a column off to the right.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from wallboard.domain import Agent
from wallboard.store import View
from wallboard.ui import format as fmt
from wallboard.ui.calls import short_uii
from wallboard.ui.keyed_table import Cell, Column, Row
from wallboard.ui.table_pane import TablePane, cell, delta_cell, search_text


def _count(key: str, label: str, width: int = 7) -> Column:
    """A count with its up/down mark, right-aligned."""
    return Column(key, label, width, right=True, marks=True)


def _figure(key: str, label: str, width: int = 7) -> Column:
    """A derived figure (rate, time), right-aligned, no mark."""
    return Column(key, label, width, right=True)


class CampaignsPane(TablePane):
    SOURCE = "campaigns"
    TITLE = "Campaign pacing"
    COLUMNS = (
        Column("name", "Campaign", 22),
        _count("active", "Active", 8),
        _count("ready", "Ready", 8),
        _count("pending", "Pend", 8),
        _count("staffed", "Staff", 8),
        _count("available", "Avail", 8),
        _figure("dials", "Dials/m", 8),
        _count("connects", "Conn", 8),
        _count("noanswer", "NoAns", 8),
        _count("busy", "Busy", 8),
        _count("machine", "AMD", 8),
        _figure("answer_rate", "Human%"),
        _figure("amd_rate", "AMD%"),
        _figure("abandon", "Aband%"),
        _figure("abandon_30d", "30d%"),
        Column("starved", "Starved", 13),
        Column("trend", "Dials trend", 12),
    )
    #: Counts in column order, by the record field and the name the delta knows them by.
    COUNTS = ("active", "ready", "pending", "staffed", "available")
    OUTCOMES = ("connects", "noanswer", "busy", "machine")
    METRICS: ClassVar[dict[str, str]] = {
        "dials": "dials_per_min",
        "answer_rate": "human_answer_rate",
        "amd_rate": "amd_rate",
        "abandon": "abandon_rate_today",
        "abandon_30d": "abandon_rate_30d",
    }

    def row(self, view: View, key: str) -> Row:
        ev = view.campaigns[key]
        c, mv = ev.record, ev.metrics

        def d(name: str) -> Cell:
            return delta_cell(view, "campaigns", key, name, getattr(c, name))

        abandon = mv.get("abandon_rate_today")
        compliance = view.compliance.get(key)
        over = compliance is not None and abandon is not None and abandon > compliance.cap
        starved = _starved(mv)
        return (
            cell(c.name),
            *(d(name) for name in self.COUNTS),
            cell(fmt.num(mv.get("dials_per_min"), 1)),
            *(d(name) for name in self.OUTCOMES),
            cell(fmt.pct(mv.get("human_answer_rate"))),
            cell(fmt.pct(mv.get("amd_rate"))),
            cell(fmt.pct(abandon, 2), "bold red" if over else ""),
            cell(fmt.pct(mv.get("abandon_rate_30d"), 2)),
            cell(starved, "bold yellow" if starved else ""),
            cell(fmt.sparkline(view.trend("campaigns", key, "dials_per_min"))),
        )

    def sort_value(self, view: View, key: str, column: int) -> Any:
        if self.COLUMNS[column].key == "starved":
            mv = view.campaigns[key].metrics
            return mv.get("agent_starved_s") or mv.get("lead_starved_s") or None
        return super().sort_value(view, key, column)

    def search_text(self, view: View, key: str) -> str:
        c = view.campaigns[key].record
        return search_text(c.name, c.id, c.group)

    def summary(self, view: View) -> str:
        return f"({len(view.campaigns)})"


def _starved(mv: Mapping[str, float | None]) -> str:
    if mv.get("agent_starved_s"):
        return f"agents {fmt.duration(mv['agent_starved_s'])}"
    if mv.get("lead_starved_s"):
        return f"leads {fmt.duration(mv['lead_starved_s'])}"
    return ""


class IvrPane(TablePane):
    SOURCE = "ivr"
    TITLE = "IVR containment"
    COLUMNS = (
        Column("name", "Application", 18),
        _count("active", "Active"),
        _count("presented", "Presented", 9),
        _count("connected", "Conn"),
        _count("transfer_queue", "→Queue"),
        _count("transfer_cloud", "→Cloud"),
        _count("transfer_trac", "→TRAC"),
        _figure("containment", "Contained", 9),
        Column("trend", "Trend", 12),
    )
    METRICS: ClassVar[dict[str, str]] = {"containment": "containment"}

    def row(self, view: View, key: str) -> Row:
        ev = view.ivr[key]
        r = ev.record
        counts = (c.key for c in self.COLUMNS[1:7])
        return (
            cell(r.name),
            *(delta_cell(view, "ivr", key, name, getattr(r, name)) for name in counts),
            cell(fmt.pct(ev.metrics.get("containment"))),
            cell(fmt.sparkline(view.trend("ivr", key, "containment"))),
        )

    def search_text(self, view: View, key: str) -> str:
        r = view.ivr[key].record
        return search_text(r.name, r.id, r.group)

    def summary(self, view: View) -> str:
        return f"(contained {fmt.pct(view.ivr_summary.containment)})"


class QueuesPane(TablePane):
    SOURCE = "queues"
    TITLE = "Inbound queues"
    COLUMNS = (
        Column("name", "Queue", 14),
        _count("waiting", "Waiting"),
        _count("longest_wait_s", "Longest", 8),
        _count("staffed", "Staff", 6),
        _count("available", "Avail", 6),
        _count("presented", "Offered"),
        _count("accepted", "Accepted", 8),
        _count("abandoned", "Aband"),
        _figure("sl", "SL%"),
        _figure("asa", "ASA", 6),
        Column("trend", "Trend", 8),
    )
    METRICS: ClassVar[dict[str, str]] = {"sl": "service_level", "asa": "asa_s"}

    def row(self, view: View, key: str) -> Row:
        ev = view.queues[key]
        q, mv = ev.record, ev.metrics

        def d(name: str) -> Cell:
            return delta_cell(view, "queues", key, name, getattr(q, name))

        longest = fmt.duration(q.longest_wait_s)
        return (
            cell(q.name),
            d("waiting"),
            delta_cell(view, "queues", key, "longest_wait_s", q.longest_wait_s, longest),
            d("staffed"),
            d("available"),
            d("presented"),
            d("accepted"),
            d("abandoned"),
            cell(fmt.pct(mv.get("service_level"))),
            cell(fmt.duration(mv.get("asa_s"))),
            cell(fmt.sparkline(view.trend("queues", key, "calls_waiting"), 8)),
        )

    def search_text(self, view: View, key: str) -> str:
        q = view.queues[key].record
        return search_text(q.name, q.id, q.group)

    def summary(self, view: View) -> str:
        return f"({len(view.queues)})"


#: Agent states in the order a supervisor scans them; others follow alphabetically.
STATE_ORDER = ("ON_CALL", "ENGAGED", "WRAP_UP", "AVAILABLE", "AWAY", "BREAK", "LUNCH")


def _state_rank(state: str) -> tuple[int, str]:
    return (STATE_ORDER.index(state) if state in STATE_ORDER else len(STATE_ORDER), state)


_STATE_RANKS = {state: _state_rank(state) for state in STATE_ORDER}


def _flags(a: Agent) -> tuple[bool, bool] | None:
    return (a.pending_disposition, a.on_hold) if a.pending_disposition or a.on_hold else None


#: What each agent column sorts by, from the record alone (7,500 agents are sorted every poll).
_AGENT_SORT: dict[str, Callable[[Agent], Any]] = {
    "name": lambda a: a.name.lower(),
    "state": lambda a: _STATE_RANKS.get(a.state) or _state_rank(a.state),
    "time": lambda a: a.state_since.timestamp() if a.state_since else None,
    "group": lambda a: a.group or None,
    "call": lambda a: a.call_uii,
    "calls_handled": lambda a: a.calls_handled,
    "rna": lambda a: a.rna,
    "flags": _flags,
}


class AgentsPane(TablePane):
    """Agents and their states: the title counts agents by state, the rows stay in a stable
    order (by name) unless the supervisor sorts them (`s`, or a click on "State").

    Why not sorted by state by default: with thousands of agents, one agent changing state
    shifts every row below it, so every poll the whole pane moves. Unreadable on a wall (the eye
    loses its row) and the whole pane resent over SSH. "Since" shows when the state began (clock
    time in the account's zone) rather than a duration for the same reason: a duration would
    change every row on every poll."""

    SOURCE = "agents"
    TITLE = "Agents by state"
    DEFAULT_SORT = 0  # by name
    SORTS_BY_RECORD = True
    COLUMNS = (
        Column("name", "Agent", 18),
        Column("state", "State", 10),
        Column("time", "Since", 8),
        Column("group", "Group", 12),
        Column("call", "Call", 12),
        _count("calls_handled", "Handled"),
        _count("rna", "RNA", 5),
        Column("flags", "Flags", 9),
    )

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._made: dict[str, tuple[Agent, tuple[str, int, int], Row]] = {}
        """key -> (record, (time zone, marks), row) of the rows built since the last poll."""
        self._made_before: dict[str, tuple[Agent, tuple[str, int, int], Row]] = {}
        """The same for the poll before: what this poll's rows are compared with."""

    def apply(self, view: View, needle: str) -> None:
        self._made_before, self._made = self._made, {}
        super().apply(view, needle)

    def row(self, view: View, key: str) -> Row:
        """An agent's row is its record's, its two marks and the account's time zone: on a
        poll where an agent's record did not change (most of them: the store keeps the same
        record object), the row built last poll is the row, and the table compares it by
        identity."""
        a = view.agents[key].record
        direction = view.delta.direction
        inputs = (
            view.snapshot.timezone,
            direction("agents", key, "calls_handled"),
            direction("agents", key, "rna"),
        )
        made = self._made.get(key) or self._made_before.get(key)
        if made is not None and made[0] is a and made[1] == inputs:
            row = made[2]
        else:
            row = _agent_row(a, *inputs)
        self._made[key] = (a, inputs, row)
        return row

    def sort_value(self, view: View, key: str, column: int) -> Any:
        return _AGENT_SORT[self.COLUMNS[column].key](view.agents[key].record)

    def sort_values(self, view: View, keys: Iterable[str], column: int) -> dict[str, Any]:
        get, agents = _AGENT_SORT[self.COLUMNS[column].key], view.agents
        return {k: get(agents[k].record) for k in keys}

    def search_text(self, view: View, key: str) -> str:
        a = view.agents[key].record
        return search_text(a.name, a.id, a.username, a.group, a.state)

    def summary(self, view: View) -> str:
        by_state = sorted(view.agent_summary.by_state.items(), key=lambda kv: _state_rank(kv[0]))
        return " ".join(f"{state.lower()} {count}" for state, count in by_state)


def _agent_row(a: Agent, timezone: str, handled: int, rna: int) -> Row:
    """The cells of one agent; `handled` and `rna` are the marks of those counts."""
    since = a.state_since
    zone = ZoneInfo(timezone)
    flags = " ".join(f for f, on in (("disp", a.pending_disposition), ("hold", a.on_hold)) if on)
    return (
        cell(a.name),
        cell(a.state, _state_style(a.state)),
        cell(since.astimezone(zone).strftime("%H:%M:%S") if since else fmt.NO_DATA),
        cell(a.group or ""),
        cell(short_uii(a.call_uii) if a.call_uii else ""),
        Cell(fmt.num(a.calls_handled), "", handled),
        Cell(fmt.num(a.rna), "", rna),
        cell(flags, "yellow" if flags else ""),
    )


def _state_style(state: str) -> str:
    return {
        "AVAILABLE": "green",
        "ON_CALL": "cyan",
        "ENGAGED": "cyan",
        "WRAP_UP": "yellow",
    }.get(state, "")
