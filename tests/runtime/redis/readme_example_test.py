"""The README's composed example (limiter + retry + breaker + key failover), run on a real Redis."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.runtime.redis.server import RedisServer

ROOT = Path(__file__).resolve().parents[3]


def _composed_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```python\n(.*?)```", readme, re.S) if "class FakeOpenAI" in b]
    assert len(blocks) == 1
    return blocks[0]


def test_the_composed_example_runs_with_every_worker_sharing_redis(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    env = {**os.environ, "REDIS_URL": redis_server.url, "PYTHONPATH": str(ROOT)}
    for _ in range(2):  # the second run meets the first one's state: the revoked key stays benched
        out = subprocess.run([sys.executable, "-c", _composed_example()], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=120, check=False)
        assert out.returncode == 0, out.stderr[-2000:]
        assert "['disabled', 'healthy']" in out.stdout
    check = subprocess.run(
        [sys.executable, "-c",
         "import redis, sys; r = redis.Redis.from_url(sys.argv[1]); "
         "print(sorted(k.decode() for k in r.keys('myapp:*')))", redis_server.url],
        capture_output=True, text=True, check=True,
    )
    assert "myapp:breaker:openai" in check.stdout and "myapp:key:openai:" in check.stdout
    assert "demo-revoked" not in check.stdout
