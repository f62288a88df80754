"""Build the wallboard app: the one factory the CLI, the Pilot tests and the snapshots share.

Why a factory with an opener: the app owns its event loop (`App.run`), so the live core must be
opened inside it. The app receives a function that opens a `Core` (the `Runtime`, or a fixed
store for snapshots) and enters it in a worker on its own loop.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from wallboard.config import AccountConfig, WallboardConfig
from wallboard.poller import Poller
from wallboard.runtime import open_runtime
from wallboard.store import Store
from wallboard.ui.actions_keys import layer_maker
from wallboard.ui.app import WallboardApp


class Core(Protocol):
    """What the screen reads: a store, maybe a poller to run, the account, maybe the demo."""

    @property
    def store(self) -> Store: ...

    @property
    def poller(self) -> Poller | None: ...

    @property
    def account(self) -> AccountConfig: ...

    @property
    def name(self) -> str: ...

    @property
    def demo(self) -> Any: ...


CoreOpener = Callable[[], AbstractAsyncContextManager[Core]]


@dataclass
class FixedCore:
    """A store fed by hand (snapshot tests): no poller, nothing to close."""

    store: Store
    name: str = "test"
    account: AccountConfig = field(default_factory=lambda: AccountConfig(label="test account"))
    poller: Poller | None = None
    demo: Any = None


@dataclass(frozen=True)
class AppOptions:
    """The run command's flags (None: not given, so the config decides)."""

    account: str | None = None
    demo: bool = False
    demo_platform: str = "ringcx"
    """Which simulated platform the demo runs: "ringcx" or "fonouc"."""
    kiosk: bool = False
    read_only: bool = False
    theme: str | None = None
    interval_s: float | None = None
    keep_history: bool = True


def runtime_opener(config: WallboardConfig, options: AppOptions) -> CoreOpener:
    @asynccontextmanager
    async def opener() -> AsyncIterator[Core]:
        async with open_runtime(
            config,
            account=options.account,
            demo=options.demo,
            demo_platform=options.demo_platform,
            interval_s=options.interval_s,
            keep_history=options.keep_history,
        ) as runtime:
            yield runtime

    return opener


def fixed_opener(core: FixedCore) -> CoreOpener:
    @asynccontextmanager
    async def opener() -> AsyncIterator[Core]:
        yield core

    return opener


def build_app(
    config: WallboardConfig, options: AppOptions, opener: CoreOpener | None = None
) -> WallboardApp:
    """The wallboard app for `config` and the run flags; `opener` replaces the live runtime
    (tests and snapshots). A live runtime also gets the call-action layer (issue 6)."""
    app = WallboardApp(config.ui, options, opener or runtime_opener(config, options))
    app.action_layer_maker = layer_maker(config, read_only=options.read_only or options.kiosk)
    app.config = config
    return app
