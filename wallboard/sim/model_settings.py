"""`SimSettings`: what a simulated account is, fixed at construction.

Why its own module: the world, the builder and the facade all read it, and none of them should
import the others to get at it. `model.py` re-exports it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .scale import PRESETS, Scale


@dataclass(frozen=True)
class SimSettings:
    seed: int = 7
    scale: Scale = PRESETS["small"]
    timezone: str = "US/Eastern"  # the account's zone: daily counters reset at ITS midnight
    main_account_id: str = "44400000"
    sub_account_id: str = "44400001"
    rc_account_id: str = "400131234008"
    #: Simulated warm-up before "now"; None = a default per scale (see `warmup_seconds`).
    history_minutes: float | None = None
    dispositions: tuple[str, ...] = (
        "SALE",
        "NO_SALE",
        "CALLBACK",
        "NO_ANSWER",
        "WRONG_NUMBER",
        "DNC",
        "RESOLVED",
    )
    success_dispositions: tuple[str, ...] = ("SALE", "RESOLVED")
    account_name: str = "Simulated Contact Center"

    def warmup_seconds(self) -> float:
        """The warm-up length. Defaults trade report depth for construction time: 90 minutes
        for small centers (reports have a few full intervals), less as the center grows, so the
        10,000-call preset still builds in seconds."""
        if self.history_minutes is not None:
            return max(0.0, float(self.history_minutes) * 60.0)
        calls = self.scale.target_active_calls
        if calls <= 300:
            return 90 * 60.0
        if calls <= 3_000:
            return 30 * 60.0
        return 15 * 60.0

    def history_retention(self) -> float:
        """How long interval history and segments are kept: a full day and then some for small
        and medium centers; a little over the 3-hour report window for the large one."""
        calls = self.scale.target_active_calls
        hours = min(26.0, max(3.5, 26.0 * 2_000 / max(calls, 1)))
        return hours * 3600.0
