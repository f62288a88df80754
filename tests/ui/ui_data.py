"""Fixed data for the screen tests: hand-made snapshots published into a real `Store`.

Two cycles, so the second view carries deltas (numbers up and down, one new call, one ended).
Times are fixed (a winter morning in US/Eastern), so every age and duration is the same on
every run.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

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
from wallboard.store import Store

T0 = datetime(2025, 1, 15, 15, 0, tzinfo=UTC)
CYCLE = timedelta(seconds=15)


def _campaigns(step: int) -> tuple[Campaign, ...]:
    return (
        Campaign(
            "101",
            "Spring Renewal",
            active=3 + step,
            ready=950 - step * 5,
            pending=6,
            staffed=4,
            available=1,
            connects=130 + step * 4,
            answer=64 + step * 2,
            noanswer=219,
            busy=19,
            machine=64 + step * 2,
            abandon=3,
        ),
        Campaign(
            "102",
            "Solar Leads",
            active=6,
            ready=1990,
            pending=11,
            staffed=5,
            available=2 - step,
            connects=227,
            answer=130,
            noanswer=173,
            busy=24,
            machine=94,
            abandon=2,
        ),
        Campaign("103", "Student Loan Refi", ready=231, pending=4),
    )


def _ivr(step: int) -> tuple[IvrApp, ...]:
    return (
        IvrApp(
            "11",
            "Main Menu",
            active=6 + step,
            presented=386 + step * 3,
            connected=361,
            transfer_queue=122,
            transfer_cloud=46,
            transfer_trac=30,
        ),
        IvrApp(
            "12",
            "Billing Self-Service",
            active=10,
            presented=448,
            connected=392,
            transfer_queue=95,
            transfer_cloud=30,
            transfer_trac=18,
        ),
    )


def _queues(step: int) -> tuple[Queue, ...]:
    return (
        Queue(
            "21",
            "Billing",
            waiting=2 + step,
            longest_wait_s=45 + step * 15,
            active=7,
            staffed=11,
            available=0,
            presented=191,
            accepted=172,
            abandoned=19,
            sla_pass=150,
            sla_fail=22,
            answer_time_s=1720,
        ),
        Queue(
            "22",
            "Tech Support",
            waiting=0,
            active=7,
            staffed=11,
            presented=97,
            accepted=95,
            abandoned=2,
            sla_pass=90,
            sla_fail=5,
            answer_time_s=190,
        ),
        Queue("23", "Claims"),
    )


def _agents(at: datetime) -> tuple[Agent, ...]:
    def agent(i: int, name: str, state: str, minutes: int, **kw: Any) -> Agent:
        return Agent(
            str(300 + i),
            name,
            state=state,
            state_since=at - timedelta(minutes=minutes),
            group="Team A",
            calls_handled=10 + i,
            **kw,
        )

    return (
        agent(1, "Paco Garcia", "ON_CALL", 4, call_uii="UII-0001"),
        agent(2, "Yuki Tanaka", "AVAILABLE", 1),
        agent(3, "Sofia Rossi", "WRAP_UP", 2, pending_disposition=True),
        agent(4, "Noah Silva", "AWAY", 12),
        agent(5, "Aisha Moreau", "ON_CALL", 7, call_uii="UII-0002", on_hold=True),
    )


def _calls(at: datetime, step: int) -> tuple[ActiveCall, ...]:
    base = [
        ActiveCall(
            "UII-0001",
            "8009344737",
            "+18339099914",
            "Paco Garcia",
            "Billing",
            "ACTIVE",
            at - timedelta(minutes=5),
            at - timedelta(minutes=4),
            "ACD",
        ),
        ActiveCall(
            "UII-0002",
            "5678858084",
            "+18554536631",
            "Aisha Moreau",
            "Spring Renewal",
            "ACTIVE",
            at - timedelta(minutes=8),
            at - timedelta(minutes=7),
            "OUTBOUND",
        ),
        ActiveCall(
            "UII-0003",
            "5116362245",
            "+18882634210",
            None,
            "Billing",
            "QUEUED",
            at - timedelta(seconds=50),
            None,
            "ACD",
        ),
    ]
    if step == 0:
        base.append(
            ActiveCall(
                "UII-0004",
                "7892901960",
                "+18446302026",
                None,
                "Main Menu",
                "ACTIVE",
                at - timedelta(seconds=20),
                None,
                "VISUAL_IVR",
            )
        )
    else:
        base.append(
            ActiveCall(
                "UII-0005",
                "6713991876",
                "+18882634210",
                None,
                "Tech Support",
                "QUEUED",
                at - timedelta(seconds=5),
                None,
                "ACD",
            )
        )
    return tuple(base)


def snapshot(step: int) -> Snapshot:
    at = T0 + step * CYCLE

    def result(source: Any, records: tuple[Any, ...]) -> SourceResult[Any]:
        return SourceResult(source=source, records=records, polled_at=at, attempted_at=at)

    return Snapshot(
        "test",
        "US/Eastern",
        step + 1,
        at,
        15.0,
        campaigns=result("campaigns", _campaigns(step)),
        ivr=result("ivr", _ivr(step)),
        queues=result("queues", _queues(step)),
        agents=result("agents", _agents(at)),
        calls=result("calls", _calls(at, step)),
        budget=(BudgetFamily("realtime", 120, 110.0), BudgetFamily("reports", 2, 2.0)),
    )


def fixed_store() -> Store:
    """A store holding two published cycles of the fixed data."""
    store = Store()
    store.publish(snapshot(0))
    store.publish(snapshot(1))
    return store
