"""`--output` like a careful Unix tool: "-" and /dev/stdout are stdout, a file is replaced whole
keeping its mode, /dev/stderr and /dev/null are written in place; a symbolic link, a FIFO, another
device or cratedig's own folders are refused, and what cannot be written is one line and exit 2
with nothing half-written."""
from __future__ import annotations

import os
import stat

import pytest

from tests.reliability.conftest import assert_one_line_error


@pytest.fixture
def export(cli, small_engine, small_data_dir):
    def run(output: str):
        return cli("recommend", "--data", small_data_dir, "--all-listeners", "--k", "3", "--format", "csv",
                   "--output", output)
    return run


def test_dash_is_stdout(export):
    code, out, err = export("-")
    assert code == 0 and out.startswith("user_id,rank,artist_id")


def test_an_existing_file_is_replaced_whole_keeping_its_mode(export, tmp_path):
    target = tmp_path / "recs.csv"
    target.write_text("old")
    os.chmod(target, 0o640)
    assert export(str(target))[0] == 0
    assert target.read_text().startswith("user_id") and stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["recs.csv"]


def test_a_new_file_gets_the_umasks_mode(export, tmp_path):
    old = os.umask(0o027)
    try:
        assert export(str(tmp_path / "new.csv"))[0] == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o640


def test_dev_stdout_is_stdout(export):
    code, out, err = export("/dev/stdout")
    assert code == 0 and out.startswith("user_id,rank,artist_id") and "wrote" not in err


@pytest.mark.parametrize("dangling", [False, True])
def test_a_symlink_is_refused_and_nothing_is_written_through_it(export, tmp_path, dangling):
    real = tmp_path / "real.csv"
    if not dangling:
        real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    code, _, err = export(str(link))
    assert_one_line_error(code, err, "is a symbolic link")
    assert link.is_symlink() and (real.read_text() == "old" if not dangling else not real.exists())


def test_a_fifo_is_refused_without_blocking(export, tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    code, _, err = export(str(fifo))  # no reader: writing into it would block for ever
    assert_one_line_error(code, err, "not a regular file")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_the_bit_bucket_is_written_in_place(export):
    assert export("/dev/null")[0] == 0
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize("variable", ["CRATEDIG_STATE", "CRATEDIG_CACHE"])
def test_cratedigs_own_folders_are_refused(export, tmp_path, monkeypatch, variable):
    own = tmp_path / "own"
    own.mkdir()
    monkeypatch.setenv(variable, str(own))
    (own / "session.json").write_text("{}")
    code, _, err = export(str(own / "session.json"))
    assert_one_line_error(code, err, "inside cratedig's own folder")
    assert (own / "session.json").read_text() == "{}"


@pytest.mark.parametrize("make, needle", [
    (lambda p: (p.write_text("keep"), os.chmod(p, 0o444)), "read-only"),
    (lambda p: p.mkdir(), "is a directory"),
    (lambda p: None, "does not exist"),
])
def test_unwritable_targets_are_one_line_errors_and_nothing_changes(export, tmp_path, make, needle):
    target = tmp_path / "out.csv"
    make(target)
    if needle == "does not exist":
        target = tmp_path / "missing" / "out.csv"
    code, _, err = export(str(target))
    assert_one_line_error(code, err, needle)
    if needle == "read-only":
        assert target.read_text() == "keep"


def test_a_failed_write_leaves_the_previous_file_and_no_temporary(export, tmp_path, monkeypatch):
    import cratedig.engine.files as engine_files

    target = tmp_path / "recs.csv"
    target.write_text("previous")

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(engine_files.os, "fsync", disk_full)
    code, _, err = export(str(target))
    assert_one_line_error(code, err, "No space left on device")
    assert target.read_text() == "previous" and sorted(p.name for p in tmp_path.iterdir()) == ["recs.csv"]
