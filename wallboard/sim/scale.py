"""How big the simulated contact center is.

Why a separate, tiny module: the CLI, the HTTP server and the tests all need to name a size
("small" for a demo, "large" for the 10,000-call soak) without importing the model itself.

`parse_scale` accepts a preset name and/or `key=value` overrides, comma separated, in any order:
``"small"``, ``"large,campaigns=200"``, ``"campaigns=20,calls=500"`` (no preset means "small").
When `calls` is overridden but `agents` is not, the agent roster is scaled with it (same
agents-per-call ratio as the preset), because the model fills roughly three quarters of its
active calls with agent conversations: 60 agents cannot carry 10,000 simultaneous calls.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Scale:
    """Entity counts and the steady-state number of simultaneous active calls to aim for."""

    campaigns: int
    ivrs: int
    gates: int
    agents: int
    target_active_calls: int


PRESETS: dict[str, Scale] = {
    "small": Scale(campaigns=8, ivrs=4, gates=6, agents=60, target_active_calls=80),
    "medium": Scale(campaigns=100, ivrs=20, gates=60, agents=750, target_active_calls=1_000),
    "large": Scale(campaigns=500, ivrs=60, gates=200, agents=7_500, target_active_calls=10_000),
}

_KEYS = {
    "campaigns": "campaigns",
    "ivrs": "ivrs",
    "gates": "gates",
    "agents": "agents",
    "calls": "target_active_calls",
}
#: Smallest allowed value per key: a center may have no campaigns, IVRs or gates, but it needs
#: at least one agent and a positive call target.
_MINIMUM = {"campaigns": 0, "ivrs": 0, "gates": 0, "agents": 1, "calls": 1}
_MAXIMUM = 200_000


def parse_scale(text: str) -> Scale:
    """Parse ``"preset"``, ``"preset,key=value,..."`` or ``"key=value,..."`` into a `Scale`.

    Raises `ValueError` naming the offending preset, key or value."""
    tokens = [token.strip() for token in text.split(",") if token.strip()]
    if not tokens:
        raise ValueError("empty scale: use a preset (small, medium, large) or key=value pairs")
    preset: str | None = None
    overrides: dict[str, int] = {}
    for token in tokens:
        if "=" not in token:
            name = token.lower()
            if name not in PRESETS:
                known = ", ".join(PRESETS)
                raise ValueError(f"unknown scale preset {token!r} (expected one of {known})")
            if preset is not None:
                raise ValueError(f"more than one scale preset given: {preset!r} and {token!r}")
            preset = name
            continue
        key, _, raw = token.partition("=")
        key = key.strip().lower()
        raw = raw.strip()
        if key not in _KEYS:
            known = ", ".join(_KEYS)
            raise ValueError(f"unknown scale key {key!r} (expected one of {known})")
        if key in overrides:
            raise ValueError(f"scale key {key!r} given twice")
        try:
            value = int(raw)
        except ValueError:
            raise ValueError(f"scale key {key!r} needs an integer, got {raw!r}") from None
        if value < _MINIMUM[key] or value > _MAXIMUM:
            raise ValueError(
                f"scale key {key!r} must be between {_MINIMUM[key]} and {_MAXIMUM}, got {value}"
            )
        overrides[key] = value
    base = PRESETS[preset or "small"]
    if "calls" in overrides and "agents" not in overrides:
        ratio = base.agents / base.target_active_calls
        overrides["agents"] = max(1, round(overrides["calls"] * ratio))
    return replace(base, **{_KEYS[key]: value for key, value in overrides.items()})
