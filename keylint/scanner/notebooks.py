"""Jupyter notebooks: scan cell sources and text outputs, keep file line numbers, skip images.

A notebook is JSON with one source line per JSON string, so scanning the file's own lines keeps
line numbers exact. What must go is image data: each line that holds a base64 `image/*` payload is
blanked (its newline kept), so nothing in a picture is reported and nothing shifts.
"""

from __future__ import annotations

import re

_IMAGE_LINE = re.compile(rb'^[ \t]*"image/[a-z0-9.+-]+"[ \t]*:[ \t]*(?:"[^\n]*|\[)[^\n]*$', re.M)


def notebook_text(data: bytes) -> bytes:
    """The notebook with image payload lines blanked; everything else byte-for-byte."""
    if b'"image/' not in data:
        return data
    return _IMAGE_LINE.sub(b"", data)
