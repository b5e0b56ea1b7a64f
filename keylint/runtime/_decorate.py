"""One decorator shape for the retry strategy and the circuit breaker: sync or async alike."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])


def decorate(
    fn: F, call: Callable[..., Any], acall: Callable[..., Awaitable[Any]]
) -> F:
    """Wrap `fn` so each call goes through `call(fn, ...)`, or `await acall(fn, ...)` for a
    coroutine function."""
    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            return await acall(fn, *args, **kwargs)

        return cast(F, async_wrapper)

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return call(fn, *args, **kwargs)

    return cast(F, wrapper)
