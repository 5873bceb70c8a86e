"""kill -9 at seeded random moments of `train`, an export and `eval`: whatever was half-done, the
next run loads nothing half-written (no "corrupt" notice), answers, and leaves no temporaries."""
from __future__ import annotations

import csv
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _cratedig(args, env, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "cratedig.cli.main", *map(str, args)], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def _kill_after(args, env, seconds: float) -> None:
    process = _cratedig(args, env)
    time.sleep(seconds)
    process.kill()
    process.wait(30)


def _temporaries(folder: Path) -> list[Path]:
    return [p for p in folder.rglob(".*") if p.name.endswith(".tmp")] if folder.exists() else []


@pytest.mark.parametrize("seed", range(5))
def test_kill_9_during_training_leaves_nothing_half_written(small_data_dir, tmp_path, seed):
    env = {**os.environ, "CRATEDIG_CACHE": str(tmp_path / "cache")}
    _kill_after(["train", "--data", small_data_dir], env, random.Random(seed).uniform(1.0, 9.0))
    done = _cratedig(["recommend", "--data", small_data_dir, "--listener", "2", "--k", "3"], env)
    out, err = done.communicate(timeout=300)
    assert done.returncode == 0, err[-2000:]
    assert "corrupt" not in err and "Traceback" not in err
    assert not _temporaries(tmp_path / "cache")


@pytest.fixture(scope="module")
def warm_env(small_data_dir, tmp_path_factory):
    env = {**os.environ, "CRATEDIG_CACHE": str(tmp_path_factory.mktemp("warm-cache"))}
    assert subprocess.run([sys.executable, "-m", "cratedig.cli.main", "train", "--data", str(small_data_dir)], cwd=REPO,
                          env=env, capture_output=True, timeout=600).returncode == 0
    return env


@pytest.mark.parametrize("seed", range(3))
def test_kill_9_during_an_export_leaves_the_old_file_or_a_whole_new_one(small_data_dir, warm_env, tmp_path, seed):
    target = tmp_path / "recs.csv"
    target.write_text("previous\n")
    _kill_after(["recommend", "--data", small_data_dir, "--all-listeners", "--k", "5", "--format", "csv",
                 "--output", target], warm_env, random.Random(seed).uniform(0.2, 2.5))
    text = target.read_text()
    if text != "previous\n":
        rows = list(csv.DictReader(text.splitlines()))
        assert rows and len(rows) % 5 == 0 and rows[-1]["rank"] == "5"
    done = _cratedig(["recommend", "--data", small_data_dir, "--all-listeners", "--format", "csv", "--output",
                      target], warm_env)
    done.communicate(timeout=300)
    assert done.returncode == 0 and sorted(p.name for p in tmp_path.iterdir()) == ["recs.csv"]


@pytest.mark.parametrize("seed", range(2))
def test_kill_9_during_eval_leaves_no_half_report(small_data_dir, tmp_path, seed):
    env = {**os.environ, "CRATEDIG_CACHE": str(tmp_path / "cache")}
    _kill_after(["eval", "--data", small_data_dir], env, random.Random(100 + seed).uniform(1.0, 12.0))
    for report in (tmp_path / "cache").glob("evaluation-*.json"):
        import json

        assert json.loads(report.read_text())["rows"]  # whole, or not there at all
    done = _cratedig(["eval", "--data", small_data_dir, "--format", "json"], env)
    out, err = done.communicate(timeout=600)
    assert done.returncode == 0 and "corrupt" not in err, err[-2000:]
    assert not _temporaries(tmp_path / "cache")


def test_kill_9_while_sessions_are_saved_never_leaves_half_a_session(tmp_path):
    script = ("import sys\nfrom engine.chat.session import SavedSession, save_session\n"
              "for i in range(100000):\n"
              "    save_session(SavedSession('f', {'k': i}, [('you', 'x' * 2000)] * 200))\n")
    env = {**os.environ, "CRATEDIG_STATE": str(tmp_path)}
    for seed in range(3):
        process = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, env=env)
        time.sleep(random.Random(seed).uniform(0.5, 1.5))
        process.kill()
        process.wait(30)
        from cratedig.engine.chat.session import load_session

        os.environ["CRATEDIG_STATE"] = str(tmp_path)
        try:
            saved, notice = load_session()
        finally:
            del os.environ["CRATEDIG_STATE"]
        assert notice is None and saved is not None and len(saved.transcript) == 200
