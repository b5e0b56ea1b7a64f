"""One redis-server per test session (per xdist worker), started on a free loopback port."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.runtime.redis.server import RedisServer, must_have_redis

_names = itertools.count()


def _server(tmp: Path) -> RedisServer:
    if shutil.which("redis-server") is None and not must_have_redis():
        pytest.skip("redis-server is not installed (apt-get install -y redis-server)")
    return RedisServer(tmp)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = _server(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def own_redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A server of the test's own, for tests that stop or restart it."""
    server = _server(tmp_path_factory.mktemp("redis-own"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def namespace(request: pytest.FixtureRequest) -> str:
    """A namespace no other test uses on the shared server."""
    return f"t{next(_names)}-{request.node.name[:40]}"
