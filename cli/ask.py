"""`cratedig ask PROMPT...`: the conversation without the app, for scripts and screen readers.
The prompts run through one conversation (state carried from one to the next); replies are
printed as text or as one JSON object a line. Exit code 2 at the first prompt that could not be
answered, after printing the replies so far."""
from __future__ import annotations

from dataclasses import asdict

from cratedig.cli.commands import load_models, open_engine
from cratedig.cli.output import json_text, out, plain_lines, say, table, without_genres
from cratedig.engine.chat.conversation import Conversation
from cratedig.engine.chat.replies import CopyReply, EvaluationReply, NeighboursReply, Reply, SuggestionsReply
from cratedig.engine.chat.session import claim_session, load_session, save_session
from cratedig.engine.errors import UsageError


#: seconds `ask --session` waits for another run (or an app window) to let go of the conversation
SESSION_WAIT = 30.0


def ask(args) -> int:
    lock = claim_session(wait=SESSION_WAIT) if args.session else None
    if args.session and lock is None:
        raise UsageError("the saved conversation is in use by a cratedig window or another `ask --session` run "
                         f"(waited {SESSION_WAIT:.0f} s); close it, or run without --session")
    engine = open_engine(args)
    load_models(engine)
    conversation = Conversation(engine)
    transcript: list[tuple[str, str]] = []
    if args.session:
        saved, notice = load_session()
        if notice:
            say(notice)
        if saved is not None:
            say(conversation.restore(saved))
            transcript = list(saved.transcript)
    code = 0
    for prompt in args.prompt:
        reply = conversation.handle(prompt)
        transcript += [("you", prompt), ("cratedig", reply.text)]
        if args.format == "json":
            print(json_text(as_json(reply)), flush=True)
        else:
            show(reply)
        if not reply.answered:
            code = 2
            break
    if args.session:
        save_session(conversation.snapshot(transcript))
        lock.release()
    return code


def as_json(reply: Reply) -> dict:
    """One reply as the documented JSON object: kind and text, and the data its kind carries."""
    payload: dict = {"kind": reply.kind, "text": reply.text}
    if reply.matched or reply.unknown or isinstance(reply, SuggestionsReply):
        payload["liked"] = [{"artist_id": h.artist_id, "name": h.name, "score": h.score} for h in reply.matched]
        payload["unknown"] = list(reply.unknown)
        payload["did_you_mean"] = {name: [{"artist_id": h.artist_id, "name": h.name} for h in hits]
                                   for name, hits in reply.did_you_mean.items()}
    match reply:
        case SuggestionsReply(recommendations=found):
            if found.history:
                payload["history"] = found.history
            payload["suggestions"] = [s.as_json() for s in found.suggestions]
        case NeighboursReply(neighbours=found):
            payload["neighbours"] = asdict(found)
        case EvaluationReply(report=report):
            payload["evaluation"] = report.as_dict()
        case CopyReply(clipboard=text):
            payload["clipboard"] = text
    return payload


def show(reply: Reply) -> None:
    out.print(plain_lines(reply.text))
    match reply:
        case SuggestionsReply(recommendations=found):
            rows = [(s.rank_after, s.name, s.genre, s.reason) for s in found.suggestions]
            out.print(table("", *without_genres(("#", "artist", "genre", "reason"), rows), right=("#",)))
        case NeighboursReply(neighbours=found):
            rows = [(i, c.name, c.genre, d.name, d.genre) for i, (c, d) in enumerate(zip(found.cosine, found.dot), start=1)]
            out.print(table("", *without_genres(("#", "cosine", "genre", "dot", "genre "), rows), right=("#",)))
        case CopyReply(clipboard=text):
            out.print(plain_lines(text))
