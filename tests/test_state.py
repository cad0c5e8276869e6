"""The server runs small collects on the event loop only when nothing can make them slow."""

from __future__ import annotations

import threading
from pathlib import Path

from conftest import example
from finetune_collection.config import Config
from finetune_collection.pipeline import CollectResult, Pipeline
from finetune_collection.server import _is_small
from finetune_collection.state import AppState
from finetune_collection.store import Store


def _state(home: Path, config: Config) -> AppState:
    store = Store(home, config)
    return AppState(home, config, store, Pipeline(store, config), threading.Lock())


def test_a_small_collect_runs_in_the_calling_thread_when_the_store_is_free(finetune_home: Path, config: Config) -> None:
    state = _state(finetune_home, config)
    threads: list[int] = []

    def collect() -> CollectResult:
        threads.append(threading.get_ident())
        return state.pipeline.collect(example(1))

    result = state.run_small(collect)
    assert result is not None and result.status == "accepted"
    assert threads == [threading.get_ident()]
    assert result.id in Store(finetune_home, config)


def test_a_store_locked_by_another_process_sends_the_collect_to_a_thread(finetune_home: Path, config: Config) -> None:
    state = _state(finetune_home, config)
    other = Store(finetune_home, config)  # its own lock file descriptor: flock sees another owner
    with other.transaction():
        assert state.run_small(lambda: state.pipeline.collect(example(1))) is None
    assert len(Store(finetune_home, config)) == 0  # the declined attempt stored nothing
    result = state.run_small(lambda: state.pipeline.collect(example(1)))
    assert result is not None and result.status == "accepted"  # and the lock waits again afterwards
    assert state.store.storage._lock.wait


def test_a_long_catch_up_or_a_busy_state_sends_the_collect_to_a_thread(finetune_home: Path, config: Config) -> None:
    state = _state(finetune_home, config)
    other = Pipeline(Store(finetune_home, config), config)
    big = "lorem ipsum dolor " * 4000  # ~72 KB an example: 15 of them are over the 1 MB catch-up limit
    for n in range(15):
        other.collect(example(n, output={"assistant": f"{n} {big} {n}"}))
    assert not state.store.storage.quick_write_likely()
    assert state.run_small(lambda: state.pipeline.collect(example(99))) is None
    state.store.refresh()
    assert state.store.storage.quick_write_likely()
    with state.lock:  # another core call (an export) is running
        assert state.run_small(lambda: state.pipeline.collect(example(99))) is None


def test_only_modest_examples_count_as_small() -> None:
    assert _is_small(example(1))
    assert not _is_small({"output": {"assistant": "x" * 40_000}})
    deep: dict[str, object] = {}
    node = deep
    for _ in range(50_000):  # hostile nesting: counted without recursion, 1 char of key a level
        node["a"] = {}
        node = node["a"]  # type: ignore[assignment]
    assert not _is_small(deep)
    assert _is_small(deep, limit=60_000)
