"""Open the Textual app. Heavy imports (the engine, TensorFlow) happen inside the app's workers."""
from __future__ import annotations


def run_app(data: str | None = None, demo: bool = False, new: bool = False, kind: str | None = None) -> int:
    from cratedig.tui.app import CratedigApp

    CratedigApp(data=data, demo=demo, new_session=new, kind=kind).run()
    return 0
