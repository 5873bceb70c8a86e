"""The engine never imports Textual or the app; the app's start path never imports TensorFlow."""
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


def test_engine_imports_no_textual_and_no_app():
    loaded = _modules_after("import engine.service, engine.cli, engine.commands, engine.conversation, "
                            "engine.training, engine.model_eval, engine.fetch")
    assert not any(m == "textual" or m.startswith(("textual.", "tui")) for m in loaded)


def test_serving_and_the_app_start_without_tensorflow():
    loaded = _modules_after("import tui.app, tui.main, engine.service, engine.conversation")
    assert "tensorflow" not in loaded


def test_import_linter_contract_holds():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert lint, "import-linter is a test dependency"
    done = subprocess.run([lint], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stdout + done.stderr
