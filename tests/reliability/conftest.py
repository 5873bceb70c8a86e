"""Shared pieces of the hostile-input battery: run the CLI in-process and check that it failed
the way a well-behaved tool does (exit 2, one line, no traceback)."""
from __future__ import annotations

import pytest

from cratedig.cli.main import main


@pytest.fixture
def cli(capsys):
    """Run `cratedig ARGS` in-process: (exit code, stdout, stderr)."""
    def call(*args: str) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err
    return call


def assert_one_line_error(code: int, err: str, *needles: str) -> None:
    """Exit code 2 and one `cratedig: error:` line, the last, naming what is wrong (progress bars
    may come before it); no traceback."""
    assert code == 2, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("cratedig: error: ")]
    assert len(errors) == 1 and lines[-1] == errors[0], err
    for needle in needles:
        assert needle in errors[0], (needle, errors[0])
    assert "\x1b" not in err and "\x07" not in err
