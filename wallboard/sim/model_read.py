"""`CenterRead`: a read of the simulated center's entities at one platform instant.

Why it exists: the RingCX face reads the model through `ContactCenter`'s methods, which answer
in the platform's wire shape. Another face over the same model (the FonoUC tenant) needs the
entities themselves (campaigns, gates, agents, calls) to spell them its own way, and must not
reach into the facade's private state to get them. `ContactCenter.read()` hands out one of
these while it holds its lock, after advancing the model to the clock, so everything read in
one `with` block describes the same instant.

The contract: the entities are the model's own objects, shared for speed (the large preset has
thousands of them). Read them and never assign to them; change the center only through
`ContactCenter`'s methods (which may be called inside the block: the lock is reentrant). Keep
nothing past the block, since the model moves on as soon as the lock is released.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from .model_entities import QUEUED, Agent, Call, Campaign, Gate
from .model_world import World


class CenterRead:
    """The entities of one `ContactCenter`, valid inside `ContactCenter.read()` only."""

    __slots__ = ("_world",)

    def __init__(self, world: World) -> None:
        self._world = world

    @property
    def now(self) -> float:
        """Platform time of this read, epoch seconds (the clock's now)."""
        return self._world.now

    @property
    def sim_start(self) -> float:
        """When the model's history begins (the start of the warm-up), epoch seconds."""
        return self._world.sim_start

    @property
    def campaigns(self) -> Mapping[int, Campaign]:
        """Campaigns by campaign id, in the order the platform lists them."""
        return self._world.campaigns

    @property
    def gates(self) -> Mapping[int, Gate]:
        """Inbound queues (gates) by gate id, in the order the platform lists them."""
        return self._world.gates

    @property
    def agents(self) -> Mapping[int, Agent]:
        """Every agent on the roster by agent id, logged in or not."""
        return self._world.agents

    def queued_calls(self, gate: Gate) -> list[Call]:
        """Callers waiting in `gate`'s queue now, longest-waiting first.

        The queue keeps entries of callers who have since left or moved (they are dropped
        lazily, see `Gate.head`); only those still queued at this gate are returned."""
        return [call for call, _ in gate.queue if call.phase == QUEUED and call.gate is gate]

    def calls(self) -> Iterator[Call]:
        """Every call the model remembers: the recently ended ones (oldest first, bounded by
        `model_world.ENDED_LIMIT`), then the active ones."""
        yield from self._world.ended.values()
        yield from self._world.active.values()

    def find_call(self, uii: str) -> Call | None:
        """An active or recently ended call by its uii."""
        return self._world.find(uii)
