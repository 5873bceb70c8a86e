"""App latency with a warm cache (targets: start to first interactive screen <= 1.0 s without
TensorFlow, also with a saved session of 200 turns to restore; prompt to ranked suggestions on
screen <= 150 ms; search keystroke to updated suggestion <= 50 ms). Headless Textual, so terminal
drawing cost is not included.
Run: python bench/app_latency.py [--data DIR]"""
import asyncio
import json
import subprocess
import sys
import time

import numpy as np

from bench.common import data_dir, machine, parser

STARTUP = """
import asyncio, sys, time
from cratedig.tui.app import CratedigApp
async def main():
    app = CratedigApp(data=sys.argv[1])
    async with app.run_test(size=(100, 30)) as pilot:
        while not (app.screen.query("#prompt") and app.screen.query_one("#prompt").has_focus):
            await pilot.pause(0.005)
        print("interactive", time.time(), "tensorflow" in sys.modules, flush=True)
        while app.conversation is None:
            await pilot.pause(0.01)
        print("models", time.time(), "tensorflow" in sys.modules, flush=True)
        while not any("restored your last session" in m.text for m in app.screen.query("BotMessage")):
            await pilot.pause(0.01)
        print("restored", time.time(), len(app.screen.query("UserMessage")), flush=True)
asyncio.run(main())
"""
TURNS = 200


def saved_session(directory, state: str) -> None:
    """A session of TURNS turns for this data, saved where the app will look (CRATEDIG_STATE)."""
    import os

    os.environ["CRATEDIG_STATE"] = state
    from cratedig.engine.api import Engine
    from cratedig.engine.chat.conversation import Conversation
    from cratedig.engine.chat.session import save_session

    engine = Engine(directory)
    engine.load_models()
    chat = Conversation(engine)
    popular = np.argsort(-engine.catalog.popularity)[:TURNS]
    transcript = []
    for index in popular:
        prompt = f"I like {engine.dataset.artist_names[index]}"
        transcript += [("you", prompt), ("cratedig", chat.handle(prompt).text)]
    save_session(chat.snapshot(transcript))


def startup(directory) -> dict:
    import os
    import tempfile

    state = tempfile.mkdtemp(prefix="cratedig-bench-state-")
    saved_session(directory, state)
    runs = []
    for _ in range(5):
        start = time.time()
        out = subprocess.run([sys.executable, "-c", STARTUP, str(directory)], capture_output=True, text=True,
                             check=True, env={**os.environ, "CRATEDIG_STATE": state}).stdout.split("\n")
        marks = {line.split()[0]: (float(line.split()[1]) - start, line.split()[2]) for line in out if line}
        runs.append(marks)
    return {"first_interactive_s": round(float(np.median([r["interactive"][0] for r in runs])), 3),
            "models_ready_s": round(float(np.median([r["models"][0] for r in runs])), 3),
            "saved_session_turns": TURNS,
            "session_restored_s": round(float(np.median([r["restored"][0] for r in runs])), 3),
            "tensorflow_imported": any(r["models"][1] == "True" for r in runs)}


async def interactions(directory) -> dict:
    """Timed inside the app, not around Pilot calls (Pilot waits for idle screens on each press):
    from the prompt being submitted to the suggestions table's first render, and from a key
    reaching the prompt to the completion being set on it."""
    from cratedig.engine.api import Engine
    from cratedig.tui.app import CratedigApp
    from cratedig.tui.screens.chat import ChatScreen
    from cratedig.tui.widgets.replies import SuggestionsTable
    from cratedig.tui.widgets.prompt import PromptInput

    marks: dict[str, float] = {}
    submit, render_lines = ChatScreen._submit, SuggestionsTable.render_lines

    def timed_submit(self, prompt):
        marks["submitted"] = time.perf_counter()
        return submit(self, prompt)

    def timed_render(self, crop):
        if self.row_count:  # the table drawn with its suggestions, not empty before its layout
            marks.setdefault("painted", time.perf_counter())
        return render_lines(self, crop)

    ChatScreen._submit, SuggestionsTable.render_lines = timed_submit, timed_render
    engine = Engine(directory)
    engine.load_models()
    app = CratedigApp(engine=engine, restore_session=False)
    names = [str(n) for n in engine.dataset.artist_names[np.argsort(-engine.catalog.popularity)[:40]]]
    prompt_ms, key_ms = [], []
    async with app.run_test(size=(120, 40)) as pilot:
        prompt = app.screen.query_one(PromptInput)
        for i, name in enumerate(names):
            marks.clear()
            prompt.focus()
            prompt.value = f"I like {name}" if i % 2 else f"be listener {engine.dataset.listener_ids[i]}"
            await pilot.press("enter")
            while "painted" not in marks:
                await pilot.pause(0.001)
            prompt_ms.append((marks["painted"] - marks["submitted"]) * 1000)
        for name in [n for n in names if n[:3].isalpha()][:20]:
            prompt.value = "I like " + name[:2]
            await pilot.pause(0.05)
            start = time.perf_counter()
            prompt.insert_text_at_cursor(name[2])  # what a key press does to the value
            want = ("i like " + name[:3]).casefold()
            while not prompt._suggestion.casefold().startswith(want):
                await asyncio.sleep(0.0005)
                if time.perf_counter() - start > 1:
                    break  # the best match for these letters is not longer than them ("Lad")
            else:
                key_ms.append((time.perf_counter() - start) * 1000)
    return {"prompt_to_suggestions_ms": {"p50": round(float(np.percentile(prompt_ms[2:], 50)), 1),
                                         "p95": round(float(np.percentile(prompt_ms[2:], 95)), 1)},
            "keystroke_samples": len(key_ms),
            "keystroke_to_suggestion_ms": {"p50": round(float(np.percentile(key_ms, 50)), 1),
                                           "p95": round(float(np.percentile(key_ms, 95)), 1)}}


def main() -> None:
    args = parser(__doc__).parse_args()
    directory = data_dir(args)
    result = {"bench": "app_latency", "machine": machine(), **asyncio.run(interactions(directory)),
              **startup(directory)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
