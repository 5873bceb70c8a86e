"""`cratedig eval` on the small data: the long-tail column says when there is nothing to measure."""
from __future__ import annotations

import pytest

import json

from cratedig.cli.main import main


@pytest.mark.slow
def test_eval_reports_no_long_tail_for_a_catalogue_of_at_most_the_head(small_data_dir, capsys):
    # 400 artists: all of them are among the 1,000 most played, so nobody has a long-tail artist held out.
    assert main(["eval", "--data", str(small_data_dir), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert all(row["tail_recall@10"] is None and 0 <= row["recall@10"] <= 1 for row in report["rows"])
    assert main(["eval", "--data", str(small_data_dir)]) == 0  # the saved report, as a table
    table = capsys.readouterr().out
    assert "tail_r" in table and "–" in table
