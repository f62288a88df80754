"""`?`: every key (with its binding id, for remapping in `[ui] keys`) and every metric's formula.

Why the formulas come from `wallboard.metrics.METRICS`: the help must show exactly what ran, so
the text is the computing function's docstring, not a copy that could drift.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from wallboard.metrics import METRICS
from wallboard.reports_rows import FORMULAS as REPORT_FORMULAS
from wallboard.ui.actions_marks import legend_text


def keys_table(bindings: Iterable[Binding], keymap: Mapping[str, str]) -> Table:
    table = Table(title="Keys", expand=True, show_edge=False)
    table.add_column("Key", no_wrap=True)
    table.add_column("Does")
    table.add_column(Text("Binding id (remap in [ui] keys)"), style="dim")
    for binding in bindings:
        key = keymap.get(binding.id or "", binding.key)
        table.add_row(key, binding.description or binding.action, binding.id or "")
    return table


def metrics_table() -> Table:
    table = Table(title="Metrics and their formulas", expand=True, show_edge=False)
    table.add_column("Metric", no_wrap=True)
    table.add_column("Of", style="dim")
    table.add_column("Formula")
    for info in METRICS.values():
        formula = Text(info.formula)
        table.add_row(f"{info.title}\n[dim]{info.name}[/]", info.source, formula)
    return table


def report_formulas_table() -> Table:
    """The interval reports' derived figures (`R`), from the functions that compute them."""
    table = Table(title="Report figures (R) and their formulas", expand=True, show_edge=False)
    table.add_column("Figure", no_wrap=True)
    table.add_column("Formula")
    for name, formula in REPORT_FORMULAS.items():
        table.add_row(name, Text(formula))
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss_help", "Close help", id="help.close"),
    ]

    def __init__(self, bindings: list[Binding], keymap: Mapping[str, str]) -> None:
        super().__init__()
        self.listed = bindings
        self._keymap = keymap

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(keys_table(self.listed, self._keymap), id="help-keys")
            yield Static(legend_text(), id="help-marks", markup=False)
            yield Static(metrics_table(), id="help-metrics")
            yield Static(report_formulas_table(), id="help-report-formulas")

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
