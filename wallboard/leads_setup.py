"""Building a `LeadPusher` from configuration: which route, which client, which audit log.

Precedence for the route: the `via` argument (the `--via` flag) > `[leads] route` in the config.
The feed's API key: `WALLBOARD_LEADFEED_API_KEY` > `[leads] api_key`; it stays a `SecretStr`
and is never printed. The loader uses the selected account's RingCX credentials.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Literal

from pydantic import SecretStr

from wallboard.actions import default_operator
from wallboard.audit import AuditLog, default_audit_path
from wallboard.config import ConfigError, WallboardConfig
from wallboard.leads import LeadPusher
from wallboard.leads_routes import FeedRoute, LeadRoute, LoaderRoute
from wallboard.providers.leadfeed import LeadFeedClient
from wallboard.providers.ringcx.client import RingCxClient

API_KEY_ENV = "WALLBOARD_LEADFEED_API_KEY"
Via = Literal["feed", "loader"]


def feed_api_key(config: WallboardConfig, environ: dict[str, str] | None = None) -> SecretStr:
    env = os.environ if environ is None else environ
    if env.get(API_KEY_ENV):
        return SecretStr(env[API_KEY_ENV])
    if config.leads.api_key is not None:
        return config.leads.api_key
    raise ConfigError(
        f"the live lead feed needs an API key: set {API_KEY_ENV} or [leads] api_key "
        "(or push with --via loader)"
    )


@asynccontextmanager
async def open_pusher(
    config: WallboardConfig,
    *,
    account: str | None = None,
    via: Via | None = None,
    environ: dict[str, str] | None = None,
) -> AsyncIterator[LeadPusher]:
    """A ready `LeadPusher` for the chosen account and route; closes its client on exit.
    Raises `ConfigError` when the config cannot work (no account, no API key)."""
    name, settings = config.selected(account)
    chosen: Via = via or config.leads.route
    audit = AuditLog(default_audit_path(config.resolved_data_dir()))
    route: LeadRoute
    if chosen == "feed":
        key = feed_api_key(config, environ)
        audit.redactor.add(key)
        async with LeadFeedClient(
            key, base_url=config.leads.feed_url, max_per_minute=config.leads.feed_max_per_minute
        ) as feed:
            route = FeedRoute(feed)
            yield _pusher(route, audit, name, config, settings.read_only)
        return
    async with RingCxClient(settings) as client:
        route = LoaderRoute(client, config.leads.loader_batch_size)
        yield _pusher(route, audit, name, config, settings.read_only)


def _pusher(
    route: LeadRoute, audit: AuditLog, account: str, config: WallboardConfig, read_only: bool
) -> LeadPusher:
    return LeadPusher(
        route,
        audit=audit,
        account=account,
        operator=default_operator(config),
        read_only=read_only,
    )
