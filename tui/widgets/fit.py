"""Fitting a table into the width it has: natural widths when they fit; else the flexible columns
(reasons, genres) shrink, their cells ellipsized with "…", while names stay whole; else the least
needed columns go; only then do names shrink. No cell is ever cut mid-word by the table itself."""
from __future__ import annotations

from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.text import Text

#: what a DataTable adds around each column (cell_padding=1 on both sides)
PADDING = 2


@dataclass
class Column:
    label: str
    cells: list[Text] = field(default_factory=list)
    #: may shrink (its cells ellipsized) down to `minimum`
    flexible: bool = False
    minimum: int = 6
    #: dropped first when even the minimums do not fit (lowest first); None: never dropped
    drop_order: int | None = None
    #: kept at its natural width (an artist's name) until every droppable column has gone
    whole: bool = False

    @property
    def natural(self) -> int:
        return max([cell_len(self.label)] + [cell_len(c.plain) for c in self.cells])


def fit(columns: list[Column], width: int) -> list[tuple[Column, int]]:
    """The columns to show, in their order, each with its width, within `width` cells."""
    kept = list(columns)
    while True:
        fixed = sum(c.natural for c in kept if not c.flexible) + PADDING * len(kept)
        flexible = [c for c in kept if c.flexible]
        room = width - fixed
        wanted = sum(c.natural for c in flexible)
        if room >= wanted:
            return [(c, c.natural) for c in kept]
        minimums = {id(c): min(c.natural, max(c.minimum, cell_len(c.label))) for c in flexible}
        names_whole = {**minimums, **{id(c): c.natural for c in flexible if c.whole}}
        droppable = [c for c in kept if c.drop_order is not None]
        if room >= sum(names_whole.values()) or not droppable:
            widths = _grow(flexible, names_whole if room >= sum(names_whole.values()) else minimums, room)
            return [(c, widths[id(c)] if c.flexible else c.natural) for c in kept]
        kept.remove(min(droppable, key=lambda c: c.drop_order))


def _grow(flexible: list[Column], minimums: dict[int, int], room: int) -> dict[int, int]:
    """Each flexible column at its minimum, then what room is left given in column order (the
    first flexible column, say the artist, is the most worth reading in full)."""
    widths = dict(minimums)
    spare = max(room - sum(minimums.values()), 0)
    for column in flexible:
        extra = min(spare, column.natural - widths[id(column)])
        widths[id(column)] += extra
        spare -= extra
    return widths


def ellipsized(cell: Text, width: int) -> Text:
    """`cell` cut to `width` cells with "…" at the end when it is longer."""
    if cell_len(cell.plain) <= width:
        return cell
    short = cell.copy()
    short.truncate(width, overflow="ellipsis")
    return short
