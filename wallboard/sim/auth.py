"""Demo users, their credentials, and the tokens the simulated platform issues and checks.

Why this mirrors the real sign-in so closely: the wallboard's client must survive the real flow
(RingCentral JWT grant, exchange for a RingCX token, five-minute access tokens, refresh-token
rotation, the legacy never-expiring API token), so the simulator issues and refuses tokens the
same way, on the simulated clock, so an accelerated run sees tokens expire.

RingCX access tokens are real HS256 JWTs whose `exp` is simulated time: an expired token is
recognised from the token itself (as the platform does) and answered with the platform's plain
`Jwt is expired`. Refresh tokens are opaque, single-use and rotate. Nothing here puts a secret in
a `repr`, a log line or an exception; logs carry a `fingerprint` instead.

Demo secrets are derived from the simulation seed: stable per seed (a written config keeps
working after a restart with the same seed) yet shaped like the real thing.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import json
import secrets
import string
import threading
from dataclasses import dataclass
from typing import Literal

from wallboard.sim.clock import SimClock


class Permission(enum.Flag):
    """What a RingCX admin user may do; the platform grants these in RingCX Admin, not OAuth."""

    NONE = 0
    REALTIME = enum.auto()
    LIST_CALLS = enum.auto()
    CONTROL_CALLS = enum.auto()
    REPORTS = enum.auto()
    LOAD_LEADS = enum.auto()


ALL_PERMISSIONS = (
    Permission.REALTIME
    | Permission.LIST_CALLS
    | Permission.CONTROL_CALLS
    | Permission.REPORTS
    | Permission.LOAD_LEADS
)


@dataclass(frozen=True)
class DemoUser:
    """One RingCX admin user. `key` is how tests and the CLI name it."""

    key: str
    first_name: str
    last_name: str
    admin_id: int
    extension_id: int
    permissions: Permission

    @property
    def email(self) -> str:
        return f"{self.first_name}.{self.last_name}@example.com".lower()

    def may(self, permission: Permission) -> bool:
        return permission in self.permissions


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("supervisor", "Dana", "Whitfield", 1800101, 62919041008, ALL_PERMISSIONS),
    DemoUser(
        "viewer",
        "Lee",
        "Park",
        1800102,
        62919042008,
        Permission.REALTIME | Permission.LIST_CALLS | Permission.REPORTS,
    ),
    DemoUser("noaccess", "Chris", "Novak", 1800103, 62919043008, Permission.NONE),
)

_BASE62 = string.digits + string.ascii_letters


def _derive(seed: int, purpose: str, size: int = 32) -> bytes:
    """Deterministic pseudo-random bytes for one named secret of one seed."""
    out = b""
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"wallboard-sim:{seed}:{purpose}:{counter}".encode()).digest()
        counter += 1
    return out[:size]


def _base62(data: bytes, length: int) -> str:
    number = int.from_bytes(data, "big")
    chars = []
    for _ in range(length):
        number, digit = divmod(number, 62)
        chars.append(_BASE62[digit])
    return "".join(chars)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _json_segment(value: object) -> str:
    return _b64url(json.dumps(value, separators=(",", ":")).encode())


def fingerprint(token: str | None) -> str | None:
    """A short, stable, non-reversible name for a token, safe to log and show."""
    if not token:
        return None
    return "fp-" + hashlib.sha256(token.encode()).hexdigest()[:10]


class DemoCredentials:
    """The demo app's client id and secret and each demo user's JWT and API token.

    `repr` names the users only, never a secret.
    """

    def __init__(self, seed: int, users: tuple[DemoUser, ...] = DEMO_USERS) -> None:
        self.seed = seed
        self.users = {user.key: user for user in users}
        self.client_id = _base62(_derive(seed, "client-id"), 22)
        self.client_secret = _base62(_derive(seed, "client-secret"), 43)
        self._jwts = {key: self._rc_jwt(user) for key, user in self.users.items()}
        self._api_tokens = {key: self._api_token(key) for key in self.users}

    def __repr__(self) -> str:
        return f"DemoCredentials(seed={self.seed}, users={sorted(self.users)})"

    def _rc_jwt(self, user: DemoUser) -> str:
        """A RingCentral-style JWT credential (RS256-shaped; the signature is opaque bytes)."""
        header = {"kid": _derive(self.seed, "kid", 16).hex(), "alg": "RS256"}
        payload = {
            "aud": "https://platform.ringcentral.com/restapi/oauth/token",
            "sub": str(user.extension_id),
            "iss": "https://platform.ringcentral.com",
            "exp": 3_900_000_000,
            "iat": 1_735_689_600,
            "jti": _b64url(_derive(self.seed, f"jti:{user.key}", 16)),
        }
        signature = _b64url(_derive(self.seed, f"jwt-signature:{user.key}", 256))
        return f"{_json_segment(header)}.{_json_segment(payload)}.{signature}"

    def _api_token(self, key: str) -> str:
        raw = _derive(self.seed, f"api-token:{key}", 16).hex()
        return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"

    def jwt(self, user: str = "supervisor") -> str:
        return self._jwts[user]

    def api_token(self, user: str = "supervisor") -> str:
        return self._api_tokens[user]

    def check_client(self, client_id: str, client_secret: str) -> bool:
        return hmac.compare_digest(client_id, self.client_id) and hmac.compare_digest(
            client_secret, self.client_secret
        )

    def user_for_jwt(self, assertion: str) -> DemoUser | None:
        for key, jwt in self._jwts.items():
            if hmac.compare_digest(assertion, jwt):
                return self.users[key]
        return None

    def user_for_api_token(self, token: str) -> DemoUser | None:
        for key, known in self._api_tokens.items():
            if hmac.compare_digest(token, known):
                return self.users[key]
        return None

    def signing_key(self) -> bytes:
        return _derive(self.seed, "ringcx-signing-key")


@dataclass(frozen=True)
class Principal:
    """Who is calling. `session` keys the per-token rate limit: a refreshed access token
    continues its session, so refreshing never buys a fresh budget."""

    user: DemoUser
    session: str
    kind: Literal["jwt", "api_token"]


@dataclass(frozen=True)
class AuthFailure:
    """Why a request is not authenticated: `expired` gets the platform's plain-text answer."""

    reason: Literal["missing", "unknown", "expired"]


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    refresh_token: str | None
    user: DemoUser


