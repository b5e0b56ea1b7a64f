from __future__ import annotations

import subprocess
import sys

HEAVY = "{'libcst', 'bandit', 'detect_secrets', 'redis'}"


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)


def test_importing_runtime_pulls_in_no_heavy_library() -> None:
    proc = _run(
        "import keylint.runtime, sys; "
        f"assert not any(m.split('.')[0] in {HEAVY} for m in sys.modules)"
    )
    assert proc.returncode == 0, proc.stderr


def test_tenacity_jsonschema_and_the_detector_load_on_first_use_only() -> None:
    proc = _run(
        "import keylint.runtime, sys; "
        "print(sorted(m for m in ('tenacity', 'jsonschema', 'keylint.scanner.engine') "
        "if m in sys.modules))"
    )
    assert proc.stdout.strip() == "[]", proc.stderr


def test_using_every_part_still_pulls_in_no_heavy_library() -> None:
    proc = _run(
        "import sys\n"
        "from keylint.runtime import *\n"
        "redact_api_keys('x')\n"
        "RetryStrategy(sleep=lambda s: None).call(lambda: 1)\n"
        "ConfigValidator({'type': 'object'}).validate({})\n"
        "SyncRateLimiter({'a': (1, 1)}).acquire('a')\n"
        "CircuitBreaker('b').call(lambda: 1)\n"
        "KeyManager({'p': ['k' * 20]}).get_key('p')\n"
        "import keylint.runtime.backends\n"
        f"assert not any(m.split('.')[0] in {HEAVY} for m in sys.modules), sorted(sys.modules)\n"
    )
    assert proc.returncode == 0, proc.stderr


def test_public_names() -> None:
    import keylint.runtime as rt

    for name in (
        "SecureString", "mask_api_key", "KeyMaskingFilter", "redact_api_keys", "KeyManager",
        "KeyStatus", "KeyHealth", "InputValidator", "ValidationError", "ConfigValidator",
        "RateLimiter", "AsyncRateLimiter", "SyncRateLimiter", "ErrorClassifier", "RetryStrategy",
        "CircuitBreaker",
    ):
        assert name in rt.__all__
        assert getattr(rt, name).__doc__
