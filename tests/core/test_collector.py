"""The garbage collector paced to views: off between views, a freeze (no scan) once a cycle,
a full collection on schedule."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from wallboard.collector import PacedCollector


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Iterator[Clock]:
    yield Clock()


@pytest.fixture
def paced(clock: Clock) -> Iterator[PacedCollector]:
    collector = PacedCollector(
        full_every_s=600.0, idle_collect_s=60.0, freeze_every_s=10.0, clock=clock
    )
    collector.start()
    try:
        yield collector
    finally:
        collector.stop()


class Ring:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_start_turns_automatic_collection_off_and_stop_back_on(clock: Clock) -> None:
    collector = PacedCollector(clock=clock)
    collector.start()
    try:
        assert not gc.isenabled() and collector.active
        assert gc.get_freeze_count() > 0
    finally:
        collector.stop()
    assert gc.isenabled() and not collector.active and gc.get_freeze_count() == 0


def test_a_view_freezes_what_the_cycle_left_without_scanning_it(
    paced: PacedCollector, clock: Clock
) -> None:
    clock.now += 15.0
    frozen = gc.get_freeze_count()
    garbage = Ring()
    gone = weakref.ref(garbage)
    kept = [Ring() for _ in range(100)]
    del garbage
    assert gone() is not None  # a cycle: reference counting alone does not free it
    paced.after_view()
    assert paced.freezes == 1 and paced.full == 0
    assert gone() is not None  # no scan: it waits for the full collection
    assert gc.get_freeze_count() >= frozen + len(kept) + 1  # all of it is out of sight


def test_a_full_collection_runs_on_schedule_and_frees_cycles_among_frozen_objects(
    paced: PacedCollector, clock: Clock
) -> None:
    ring = Ring()
    gone = weakref.ref(ring)
    clock.now += 15.0
    paced.after_view()  # the ring survives (still referenced) and is frozen
    del ring  # now garbage, but frozen: only a full collection sees it
    clock.now += 300.0
    paced.after_view()
    assert paced.full == 0 and gone() is not None
    clock.now += 300.0
    paced.after_view()
    assert paced.full == 1 and gone() is None


def test_tick_collects_only_when_no_view_did_for_a_while(
    paced: PacedCollector, clock: Clock
) -> None:
    clock.now += 15.0
    paced.after_view()
    clock.now += 30.0
    paced.tick()
    assert paced.freezes == 1
    clock.now += 31.0
    paced.tick()
    assert paced.freezes == 2


def test_views_of_one_cycle_share_one_freeze(paced: PacedCollector, clock: Clock) -> None:
    clock.now += 15.0
    paced.after_view()  # the cycle's first view
    garbage = Ring()
    gone = weakref.ref(garbage)
    del garbage
    clock.now += 2.0
    paced.after_view()  # another source's view, moments later: nothing of its own
    assert paced.freezes == 1
    clock.now += 13.0
    paced.after_view()  # the next cycle's: freezes what both left
    assert paced.freezes == 2 and gone() is not None
    clock.now += 600.0
    paced.after_view()  # the full collection, when due, frees them
    assert paced.full == 1 and gone() is None


def test_a_collector_never_started_does_nothing(clock: Clock) -> None:
    collector = PacedCollector(clock=clock)
    collector.after_view()
    collector.tick()
    collector.stop()
    assert (collector.freezes, collector.full) == (0, 0) and gc.isenabled()
