"""Re-using last listing's records: a record whose JSON did not change is neither parsed nor
validated again.

Why: at 10,000 calls and 7,000 agents a cycle reads about 7 MB of JSON, and most records in it
are byte for byte what the last cycle read. Parsing all of it into Python objects, comparing
them with the last cycle's and validating the changed ones cost most of the wallboard's CPU.
Here an answer is only split into its records' bytes (msgspec scans a JSON array without
building its values, about ten times faster than parsing it), each record's bytes are looked up
in the last listing's, and only new or changed records are parsed and validated, in one pass of
pydantic's JSON validator. A malformed record is still a counted warning, never a crash.

Why bytes and not parsed values: equal bytes are the strictest possible "unchanged" (a field
retyped from `false` to `0` is a change and is validated again). A record is remembered by the
SHA-256 of its bytes, not the bytes: 17,000 records' bytes kept for a cycle, and another cycle's
being read, held 15 MB more than 32 bytes each do, for a hash that costs about 20 ms a cycle.
A miss is always safe: the record is validated as if never seen.

`ticking` names integer fields that change in every answer without the record changing (an
agent's seconds in state). Their values are cut out of the bytes that are compared, and
`still(previous, values)` decides whether the previous conversion holds with this answer's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from hashlib import sha256
from typing import Any, Generic, TypeVar

import msgspec
from pydantic import BaseModel, ValidationError

from wallboard.providers.ringcx.wire import ParseWarning, array_adapter, short_reason

M = TypeVar("M", bound=BaseModel)
D = TypeVar("D")

_MISSING: Any = object()
_ARRAY = msgspec.json.Decoder(list[msgspec.Raw])
_OBJECT = msgspec.json.Decoder(dict[str, msgspec.Raw])
_KINDS = {ord("{"): "dict", ord('"'): "str", ord("t"): "bool", ord("f"): "bool", ord("n"): "null"}


class NotJson(ValueError):
    """The answer is not JSON at all (a proxy's HTML page, a cut-off body)."""


@dataclass(frozen=True)
class Converted(Generic[D]):
    """An answer read through a `RecordMemo`: good records converted (or re-used), in the
    answer's order, each key once; bad ones counted as warnings. `size` is how many records
    the answer held, good or bad (a page shorter than asked for is the listing's last)."""

    records: tuple[D, ...]
    warnings: tuple[ParseWarning, ...] = ()
    size: int = 0


def json_records(content: bytes) -> list[msgspec.Raw] | str:
    """Each record of a JSON array answer as its bytes (views into `content`, not copies; also
    of an object that wraps exactly one array), or, for any other JSON, the name of what it is
    instead. Raises `NotJson`."""
    try:
        return _ARRAY.decode(content)
    except msgspec.ValidationError:
        pass
    except msgspec.DecodeError:
        raise NotJson(f"not valid JSON ({len(content)} bytes)") from None
    kind = _KINDS.get(content.lstrip()[:1][0], "number") if content.strip() else "nothing"
    if kind == "dict":
        arrays = [raw for raw in _OBJECT.decode(content).values() if bytes(raw)[:1] == b"["]
        if len(arrays) == 1:
            return _ARRAY.decode(arrays[0])
    return kind


def _ticks_pattern(names: tuple[str, ...]) -> re.Pattern[bytes] | None:
    """`"name": <integer>` for each ticking name; split by it, a record's bytes alternate
    between what is compared, a name and its value."""
    if not names:
        return None
    alternatives = b"|".join(re.escape(name.encode()) for name in names)
    return re.compile(rb'"(' + alternatives + rb')"\s*:\s*(-?\d+)(?=\s*[,}])')


class RecordMemo(Generic[M, D]):
    """Last listing's records of one endpoint: each record's bytes (less its ticking values)
    and what its validated wire record was converted to. See the module's docstring.

    A listing may span several answers (pages): `begin()`, `read()` each page, `end()`.
    Records not read since `begin()` are forgotten at `end()`, so the memo holds one listing.
    A key read twice in one listing (a record that moved pages while they were read) is kept
    once."""

    def __init__(self, model: type[M], key: str, *, ticking: tuple[str, ...] = ()) -> None:
        self.model = model
        self.key = key
        self.ticking = ticking
        self._ticks = _ticks_pattern(ticking)
        self._names = {name.encode(): name for name in ticking}
        self._known: dict[bytes, tuple[Hashable, D]] = {}
        self._seen: dict[bytes, tuple[Hashable, D]] = {}
        self._keys: set[Hashable] = set()
        self.validated = 0
        """Records validated by the model since `begin()` (new, changed or malformed)."""
        self.reused = 0
        """Records re-used since `begin()`."""

    def __len__(self) -> int:
        return len(self._known)

    def begin(self) -> None:
        self._seen, self._keys = {}, set()
        self.validated = self.reused = 0

    def end(self) -> None:
        self._known, self._seen, self._keys = self._seen, {}, set()

    def parse(
        self,
        content: bytes,
        convert: Callable[[M], D],
        still: Callable[[D, dict[str, Any]], bool] | None = None,
    ) -> Converted[D]:
        """One answer that is the whole listing: `begin()`, `read()`, `end()`."""
        self.begin()
        batch = self.read(content, convert, still)
        self.end()
        return batch

    def read(
        self,
        content: bytes,
        convert: Callable[[M], D],
        still: Callable[[D, dict[str, Any]], bool] | None = None,
        *,
        offset: int = 0,
    ) -> Converted[D]:
        """One answer (its raw bytes) of the listing. `offset` is the position of its first
        record in the listing (warnings carry listing positions). Raises `NotJson`."""
        items = json_records(content)
        if isinstance(items, str):
            warning = ParseWarning(self.model.__name__, -1, f"expected a JSON array, got {items}")
            return Converted((), (warning,))
        known, seen, keys, ticks = self._known, self._seen, self._keys, self._ticks
        names = self._names.__getitem__
        records: list[Any] = []
        fresh: list[tuple[int, int, bytes, msgspec.Raw]] = []  # position, index, identity, raw
        for index, raw in enumerate(items):
            values = _NO_VALUES
            if ticks is None:
                identity = sha256(raw).digest()
            else:
                parts = ticks.split(raw)  # Raw is bytes-like
                identity = sha256(b"".join(parts[0::3])).digest()
                if len(parts) > 1:
                    values = dict(zip(map(names, parts[1::3]), map(int, parts[2::3]), strict=True))
            hit = known.get(identity) or seen.get(identity)
            if hit is not None and (still is None or still(hit[1], values)):
                if hit[0] not in keys:
                    keys.add(hit[0])
                    seen[identity] = hit
                    records.append(hit[1])
                continue
            fresh.append((len(records), index, identity, raw))
            records.append(_MISSING)
        self.validated += len(fresh)
        self.reused += len(records) - len(fresh)
        warnings = self._fresh(fresh, records, convert, offset) if fresh else []
        if fresh:
            records = [record for record in records if record is not _MISSING]
        return Converted(tuple(records), tuple(warnings), len(items))

    def _fresh(
        self,
        fresh: list[tuple[int, int, bytes, msgspec.Raw]],
        records: list[Any],
        convert: Callable[[M], D],
        offset: int,
    ) -> list[ParseWarning]:
        """Validate and convert the new or changed records into their places in `records`
        and remember them; the bad ones become warnings (their places stay empty)."""
        models, failed = self._validate([raw for _, _, _, raw in fresh])
        warnings: list[ParseWarning] = []
        seen, keys, key_name = self._seen, self._keys, self.key
        for number, (position, index, identity, _) in enumerate(fresh):
            if number in failed:
                warnings.append(ParseWarning(self.model.__name__, offset + index, failed[number]))
                continue
            model = models[number]
            key = getattr(model, key_name)
            if key in keys:
                continue
            keys.add(key)
            value = records[position] = convert(model)
            seen[identity] = (key, value)
        return warnings

    def _validate(self, raws: list[msgspec.Raw]) -> tuple[list[M], dict[int, str]]:
        """Each record validated by the model; failures by position. One pass over all of them
        when all are good (the common case), else record by record."""
        try:
            joined = b"[" + b",".join(raws) + b"]"  # Raw is bytes-like
            return array_adapter(self.model).validate_json(joined), {}
        except ValidationError:
            pass
        models: list[M] = []
        failed: dict[int, str] = {}
        for number, raw in enumerate(raws):
            try:
                models.append(self.model.model_validate_json(bytes(raw)))
            except ValidationError as error:
                failed[number] = short_reason(error)
                models.append(_MISSING)
        return models, failed


_NO_VALUES: dict[str, Any] = {}
