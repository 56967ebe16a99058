"""The per-version cache of whole-graph results: pure Python, compute functions held by Events."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from hflineage.explore.cache import Pending, VersionedCache, freeze

TIMEOUT = 5.0


class Clock:
    """A clock the tests move by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Gate:
    """A compute function that blocks until released and counts its calls."""

    def __init__(self, value: Any = None, error: Exception | None = None) -> None:
        self.value, self.error = value, error
        self.calls = 0
        self.started = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()

    def __call__(self) -> Any:
        with self._lock:
            self.calls += 1
        self.started.set()
        assert self.release.wait(TIMEOUT), "test never released the computation"
        if self.error is not None:
            raise self.error
        return self.value


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cache(clock: Clock) -> Iterator[VersionedCache]:
    c = VersionedCache(workers=2, error_seconds=10.0, retired_seconds=30.0, clock=clock)
    yield c
    c.close(wait=False)


def settle(cache: VersionedCache) -> None:
    """Wait (bounded) until no computation is running."""
    done = threading.Event()
    for _ in range(500):
        if cache.running() == 0:
            return
        done.wait(0.01)
    raise AssertionError("computations still running")


def computed(cache: VersionedCache, version: str, name: str, params: dict[str, Any] | None,
             fn: Callable[[], Any]) -> Any:
    """Start ``fn`` (expected cold) and return what the cache serves once it is done."""
    first = cache.get_or_start(version, name, params, fn)
    assert isinstance(first, Pending) and not first.superseded
    settle(cache)
    return cache.get_or_start(version, name, params, fn)


def test_cold_request_is_pending_then_served_from_the_cache(cache: VersionedCache,
                                                            clock: Clock) -> None:
    gate = Gate(value={"models": 3})
    first = cache.get_or_start("v1", "growth", {"board": "v2"}, gate)
    assert first == Pending("v1", "growth", clock.now)
    assert gate.started.wait(TIMEOUT)
    clock.now += 2.5
    again = cache.get_or_start("v1", "growth", {"board": "v2"}, gate)
    assert again is first and again.elapsed(clock.now) == 2.5
    gate.release.set()
    settle(cache)
    assert cache.get_or_start("v1", "growth", {"board": "v2"}, gate) == {"models": 3}
    assert cache.get_or_start("v1", "growth", {"board": "v2"}, gate) == {"models": 3}
    assert gate.calls == 1 and len(cache) == 1


def test_parameters_and_names_are_separate_entries(cache: VersionedCache) -> None:
    a, b, c = Gate("a"), Gate("b"), Gate("c")
    for g in (a, b, c):
        g.release.set()
    assert computed(cache, "v1", "growth", {"board": "v1", "stubs": False}, a) == "a"
    assert computed(cache, "v1", "growth", {"board": "v2", "stubs": False}, b) == "b"
    assert computed(cache, "v1", "openness", {"board": "v1", "stubs": False}, c) == "c"
    # same parameters in another order, a list for a tuple: the same entry
    assert cache.get_or_start("v1", "growth", {"stubs": False, "board": "v1"}, b) == "a"
    assert freeze({"r": ["a", "b"]}) == freeze({"r": ("a", "b")})
    assert freeze({"r": ["a"]}) != freeze([("r", ("a",))])
    assert (a.calls, b.calls, c.calls) == (1, 1, 1)


def test_a_newer_version_never_sees_older_entries_and_drops_them(cache: VersionedCache) -> None:
    old, new = Gate("old"), Gate("new")
    old.release.set()
    new.release.set()
    assert computed(cache, "epoch-0/run-a", "growth", None, old) == "old"
    assert len(cache) == 1
    after = cache.get_or_start("epoch-0/run-b", "growth", None, new)
    assert isinstance(after, Pending) and after.version == "epoch-0/run-b"
    assert len(cache) == 0  # the older entry is gone at once
    settle(cache)
    assert cache.get_or_start("epoch-0/run-b", "growth", None, new) == "new"
    assert (old.calls, new.calls) == (1, 1)


def test_a_result_of_a_replaced_version_is_discarded(cache: VersionedCache) -> None:
    slow = Gate("computed on v1")
    cache.get_or_start("v1", "growth", None, slow)
    assert slow.started.wait(TIMEOUT)
    fresh = Gate("computed on v2")
    fresh.release.set()
    assert isinstance(cache.get_or_start("v2", "growth", None, fresh), Pending)
    slow.release.set()  # v1's computation ends after v2 became current
    settle(cache)
    assert cache.get_or_start("v2", "growth", None, fresh) == "computed on v2"
    assert len(cache) == 1


