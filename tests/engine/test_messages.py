"""The engine's messages say what is wrong with what, in its own words: no command-line flag in any
string the engine can show (docstrings aside), and the CLI names the flag itself."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from cratedig.engine.errors import SettingError

ENGINE = Path(__file__).resolve().parents[2] / "engine"
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]+")


def _shown_strings(tree: ast.AST):
    """String constants that are not docstrings, and f-strings with "x" for each placeholder (so
    that f"--{name}" is seen as a flag too)."""
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "x" for v in node.values)
            yield ast.Constant(value=text, lineno=node.lineno)


def test_no_engine_string_names_a_command_line_flag():
    found = [f"{path.relative_to(ENGINE)}:{node.lineno}: {node.value!r}"
             for path in sorted(ENGINE.rglob("*.py")) for node in _shown_strings(ast.parse(path.read_text()))
             if FLAG.search(node.value) and "python -m bench." not in node.value]
    assert not found, "\n".join(found)


def test_a_setting_error_is_phrased_by_the_engine_and_by_the_cli():
    error = SettingError("output", "{setting} {path} is a directory", path="/tmp")
    assert str(error) == "the file /tmp is a directory"
    assert error.phrased("--output") == "--output /tmp is a directory"


def test_the_cli_names_the_flag_and_the_chat_the_file(tmp_path, capsys, small_data_dir):
    from cratedig.cli.main import main

    assert main(["recommend", "--data", str(small_data_dir), "--listener", "1", "--output", str(tmp_path)]) == 2
    assert f"--output {tmp_path} is a directory" in capsys.readouterr().err
    assert main(["fetch", "--dest", str(Path.cwd())]) == 2
    assert "--dest" in capsys.readouterr().err
    assert main(["eval", "--data", str(small_data_dir), "--seeds", "0"]) == 2
    assert "--seeds must be between 1 and" in capsys.readouterr().err


@pytest.mark.parametrize("setting", sorted(SettingError.NOUNS))
def test_every_setting_has_words_without_a_flag(setting):
    assert not FLAG.search(str(SettingError(setting, "{setting} is wrong")))
