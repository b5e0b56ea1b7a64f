"""The forked workers a history scan feeds while git log still runs (keylint/scanner/workers.py)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from keylint.scanner.workers import StreamPool


def _collect(tasks: Iterable[Any]) -> list[Any]:
    return list(tasks)


def test_every_task_reaches_its_worker_in_order() -> None:
    # More tasks than one batch holds, and a last batch that is not full.
    pool = StreamPool(2, _collect)
    sent: list[list[Any]] = [[], []]
    for i in range(150):
        task = [f"blob{i}", i % 3 == 0, f"dir/f\n{i}.py"]  # names may hold any character
        pool.send(i % 2, task)
        sent[i % 2].append(task)
    assert pool.finish() == sent


def test_a_worker_that_dies_has_its_share_done_here() -> None:
    parent = os.getpid()

    def dies_in_the_second_worker(tasks: Iterable[Any]) -> list[Any]:
        got = list(tasks)
        if os.getpid() != parent and got and got[0] == "w1":
            os._exit(1)  # killed before it could answer
        return got

    pool = StreamPool(2, dies_in_the_second_worker)
    for i in range(100):
        pool.send(i % 2, f"w{i % 2}" if i < 2 else str(i))
    results = pool.finish()
    assert results[0] == ["w0", *(str(i) for i in range(2, 100, 2))]
    assert results[1] == ["w1", *(str(i) for i in range(3, 100, 2))]  # redone in this process
