"""Who may push leads through the simulated live lead feed (seed 003): API keys and companies.

Why one key per situation: every error row of the seed's table depends on *who* is calling
(an inactive key, a key that is not universal, a company with no dialer, an unsupported dialer,
a dialer config without its auth token). Giving each situation its own demo key lets a test or a
demo reach any row by choosing the key, with no switches to flip. Keys are derived from the
simulator's seed, like the RingCX demo credentials, so a test computes them without asking.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

#: Dialer families the feed can forward to (the seed: "ringcx or newbridge").
SUPPORTED_FAMILIES = ("ringcx", "newbridge")
#: The auth token each family's dialer config must carry (seed 003's 400 row).
TOKEN_FIELD = {"ringcx": "permanentToken", "newbridge": "apiAuthToken"}


@dataclass(frozen=True)
class FeedCompany:
    """A customer of the feed and its dialer configuration."""

    name: str
    dialer_family: str | None
    has_token: bool = True
    #: False: the stored token was revoked at the dialer, which then answers 401 (a 502 here).
    token_accepted: bool = True


@dataclass(frozen=True)
class FeedApiKey:
    kind: str
    key: str
    company: FeedCompany
    key_type: str = "universal"
    active: bool = True


#: kind -> (company, key type, active). The kind names are what tests and the banner use.
_KINDS: dict[str, tuple[FeedCompany, str, bool]] = {
    "ringcx": (FeedCompany("Simulated RingCX Company", "ringcx"), "universal", True),
    "newbridge": (FeedCompany("Simulated NewBridge Company", "newbridge"), "universal", True),
    "no_dialer": (FeedCompany("Company Without Dialer", None), "universal", True),
    "unsupported_dialer": (FeedCompany("Five9 Company", "five9"), "universal", True),
    "ringcx_missing_token": (
        FeedCompany("RingCX Company Without Token", "ringcx", has_token=False),
        "universal",
        True,
    ),
    "newbridge_missing_token": (
        FeedCompany("NewBridge Company Without Token", "newbridge", has_token=False),
        "universal",
        True,
    ),
    "ringcx_revoked_token": (
        FeedCompany("RingCX Company With Revoked Token", "ringcx", token_accepted=False),
        "universal",
        True,
    ),
    "inactive": (FeedCompany("Simulated RingCX Company", "ringcx"), "universal", False),
    "not_universal": (FeedCompany("Simulated RingCX Company", "ringcx"), "campaign", True),
}
KEY_KINDS = tuple(_KINDS)


def _key_for(seed: int, kind: str) -> str:
    digest = hashlib.sha256(f"wallboard-sim/leadfeed/{seed}/{kind}".encode()).hexdigest()
    return f"oiq_{digest[:40]}"


def demo_feed_keys(seed: int) -> dict[str, str]:
    """Every demo API key of a simulator started with `seed`, by kind (see `KEY_KINDS`)."""
    return {kind: _key_for(seed, kind) for kind in _KINDS}


class KeyDirectory:
    """Looks an API key up; constant-time enough for a simulator (a dict of 9 keys)."""

    def __init__(self, seed: int) -> None:
        self._keys = {
            _key_for(seed, kind): FeedApiKey(kind, _key_for(seed, kind), company, key_type, active)
            for kind, (company, key_type, active) in _KINDS.items()
        }

    def find(self, key: str) -> FeedApiKey | None:
        return self._keys.get(key)
