"""The architecture holds: import-linter's contracts (engine layers import only downward; the
engine never imports Textual, rich or a front end; the front ends reach the engine only through
the facade), and the app's start path never imports TensorFlow or the heavy engine."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
                         capture_output=True, text=True, check=True, cwd=REPO)
    return set(out.stdout.split())


def test_engine_imports_no_textual_rich_or_front_end():
    loaded = _modules_after("import engine.api, engine.chat.conversation, engine.evaluation.report, "
                            "engine.data.fetch, engine.training.store")
    assert not any(m.split(".")[0] in ("textual", "rich", "tui", "cli") for m in loaded)


def test_serving_and_the_app_start_without_tensorflow():
    loaded = _modules_after("import tui.app, cli.main, engine.api, engine.chat.conversation")
    assert "tensorflow" not in loaded


def test_the_app_and_the_parser_start_without_the_engine_behind_the_facade():
    loaded = _modules_after("import tui.app, cli.main, cli.parser; cli.parser.build_parser()")
    assert not any(m.startswith(("engine.api", "engine.models", "numpy", "pandas", "scipy")) for m in loaded)


def test_import_linter_contracts_hold():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert lint, "import-linter is a test dependency"
    done = subprocess.run([lint], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout and "5 kept" in done.stdout
