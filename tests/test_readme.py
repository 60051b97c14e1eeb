"""Every Python example in the README runs as written, and prints what its comments say."""
from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
PRINTED_AS = re.compile(r"^\s*print\(.*\)\s+#\s*(?P<expected>.+?)\s*$")
OPTIONAL = ("numpy", "torch")  # never required: an example that imports one is skipped without it


def expected_prints(block: str) -> list[str]:
    """The comment beside each `print(...)` that has one: what that print should show."""
    return [m.group("expected") for m in map(PRINTED_AS.match, block.splitlines()) if m]


def test_the_readme_has_its_examples():
    assert len(BLOCKS) >= 5
    assert expected_prints(BLOCKS[0]) == ["0.7071", "-1.5 1.0"]  # the first example, item by item
    checked = [b for b in BLOCKS if expected_prints(b) and len(expected_prints(b)) == b.count("print(")]
    assert len(checked) >= 3  # the first example, the engine's and the network's


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_each_readme_example_runs_and_prints_what_its_comments_say(block, tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    for module in OPTIONAL:
        if re.search(rf"^import {module}\b", block, re.M):
            pytest.importorskip(module)
    monkeypatch.chdir(tmp_path)  # the examples write files (moons.json, y.svg) where they run
    printed = io.StringIO()
    namespace: dict = {"__name__": "readme_example"}
    with contextlib.redirect_stdout(printed):
        exec(compile(block, str(README), "exec"), namespace)
        for name, function in list(namespace.items()):
            if name.startswith("test_") and callable(function):
                function()  # an example written as a test is run as one
    lines, expected = printed.getvalue().splitlines(), expected_prints(block)
    if len(expected) == block.count("print(") and len(lines) == len(expected):
        assert lines == expected  # (a print of many lines, like explain's, has a comment that
                                  # describes it instead, and is not compared)
