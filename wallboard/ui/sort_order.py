"""A pane's display order: sorted once, then patched from the store's delta.

Why patch: at 7,500 agents, a poll in which a few agents log in or out (most polls, on a busy
floor) sorted every agent again: one sort value each (a Python call) and the sort. A patch takes
out the few that came, went or moved, and puts them back by binary search: one pass over the
list in C and a few dozen comparisons. The result is the very order a full sort would give.

Why ties are broken by key: two entities with equal values (two agents of the same name) must
keep their places whether the order was sorted or patched, and whatever order the platform lists
them in; otherwise rows swap between polls with nothing changed. "No data" sorts last, by key.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

#: A patch moving more than this share of the entities is left to a full sort.
PATCH_SHARE = 0.125


@dataclass(frozen=True)
class SortedOrder:
    """Keys in display order, by `values` (each key's sort value) and `how` (column, reverse)."""

    how: tuple[int, bool]
    values: dict[str, Any]
    keys: list[str]


def sort_order(how: tuple[int, bool], values: dict[str, Any]) -> SortedOrder:
    """Keys with a value sorted by (value, key), reversed if asked; then those without, by key."""
    known = [k for k, v in values.items() if v is not None]
    known.sort(key=lambda k: (values[k], k), reverse=how[1])
    known += sorted(k for k, v in values.items() if v is None)
    return SortedOrder(how, values, known)


def patch_order(
    order: SortedOrder, removed: Collection[str], placed: Mapping[str, Any]
) -> SortedOrder | None:
    """`order` without the `removed` keys and with `placed` (key -> new sort value: entities that
    came, or whose value moved) put where a full sort would put them. None when so many moved
    that a full sort is cheaper."""
    if not removed and not placed:
        return order
    if len(removed) + len(placed) > PATCH_SHARE * max(len(order.keys), 1):
        return None
    values = dict(order.values)
    for key in removed:
        values.pop(key, None)
    values.update(placed)
    out = set(removed).union(placed)
    keys = [k for k in order.keys if k not in out]
    known = len(keys) - sum(1 for k in keys if values[k] is None)
    reverse = order.how[1]
    for key, value in placed.items():
        if value is None:
            at = _search(keys, known, len(keys), lambda k: k, key, False)
        else:
            rank = (value, key)
            at = _search(keys, 0, known, lambda k: (values[k], k), rank, reverse)
            known += 1
        keys.insert(at, key)
    return SortedOrder(order.how, values, keys)


def _search(keys: list[str], lo: int, hi: int, rank: Any, target: Any, reverse: bool) -> int:
    """Where `target` goes in `keys[lo:hi]`, ordered by `rank` ascending (descending if
    `reverse`). Ranks are unique (the key is part of each), so there are no ties to place."""
    while lo < hi:
        mid = (lo + hi) // 2
        before = rank(keys[mid]) > target if reverse else rank(keys[mid]) < target
        if before:
            lo = mid + 1
        else:
            hi = mid
    return lo
