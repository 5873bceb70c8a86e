"""Names, tags and prompts are data, never markup: hostile prompts in the running app (with
notifications on), artists named like markup, and every real artist name and tag through the
CLI tables and the app's cells, notifications and panels."""
from __future__ import annotations

import pytest
from rich.console import Console
from textual.widgets._data_table import default_cell_formatter

from cratedig.engine.errors import printable
from tests.handmade import write_dataset
from tests.tui.test_app_flows import last_reply, say
from cratedig.tui.app import CratedigApp
from cratedig.tui.text import plain
from cratedig.tui.widgets.replies import NeighboursTable, SuggestionsTable

MARKUP_NAMES = ["Evil[/]Name", "[unknown]", "Superchic[k]", "8[bit]chyfruit", "[link=https://x.y]click[/link]",
                "[bold red]Loud[/]", "Back\\slash[/i]", "Bell\x07Ring"]
FILLER = [f"Filler Band {i}" for i in range(40)]


def _shows(cell: str, full: str) -> bool:
    """A cell shows `full` as it is, or its start ellipsized to fit the column."""
    return cell == full or (cell.endswith("…") and full.startswith(cell[:-1]))


@pytest.fixture(scope="module")
def markup_engine(tmp_path_factory):
    """An engine over a small hand-made dataset whose artists are named like markup."""

    from cratedig.engine.api import Engine
    from cratedig.engine.training.cache import ModelCache
    from cratedig.engine.training.store import TrainConfig

    names = MARKUP_NAMES + FILLER
    artists = list(enumerate(names, start=1))
    plays = [(u, a, 10 + (u * a) % 50) for u in range(2, 32) for a in range(1, len(names) + 1)
             if (u + a) % 3 == 0 or a <= 8]
    taggings = [(u, a, 1 + a % 3) for u, a, _ in plays[::4]]
    directory = write_dataset(tmp_path_factory.mktemp("markup"), artists,
                              [(1, "[b]rock[/b]"), (2, "post[/]punk"), (3, "plain pop")], plays, taggings)
    fast = TrainConfig(overrides={"mf": {"epochs": 20}, "retrieval": {"epochs": 2}, "context": {"epochs": 2},
                                  "ranking": {"epochs": 1, "probe_epochs": 5}})
    engine = Engine(directory, cache=ModelCache(tmp_path_factory.mktemp("markup-cache")), config=fast)
    engine.load_models()
    return engine


@pytest.mark.parametrize("prompt", [
    "I like [/]", "who is close to [/]", "why [/]", "more like Filler Band 1 but not [/]",
    "[link=https://example.org]click[/link]", "I like [bold]x[/bold", "I like \x1b[31mred\x07",
    "be listener [/]", "a listener who likes [/]", "[", "]", "[/", "I don't like [/]", "I like \\[/]",
])
async def test_hostile_prompts_get_an_answer_and_never_crash_the_app(markup_engine, prompt):
    app = CratedigApp(engine=markup_engine)
    async with app.run_test(size=(110, 34), notifications=True) as pilot:
        await say(pilot, prompt)
        reply = last_reply(app)
        assert reply.text and app.is_running
        for note in app._notifications:
            assert "\x1b" not in note.message and "\x07" not in note.message


@pytest.mark.parametrize("name", MARKUP_NAMES)
async def test_artists_named_like_markup_show_as_named_everywhere(markup_engine, name):
    app = CratedigApp(engine=markup_engine)
    shown = printable(name)
    async with app.run_test(size=(110, 34), notifications=True) as pilot:
        await say(pilot, f"I like {shown}")
        chips = [str(label.content) for label in app.screen.query("#liked Label")]
        assert chips == [shown], chips
        assert shown in str(app.screen.query_one("#who").content)
        table = app.screen.query(SuggestionsTable).last()
        suggestions = table.recommendations.suggestions
        assert table.row_count == len(suggestions) > 0
        labels = [str(c.label) for c in table.columns.values()]
        for row, suggestion in enumerate(suggestions):
            cells = table.get_row_at(row)
            artist, reason = str(cells[labels.index("artist")]), str(cells[labels.index("reason")])
            assert _shows(artist, printable(suggestion.name)) and _shows(reason, f"because you play {shown}")
        await say(pilot, f"who is close to {shown}")
        neighbours = app.screen.query(NeighboursTable).last()
        first = neighbours.neighbours.cosine[0]
        assert _shows(str(neighbours.get_row_at(0)[1]), printable(f"{first.name} ({first.score:.2f})"))
        app.notify(f"about {name}")
        await pilot.pause(0.1)
        assert any(note.message == f"about {shown}" for note in app._notifications)


def test_every_real_artist_name_and_tag_survives_the_cli_tables(real_dataset):
    from cratedig.cli.output import table

    values = [str(v) for v in list(real_dataset.artist_names) + list(real_dataset.tag_names)]
    console = Console(width=2000, record=True, force_terminal=False)
    with console.capture() as captured:
        console.print(table("every name", ["name"], [[v] for v in values]))
    text = captured.get()
    missing = [v for v in values if printable(v).strip() and printable(v).strip() not in text]
    assert not missing, missing[:10]


def test_every_real_artist_name_and_tag_survives_the_apps_cells(real_dataset):
    values = [str(v) for v in list(real_dataset.artist_names) + list(real_dataset.tag_names)]
    # What a DataTable draws for a cell is default_cell_formatter(cell): check it for every value.
    wrong = [v for v in values if default_cell_formatter(plain(v)).plain != printable(v)]
    assert not wrong, wrong[:10]
    bracketed = [v for v in values if "[" in v]
    assert len(bracketed) >= 15  # the real file has such names: the check above means something
    assert any(default_cell_formatter(v).plain != v for v in bracketed)  # raw strings would be mangled


async def test_real_artists_named_with_brackets_show_as_named_in_the_app(real_engine):
    names = [str(n) for n in real_engine.dataset.artist_names if "[" in str(n) or "]" in str(n)]
    assert len(names) >= 15
    app = CratedigApp(engine=real_engine)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        for name in names:
            artist_id = int(real_engine.dataset.artist_ids[real_engine.dataset.artist_names.tolist().index(name)])
            with app.chat.lock:
                app.chat.conversation.handle("reset")
                reply = app.chat.conversation.add_liked([artist_id])  # by id: the name itself is the test
            app.chat.show_reply(reply, app.chat.request)
            await pilot.pause(0.05)
            chips = [str(label.content) for label in app.screen.query("#liked Label")]
            assert chips == [name], (name, chips)
            app.notify(f"liked {name}")
            await pilot.pause(0.02)
            assert app._notifications and list(app._notifications)[-1].message == f"liked {name}"
