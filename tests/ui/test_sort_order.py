"""A patched order is the order a full sort gives; ties are broken by key."""

from __future__ import annotations

import random

import pytest

from wallboard.ui.sort_order import patch_order, sort_order


def test_ties_are_broken_by_key_and_no_data_goes_last_by_key() -> None:
    values = {"b": "ann", "a": "ann", "c": None, "d": "bob", "0": None}
    assert sort_order((0, False), values).keys == ["a", "b", "d", "0", "c"]
    assert sort_order((0, True), values).keys == ["d", "b", "a", "0", "c"]


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("seed", range(40))
def test_a_patch_gives_the_full_sorts_order(seed: int, reverse: bool) -> None:
    rng = random.Random(seed)
    names = ["ann", "bob", "cy", "dee", None]
    values = {f"k{i}": rng.choice(names) for i in range(200)}
    order = sort_order((0, reverse), values)
    for _ in range(5):
        removed = set(rng.sample(sorted(order.values), 6))
        placed = {f"k{rng.randrange(300)}": rng.choice(names) for _ in range(8)}
        removed -= placed.keys()
        patched = patch_order(order, removed, placed)
        assert patched is not None
        expected = {k: v for k, v in order.values.items() if k not in removed} | placed
        assert patched.keys == sort_order((0, reverse), expected).keys
        assert patched.values == expected
        order = patched


def test_many_moves_are_left_to_a_full_sort_and_none_change_nothing() -> None:
    order = sort_order((0, False), {f"k{i}": i for i in range(16)})
    assert patch_order(order, {"k1", "k2", "k3"}, {}) is None
    assert patch_order(order, set(), {}) is order
