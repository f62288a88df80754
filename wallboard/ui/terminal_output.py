"""Partial screen updates that start where the change starts, not at the widget's left edge.

Why: Textual's compositor knows exactly which cells changed (the regions widgets refresh), and
crops each updated line at the end of the change, but it writes every updated line from the left
edge of the widget (see `textual._compositor.ChopsUpdate.render_segments`; reported upstream as
Textualize/textual#5625). A changed cell at the right of a 200-column table therefore resends
the 150 columns before it. On a wall TV over SSH that was most of the bytes of a poll (measured
by `benchmarks` at 200x60: about 75 KB per poll, where the cells that changed were a few KB).

What this changes: the same update, written from the first *segment* that reaches the changed
span instead of from the widget's edge, with neighbouring segments of one style joined
(Textual writes a full colour code and a reset per segment). Cropping at a segment boundary,
never inside one, keeps double-width characters whole, so the terminal ends up with exactly
the cells Textual would have written (`tests/ui/test_terminal_output.py` replays both outputs
on a screen model and compares). Installed once, only on the Textual line this was checked
against; on any other version the stock behaviour stays.
"""

from __future__ import annotations

from rich.console import Console
from rich.control import Control
from textual import __version__ as textual_version
from textual._compositor import ChopsUpdate
from textual.strip import Strip

CHECKED_MAJOR = "8."
"""The Textual major version whose `ChopsUpdate.render_segments` this mirrors."""

_stock = ChopsUpdate.render_segments


def render_segments(update: ChopsUpdate, console: Console) -> str:
    """`ChopsUpdate.render_segments`, with each line's write starting at the segment holding
    the first changed cell."""
    sequences: list[str] = []
    append = sequences.append
    chops, chop_ends = update.chops, update.chop_ends
    last_y = update.spans[-1][0]
    for y, x1, x2 in update.spans:
        line, ends = chops[y], chop_ends[y]
        for end, (x, strip) in zip(ends, line.items(), strict=False):
            if strip is None or x > x2 or end <= x1:
                continue
            if x2 > x >= x1 and end <= x2:
                append(_move_to(x, y))
                append(strip.simplify().render(console))
                continue
            skip = _cells_before(strip, x1 - x) if x < x1 else 0
            cropped = strip.crop(skip, min(end, x2) - x)
            append(_move_to(x + skip, y))
            append(cropped.simplify().render(console))
        if y != last_y:
            append("\n")
    return "".join(sequences)


def _cells_before(strip: Strip, offset: int) -> int:
    """Cells of the whole segments that end at or before `offset` (where a write may start)."""
    skip = 0
    for segment in strip:
        width = segment.cell_length
        if skip + width > offset:
            break
        skip += width
    return skip


def _move_to(x: int, y: int) -> str:
    return Control.move_to(x, y).segment.text


def install() -> bool:
    """Use the tighter writes (once per process). False when Textual is not the checked line."""
    if not textual_version.startswith(CHECKED_MAJOR):
        return False
    ChopsUpdate.render_segments = render_segments  # type: ignore[method-assign, assignment]
    return True


def uninstall() -> None:
    """Back to Textual's own writes (tests compare the two)."""
    ChopsUpdate.render_segments = _stock  # type: ignore[method-assign]
