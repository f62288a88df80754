"""`parse_scale`: presets, overrides, and errors that name the culprit."""

from __future__ import annotations

import pytest

from wallboard.sim.scale import PRESETS, Scale, parse_scale


def test_presets_have_the_documented_sizes() -> None:
    assert PRESETS["small"] == Scale(8, 4, 6, 60, 80)
    assert PRESETS["large"].campaigns == 500
    assert PRESETS["large"].target_active_calls == 10_000
    assert PRESETS["medium"].target_active_calls == 1_000


def test_preset_names_and_overrides() -> None:
    assert parse_scale("small") == PRESETS["small"]
    assert parse_scale(" Large ") == PRESETS["large"]
    custom = parse_scale("large,campaigns=200")
    assert custom.campaigns == 200
    assert custom.target_active_calls == 10_000
    assert custom.agents == PRESETS["large"].agents


def test_overrides_without_preset_start_from_small_and_scale_agents_with_calls() -> None:
    scale = parse_scale("campaigns=20,calls=500")
    assert scale.campaigns == 20
    assert scale.target_active_calls == 500
    assert scale.ivrs == PRESETS["small"].ivrs
    assert scale.agents == 375  # 60 agents per 80 calls, like the preset
    assert parse_scale("calls=500,agents=7").agents == 7


@pytest.mark.parametrize(
    ("text", "culprit"),
    [
        ("huge", "huge"),
        ("small,flavour=3", "flavour"),
        ("calls=lots", "lots"),
        ("calls=0", "calls"),
        ("agents=-1", "agents"),
        ("small,large", "large"),
        ("calls=5,calls=6", "calls"),
        ("", "empty"),
    ],
)
def test_errors_name_the_bad_key_or_value(text: str, culprit: str) -> None:
    with pytest.raises(ValueError, match=culprit):
        parse_scale(text)
