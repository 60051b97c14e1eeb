"""write_atomic: a failed write leaves the old file byte-identical; a good one replaces it whole."""
import os
import stat

import pytest

from micrograd_plus.files import write_atomic, write_atomic_with


def test_write_atomic_writes_text_and_bytes(tmp_path):
    write_atomic(tmp_path / "a.txt", "héllo")
    write_atomic(tmp_path / "b.bin", b"\x00\x01")
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "héllo"
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01"


def test_a_writer_that_fails_halfway_leaves_the_old_file_untouched(tmp_path):
    target = tmp_path / "model.json"
    target.write_bytes(b'{"old": 1}')

    def half_then_fail(f):
        f.write(b'{"new": ')
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_atomic_with(target, half_then_fail)
    assert target.read_bytes() == b'{"old": 1}'
    assert os.listdir(tmp_path) == ["model.json"]  # no temporary file left behind


def test_replacing_a_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "shared.txt"
    target.write_text("old")
    os.chmod(target, 0o640)
    write_atomic(target, "new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_text() == "new"


def test_a_new_file_gets_the_mode_open_would_give(tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    atomic = write_atomic(tmp_path / "atomic.txt", "x")
    assert stat.S_IMODE(atomic.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)


def test_an_error_names_the_file_asked_for_not_the_temporary_one(tmp_path):
    with pytest.raises(FileNotFoundError) as error:
        write_atomic(tmp_path / "missing" / "model.json", "x")
    assert error.value.filename == str(tmp_path / "missing" / "model.json")
    assert ".tmp" not in str(error.value)


def test_a_failed_write_names_the_file_asked_for_and_nothing_else(tmp_path):
    target = tmp_path / "missing" / "model.json"
    with pytest.raises(FileNotFoundError) as failed:
        write_atomic(target, "{}")
    assert str(failed.value) == f"[Errno 2] No such file or directory: '{target}'"
    assert failed.value.filename == str(target)
