"""The docs' figures come from bench results, never typed by hand: the generated pages are what
`make docs` renders from bench/results/*.json now, and every figure in their tables is one of the
results' values."""
from __future__ import annotations

import json
import re

from bench import render_docs


def test_generated_pages_are_up_to_date():
    for path, text in render_docs.pages().items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: run make docs"


def test_every_number_in_a_table_row_is_in_a_results_file():
    values: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                values.add(str(key))
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        else:
            values.update({str(node), f"{node:,}" if isinstance(node, (int, float)) else str(node)})

    for path in render_docs.RESULTS.glob("*.json"):
        walk(json.loads(path.read_text(encoding="utf-8")))
    for path, text in render_docs.pages().items():
        lines = text.splitlines()
        for at, line in enumerate(lines):
            header = at + 1 < len(lines) and lines[at + 1].startswith("|---")  # column names, not figures
            if line.startswith("| ") and not line.startswith("|---") and not header:
                for number in re.findall(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?![\w])", line):
                    assert number in values or number in line.split("|")[1], (path.name, line, number)
