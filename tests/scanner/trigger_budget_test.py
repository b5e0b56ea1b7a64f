"""Common non-secret shapes in logs and lock files must not wake a rule up.

Every first-pass trigger hit costs a rule's exact match and its checks (~10 us): a trigger that
fires on something every build log and lock file is full of (`sha256:<hex>` digests) made
`keylint redact` seven times slower on a CI log without finding anything more. This counts the
hits (work, not time) on lines of such shapes."""

from __future__ import annotations

import base64
import hashlib
import random
import uuid

from keylint.rules import RULES
from keylint.scanner.detector import Detector


def _digest_lines(n: int) -> bytes:
    rng = random.Random(n)
    lines = []
    for i in range(n):
        h = hashlib.sha256(str(i).encode()).hexdigest()
        sha512 = base64.b64encode(hashlib.sha512(str(i).encode()).digest()).decode()
        lines += [
            f'{{"step": "push", "artifact": "sha256:{h}"}}',
            f"requests==2.31.0 --hash=sha256:{h}",
            f"Digest: sha256:{h}",
            f"image: registry.example.com/app@sha256:{h}",
            f"commit {hashlib.sha1(str(i).encode(), usedforsecurity=False).hexdigest()}",
            f"id={uuid.UUID(int=rng.getrandbits(128))}",
            f'"integrity": "sha512-{sha512}"',
            f"2025-03-01T00:00:{i % 60:02d}.123Z INFO request_id={h[:16]} duration_ms={i}.5",
            f"{hashlib.md5(str(i).encode(), usedforsecurity=False).hexdigest()}  file{i}.tar.gz",
        ]
    return ("\n".join(lines) + "\n").encode()


def test_digests_and_ids_in_logs_and_lock_files_rarely_wake_a_rule() -> None:
    det = Detector(RULES)
    data = _digest_lines(300)
    hits = [m.span() for m in det._combined().finditer(data)
            if det._master_plain.match(data, *m.span()) is not None]  # triggers, not words
    assert len(hits) <= 300 * 9 // 100  # at most one line in a hundred
    assert det.find(data) == []