def test_a_request_still_on_a_replaced_version_starts_nothing(cache: VersionedCache,
                                                              clock: Clock) -> None:
    g1, g2, late = Gate(1), Gate(2), Gate("late")
    g1.release.set()
    g2.release.set()
    late.release.set()
    assert computed(cache, "v1", "growth", None, g1) == 1
    assert computed(cache, "v2", "growth", None, g2) == 2
    stale = cache.get_or_start("v1", "growth", None, late)
    assert isinstance(stale, Pending) and stale.superseded
    assert late.calls == 0 and cache.running() == 0
    assert cache.get_or_start("v2", "growth", None, g2) == 2  # v2 kept its entry
    clock.now += 31  # long after: a graph wiped back to v1 is v1 again
    assert computed(cache, "v1", "growth", None, late) == "late"


def test_identical_concurrent_requests_share_one_computation(cache: VersionedCache) -> None:
    gate = Gate("shared")
    barrier = threading.Barrier(8)
    answers: list[Any] = []

    def request() -> None:
        barrier.wait(TIMEOUT)
        answers.append(cache.get_or_start("v1", "growth", {"board": "v2"}, gate))

    threads = [threading.Thread(target=request) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
    assert len(answers) == 8 and all(isinstance(a, Pending) for a in answers)
    assert len({id(a) for a in answers}) == 1  # one Pending, one computation
    assert gate.started.wait(TIMEOUT)
    gate.release.set()
    settle(cache)
    assert gate.calls == 1
    assert cache.get_or_start("v1", "growth", {"board": "v2"}, gate) == "shared"


def test_a_failure_is_raised_briefly_then_computed_again(cache: VersionedCache,
                                                         clock: Clock) -> None:
    boom = Gate(error=RuntimeError("Neo4j went away"))
    boom.release.set()
    first = cache.get_or_start("v1", "growth", None, boom)
    assert isinstance(first, Pending)
    settle(cache)
    for _ in range(2):
        with pytest.raises(RuntimeError, match="Neo4j went away"):
            cache.get_or_start("v1", "growth", None, boom)
    assert boom.calls == 1 and len(cache) == 0
    clock.now += 10.5  # past error_seconds: tried again
    ok = Gate("recovered")
    ok.release.set()
    assert computed(cache, "v1", "growth", None, ok) == "recovered"
    assert boom.calls == 1 and ok.calls == 1


def test_at_most_workers_computations_run_at_once(cache: VersionedCache) -> None:
    gates = [Gate(i) for i in range(5)]
    active = 0
    peak = 0
    lock = threading.Lock()

    def tracked(gate: Gate) -> Callable[[], Any]:
        def run() -> Any:
            nonlocal active, peak
            with lock:
                active += 1
                peak = max(peak, active)
            try:
                return gate()
            finally:
                with lock:
                    active -= 1
        return run

    for i, gate in enumerate(gates):
        assert isinstance(cache.get_or_start("v1", "chart", {"i": i}, tracked(gate)), Pending)
    assert gates[0].started.wait(TIMEOUT) and gates[1].started.wait(TIMEOUT)
    assert not gates[2].started.wait(0.05)  # the third waits for a free worker
    assert cache.running() == 5
    for gate in gates:
        gate.release.set()
    settle(cache)
    assert peak == 2
    assert [cache.get_or_start("v1", "chart", {"i": i}, gates[i]) for i in range(5)] == \
        [0, 1, 2, 3, 4]


def test_queued_computations_of_a_replaced_version_are_cancelled(cache: VersionedCache) -> None:
    busy = [Gate(i) for i in range(2)]
    for i, gate in enumerate(busy):
        cache.get_or_start("v1", "chart", {"i": i}, gate)
    queued = Gate("never")
    cache.get_or_start("v1", "chart", {"i": 9}, queued)
    assert busy[0].started.wait(TIMEOUT) and busy[1].started.wait(TIMEOUT)
    now = Gate("v2")
    now.release.set()
    cache.get_or_start("v2", "chart", {"i": 0}, now)
    for gate in busy:
        gate.release.set()
    settle(cache)
    assert queued.calls == 0
    assert cache.get_or_start("v2", "chart", {"i": 0}, now) == "v2"


def test_wait_returns_a_fast_result_directly(cache: VersionedCache) -> None:
    fast = Gate("fast")
    fast.release.set()
    assert cache.get_or_start("v1", "growth", None, fast, wait=TIMEOUT) == "fast"
    slow = Gate("slow")
    assert isinstance(cache.get_or_start("v1", "slow", None, slow, wait=0.02), Pending)
    slow.release.set()