@dataclass
class _RcToken:
    user: DemoUser
    expires_at: float


class TokenAuthority:
    """Issues, checks, refreshes and rotates tokens; thread-safe; time is the simulated clock."""

    RC_TOKEN_TTL = 3600
    RC_REFRESH_TTL = 604_800

    def __init__(self, credentials: DemoCredentials, clock: SimClock, token_ttl: float) -> None:
        if token_ttl <= 0:
            raise ValueError("token_ttl must be positive")
        self.credentials = credentials
        self.clock = clock
        self.token_ttl = float(token_ttl)
        self._key = credentials.signing_key()
        self._lock = threading.Lock()
        self._rc_tokens: dict[str, _RcToken] = {}
        self._refresh: dict[str, tuple[DemoUser, str]] = {}
        self._api_tokens: dict[str, DemoUser] = {}

    def __repr__(self) -> str:
        return f"TokenAuthority(token_ttl={self.token_ttl})"

    def _now(self) -> float:
        return self.clock.now().timestamp()

    # --- RingCentral platform ------------------------------------------------------------

    def grant_rc_token(self, assertion: str) -> tuple[str, DemoUser] | None:
        """The JWT-bearer grant: a known JWT credential buys a RingCentral access token."""
        user = self.credentials.user_for_jwt(assertion)
        if user is None:
            return None
        raw = b"SIM11P01PAS00|" + secrets.token_bytes(48)
        token = base64.b64encode(raw).decode("ascii")
        with self._lock:
            self._rc_tokens[token] = _RcToken(user, self._now() + self.RC_TOKEN_TTL)
        return token, user

    def rc_user(self, token: str | None) -> DemoUser | None:
        """The user behind a live RingCentral access token, or None."""
        if not token:
            return None
        with self._lock:
            entry = self._rc_tokens.get(token)
        if entry is None or entry.expires_at <= self._now():
            return None
        return entry.user

    # --- RingCX tokens -------------------------------------------------------------------

    def exchange(self, rc_token: str, include_refresh: bool) -> IssuedTokens | None:
        """RingCentral token to RingCX tokens; each exchange starts a new rate-limit session."""
        user = self.rc_user(rc_token)
        if user is None:
            return None
        return self._issue(user, "s-" + secrets.token_hex(8), include_refresh)

    def refresh(self, refresh_token: str) -> IssuedTokens | None:
        """A new access token and a new refresh token; the old refresh token dies here."""
        with self._lock:
            entry = self._refresh.pop(refresh_token, None)
        if entry is None:
            return None
        user, session = entry
        return self._issue(user, session, True)

    def _issue(self, user: DemoUser, session: str, include_refresh: bool) -> IssuedTokens:
        now = self._now()
        header = {"alg": "HS256", "typ": "JWT"}
        payload = {
            "sub": user.key,
            "adminId": user.admin_id,
            "sid": session,
            "iat": round(now, 3),
            "exp": round(now + self.token_ttl, 3),
            "jti": secrets.token_hex(8),
        }
        signing_input = f"{_json_segment(header)}.{_json_segment(payload)}"
        signature = hmac.new(self._key, signing_input.encode(), hashlib.sha256).digest()
        access = f"{signing_input}.{_b64url(signature)}"
        refresh = None
        if include_refresh:
            refresh = secrets.token_urlsafe(32)
            with self._lock:
                self._refresh[refresh] = (user, session)
        return IssuedTokens(access, refresh, user)

    def issue_api_token(self, user: DemoUser) -> str:
        """A new legacy API token for `user`; it never expires."""
        token = str(secrets.token_hex(16))
        token = f"{token[:8]}-{token[8:12]}-{token[12:16]}-{token[16:20]}-{token[20:]}"
        with self._lock:
            self._api_tokens[token] = user
        return token

    def authenticate(
        self, authorization: str | None, x_auth_token: str | None
    ) -> Principal | AuthFailure:
        """Check an `Authorization: Bearer` RingCX token or an `X-Auth-Token` API token."""
        if x_auth_token:
            user = self.credentials.user_for_api_token(x_auth_token)
            if user is None:
                with self._lock:
                    user = self._api_tokens.get(x_auth_token)
            if user is None:
                return AuthFailure("unknown")
            return Principal(user, "api-" + (fingerprint(x_auth_token) or ""), "api_token")
        if not authorization:
            return AuthFailure("missing")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return AuthFailure("unknown")
        return self._check_jwt(token.strip())

    def _check_jwt(self, token: str) -> Principal | AuthFailure:
        try:
            head, body, signature = token.split(".")
            expected = hmac.new(self._key, f"{head}.{body}".encode(), hashlib.sha256).digest()
            if not hmac.compare_digest(_b64url_decode(signature), expected):
                return AuthFailure("unknown")
            claims = json.loads(_b64url_decode(body))
            user = self.credentials.users[claims["sub"]]
            expires = float(claims["exp"])
            session = str(claims["sid"])
        except (ValueError, KeyError, TypeError):
            return AuthFailure("unknown")
        if expires <= self._now():
            return AuthFailure("expired")
        return Principal(user, session, "jwt")
