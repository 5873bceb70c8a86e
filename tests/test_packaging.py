"""What `pip install .` gives: a wheel holding every package and the stylesheet, whose `cratedig`
works from the installed files alone (not from this source tree)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "README.md", "engine", "tui", "cli", "server", "assets")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from a copy of the sources (the build writes nothing into the checkout)."""
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        copy = shutil.copytree if (REPO / name).is_dir() else shutil.copy
        copy(REPO / name, source / name, **({"ignore": shutil.ignore_patterns("__pycache__")}
                                             if (REPO / name).is_dir() else {}))
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                           "-w", str(out), str(source)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return next(out.glob("cratedig-*.whl"))


def test_the_wheel_ships_every_package_and_the_stylesheet(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("assets/app.tcss", "assets/__init__.py", "tui/app.py", "cli/main.py", "engine/api/engine.py",
                     "engine/models/keras/fit.py", "engine/models/ranking/model.py", "engine/models/tuned.json",
                     "server/app.py", "engine/data/listens/read.py"):
        assert expected in names, f"{expected} missing from {wheel.name}"
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "cratedig = cli.main:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_the_installed_wheel_finds_its_stylesheet_and_answers_help(wheel, tmp_path):
    target = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
                           str(wheel)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = ("import assets, tui.app, cli.main, sys; from pathlib import Path\n"
            "css = Path(tui.app.CratedigApp.CSS_PATH)\n"
            "assert css.is_file() and css.is_relative_to(sys.argv[1]), css\n"
            "assert Path(cli.main.__file__).is_relative_to(sys.argv[1])\n"
            "from engine.models.tuned import tuned_path, tuned_values\n"
            "assert tuned_path().is_relative_to(sys.argv[1]) and tuned_values()['mf'], tuned_path()\n"
            "sys.exit(cli.main.main(['--help']))")
    run = subprocess.run([sys.executable, "-c", code, str(target)], capture_output=True, text=True, env=env,
                         cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "usage: cratedig" in run.stdout and "recommend" in run.stdout
