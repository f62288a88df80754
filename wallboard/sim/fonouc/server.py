"""`FonoucSimServer`: the simulated contact center, served as a FonoUC tenant on a real socket.

Why a subclass of `SimServer`: the lifecycle (bind first, uvicorn in a thread, the frozen or
accelerated clock, the `ContactCenter` model) is exactly the RingCX simulator's; only the HTTP
face differs. `server.center` is the same dynamic model, so a test can steer the center and
watch FonoUC see it.
"""

from __future__ import annotations

from typing import Any

from wallboard.config import AccountConfig
from wallboard.sim.fonouc.app import create_fonouc_app
from wallboard.sim.fonouc.auth import ACCESS_TTL_S, FonoucCredentials, FonoucTokens
from wallboard.sim.fonouc.tenant import FonoucTenant, TenantIdentity
from wallboard.sim.server import SimServer


class FonoucSimServer(SimServer):
    """A simulated FonoUC tenant. Takes `SimServer`'s keywords, plus `access_ttl` (seconds of
    simulated time an access token lives)."""

    def __init__(self, *args: Any, access_ttl: float = ACCESS_TTL_S, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fonouc_credentials = FonoucCredentials.for_seed(self.settings.seed)
        identity = TenantIdentity(
            self.fonouc_credentials.domain, self.fonouc_credentials.account_id
        )
        self.tenant = FonoucTenant(self.center, identity)
        self.fonouc_tokens = FonoucTokens(self.fonouc_credentials, self.clock, access_ttl)
        self.app = create_fonouc_app(self.tenant, self.fonouc_tokens)

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"FonoucSimServer({self.base_url if self.running else self.host}, {state})"

    def fonouc_account_config(self, *, with_account_id: bool = False) -> AccountConfig:
        """A ready-to-use FonoUC account config pointing at this server. The account id is
        left to the login answer unless `with_account_id`."""
        c = self.fonouc_credentials
        fields: dict[str, Any] = {
            "platform": "fonouc",
            "fonouc_url": self.base_url,
            "username": c.username,
            "password": c.password,
            "domain": c.domain,
            "timezone": self.settings.timezone,
            "label": "Simulated FonoUC tenant",
        }
        if with_account_id:
            fields["account_id"] = c.account_id
        return AccountConfig.model_validate(fields)
