"""Reading lead files (CSV with a header row, or JSON lines) and writing their rejects files.

Why the rejects file keeps the input's own format and columns: the documented recovery is "fix
the rows in the rejects file and push it again". So a rejects file must be a valid input file:
the same columns, plus `rejectReason`, which reading ignores. It is written beside the input as
`<name>.rejects.csv` / `<name>.rejects.jsonl`.

A file that cannot be read at all (wrong extension, no header, unknown columns, not UTF-8) is
refused before anything is sent, with a message naming the file and the problem.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REASON_COLUMN = "rejectReason"
FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


class LeadFileError(Exception):
    """The file as a whole cannot be used; nothing was sent."""


@dataclass(frozen=True)
class SourceRow:
    """One row of the input: `number` is its line number (the header is line 1 in a CSV), and
    `original` its values exactly as read, for the rejects file."""

    number: int
    original: Mapping[str, Any] = field(default_factory=dict)
    #: Set when the row could not even be read (a JSON line that is not an object).
    problem: str | None = None
    raw_text: str | None = None


@dataclass(frozen=True)
class LeadFile:
    path: Path
    format: str
    columns: tuple[str, ...]
    rows: tuple[SourceRow, ...]


def file_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise LeadFileError(
            f"{path}: unknown file type {path.suffix or '(none)'!r}; use .csv or .jsonl"
        )
    return fmt


def read_lead_file(path: Path, known_fields: Sequence[str]) -> LeadFile:
    """Read every row of `path`; CSV columns must all be known lead fields (or `rejectReason`)."""
    fmt = file_format(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise LeadFileError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise LeadFileError(f"{path}: not UTF-8 text") from None
    except OSError as error:
        raise LeadFileError(f"{path}: cannot read it ({error.strerror})") from None
    if fmt == "csv":
        return _read_csv(path, text, known_fields)
    return _read_jsonl(path, text)


def _read_csv(path: Path, text: str, known_fields: Sequence[str]) -> LeadFile:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header or not any(name.strip() for name in header):
        raise LeadFileError(f"{path}: empty file or no header row (expected e.g. leadPhone,...)")
    columns = tuple(name.strip() for name in header)
    allowed = {*known_fields, REASON_COLUMN}
    unknown = [name for name in columns if name not in allowed]
    if unknown:
        raise LeadFileError(
            f"{path}: unknown column(s) {', '.join(map(repr, unknown))}; "
            f"known: {', '.join(known_fields)}"
        )
    if len(set(columns)) != len(columns):
        raise LeadFileError(f"{path}: a column name appears twice in the header")
    rows = []
    for values in reader:
        number = reader.line_num
        if not any(value.strip() for value in values):
            continue
        if len(values) > len(columns):
            rows.append(
                SourceRow(
                    number, dict(zip(columns, values, strict=False)), "more values than columns"
                )
            )
            continue
        rows.append(SourceRow(number, dict(zip(columns, values, strict=False))))
    return LeadFile(path, "csv", columns, tuple(rows))


def _read_jsonl(path: Path, text: str) -> LeadFile:
    rows = []
    columns: dict[str, None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError:
            rows.append(SourceRow(number, {}, "not valid JSON", raw_text=line))
            continue
        if not isinstance(data, dict):
            rows.append(SourceRow(number, {}, "a line must be a JSON object", raw_text=line))
            continue
        columns.update(dict.fromkeys(data))
        rows.append(SourceRow(number, data))
    return LeadFile(path, "jsonl", tuple(columns), tuple(rows))


def rejects_path(path: Path) -> Path:
    """`leads.csv` -> `leads.rejects.csv`, beside the input."""
    return path.with_name(f"{path.stem}.rejects{path.suffix}")


def write_rejects(source: LeadFile, rejected: Iterable[tuple[SourceRow, str]]) -> Path | None:
    """Write the rejected rows with their reasons; None (and no file) when there are none."""
    items = list(rejected)
    if not items:
        return None
    target = rejects_path(source.path)
    if source.format == "csv":
        columns = [c for c in source.columns if c != REASON_COLUMN] + [REASON_COLUMN]
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row, reason in items:
            writer.writerow({**{k: v for k, v in row.original.items() if k}, REASON_COLUMN: reason})
        text = buffer.getvalue()
    else:
        lines = []
        for row, reason in items:
            data: dict[str, Any] = {k: v for k, v in row.original.items() if k != REASON_COLUMN}
            if row.raw_text is not None:
                data = {"unreadableLine": row.raw_text}
            lines.append(json.dumps({**data, REASON_COLUMN: reason}, ensure_ascii=False))
        text = "\n".join(lines) + "\n"
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as error:
        raise LeadFileError(f"{target}: cannot write the rejects file ({error.strerror})") from None
    return target
