"""A tiny Lidarr-shaped client: Lidarr's Custom List import fetches a URL and reads a JSON array of
{"MusicBrainzId": ...}; on Last.fm-360K-format data (which has MBIDs) the API serves one for a
saved history, over real HTTP."""
from __future__ import annotations

import json
import re
import urllib.request

import pytest

from tests import history_samples as samples
from tests.server.conftest import Running

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@pytest.fixture(scope="module")
def engine_360k(tmp_path_factory):
    from cratedig.engine.api import Engine, write_synthetic

    data = write_synthetic(tmp_path_factory.mktemp("l360") / "data", 120, 400, 8, 3, "lastfm-360k")
    engine = Engine(data)
    engine.load_models()
    return engine


def lidarr_fetch(url: str) -> list[str]:
    """What Lidarr does with a Custom List: GET, parse, keep each artist's MusicBrainzId."""
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.headers["content-type"] == "application/json"
        items = json.loads(response.read())
    assert isinstance(items, list)
    return [item["MusicBrainzId"] for item in items]


@pytest.mark.slow
def test_lidarr_reads_a_list_of_mbids_for_a_saved_history(engine_360k, tmp_path):
    data = engine_360k.dataset
    with_mbid = [i for i, m in enumerate(data.artist_mbids) if m][:6]
    listens = [(str(data.artist_names[i]), str(data.artist_mbids[i]), 1_200_000_000 + n)
               for n, i in enumerate(with_mbid)]
    report = engine_360k.import_history([samples.listenbrainz_zip(tmp_path / "lb.zip", listens)], "me")
    assert {m.how for m in report.matched} == {"mbid"} and len(report.matched) == 6
    running = Running(engine_360k)
    try:
        ids = lidarr_fetch(f"http://127.0.0.1:{running.port}/v1/lidarr/me?k=15")
    finally:
        running.stop()
    assert 0 < len(ids) <= 15 and all(UUID.match(i) for i in ids)
    assert not set(ids) & {str(data.artist_mbids[i]) for i in with_mbid}  # not what the history holds
