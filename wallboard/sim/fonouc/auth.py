"""FonoUC sign-in for the simulated tenant: one user, access tokens that expire on the simulated
clock, refresh tokens that rotate.

Why on the simulated clock: a test moves `sim.clock.advance(...)` past the access token's life
and watches the client refresh, without sleeping. The refresh endpoint is not in seed 004; the
simulator offers `POST /api/v2/login/refresh` with `{"refresh_token": ...}` (the shape the
wallboard assumes, see `wallboard.providers.fonouc`), and the wallboard falls back to a full
login when a server has no such route.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import dataclass

from wallboard.sim.clock import SimClock

ACCESS_TTL_S = 900.0
REFRESH_TTL_S = 7 * 86_400.0


@dataclass(frozen=True, slots=True)
class FonoucCredentials:
    """The demo user of a simulated tenant, derived from the simulator's seed."""

    username: str
    password: str
    domain: str
    account_id: str

    @classmethod
    def for_seed(cls, seed: int) -> FonoucCredentials:
        digest = hashlib.sha256(f"fonouc-demo:{seed}".encode()).hexdigest()
        return cls(
            username="supervisor",
            password=f"pw-{digest[:20]}",
            domain="sim.fonouc.local",
            account_id=hashlib.md5(f"fonouc:{seed}:account".encode()).hexdigest(),
        )

    def __repr__(self) -> str:
        return f"FonoucCredentials(username={self.username!r}, domain={self.domain!r})"


class FonoucTokens:
    """Issues and checks tokens. Thread-safe: the HTTP server and tests share it."""

    def __init__(
        self,
        credentials: FonoucCredentials,
        clock: SimClock,
        access_ttl: float = ACCESS_TTL_S,
        refresh_ttl: float = REFRESH_TTL_S,
    ) -> None:
        self.credentials = credentials
        self._clock = clock
        self._access_ttl = access_ttl
        self._refresh_ttl = refresh_ttl
        self._access: dict[str, float] = {}
        self._refresh: dict[str, float] = {}
        self._lock = threading.Lock()
        self.logins = 0
        self.refreshes = 0

    def __repr__(self) -> str:
        return "FonoucTokens()"

    def _now(self) -> float:
        return self._clock.now().timestamp()

    def login(self, username: str, password: str, domain: str) -> tuple[str, str] | None:
        """New (access, refresh) tokens, or None when the credentials are wrong."""
        c = self.credentials
        ok = (
            secrets.compare_digest(username, c.username)
            and secrets.compare_digest(password, c.password)
            and secrets.compare_digest(domain.lower(), c.domain)
        )
        if not ok:
            return None
        with self._lock:
            self.logins += 1
            return self._issue()

    def refresh(self, refresh_token: str) -> tuple[str, str] | None:
        """Rotate: the old refresh token is spent; None when it is unknown or expired."""
        with self._lock:
            expires = self._refresh.pop(refresh_token, None)
            if expires is None or expires <= self._now():
                return None
            self.refreshes += 1
            return self._issue()

    def _issue(self) -> tuple[str, str]:
        now = self._now()
        access = secrets.token_hex(24)
        refresh = secrets.token_hex(24)
        self._access[access] = now + self._access_ttl
        self._refresh[refresh] = now + self._refresh_ttl
        return access, refresh

    def revoke_refresh_tokens(self) -> None:
        """Forget every refresh token (an administrator signing the user out elsewhere), so a
        client must log in again with its password."""
        with self._lock:
            self._refresh.clear()

    def check(self, access_token: str) -> str | None:
        """None if the token is good, else why not ("expired", "invalid")."""
        with self._lock:
            expires = self._access.get(access_token)
        if expires is None:
            return "invalid"
        return "expired" if expires <= self._now() else None
