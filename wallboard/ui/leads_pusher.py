"""Which `LeadPusher` the screen's lead form uses.

Why the runtime's own client by default: the form pushes into the campaign selected on the
screen, so it must reach the same account the screen watches (in the demo, the simulated center,
which no config names). The RingCX lead loader through the runtime's `RingCxClient` does that
on the account's own budget. When the config chooses the live lead feed (`[leads] route =
"feed"`) for a configured account, the form uses `open_pusher`, exactly like `wallboard leads
push`. Either way every push is audited.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from wallboard.actions import default_operator
from wallboard.audit import AuditLog, default_audit_path
from wallboard.config import WallboardConfig
from wallboard.leads import LeadPusher
from wallboard.leads_routes import LoaderRoute
from wallboard.leads_setup import open_pusher
from wallboard.providers.ringcx.client import RingCxClient

PusherOpener = Callable[[], AbstractAsyncContextManager[LeadPusher]]


def pusher_opener(core: Any, config: WallboardConfig) -> PusherOpener | None:
    """How to get a pusher for `core`'s account; None when its platform has no lead loader."""
    client = getattr(getattr(core, "provider", None), "client", None)
    if config.leads.route == "feed" and getattr(core, "demo", None) is None:
        name = str(core.name)

        def feed() -> AbstractAsyncContextManager[LeadPusher]:
            return open_pusher(config, account=name, via="feed")

        return feed
    if not isinstance(client, RingCxClient):
        return None
    runtime_client = client

    @asynccontextmanager
    async def loader() -> AsyncIterator[LeadPusher]:
        data_dir = config.resolved_data_dir()
        demo = getattr(core, "demo", None) is not None
        audit = AuditLog(default_audit_path(data_dir / "demo" if demo else data_dir))
        yield LeadPusher(
            LoaderRoute(runtime_client, config.leads.loader_batch_size),
            audit=audit,
            account=str(core.name),
            operator=default_operator(config),
            read_only=bool(core.account.read_only),
        )

    return loader
