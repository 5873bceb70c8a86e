"""The HTTP API (`cratedig serve`): a third front end beside `cli/` and `tui/`, for the music tools that
used to ask Spotify for related artists and recommendations (Lidarr, scripts, players). It holds one
Engine (models loaded once; NumPy serving), answers GET requests with JSON, and phrases the engine's
typed errors as HTTP statuses: a thing not in the data 404, a bad parameter 422. Read-only: saved
histories come from `cratedig history import`; the server writes no file of the user's.

Handlers run on the event loop (`async def`), each request's NumPy work inline (a few ms at 1×):
measured with `python -m bench.api_load`, handing it to a thread pool made a GIL convoy instead
(threads waiting on the loop's thread for every release of the GIL: p95 300 ms against 4 ms on the
same mix). Repeated requests are answered from the response cache (server.cache) without any
NumPy work; `--workers N` runs N processes, each with its own engine. On this 2-core machine two
workers computed fewer answers than one (64 against 147 per second with the cache off; the two
workers and the load generator share the two cores), so one is the default."""
from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

import orjson
from fastapi import FastAPI, Path, Query
from fastapi.responses import Response

from cratedig.engine import api
from cratedig.engine.chat import export
from cratedig.engine.errors import UsageError, json_for_terminals
from cratedig.server.cache import ResponseCache
from cratedig.server.errors import install_error_handlers
from cratedig.server.security import BearerToken

MAX_K = 100
MAX_QUERY = 200
MAX_LIST = 2000  # characters of a comma-separated list
MAX_ITEMS = 50
POPULARITY = {"less": -1, "any": 0, "more": 1, "-1": -1, "0": 0, "1": 1}

K = Annotated[int, Query(ge=1, le=MAX_K, description=f"how many (1-{MAX_K})")]
ListParam = Annotated[str | None, Query(max_length=MAX_LIST, description="comma-separated")]


def json_response(payload: Any, status: int = 200) -> Response:
    """`payload` as JSON whose text a terminal cannot act on (engine.errors.json_for_terminals)."""
    body = json_for_terminals(orjson.dumps(payload).decode("utf-8")).encode("utf-8")
    return Response(body, status_code=status, media_type="application/json")


def items(text: str | None, what: str) -> list[str]:
    """A comma-separated parameter as its items; a 422 beyond MAX_ITEMS."""
    found = [part.strip() for part in (text or "").split(",") if part.strip()]
    if len(found) > MAX_ITEMS:
        raise UsageError(f"{what}: {len(found)} items; at most {MAX_ITEMS}")
    return found


def artist_refs(names: list[str]) -> list[str | int]:
    """Artists by Last.FM id (digits) or by name."""
    return [int(n) if n.isdigit() and len(n) < 10 else n for n in names]


def build_app(engine: api.Engine, token: str | None = None, cache: bool = True) -> FastAPI:
    """The API over `engine` (its models loaded); with `token`, every request must carry it; with
    `cache`, repeated GETs are answered from memory (server.cache)."""
    app = FastAPI(title="cratedig", version="1", description=__doc__.split("\n\n")[0],
                  docs_url=None, redoc_url=None)
    install_error_handlers(app)
    if cache:
        app.add_middleware(ResponseCache, folder=api.histories_folder)
    if token:  # added last: the outermost, so no request is answered, cached or not, without it
        app.add_middleware(BearerToken, token=token)

    @app.get("/v1/health")
    async def health() -> Response:
        """Whether the server is up, on which data, with which models."""
        summary = engine.summary()
        return json_response({"status": "ok", "dataset": summary.kind, "listeners": summary.listeners,
                              "artists": summary.artists, "models": list(api.MODEL_NAMES),
                              "histories": api.saved_histories(), "has_mbids": engine.has_mbids})

    @app.get("/v1/search")
    async def search(q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY, description="an artist's name")],
               limit: Annotated[int, Query(ge=1, le=MAX_ITEMS)] = 5) -> Response:
        """Fuzzy artist search: ids, names, Last.fm pages, MBIDs where the data has them."""
        return json_response({"query": q, "results": [asdict(h) for h in engine.search(q, limit)]})

    @app.get("/v1/artists/{artist_id}/similar")
    async def similar(artist_id: Annotated[int, Path(ge=0, lt=2**31, description="a Last.FM artist id")],
                k: K = 10, model: str | None = None) -> Response:
        """The artist's nearest artists in a model's space (default: the default retriever's)."""
        return json_response(asdict(engine.neighbours(artist_id, model, k)))

    @app.get("/v1/recommendations")
    async def recommendations(seed_artists: ListParam = None, history: Annotated[str | None, Query(max_length=64)] = None,
                        listener: Annotated[str | None, Query(max_length=40)] = None, k: K = 10,
                        model: str | None = None, retriever: str | None = None, exclude_artists: ListParam = None,
                        exclude_genres: ListParam = None, only_genres: ListParam = None,
                        popularity: Annotated[str, Query(pattern="^(less|any|more|-1|0|1)$")] = "any") -> Response:
        """Suggestions for seed artists, a saved history or a dataset listener (exactly one), steered
        as the chat steers: artists and genres left out, genres kept to, popularity."""
        who = [name for name, value in (("seed_artists", seed_artists), ("history", history),
                                         ("listener", listener)) if value]
        if len(who) != 1:
            raise UsageError("give exactly one of seed_artists, history or listener")
        stages = api.stages_for(model, retriever)
        excluded, unknown = engine.resolve_phrases(artist_refs(items(exclude_artists, "exclude_artists")))
        steering = api.Steering(tuple(h.artist_id for h in excluded), tuple(items(exclude_genres, "exclude_genres")),
                                tuple(items(only_genres, "only_genres")), POPULARITY[popularity])
        rank = stages.ranker is not None
        if seed_artists:
            found = engine.recommend_liked(artist_refs(items(seed_artists, "seed_artists")), k, stages.retriever,
                                           rank, steering)
        elif history:
            found = engine.recommend_history(history, k, stages.retriever, rank, steering)
        else:
            found = engine.recommend_listener(int(listener) if listener.isdigit() else listener, k,
                                              stages.retriever, rank, steering)
        return json_response({"retriever": found.retriever, "ranked": found.ranked, "history": found.history,
                              "liked": [asdict(h) for h in found.liked], "unknown": found.unknown,
                              "unknown_excluded": unknown,
                              "suggestions": [s.as_json() for s in found.suggestions]})

    @app.get("/v1/lidarr/{history}")
    async def lidarr(history: Annotated[str, Path(max_length=64)], k: K = 50) -> Response:
        """Lidarr's Custom List for a saved history: [{"MusicBrainzId": ...}] (needs MBIDs: 409 without)."""
        if not engine.has_mbids:
            return json_response({"error": {"status": 409, "message": export.NO_MBIDS}}, 409)
        text, _ = export.as_lidarr(engine.recommend_history(history, k))
        return Response(text, media_type="application/json")

    return app
