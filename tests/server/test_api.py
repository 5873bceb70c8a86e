"""Every endpoint of the HTTP API over real HTTP, its bounds, its error shapes and its token."""
from __future__ import annotations

import urllib.parse

import pytest

from cratedig.cli.main import main
from tests import history_samples as samples


def quote(text: str) -> str:
    return urllib.parse.quote(text)


def test_health_says_which_data_and_models(api, small_engine):
    status, body, _ = api.get("/v1/health")
    assert status == 200
    assert body["status"] == "ok" and body["artists"] == small_engine.dataset.n_artists
    assert body["models"] == ["mf", "retrieval", "ranking", "context"] and body["has_mbids"] is False


def test_search_finds_an_artist_with_its_page(api, small_engine):
    name = str(small_engine.dataset.artist_names[5])
    status, body, _ = api.get(f"/v1/search?q={quote(name)}&limit=3")
    assert status == 200 and body["results"][0]["name"] == name
    assert set(body["results"][0]) == {"artist_id", "name", "score", "url", "mbid"}
    assert body["results"][0]["url"].startswith("https://www.last.fm/music/")


def test_similar_artists_per_model(api, small_engine):
    artist = int(small_engine.dataset.artist_ids[3])
    status, body, _ = api.get(f"/v1/artists/{artist}/similar?k=4&model=retrieval")
    assert status == 200 and body["artist_id"] == artist and body["model"] == "retrieval"
    assert len(body["cosine"]) == 4 and artist not in [n["artist_id"] for n in body["cosine"]]


def test_recommendations_for_a_listener_leave_out_what_they_play(api, small_engine):
    data = small_engine.dataset
    listener = int(data.listener_ids[0])
    status, body, _ = api.get(f"/v1/recommendations?listener={listener}&k=5")
    assert status == 200 and body["ranked"] is True and len(body["suggestions"]) == 5
    played = set(data.artist_ids[data.history[0].indices].tolist())
    assert not played & {s["artist_id"] for s in body["suggestions"]}
    assert {"rank", "artist_id", "name", "scores", "reason", "url", "rank_after", "model_scores"} <= set(body["suggestions"][0])


def test_recommendations_from_seed_artists_by_name_or_id_with_steering(api, small_engine):
    data = small_engine.dataset
    seeds = f"{quote(str(data.artist_names[0]))},{int(data.artist_ids[1])}"
    left_out = int(data.artist_ids[2])
    status, body, _ = api.get(f"/v1/recommendations?seed_artists={seeds}&exclude_artists={left_out}&k=8"
                              "&model=mf&popularity=less")
    assert status == 200, body
    assert [h["artist_id"] for h in body["liked"]] == [int(data.artist_ids[0]), int(data.artist_ids[1])]
    assert body["ranked"] is False and left_out not in {s["artist_id"] for s in body["suggestions"]}


def test_recommendations_from_a_saved_history(api, small_engine, tmp_path):
    names = [str(n) for n in small_engine.dataset.artist_names[:4]]
    export = samples.maloja(tmp_path / "export.json", [(n, "", 1_300_000_000 + i) for i, n in enumerate(names)])
    assert main(["history", "import", str(export), "--as", "web", "--data", str(small_engine.data_dir)]) == 0
    status, body, _ = api.get("/v1/recommendations?history=web&k=3")
    assert status == 200 and body["history"].startswith("web: 4 of 4 artists matched")
    assert not set(names) & {s["name"] for s in body["suggestions"]}


@pytest.mark.parametrize("path, status, message", [
    ("/v1/recommendations?k=3", 422, "exactly one of seed_artists, history or listener"),
    ("/v1/recommendations?listener=1&history=me", 422, "exactly one"),
    ("/v1/recommendations?listener=99999999", 404, "unknown listener id"),
    ("/v1/recommendations?history=nobody", 404, "no saved history 'nobody'"),
    ("/v1/recommendations?seed_artists=Qqqqqqqqqqqqqqqq", 404, "none of the liked artists were found"),
    ("/v1/recommendations?listener=1&k=0", 422, "k: "),
    ("/v1/recommendations?listener=1&k=101", 422, "k: "),
    ("/v1/recommendations?listener=1&model=svd", 422, "unknown model 'svd'"),
    ("/v1/recommendations?listener=1&popularity=loud", 422, "popularity"),
    ("/v1/recommendations?seed_artists=" + ",".join(["a"] * 51), 422, "at most 50"),
    ("/v1/search?q=" + "a" * 201, 422, "q: "),
    ("/v1/search", 422, "q: "),
    ("/v1/artists/123456789/similar", 404, "unknown artist id"),
    ("/v1/artists/abc/similar", 422, "artist_id"),
    ("/v1/lidarr/me", 409, "MusicBrainz id"),
    ("/v2/nothing", 404, "Not Found"),
])
def test_errors_are_json_with_the_right_status(api, path, status, message):
    got, body, headers = api.get(path)
    assert got == status and message in body["error"]["message"] and body["error"]["status"] == status
    assert headers["content-type"] == "application/json" and "Traceback" not in str(body)


def test_openapi_document_lists_the_endpoints(api):
    status, body, _ = api.get("/openapi.json")
    assert status == 200
    assert {"/v1/health", "/v1/search", "/v1/artists/{artist_id}/similar", "/v1/recommendations",
            "/v1/lidarr/{history}"} <= set(body["paths"])


def test_a_token_is_checked_on_every_request(api_with_token):
    assert api_with_token.get("/v1/health")[0] == 401
    status, body, headers = api_with_token.get("/v1/health", {"Authorization": "Bearer wrong"})
    assert status == 401 and "bearer token" in body["error"]["message"] and headers["www-authenticate"] == "Bearer"
    assert api_with_token.get("/openapi.json")[0] == 401
    assert api_with_token.get("/v1/health", {"Authorization": "Bearer s3cret"})[0] == 200


def test_listening_beyond_loopback_needs_a_token(capsys, monkeypatch):
    monkeypatch.delenv("CRATEDIG_TOKEN", raising=False)
    assert main(["serve", "--host", "0.0.0.0", "--demo"]) == 2
    assert "--token" in capsys.readouterr().err


def test_a_client_that_never_finishes_its_headers_is_cut_off(api, monkeypatch):
    import socket
    import time

    from cratedig.server.slow_clients import TimedHeaders

    monkeypatch.setattr(TimedHeaders, "header_seconds", 0.5)
    with socket.create_connection(("127.0.0.1", api.port), timeout=5) as client:
        client.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")  # and nothing more
        started = time.monotonic()
        assert client.recv(1024) == b""  # closed by the server
        assert time.monotonic() - started < 4
    assert api.get("/v1/health")[0] == 200  # others are still answered


def test_a_reimported_history_is_not_answered_from_the_cache(api, small_engine, tmp_path, monkeypatch):
    from cratedig.server import cache

    monkeypatch.setattr(cache, "STAMP_SECONDS", 0.0)
    names = [str(n) for n in small_engine.dataset.artist_names[:5]]

    def imported(count: int) -> None:
        export = samples.maloja(tmp_path / f"e{count}.json", [(n, "", 1_300_000_000) for n in names[:count]])
        assert main(["history", "import", str(export), "--as", "again", "--data", str(small_engine.data_dir)]) == 0

    imported(3)
    first = api.get("/v1/recommendations?history=again&k=3")[1]["history"]
    assert api.get("/v1/recommendations?history=again&k=3")[1]["history"] == first
    imported(5)
    assert first.startswith("again: 3 of 3")
    assert api.get("/v1/recommendations?history=again&k=3")[1]["history"].startswith("again: 5 of 5")
