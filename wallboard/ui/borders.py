"""Border titles that repaint their border line, not the widget under them.

Why: Textual's `border_title`/`border_subtitle` setters refresh the whole widget, and for a
pane that means every line of its table goes to the terminal again. A pane's title carries
counts that move every poll ("(10,000, 312 waiting)", "12 shown · 3s old"), so on a wall TV over
SSH the titles alone would resend every pane every 15 s. Setting them here stores the same
value the setters store and marks dirty only the top or bottom border line.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from textual.content import Content
from textual.geometry import Region
from textual.widget import Widget

_parsed: WeakKeyDictionary[Widget, dict[bool, tuple[str, Content]]] = WeakKeyDictionary()
"""widget -> {is the title: (the text last given, what it became)}: a pane's title and
subtitle are given again every poll, mostly unchanged, and parsing them is most of the cost."""


def set_border(widget: Widget, *, title: str | None = None, subtitle: str | None = None) -> None:
    """Set the border title and/or subtitle; repaint only the border lines that changed."""
    if not widget.is_mounted or widget.size.area == 0:
        if title is not None:
            widget.border_title = title
        if subtitle is not None:
            widget.border_subtitle = subtitle
        return
    if title is not None:
        new = _content(widget, title, top=True)
        old = widget._border_title
        if _differs(old, new):
            widget._border_title = new
            _repaint_row(widget, top=True, span=_span(old, new))
    if subtitle is not None:
        new = _content(widget, subtitle, top=False)
        old = widget._border_subtitle
        if _differs(old, new):
            widget._border_subtitle = new
            _repaint_row(widget, top=False, span=_span(old, new))


def _content(widget: Widget, text: str, *, top: bool) -> Content:
    """What Textual's own setter stores (see `textual.widget._BorderTitle.__set__`); the same
    text given again gives the same content, unparsed."""
    made = _parsed.setdefault(widget, {})
    last = made.get(top)
    if last is not None and last[0] == text:
        return last[1]
    content = widget.render_str(text).expand_tabs(4).split()[0]
    made[top] = (text, content)
    return content


def _differs(old: Content | None, new: Content) -> bool:
    return old is None or old.markup != new.markup


def _span(old: Content | None, new: Content) -> int:
    """Cells of the border line the old or the new text covers, with the corner, the dash and
    the padding around it: the rest of the line is dashes either way."""
    return max(new.cell_length, old.cell_length if old is not None else 0) + 6


def _repaint_row(widget: Widget, *, top: bool, span: int) -> None:
    """Repaint the part of a border line a title can occupy: titles sit at the left of the top
    line, subtitles at the right of the bottom line (the default alignments, which the panes
    keep)."""
    offset = widget.content_offset
    outer = widget.outer_size
    y = -offset.y if top else outer.height - offset.y - 1
    width = min(span, outer.width)
    x = -offset.x if top else outer.width - width - offset.x
    widget.refresh(Region(x, y, width, 1))
