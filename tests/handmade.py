"""Write tiny hand-made datasets in the HetRec format, for hand-worked expectations."""
from __future__ import annotations

from pathlib import Path


def write_dataset(directory: Path, artists, tags, plays, taggings=(), friends=()) -> Path:
    directory.mkdir(parents=True, exist_ok=True)

    def dump(name, header, rows):
        lines = ["\t".join(header)] + ["\t".join(str(x) for x in row) for row in rows]
        (directory / name).write_text("\n".join(lines) + "\n", encoding="utf-8")

    dump("artists.dat", ("id", "name", "url", "pictureURL"), [(i, n, f"http://x/{i}", "") for i, n in artists])
    dump("tags.dat", ("tagID", "tagValue"), tags)
    dump("user_artists.dat", ("userID", "artistID", "weight"), plays)
    dump("user_taggedartists.dat", ("userID", "artistID", "tagID", "day", "month", "year"),
         [(u, a, t, 1, 5, 2009) for u, a, t in taggings])
    dump("user_friends.dat", ("userID", "friendID"), friends)
    return directory
