"""The world: simulated time, the event heap, the registries, and the daily reset.

Why an event heap: cost must follow events, not calls x ticks. 10,000 calls in flight generate a
few hundred events per simulated second (a dial outcome, a talk end, a wrap end...), and nothing
happens to a call between its events, so the model jumps from one event to the next.

Events are ``(time, seq, handler, obj, gen)``. `seq` makes ties deterministic. `gen` is the
object's generation when the event was scheduled: a handler ignores an event whose object has
moved on since (a caller who was answered before their patience ran out, say), which is cheaper
than removing events from the heap.

Determinism: one seeded `random.Random`, consumed only by event handlers and API calls, so the
state at time T depends on the seed and the API calls made, never on how often `run_until` was
called on the way.
"""

from __future__ import annotations

import heapq
import random
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from .history import History
from .model_entities import Agent, Call, Campaign, Gate, Ivr, Route
from .model_settings import SimSettings

if TYPE_CHECKING:
    from .dynamics_agents import AgentOps
    from .dynamics_calls import CallOps
    from .dynamics_dialer import Dialer
    from .dynamics_inbound import Inbound

Handler = Callable[[Any, int], None]

#: How many ended calls inspection remembers (and disposition can still find by ping grace).
ENDED_LIMIT = 50_000


class World:
    """All mutable state of one simulated account, advanced by `run_until`."""

    calls: CallOps
    agent_ops: AgentOps
    dialer: Dialer
    inbound: Inbound

    def __init__(self, settings: SimSettings, start: float) -> None:
        self.settings = settings
        self.rng = random.Random(settings.seed)
        self.tz = ZoneInfo(settings.timezone)
        self.now = start
        self.sim_start = start
        self.success_codes = frozenset(settings.success_dispositions)
        self.dialog_prefix = f"{settings.seed % 0xFFFFFFFF:08x}-5ca1-4e00-8000-"
        self.history = History(start, settings.history_retention(), self.dialog_prefix)
        self.campaigns: dict[int, Campaign] = {}
        self.gates: dict[int, Gate] = {}
        self.ivrs: dict[int, Ivr] = {}
        self.routes: dict[int, Route] = {}
        self.agents: dict[int, Agent] = {}
        self.by_username: dict[str, Agent] = {}
        self.active: dict[str, Call] = {}
        self.ended: OrderedDict[str, Call] = OrderedDict()
        self.stretch = 1.0  # multiplier on IVR and outside-leg lengths (Inbound.on_control)
        self.events = 0
        self.call_seq = 0
        self.session_seq = 0
        self.dirty_available: list[Campaign | Gate] = []
        self._heap: list[tuple[float, int, Handler, Any, int]] = []
        self._seq = 0
        self._uii_node = f"{int(settings.sub_account_id) % 1_000_000:06d}"
        self._stamp_second = -1
        self._stamp = ""
        self.last_reset = start

    # --- events ----------------------------------------------------------------------------

    def schedule(self, t: float, handler: Handler, obj: Any, gen: int = 0) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (t, self._seq, handler, obj, gen))

    def run_until(self, t: float) -> None:
        """Process every event due at or before `t`, then stand at `t`."""
        heap = self._heap
        pop = heapq.heappop
        count = 0
        dirty = self.dirty_available
        while heap and heap[0][0] <= t:
            when, _, handler, obj, gen = pop(heap)
            self.now = when
            handler(obj, gen)
            if dirty:
                self.flush_available()
            count += 1
        self.events += count
        if t > self.now:
            self.now = t

    def flush_available(self) -> None:
        """Publish `available` counts that really changed (see `AgentOps._pools`)."""
        now = self.now
        for entity in self.dirty_available:
            count = len(entity.available)
            if count != entity.published_available:
                entity.published_available = count
                entity.last_update = now
        self.dirty_available.clear()

    # --- identities ------------------------------------------------------------------------

    def new_uii(self) -> tuple[int, str]:
        """30 digits: local yyyyMMddHHmmss of creation (14) + node (6) + sequence (10)."""
        self.call_seq += 1
        second = int(self.now)
        if second != self._stamp_second:
            self._stamp_second = second
            self._stamp = datetime.fromtimestamp(second, self.tz).strftime("%Y%m%d%H%M%S")
        return self.call_seq, f"{self._stamp}{self._uii_node}{self.call_seq:010d}"

    def new_session_id(self) -> str:
        self.session_seq += 1
        return f"{self.session_seq + 700_000}"

    def dialog_id(self, call: Call) -> str:
        return self.history.dialog_id(call.seq)

    # --- registries ------------------------------------------------------------------------

    def retire(self, call: Call) -> None:
        """Move an ended call from the active registry to the bounded ended history."""
        self.active.pop(call.uii, None)
        call.wire = None
        ended = self.ended
        ended[call.uii] = call
        if len(ended) > ENDED_LIMIT:
            ended.popitem(last=False)

    def find(self, uii: str) -> Call | None:
        return self.active.get(uii) or self.ended.get(uii)

    # --- the day ---------------------------------------------------------------------------

    def local_date(self, t: float | None = None) -> str:
        return datetime.fromtimestamp(self.now if t is None else t, self.tz).date().isoformat()

    def next_midnight(self, t: float) -> float:
        """The first local midnight after `t`, as epoch seconds (DST-safe)."""
        local = datetime.fromtimestamp(t, self.tz)
        tomorrow = (local + timedelta(days=1)).date()
        return datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=self.tz).timestamp()

    def on_midnight(self, _: object, gen: int) -> None:
        """Zero every daily counter at local midnight; a reset is an update of every record."""
        now = self.now
        entities: list[Campaign | Gate | Ivr | Agent] = [
            *self.campaigns.values(),
            *self.gates.values(),
            *self.ivrs.values(),
            *self.agents.values(),
        ]
        for entity in entities:
            entity.reset_daily()
            entity.last_update = now
        self.last_reset = now
        self.schedule(self.next_midnight(now + 1.0), self.on_midnight, None)

    def on_housekeeping(self, _: object, gen: int) -> None:
        self.history.prune(self.now)
        self.schedule(self.now + 300.0, self.on_housekeeping, None)
