"""Loading a saved model: every broken file is refused with a message naming the file (or, for a
bad number, its key), nothing huge is read into memory, and the model is left as it was."""
from __future__ import annotations

import os

import pytest

from micrograd_plus.files import MAX_JSON_BYTES, read_json
from micrograd_plus.nn import MLP


def model_and_weights():
    model = MLP(2, [1], seed=0)
    return model, [p.data for p in model.parameters()]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"L0.N0.w": [1, 2], "L0.N0.b": ', r"model.json: not valid JSON, Expecting value at line 1 column 32"),
        (b'{"L0.N0.w": [1, 2], "L0.N0.b": 0, }', r"model.json: not valid JSON, Expecting property name"),
        (b'{"L0.N0.w": [1, 2], "L0.N0.b": "\xe9"}', r"model.json: not UTF-8 text \(byte 32\)"),
        (b"\xff\xfe{}", r"model.json: not UTF-8 text \(byte 0\)"),
        (b"[" * 100_000 + b"]" * 100_000, r"model.json: JSON nested too deeply"),
        (b'{"L0.N0.w": [1e999, 2], "L0.N0.b": 0}', r"'L0.N0.w\[0\]' should be a finite number, got inf"),
        (b'{"L0.N0.w": [1, ' + b"9" * 5000 + b'], "L0.N0.b": 0}', r"'L0.N0.w\[1\]' should be a finite number, got inf"),
        (b'{"L0.N0.w": [1, 2], "L0.N0.b": NaN}', r"'L0.N0.b' should be a finite number, got nan"),
    ],
)
def test_a_broken_model_file_is_refused_by_name_and_the_model_is_unchanged(tmp_path, content, message):
    path = tmp_path / "model.json"
    path.write_bytes(content)
    model, before = model_and_weights()
    with pytest.raises((ValueError, TypeError), match=message):
        model.load(path)
    assert [p.data for p in model.parameters()] == before


def test_a_file_far_larger_than_any_model_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.json"
    with open(path, "wb") as f:
        f.truncate(MAX_JSON_BYTES + 1)  # sparse: nothing is written, and nothing should be read
    model, before = model_and_weights()
    with pytest.raises(ValueError, match=r"huge.json: 67,108,865 bytes is far larger than any saved model"):
        model.load(path)
    assert [p.data for p in model.parameters()] == before


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_dev_zero_is_refused_without_reading_it():
    with pytest.raises(ValueError, match=r"/dev/zero: not a regular file, so not a saved model"):
        MLP(2, [1], seed=0).load("/dev/zero")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_stream_without_a_size_is_read_only_just_past_the_limit(tmp_path):
    import threading

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    writer = threading.Thread(target=lambda: _write_then_close(pipe, b" " * 2000))
    writer.start()
    with pytest.raises(ValueError, match=r"pipe: more than 1,000 bytes"):
        read_json(pipe, max_bytes=1000)
    writer.join()


def _write_then_close(path, data):
    with open(path, "wb") as f:
        try:
            f.write(data)
        except BrokenPipeError:
            pass


def test_a_good_file_still_loads(tmp_path):
    model, _ = model_and_weights()
    for p in model.parameters():
        p.data = 0.125
    model.save(tmp_path / "model.json")
    restored, _ = model_and_weights()
    restored.load(tmp_path / "model.json")
    assert [p.data for p in restored.parameters()] == [0.125] * 3
