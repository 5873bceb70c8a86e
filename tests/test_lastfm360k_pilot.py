"""The Last.fm-360K path end to end, as a user meets it: a small hand-made archive with every quirk
(plus plain rows enough to train on) goes through `fetch` from a loopback server, `data info`,
`train`, `recommend --listener <SHA-1 prefix>`, `ask "I like …"` and the app."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cratedig.cli.main import main
from tests.handmade import QUIRKY_PLAYS, U1, filler_plays, tar_gz_of, write_lastfm360k

pytestmark = pytest.mark.slow  # fetches, trains and evaluates through the CLI


@pytest.fixture(scope="module")
def fetched(tmp_path_factory):
    """The archive served on 127.0.0.1 and fetched with the CLI; the models trained by the CLI."""
    root = tmp_path_factory.mktemp("pilot")
    body = tar_gz_of(write_lastfm360k(root / "src", plays=QUIRKY_PLAYS + filler_plays()),
                     extra={"README.txt": b"readme\n"})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    dest = root / "lastfm-dataset-360K"
    try:
        code = main(["fetch", "--dataset", "lastfm-360k", "--dest", str(dest),
                     "--url", f"http://127.0.0.1:{httpd.server_address[1]}/lastfm-dataset-360K.tar.gz"])
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert code == 0
    assert main(["train", "--data", str(dest)]) == 0
    return dest


def run(capsys, *args):
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_data_info_names_the_dataset_and_counts_the_quirks(fetched, capsys):
    code, out, err = run(capsys, "data", "info", "--data", str(fetched))
    assert code == 0, err
    assert "(lastfm-360k)" in out and "listeners with a profile country" in out
    assert "44" in out  # 4 hand-made listeners and 40 plain ones
    for quirk in ("truncated last line dropped", "stray tab", "Windows-1252", "plays summed", "ages outside"):
        assert quirk in out.replace("\n", " ").replace("│", " ") or quirk.split()[0] in out


def test_recommend_takes_a_sha1_prefix_and_shows_no_genre_column(fetched, capsys):
    code, out, err = run(capsys, "recommend", "--data", str(fetched), "--listener", "3a8f", "--k", "3")
    assert code == 0, err
    assert "genre" not in out and "reason" in out
    code, out, err = run(capsys, "recommend", "--data", str(fetched), "--listener", U1, "--k", "3", "--format", "json")
    assert code == 0, err
    names = [s["name"] for s in json.loads(out)["suggestions"]]
    assert len(names) == 3 and not {"Radiohead", "Björk", "Sigur Rós"} & set(names)  # U1's own artists


def test_an_ambiguous_or_unknown_prefix_is_one_line_and_exit_2(fetched, capsys):
    code, _, err = run(capsys, "recommend", "--data", str(fetched), "--listener", "3a8")
    assert code == 2 and "ambiguous (3a8e22222222…, 3a8f11111111…)" in err and err.strip().count("\n") == 0
    code, _, err = run(capsys, "recommend", "--data", str(fetched), "--listener", "ffff")
    assert code == 2 and "no listener id starts with 'ffff'" in err
    code, _, err = run(capsys, "recommend", "--data", str(fetched), "--listener", "zz")  # not hex: refused by the parser
    assert code == 2 and "invalid listener id 'zz'" in err and err.strip().count("\n") == 0


def test_ask_i_like_and_genres_said_plainly(fetched, capsys):
    code, out, err = run(capsys, "ask", "--data", str(fetched), "I like Radiohead", "who is close to Björk")
    assert code == 0, err
    assert "Radiohead" in out and "no tags in this dataset" in out and "genre" not in out.split("no genres):")[1]
    code, out, err = run(capsys, "ask", "--data", str(fetched), "only rock")
    assert "this dataset has no tags, so there are no genres" in out + err


def test_neighbours_says_there_are_no_genres(fetched, capsys):
    code, out, err = run(capsys, "neighbours", "--data", str(fetched), "Björk", "--k", "3")
    assert code == 0, err
    assert "no genres, embedding neighbours only" in " ".join(out.split()) and "same genre" not in out


async def test_the_app_shows_the_dataset_and_takes_a_listener_prefix(fetched):
    from tests.tui.test_app_flows import last_reply, say, wait_until
    from cratedig.tui.app import CratedigApp
    from cratedig.tui.screens.listener_picker import ListenerPickerScreen
    from cratedig.tui.widgets.replies import SuggestionsTable

    app = CratedigApp(data=str(fetched), restore_session=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: app.conversation is not None, timeout=60)
        status = str(app.chat.query_one("#status").render())
        assert "lastfm-360k" in status
        await say(pilot, "be listener 3a8f")
        assert f"listener {U1[:8]}…" in last_reply(app).text
        assert "United Kingdom, 25, m" in last_reply(app).text
        table = app.screen.query(SuggestionsTable).last()
        assert "genre" not in [str(c.label) for c in table.columns.values()]
        app.action_pick_listener()
        await wait_until(pilot, lambda: isinstance(app.screen, ListenerPickerScreen) and app.screen.rows)
        picker = app.screen
        assert [str(c.label) for c in picker.query_one("DataTable").columns.values()][2] == "profile"


def test_every_listener_export_and_liked_file_and_search(fetched, capsys, tmp_path):
    out_file = tmp_path / "all.csv"
    code, _, err = run(capsys, "recommend", "--data", str(fetched), "--all-listeners", "--k", "2", "--format", "csv",
                       "--output", str(out_file))
    assert code == 0, err
    lines = out_file.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "user_id,rank,artist_id,artist_name,score" and len(lines) == 1 + 2 * 44
    assert any(line.startswith(U1 + ",1,") for line in lines)  # whole SHA-1 ids in exports
    liked = tmp_path / "liked.jsonl"
    liked.write_text('{"id": "a", "liked": ["Radiohead", "Björk"]}\n', encoding="utf-8")
    code, out, err = run(capsys, "recommend", "--data", str(fetched), "--liked-file", str(liked), "--k", "2",
                         "--format", "csv")
    assert code == 0, err
    assert len(out.strip().splitlines()) == 3
    code, out, err = run(capsys, "search", "--data", str(fetched), "--format", "json", "sigur ros")
    assert code == 0, err
    assert json.loads(out)[0]["results"][0]["name"] == "Sigur Rós"


def test_eval_runs_and_says_what_context_used(fetched, capsys):
    code, out, err = run(capsys, "eval", "--data", str(fetched))
    assert code == 0, err
    assert "context used artist name words; listener country, age band, gender" in " ".join(out.split())
    assert "dataset lastfm-360k" in out and "mostpop" in out
