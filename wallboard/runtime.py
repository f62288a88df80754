"""Assemble the live core from a config: provider, store, history, poller (and the demo center).

Why one assembler: the screen, `status`, `check` and any later fan-out must watch an account
the same way, with the same alert rules and the same history. Each of them opens a `Runtime`
and reads its store; none builds the pieces itself.

The demo: with `demo=True`, or when the config names no account at all, the simulated contact
center runs in-process on a free loopback port and the wallboard signs in to it over HTTP with
its long-lived API token, exactly as it would to RingCX.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import anyio

from wallboard.config import AccountConfig, PollerConfig, WallboardConfig
from wallboard.history import History, default_history_path
from wallboard.poller import Poller, utc_now
from wallboard.providers.base import Provider
from wallboard.store import Store

if TYPE_CHECKING:  # the simulator is imported only when the demo runs
    from wallboard.sim.server import SimServer

log = logging.getLogger(__name__)

DEMO_ACCOUNT = "demo"


@dataclass
class Runtime:
    """The live core for one account. Use `open_runtime`; read `store`; drive `poller`."""

    name: str
    account: AccountConfig
    provider: Provider
    store: Store
    poller: Poller
    history: History | None
    demo: SimServer | None = None
    """The in-process `SimServer` when running the demo, else None."""

    @property
    def read_only(self) -> bool:
        return self.account.read_only


def open_provider(
    name: str, account: AccountConfig, poller: PollerConfig | None = None
) -> Provider:
    """The provider that speaks to `account`'s platform (`poller`: the listing's page size)."""
    if account.platform == "ringcx":
        from wallboard.providers.ringcx.provider import RingCxProvider

        page_size = (poller or PollerConfig()).calls_page_size
        return RingCxProvider(name, account, page_size=page_size)
    if account.platform == "fonouc":
        from wallboard.providers.fonouc.provider import FonoucProvider

        return FonoucProvider(name, account)
    raise ValueError(f"unknown platform {account.platform!r}")  # pragma: no cover - config-checked


def demo_start(zone: str, now: datetime | None = None) -> datetime:
    """When the demo's clock starts: now, if the simulated center is in business hours (8:00 to
    18:00 in its zone), else 10:30 today, so a demo at any hour shows a busy floor."""
    local = (now or datetime.now(UTC)).astimezone(ZoneInfo(zone))
    if 8 <= local.hour < 18:
        return local.astimezone(UTC)
    return local.replace(hour=10, minute=30, second=0, microsecond=0).astimezone(UTC)


def _start_demo(
    speed: float = 1.0, seed: int = 7, scale: str = "small", platform: str = "ringcx"
) -> SimServer:
    from wallboard.sim.model import SimSettings
    from wallboard.sim.scale import parse_scale
    from wallboard.sim.server import SimServer

    settings = SimSettings(seed=seed, scale=parse_scale(scale))
    if platform == "fonouc":
        from wallboard.sim.fonouc.server import FonoucSimServer

        return FonoucSimServer(settings, speed=speed, start=demo_start(settings.timezone)).start()
    if platform != "ringcx":
        raise ValueError(f"unknown demo platform {platform!r} (expected ringcx or fonouc)")
    return SimServer(settings, speed=speed, start=demo_start(settings.timezone)).start()


def _demo_account(server: SimServer) -> AccountConfig:
    """The demo server's account config: FonoUC login for a FonoUC tenant, else the RingCX
    long-lived API token."""
    from wallboard.sim.fonouc.server import FonoucSimServer

    if isinstance(server, FonoucSimServer):
        chosen = server.fonouc_account_config()
    else:
        chosen = server.account_config(auth="api_token")
    return chosen.model_copy(update={"label": "demo (simulated center)"})


@asynccontextmanager
async def open_runtime(
    config: WallboardConfig,
    *,
    account: str | None = None,
    demo: bool = False,
    demo_scale: str = "small",
    demo_platform: str = "ringcx",
    interval_s: float | None = None,
    keep_history: bool = True,
    one_shot: bool = False,
) -> AsyncIterator[Runtime]:
    """Open the core for one account (or the demo); close everything on exit.

    `keep_history=False` runs with no database. `one_shot=True` is for a single pass (`status`,
    `check`): alert rules then judge that one observation, so their minimum durations do not
    apply (there is no earlier pass to have lasted since)."""
    server = None
    if demo or not config.accounts:
        server = _start_demo(scale=demo_scale, platform=demo_platform)
        name, chosen = DEMO_ACCOUNT, _demo_account(server)
    else:
        name, chosen = config.selected(account)
    history = None
    scratch: tempfile.TemporaryDirectory[str] | None = None
    if keep_history and config.history.enabled:
        path = Path(config.history.path) if config.history.path else None
        if path is None and server is not None:
            # The demo's center is generated afresh at each start, so its counters do not
            # continue the last run's: rates against that history would be nonsense (a
            # second demo a few minutes later showed 700 dials a minute). One run, one history.
            scratch = tempfile.TemporaryDirectory(prefix="wallboard-demo-")
            path = default_history_path(scratch.name)
        elif path is None:
            path = default_history_path(config.resolved_data_dir())
        history = History(
            path, account=name, retention_days=config.history.retention_days, live=not one_shot
        )
        if one_shot and history.live_writer_seen():
            # A running wallboard writes this account's history: a pass of ours would count
            # the span since its last write a second time (see `wallboard.history`).
            history.recording = False
            log.info("history: a running wallboard writes it; this pass records nothing")
    rules = config.alerts.effective_rules()
    if one_shot:
        rules = tuple(rule.model_copy(update={"min_duration_s": 0.0}) for rule in rules)
    store = Store(
        history=history,
        rules=rules,
        abandon_cap=config.alerts.abandon_cap,
    )
    provider = open_provider(name, chosen, config.poller)
    # History is read on a thread while the screen starts and the platform signs in, not on
    # the first publish: the first numbers should not wait for 30 days of the past.
    preparing = threading.Thread(
        target=store.prepare, args=(provider.timezone,), name="wallboard-store-start", daemon=True
    )
    preparing.start()
    now = server.clock.now if server is not None else utc_now
    poller = Poller(
        provider,
        store,
        interval_s=interval_s or config.poller.interval,
        now=now,
    )
    try:
        yield Runtime(name, chosen, provider, store, poller, history, server)
    finally:
        with anyio.CancelScope(shield=True):
            await provider.aclose()
            await anyio.to_thread.run_sync(preparing.join)
            store.close()
            if history is not None:
                await anyio.to_thread.run_sync(history.close)
            if server is not None:
                await anyio.to_thread.run_sync(server.stop)
            if scratch is not None:
                scratch.cleanup()
