"""Hand-built contact-center snapshots at any size, for the screen and byte measures.

Why by hand and not from the simulator: the screen measures must compare the wallboard and the
baseline on exactly the same data, cycle after cycle, with a known share of values changing. Each
step moves the clock one 15 s cycle and changes about `churn` of the counters, gauges and calls;
every other value stays put (call and agent timestamps move with the clock, so their durations
on screen do not tick), which is the "about 5% of the visible values change" poll of issue 9.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from wallboard.domain import (
    ActiveCall,
    Agent,
    BudgetFamily,
    Campaign,
    IvrApp,
    Queue,
    Snapshot,
    SourceResult,
)

T0 = datetime(2025, 1, 15, 15, 0, tzinfo=UTC)
CYCLE_S = 15.0
STATES = ("ON_CALL", "AVAILABLE", "WRAP_UP", "AWAY", "BREAK")
PRODUCTS = ("ACD", "OUTBOUND", "VISUAL_IVR")


@dataclass(frozen=True)
class Size:
    """One row of the measure grid: how many campaigns and active calls."""

    campaigns: int
    calls: int

    @property
    def agents(self) -> int:
        return max(10, self.calls * 3 // 4)

    @property
    def ivrs(self) -> int:
        return max(2, self.campaigns // 8)

    @property
    def queues(self) -> int:
        return max(3, self.campaigns * 2 // 5)

    @property
    def label(self) -> str:
        return f"{self.campaigns} campaigns, {self.calls:,} calls"


SIZES = (Size(10, 100), Size(100, 1_000), Size(500, 10_000))


class Center:
    """A deterministic center whose `step()` returns the next cycle's snapshot."""

    def __init__(self, size: Size, churn: float = 0.05, seed: int = 9) -> None:
        self.size = size
        self.churn = churn
        self.rng = random.Random(seed)
        self.cycle = 0
        self.next_call = 0
        self.campaign_counts = [
            [self.rng.randint(0, 900) for _ in range(9)] for _ in range(size.campaigns)
        ]
        self.ivr_counts = [[self.rng.randint(0, 500) for _ in range(6)] for _ in range(size.ivrs)]
        self.queue_counts = [
            [self.rng.randint(0, 300) for _ in range(8)] for _ in range(size.queues)
        ]
        self.agent_counts = [[self.rng.randint(0, 40), 0] for _ in range(size.agents)]
        self.agent_states = [self.rng.choice(STATES) for _ in range(size.agents)]
        self.agent_since = [self.rng.randint(10, 1800) for _ in range(size.agents)]
        self.calls: dict[str, tuple[int, int, int | None]] = {}
        for _ in range(size.calls):
            self._new_call()

    def _new_call(self) -> None:
        n = self.next_call
        self.next_call += 1
        queued = self.rng.randint(5, 900)
        connected = None if self.rng.random() < 0.2 else self.rng.randint(1, queued)
        self.calls[f"UII-{n:08d}"] = (n, queued, connected)

    def _touch(self, table: list[list[int]]) -> None:
        for row in table:
            for i in range(len(row)):
                if self.rng.random() < self.churn:
                    row[i] += self.rng.randint(1, 3)

    def step(self) -> Snapshot:
        """Advance one cycle (changing about `churn` of everything) and return its snapshot."""
        if self.cycle:
            for table in (self.campaign_counts, self.ivr_counts, self.queue_counts):
                self._touch(table)
            self._touch(self.agent_counts)
            for i in range(len(self.agent_states)):
                if self.rng.random() < self.churn:
                    self.agent_states[i] = self.rng.choice(STATES)
                    self.agent_since[i] = 0
            ended = [u for u in self.calls if self.rng.random() < self.churn / 2]
            for uii in ended:
                del self.calls[uii]
            for _ in ended:
                self._new_call()
        at = T0 + timedelta(seconds=CYCLE_S * self.cycle)
        self.cycle += 1
        return self._snapshot(at)

    def _snapshot(self, at: datetime) -> Snapshot:
        s = self.size
        campaigns = tuple(
            Campaign(
                str(1000 + i),
                f"Campaign {i:03d} outbound",
                active=c[0] % 40,
                ready=c[1],
                pending=c[2] % 30,
                staffed=c[3] % 25,
                available=c[4] % 6,
                connects=c[5],
                answer=c[6],
                noanswer=c[7],
                busy=c[8] % 50,
                machine=c[6] // 2,
                abandon=c[8] % 7,
            )
            for i, c in enumerate(self.campaign_counts)
        )
        ivr = tuple(
            IvrApp(
                str(2000 + i),
                f"IVR app {i:03d}",
                active=v[0] % 20,
                presented=v[1] + 200,
                connected=v[1] + 100,
                transfer_queue=v[2] % 90,
                transfer_cloud=v[3] % 40,
                transfer_trac=v[4] % 30,
            )
            for i, v in enumerate(self.ivr_counts)
        )
        queues = tuple(
            Queue(
                str(3000 + i),
                f"Queue {i:03d}",
                waiting=q[0] % 12,
                longest_wait_s=q[1] % 240,
                active=q[2] % 30,
                staffed=q[3] % 25,
                available=q[4] % 5,
                presented=q[5] + 100,
                accepted=q[5] + 80,
                abandoned=q[6] % 20,
                sla_pass=q[5] + 60,
                sla_fail=q[7] % 20,
                answer_time_s=q[7] * 10,
            )
            for i, q in enumerate(self.queue_counts)
        )
        agents = tuple(
            Agent(
                str(5000 + i),
                f"Agent {i:05d}",
                group=f"Team {i % 12}",
                state=self.agent_states[i],
                state_since=at - timedelta(seconds=self.agent_since[i]),
                calls_handled=a[0],
                rna=a[1],
            )
            for i, a in enumerate(self.agent_counts)
        )
        calls = tuple(
            ActiveCall(
                uii,
                f"555{n % 10_000_000:07d}",
                f"+1888{n % 1_000_000:07d}",
                None if connected is None else f"Agent {n % s.agents:05d}",
                f"Queue {n % s.queues:03d}",
                "ACTIVE" if connected is not None else "QUEUED",
                at - timedelta(seconds=queued),
                None if connected is None else at - timedelta(seconds=connected),
                PRODUCTS[n % 3],
            )
            for uii, (n, queued, connected) in self.calls.items()
        )

        def result(source: str, records: tuple[object, ...]) -> SourceResult[object]:
            return SourceResult(source=source, records=records, polled_at=at, attempted_at=at)  # type: ignore[arg-type]

        return Snapshot(
            "bench",
            "US/Eastern",
            self.cycle,
            at,
            CYCLE_S,
            campaigns=result("campaigns", campaigns),  # type: ignore[arg-type]
            ivr=result("ivr", ivr),  # type: ignore[arg-type]
            queues=result("queues", queues),  # type: ignore[arg-type]
            agents=result("agents", agents),  # type: ignore[arg-type]
            calls=result("calls", calls),  # type: ignore[arg-type]
            budget=(BudgetFamily("realtime", 120, 110.0), BudgetFamily("reports", 2, 2.0)),
        )
