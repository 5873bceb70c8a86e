"""Names that matched no artist: the reply says so (the catalogue ends in 2011 or 2009) and offers
"did you mean" choices that one word accepts ("1", "2", "yes"). Nothing is added to what the user
likes or leaves out without a confident match or their choice."""
from __future__ import annotations

from dataclasses import dataclass

from cratedig.engine.api import ArtistHit, Engine


@dataclass(frozen=True)
class Pending:
    """Choices offered for `phrase`; `action` is "like" or "leave out"."""

    phrase: str
    action: str
    choices: tuple[ArtistHit, ...]


def not_found(engine: Engine, unknown: list[str], action: str) -> tuple[str, Pending | None, dict]:
    """(the sentence to say, the choices now pending or None, {phrase: [choices]} for JSON)."""
    if not unknown:
        return "", None, {}
    offered = {phrase: engine.did_you_mean(phrase) for phrase in unknown[:5]}
    names = ", ".join(repr(u) for u in unknown)
    text = f"I couldn't find {names} in the catalogue (its listening ends in {engine.catalogue_ends})."
    first = next((p for p in unknown if offered.get(p)), None)
    if first is None:
        return text, None, offered
    listed = "; ".join(f"{n}) {hit.name}" for n, hit in enumerate(offered[first], start=1))
    doing = "add it to what you like" if action == "like" else "leave it out"
    text += f" Did you mean, for {first!r}: {listed}? Say its number to {doing}."
    return text, Pending(first, action, tuple(offered[first])), offered
