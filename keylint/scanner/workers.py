"""Forked workers fed while the work is still being found (a history scan starts before git log
ends). Each worker reads JSON lines from its pipe (each a batch of tasks) and sends one JSON
result back when the pipe closes; one whose result does not arrive is redone in this process
from the tasks it was sent.

fork() and pipes are cheaper than a pool (no start-up, no pickling): the children inherit the
compiled detector. Only JSON crosses the pipes (strings with surrogate escapes included).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

Work = Callable[[Iterable[Any]], Any]
# Tasks sent in one line: one json.dumps and one write per task was a fifth of a 20,000-commit
# history scan's CPU in the process that reads git log (28,852 tasks, ~0.3 s).
_BATCH = 64


def _lines(stream: IO[str]) -> Iterator[Any]:
    for line in stream:
        yield from json.loads(line)


class StreamPool:
    """`n` forked workers, each running `work` over the tasks sent to it."""

    def __init__(self, n: int, work: Work) -> None:
        self._work = work
        self._inputs: list[IO[str]] = []
        self._results: list[tuple[int, int]] = []  # (pid, read end)
        self._sent: list[list[Any]] = []
        self._pending: list[list[Any]] = []  # sent, not yet written
        for _ in range(n):
            task_r, task_w = os.pipe()
            result_r, result_w = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover (runs in the child; its output is checked by the parent)
                try:
                    os.close(task_w)
                    os.close(result_r)
                    for stream in self._inputs:  # the pipes of the workers forked before this one
                        stream.close()
                    for _, fd in self._results:
                        os.close(fd)
                    with os.fdopen(task_r, "r", encoding="ascii") as tasks, \
                            os.fdopen(result_w, "w", encoding="ascii") as out:
                        json.dump(work(_lines(tasks)), out)
                finally:
                    os._exit(0)
            os.close(task_r)
            os.close(result_w)
            self._inputs.append(os.fdopen(task_w, "w", encoding="ascii"))
            self._results.append((pid, result_r))
            self._sent.append([])
            self._pending.append([])

    def send(self, worker: int, task: Any) -> None:
        """Hand `task` (JSON-able) to a worker (in a batch: `finish` sends what is left)."""
        self._sent[worker].append(task)
        pending = self._pending[worker]
        pending.append(task)
        if len(pending) >= _BATCH:
            self._flush(worker)

    def _flush(self, worker: int) -> None:
        pending = self._pending[worker]
        with contextlib.suppress(BrokenPipeError):  # a dead worker's share is redone in finish()
            self._inputs[worker].write(json.dumps(pending) + "\n")
        pending.clear()

    def finish(self) -> list[Any]:
        """Close the inputs and gather every worker's result."""
        for worker, stream in enumerate(self._inputs):
            if self._pending[worker]:
                self._flush(worker)
            with contextlib.suppress(BrokenPipeError):
                stream.close()
        results = []
        for (pid, fd), sent in zip(self._results, self._sent, strict=True):
            with os.fdopen(fd, "r", encoding="ascii") as inp:
                payload = inp.read()
            os.waitpid(pid, 0)
            try:
                results.append(json.loads(payload))
            except ValueError:  # the worker died before it finished: do its share here
                results.append(self._work(sent))
        return results
