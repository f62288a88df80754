"""`L` on a campaign: push one lead or a file of leads into it (seed 003 / the lead loader).

Why the form checks before sending: a lead whose phone cannot be normalised to 10 US digits, or
an upload option the seed does not list, is refused here with the reason and nothing is sent,
the same checks `LeadPusher` makes row by row. A file push shows a progress bar and the final
counts (supplied, accepted, inserted, rejected) and where the rejects file was written; fixing
that file and pushing it again is the recovery.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, ProgressBar, Static

from wallboard.leads import OPTION_NAMES, PushReport, check_options
from wallboard.leads_check import FEED_FIELDS, LeadProblem, check_lead
from wallboard.leads_read import LeadFileError
from wallboard.ui.leads_pusher import PusherOpener


def parse_options(text: str) -> dict[str, str]:
    """`name=value` words (quotes allowed) into upload options; `ValueError` names the problem."""
    found: dict[str, str | None] = {}
    try:
        words = shlex.split(text)
    except ValueError as error:
        raise ValueError(f"options: {error}") from None
    for word in words:
        name, sep, value = word.partition("=")
        if not sep or not name:
            raise ValueError(f"options: {word!r} is not name=value")
        found[name] = value
    return check_options(found)


def one_lead(phone: str, first: str, last: str) -> dict[str, str]:
    """The lead as seed 003 spells its fields, blanks left out."""
    values = {"leadPhone": phone, "firstName": first, "lastName": last}
    return {name: value.strip() for name, value in values.items() if value.strip()}


class LeadPushForm(ModalScreen[None]):
    """Push into `campaign_id`; `heading` says which campaign and whether it is lead-starved."""

    DEFAULT_CSS = """
    LeadPushForm { align: center middle; }
    LeadPushForm > VerticalScroll {
        width: 80; height: auto; max-height: 90%; border: round $accent;
        background: $surface; padding: 0 1;
    }
    LeadPushForm Input { margin: 0 0 0 0; }
    LeadPushForm Horizontal { height: auto; }
    LeadPushForm Button { margin: 1 1 0 0; }
    LeadPushForm #lead-result { height: auto; margin-top: 1; }
    LeadPushForm ProgressBar { display: none; }
    LeadPushForm ProgressBar.-shown { display: block; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="leads.close"),
    ]

    def __init__(self, opener: PusherOpener, campaign_id: str, heading: str) -> None:
        super().__init__()
        self.opener = opener
        self.campaign_id = campaign_id
        self.heading = heading
        self.report: PushReport | None = None
        """The last push's report (None until one finishes)."""
        self.problem: str | None = None
        """Why the last push was not sent (checked here, nothing sent)."""
        self.busy = False

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = f"Push leads · {self.heading}"
            yield Label("One lead: phone (10 US digits), first and last name")
            yield Input(id="lead-phone", placeholder="phone, e.g. (617) 555-0134")
            yield Input(id="lead-first", placeholder="first name")
            yield Input(id="lead-last", placeholder="last name")
            yield Label("Or a file (CSV or JSON lines, seed 003 field names)")
            yield Input(id="lead-file", placeholder="path/to/leads.csv")
            yield Label(f"Upload options: name=value ({', '.join(OPTION_NAMES)})")
            yield Input(id="lead-options", placeholder="duplicateHandling=RETAIN_ALL")
            with Horizontal():
                yield Button("Push lead", id="push-one", variant="primary")
                yield Button("Push file", id="push-file")
                yield Button("Close", id="push-close")
            yield ProgressBar(id="lead-progress", show_eta=False)
            yield Static("", id="lead-result")

    def on_mount(self) -> None:
        self.query_one("#lead-phone", Input).focus()

    def _value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value

    def _say(self, text: str) -> None:
        self.query_one("#lead-result", Static).update(text)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "push-one":
            self.push_one()
        elif event.button.id == "push-file":
            self.push_file()
        else:
            self.action_close()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "lead-file":
            self.push_file()
        else:
            self.push_one()

    def _refuse(self, reason: str) -> None:
        self.problem = reason
        self._say(f"[b red]Not sent:[/] {reason}")

    def push_one(self) -> None:
        """Check the lead and the options here; send only when both are good."""
        if self.busy:
            return
        lead = one_lead(
            self._value("lead-phone"), self._value("lead-first"), self._value("lead-last")
        )
        try:
            options = parse_options(self._value("lead-options"))
            check_lead(lead, FEED_FIELDS)
        except (LeadProblem, ValueError) as error:
            self._refuse(str(error))
            return
        self.problem = None
        self._start("pushing one lead…")
        self.run_worker(self._push_one(lead, options), name="push-one", exit_on_error=False)

    def push_file(self) -> None:
        if self.busy:
            return
        raw = self._value("lead-file").strip()
        if not raw:
            self._refuse("give the path of a CSV or JSON-lines file")
            return
        path = Path(raw).expanduser()
        if not path.is_file():
            self._refuse(f"no such file: {path}")
            return
        try:
            options = parse_options(self._value("lead-options"))
        except ValueError as error:
            self._refuse(str(error))
            return
        self.problem = None
        self._start(f"pushing {path.name}…")
        bar = self.query_one(ProgressBar)
        bar.add_class("-shown")
        bar.update(total=None, progress=0)
        self.run_worker(self._push_file(path, options), name="push-file", exit_on_error=False)

    def _start(self, text: str) -> None:
        self.busy = True
        self._say(text)

    async def _push_one(self, lead: dict[str, str], options: dict[str, str]) -> None:
        try:
            async with self.opener() as pusher:
                report = await pusher.push_one(self.campaign_id, lead, options)
        except Exception as error:  # a route that cannot open: say why, nothing else to do
            self._refuse(str(error))
            return
        finally:
            self.busy = False
        self._show(report)

    async def _push_file(self, path: Path, options: dict[str, str]) -> None:
        bar = self.query_one(ProgressBar)

        def progress(done: int, total: int) -> None:
            bar.update(total=total, progress=done)

        try:
            async with self.opener() as pusher:
                report = await pusher.push_file(self.campaign_id, path, options, progress)
        except LeadFileError as error:
            self._refuse(str(error))
            return
        except Exception as error:  # a route that cannot open: say why
            self._refuse(str(error))
            return
        finally:
            self.busy = False
        self._show(report)

    def _show(self, report: PushReport) -> None:
        self.report = report
        lines = [
            ("[b green]Pushed:[/] " if report.ok else "[b yellow]Pushed:[/] ") + report.summary()
        ]
        for row, reason in report.rejected[:5]:
            lines.append(f"  row {row.number}: {reason}")
        if report.rejected_count > 5:
            lines.append(f"  … and {report.rejected_count - 5} more")
        if report.rejects_file is not None:
            lines.append(f"Rejects file: {report.rejects_file} (fix it and push it again)")
        self._say("\n".join(lines))

    def action_close(self) -> None:
        self.dismiss(None)
