"""Reports are whole or absent: a write that fails (a full disk, a kill) leaves the old file and no temporary."""

import json

import pytest

from bench import atomic


def test_reports_are_written_atomically_so_a_failed_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    target = tmp_path / "summary.json"
    atomic.write_atomic(target, '{"verdict": "PASS"}')
    monkeypatch.setattr(atomic.os, "fsync", lambda _fd: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    with pytest.raises(OSError):
        atomic.write_atomic(target, '{"verdict": "FAIL", "half": ')
    assert json.loads(target.read_text()) == {"verdict": "PASS"}
    assert [p.name for p in tmp_path.iterdir()] == ["summary.json"]
