"""Jupyter notebooks: scan cell sources and text outputs, keep file line numbers, skip images.

A notebook is JSON with one source line per JSON string, so scanning the file's own lines keeps
line numbers exact. What must go is image data: each base64 `image/*` payload string is blanked
(replaced by as many spaces, so nothing shifts), so nothing in a picture is reported. Only the
payload goes: whatever else shares its line (a hand-edited or minified notebook) is still
scanned, and `image/svg+xml` is text (XML), scanned like any other output.
"""

from __future__ import annotations

import re

# `"image/png": "<JSON string>"`: the string (escapes included, never past its line) is the payload.
_IMAGE_PAYLOAD = re.compile(
    rb'"image/(?!svg\+xml")[a-z0-9.+-]+"[ \t]*:[ \t]*("(?:[^"\\\n]|\\.)*")')


def _blank(m: re.Match[bytes]) -> bytes:
    start, end = m.span(1)
    return m.group(0)[:start - m.start()] + b" " * (end - start)


def notebook_text(data: bytes) -> bytes:
    """The notebook with image payloads blanked; everything else byte-for-byte."""
    if b'"image/' not in data:
        return data
    return _IMAGE_PAYLOAD.sub(_blank, data)
