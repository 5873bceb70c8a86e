"""What `pip install .` gives: a wheel whose only top-level name is `cratedig`, holding every package
and the stylesheet, whose `cratedig` works from the installed files alone (not from this source
tree)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "README.md", "cratedig")  # cratedig/engine, … link to the top-level folders


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


def test_the_wheel_installs_only_cratedig_at_top_level(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith((".dist-info", ".data"))}
    assert top == {"cratedig"}


def test_the_wheel_ships_every_package_and_the_stylesheet(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("assets/app.tcss", "assets/__init__.py", "tui/app.py", "cli/main.py", "engine/api/engine.py",
                     "engine/models/keras/fit.py", "engine/models/ranking/model.py", "engine/models/tuned.json",
                     "server/app.py", "engine/data/listens/read.py", "__main__.py"):
        assert f"cratedig/{expected}" in names, f"{expected} missing from {wheel.name}"
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "cratedig = cratedig.cli.main:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_the_namespace_links_every_top_level_part():
    for part in ("engine", "cli", "tui", "server", "assets"):
        link = REPO / "cratedig" / part
        assert link.is_symlink() and link.resolve() == (REPO / part).resolve(), part


def test_the_installed_wheel_finds_its_stylesheet_and_answers_help(wheel, tmp_path):
    target = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
                           str(wheel)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = ("import sys; from pathlib import Path\n"
            "from cratedig.tui.app import CratedigApp; from cratedig.cli import main\n"
            "css = Path(CratedigApp.CSS_PATH)\n"
            "assert css.is_file() and css.is_relative_to(sys.argv[1]), css\n"
            "assert Path(main.__file__).is_relative_to(sys.argv[1])\n"
            "from cratedig.engine.models.tuned import tuned_path, tuned_values\n"
            "assert tuned_path().is_relative_to(sys.argv[1]) and tuned_values()['mf'], tuned_path()\n"
            "sys.exit(main.main(['--help']))")
    run = subprocess.run([sys.executable, "-c", code, str(target)], capture_output=True, text=True, env=env,
                         cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "usage: cratedig" in run.stdout and "recommend" in run.stdout
