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
    loaded = _modules_after("import cratedig.engine.api, cratedig.engine.chat.conversation, "
                            "cratedig.engine.evaluation.report, cratedig.engine.data.fetch, "
                            "cratedig.engine.training.store")
    assert not any(m.split(".")[0] in ("textual", "rich") for m in loaded)
    assert not any(m.startswith(("cratedig.tui", "cratedig.cli", "cratedig.server")) for m in loaded)


def test_serving_and_the_app_start_without_tensorflow():
    loaded = _modules_after("import cratedig.tui.app, cratedig.cli.main, cratedig.engine.api, cratedig.engine.chat.conversation")
    assert "tensorflow" not in loaded


def test_the_app_and_the_parser_start_without_the_engine_behind_the_facade():
    loaded = _modules_after("import cratedig.tui.app, cratedig.cli.main, cratedig.cli.parser as p; p.build_parser()")
    assert not any(m.startswith(("cratedig.engine.api", "cratedig.engine.models", "numpy", "pandas", "scipy"))
                   for m in loaded)


def test_import_linter_contracts_hold():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert lint, "import-linter is a test dependency"
    done = subprocess.run([lint], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout and "5 kept" in done.stdout


def test_the_data_wing_has_no_import_cycles_and_small_files():
    """Types, the HetRec reader, Last.fm-360K's reader and the loader that picks one are separate
    modules importing one way (function-level imports count); none is over 300 lines."""
    import grimp

    graph = grimp.build_graph("cratedig")
    data = sorted(m for m in graph.modules if m.startswith("cratedig.engine.data"))
    cycles = [(m, n) for m in data for n in graph.find_modules_directly_imported_by(m)
              if n.startswith("cratedig.engine.data") and graph.chain_exists(importer=n, imported=m)]
    assert not cycles
    long = {p.name: n for p in (REPO / "engine" / "data").rglob("*.py") if (n := len(p.read_text().splitlines())) > 300}
    assert not long
