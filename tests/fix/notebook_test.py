"""Notebooks: code cells are fixed, magics survive, outputs and Markdown are reported."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from keylint.fix.model import SourceContext
from keylint.fix.naming import NamePicker
from keylint.fix.notebook import fix_notebook, layout, mask_magics, unmask
from tests.fakes import fake_key
from tests.fix.util import KEYS

K, A = KEYS["openai"], KEYS["anthropic"]
G, H, X = (fake_key("github-token", n) for n in (5, 6, 7))


def _cell(source: Any, outputs: list[Any] | None = None) -> dict[str, Any]:
    return {"cell_type": "code", "execution_count": 1, "id": "c", "metadata": {},
            "outputs": outputs or [], "source": source}


def _notebook() -> dict[str, Any]:
    return {
        "cells": [
            {"cell_type": "markdown", "id": "m", "metadata": {},
             "source": ["# Title\n", f"The key was {A}\n"]},
            _cell(["%pip install openai\n", "from openai import OpenAI\n",
                   f'client = OpenAI(api_key="{K}")\n', "print(client.api_key)"],
                  [{"name": "stdout", "output_type": "stream", "text": [f"{K}\n"]}]),
            _cell(f"!echo {G}\nx = 1"),
            _cell(["%%bash\n", f"echo {H}\n"]),
            _cell(["files = !ls\n", f'TOKEN = "{X}"\n']),
        ],
        "metadata": {"kernelspec": {"name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5,
    }


def _dump(nb: dict[str, Any], indent: int = 1) -> bytes:
    return (json.dumps(nb, indent=indent, ensure_ascii=False) + "\n").encode()


def _fix(data: bytes) -> tuple[Any, NamePicker]:
    names = NamePicker({})
    return fix_notebook(data, SourceContext(path="nb.ipynb"), names), names


def test_code_cell_is_fixed_and_nothing_else_changes() -> None:
    nb = _notebook()
    result, names = _fix(_dump(nb))
    expected = copy.deepcopy(nb)
    expected["cells"][1]["source"] = [
        "%pip install openai\n", "import os\n", "\n", "from openai import OpenAI\n",
        'client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])\n', "print(client.api_key)"]
    assert result.source == _dump(expected)
    assert names.added == {"OPENAI_API_KEY": K}
    assert [c.where for c in result.changes] == ["nb.ipynb[cell 2]:3:26"]


def test_what_is_not_fixed_is_reported_with_a_reason() -> None:
    result, _ = _fix(_dump(_notebook()))
    reasons = {s.finding.secret: s.reason for s in result.skips}
    assert "IPython magic or shell line" in reasons[G]
    assert "cell magic" in reasons[H]
    assert "not plain Python" in reasons[X]
    assert "Markdown cell" in reasons[A]
    assert "cell output" in reasons[K]  # the printed key in the output
    assert result.error is None


def test_second_run_changes_nothing() -> None:
    first, names = _fix(_dump(_notebook()))
    again = fix_notebook(first.source, SourceContext(path="nb.ipynb"), names)
    assert again.source == first.source and not again.changes


def test_string_source_stays_a_string() -> None:
    nb = {"cells": [_cell(f'KEY = "{K}"\n')], "metadata": {}, "nbformat": 4,
          "nbformat_minor": 5}
    result, _ = _fix(_dump(nb, indent=2))
    new = json.loads(result.source)
    assert new["cells"][0]["source"] == 'import os\n\nKEY = os.environ["OPENAI_API_KEY"]\n'
    assert result.source.decode().startswith('{\n  "cells"')  # indent 2 kept


def test_unknown_layout_is_left_untouched() -> None:
    nb = {"cells": [_cell(f'KEY = "{K}"\n')], "metadata": {}, "nbformat": 4,
          "nbformat_minor": 5}
    data = _dump(nb, indent=3)
    result, _ = _fix(data)
    assert result.source == data and result.error is not None
    assert "layout" in result.skips[0].reason


def test_invalid_json_is_an_error() -> None:
    result, _ = _fix(f'{{"cells": [KEY = "{K}"'.encode())
    assert result.error is not None and "not a readable notebook" in result.error


@pytest.mark.parametrize("source", ("x = 1\n  %time f()\n!ls -la\ny = 2", "%%time\nx = 1"))
def test_mask_round_trip(source: str) -> None:
    masked = mask_magics(source)
    if source.startswith("%%"):
        assert masked is None
        return
    assert masked is not None
    code, markers, lines = masked
    assert "%" not in code and "!" not in code and lines == {2, 3}
    assert unmask(code, markers) == source


def test_layout_detection() -> None:
    nb = {"a": ["é"]}
    assert layout(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", nb) is not None
    assert layout(json.dumps(nb, indent=1) + "\n", nb) is not None
    assert layout('{"a":["é"]}', nb) is None
