"""Stylesheets of the app, shipped inside the package and found at run time with importlib.resources."""
from __future__ import annotations

from importlib.resources import files


def stylesheet(name: str = "app.tcss") -> str:
    """The path of a stylesheet that ships with cratedig."""
    return str(files(__name__) / name)
