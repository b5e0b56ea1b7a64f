"""Spread work over processes: fork one child per shard after the first, which this process does.

fork() and a pipe per child are cheaper than a pool (no start-up, no pickling of the work): the
children inherit the compiled detector and any state built before the fork. A child sends its
result as JSON over its private pipe; a child that dies before finishing is redone here.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


def fork_map(work: Callable[[T], Any], shards: Sequence[T]) -> list[Any]:
    """`[work(s) for s in shards]`, the shards after the first in forked children.
    `work` must return JSON-able data (strings may hold surrogate escapes)."""
    if len(shards) < 2 or not hasattr(os, "fork"):  # pragma: no cover (windows)
        return [work(s) for s in shards]
    children = []
    for shard in shards[1:]:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover (runs in the child; its output is checked by the parent)
            os.close(read_end)
            try:
                with os.fdopen(write_end, "w", encoding="utf-8", errors="surrogateescape") as out:
                    json.dump(work(shard), out)
            finally:
                os._exit(0)
        os.close(write_end)
        children.append((pid, read_end, shard))
    results = [work(shards[0])]
    for pid, read_end, shard in children:
        with os.fdopen(read_end, "r", encoding="utf-8", errors="surrogateescape") as inp:
            payload = inp.read()
        os.waitpid(pid, 0)
        try:
            results.append(json.loads(payload))
        except ValueError:  # the child died before it finished: do its share here
            results.append(work(shard))
    return results
