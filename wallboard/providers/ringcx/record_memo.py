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
retyped from `false` to `0` is a change and is validated again). A record is remembered by
Python's own 64-bit hash of its bytes, not the bytes: 17,000 records' bytes kept for a cycle,
and another cycle's being read, held 15 MB more than a number each does. The hash is SipHash
with a key drawn per process, about four times cheaper than SHA-256 here (OpenSSL sets up a
context per call: 40 ms a cycle at 17,000 records, measured in the running app); two different
records of one listing share a hash with odds of about one in 10^15 per record read, which is
one wrong row for one cycle in tens of thousands of years of 15-second cycles. A miss is
always safe: the record is validated as if never seen.

Why few interpreter steps per record: a record that did not change costs msgspec's split, a
hash and a dict look-up, run by C loops (`map`) wherever they can be, and for ticking fields
one regex split. At 17,000 records a cycle every microsecond per record is 17 ms; done one
Python step at a time (a SHA-256 object, a dict of ticking values and a callback per record)
these steps were most of the wallboard's CPU.

`ticking` names integer fields that change in every answer without the record changing (an
agent's seconds in state). Their values are cut out of the bytes that are compared, and
`ticks_hold` decides whether the previous conversion still holds with this answer's values.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import msgspec
from pydantic import BaseModel, ValidationError

from wallboard.providers.ringcx.wire import (
    EPOCH_S_FLOOR,
    TIME_JITTER_S,
    ParseWarning,
    array_adapter,
    short_reason,
)

M = TypeVar("M", bound=BaseModel)
D = TypeVar("D")

Ticks = tuple[int | None, ...]
"""One record's ticking values, in the memo's `ticking` order (None: absent or not an integer)."""

_MISSING: Any = object()
_ARRAY = msgspec.json.Decoder(list[msgspec.Raw])
_OBJECT = msgspec.json.Decoder(dict[str, msgspec.Raw])
_KINDS = {ord("{"): "dict", ord('"'): "str", ord("t"): "bool", ord("f"): "bool", ord("n"): "null"}
_PLACEHOLDER = b'"_":0'
"""What a ticking field and its value become in the bytes that are compared."""


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


def ticks_hold(now: Ticks, then: Ticks, elapsed: float) -> bool:
    """Whether ticking values read `elapsed` seconds after `then` tell the same record.

    A value of `EPOCH_S_FLOOR` or more is an instant (epoch seconds or milliseconds) and holds
    if it did not move; a positive smaller one is a duration as of the answer and holds if it
    grew by the time between the answers, within `TIME_JITTER_S` (whole seconds, read a moment
    apart); zero or less (not started) holds while it stays so. A value that is not an integer
    (None) never holds: the wire model judges it."""
    for value, earlier in zip(now, then, strict=True):
        if value is None or earlier is None:
            return False
        if value <= 0 or earlier <= 0:
            if value > 0 or earlier > 0:
                return False
        elif value >= EPOCH_S_FLOOR or earlier >= EPOCH_S_FLOOR:
            if value != earlier:
                return False
        elif abs(value - earlier - elapsed) > TIME_JITTER_S:
            return False
    return True


@dataclass(frozen=True)
class _Read:
    """An answer split for the memo: each record's bytes, the identity it is remembered by and,
    with ticking fields, its ticking values."""

    items: list[msgspec.Raw]
    identities: list[int]
    ticks: list[Ticks] | None


class RecordMemo(Generic[M, D]):
    """Last listing's records of one endpoint: each record's identity (the hash of its bytes,
    less its ticking values) and what its validated wire record was converted to. See the
    module's docstring.

    A listing may span several answers (pages): `begin()`, `read()` each page, `end()`.
    Records not read since `begin()` are forgotten at `end()`, so the memo holds one listing.
    A key read twice in one listing (a record that moved pages while they were read) is kept
    once."""

    def __init__(self, model: type[M], key: str, *, ticking: tuple[str, ...] = ()) -> None:
        self.model = model
        self.key = key
        self.ticking = ticking
        self._ticks = _ticks_pattern(ticking)
        self._adjacent = _adjacent_pattern(ticking)
        self._order = [name.encode() for name in ticking]
        # identity -> (key, converted record, ticking values, when they were read)
        self._known: dict[int, tuple[Hashable, D, Ticks, float]] = {}
        self._seen: dict[int, tuple[Hashable, D, Ticks, float]] = {}
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

    def parse(self, content: bytes, convert: Callable[[M], D], *, at: float = 0.0) -> Converted[D]:
        """One answer that is the whole listing: `begin()`, `read()`, `end()`."""
        self.begin()
        batch = self.read(content, convert, at=at)
        self.end()
        return batch

    def read(
        self, content: bytes, convert: Callable[[M], D], *, offset: int = 0, at: float = 0.0
    ) -> Converted[D]:
        """One answer (its raw bytes) of the listing. `offset` is the position of its first
        record in the listing (warnings carry listing positions); `at` is when the answer was
        read, in seconds (what ticking durations are measured against). Raises `NotJson`."""
        split = self._split(content)
        if isinstance(split, str):
            warning = ParseWarning(self.model.__name__, -1, f"expected a JSON array, got {split}")
            return Converted((), (warning,))
        identities, ticks = split.identities, split.ticks
        seen, keys = self._seen, self._keys
        seen_get = seen.get
        records: list[Any] = []
        fresh: list[tuple[int, int]] = []  # (position in records, index in the answer)
        for index, hit in enumerate(map(self._known.get, identities)):
            if hit is None:
                hit = seen_get(identities[index])
            if hit is not None and (ticks is None or ticks_hold(ticks[index], hit[2], at - hit[3])):
                if hit[0] not in keys:
                    keys.add(hit[0])
                    seen[identities[index]] = hit
                    records.append(hit[1])
                continue
            fresh.append((len(records), index))
            records.append(_MISSING)
        self.validated += len(fresh)
        self.reused += len(records) - len(fresh)
        warnings = self._fresh(split, fresh, records, convert, offset, at) if fresh else []
        if fresh:
            records = [record for record in records if record is not _MISSING]
        return Converted(tuple(records), tuple(warnings), len(split.items))

    def _split(self, content: bytes) -> _Read | str:
        """The answer's records, identities and ticking values, or what the answer is instead
        of an array.

        Ticking fields are cut out of each record by one regex split. The usual layout (all
        ticking fields side by side, in the memo's order, as RingCX sends an agent's
        `stateTime` and `loginTime`) has a pattern of its own that starts with a literal, which
        the regex engine finds by a fast scan (half the cost of trying every quote for one of
        the names); a record laid out otherwise is split by the general pattern, and one
        whose ticking fields are not all there as integers is read field by field (same
        result, slower). The two layouts give identities of different kinds (a hash of two
        pieces, a hash of joined bytes), so one can never pass for the other."""
        items = json_records(content)
        if isinstance(items, str):
            return items
        pattern, adjacent = self._ticks, self._adjacent
        if pattern is None or adjacent is None:
            return _Read(items, list(map(hash, map(bytes, items))), None)
        order = self._order
        size = len(order) + 2
        join = _PLACEHOLDER.join
        identities: list[int] = []
        ticks: list[Ticks] = []
        for item, pieces in zip(items, map(adjacent.split, items), strict=True):
            if len(pieces) == size:  # [before, value, ..., value, after]
                identities.append(hash((pieces[0], pieces[-1])))
                ticks.append(tuple(map(int, pieces[1:-1])))
                continue
            parts = pattern.split(item)  # Raw is bytes-like
            identities.append(hash(join(parts[0::3])))
            if parts[1::3] == order:
                ticks.append(tuple(map(int, parts[2::3])))
            else:
                found = dict(zip(parts[1::3], map(int, parts[2::3]), strict=True))
                ticks.append(tuple(found.get(name) for name in order))
        return _Read(items, identities, ticks)

    def _fresh(
        self,
        split: _Read,
        fresh: list[tuple[int, int]],
        records: list[Any],
        convert: Callable[[M], D],
        offset: int,
        at: float,
    ) -> list[ParseWarning]:
        """Validate and convert the new or changed records into their places in `records`
        and remember them; the bad ones become warnings (their places stay empty)."""
        models, failed = self._validate([split.items[index] for _, index in fresh])
        warnings: list[ParseWarning] = []
        seen, keys, key_name = self._seen, self._keys, self.key
        no_ticks: Ticks = ()
        for number, (position, index) in enumerate(fresh):
            if number in failed:
                warnings.append(ParseWarning(self.model.__name__, offset + index, failed[number]))
                continue
            model = models[number]
            key = getattr(model, key_name)
            if key in keys:
                continue
            keys.add(key)
            value = records[position] = convert(model)
            ticks = split.ticks[index] if split.ticks is not None else no_ticks
            seen[split.identities[index]] = (key, value, ticks, at)
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


def _adjacent_pattern(names: tuple[str, ...]) -> re.Pattern[bytes] | None:
    """All ticking fields side by side in `names` order, each `"name": <integer>`; split by
    it, a record in that layout gives exactly [before, each value, after]."""
    if not names:
        return None
    fields = rb"\s*,\s*".join(
        rb'"' + re.escape(name.encode()) + rb'"\s*:\s*(-?\d+)' for name in names
    )
    return re.compile(fields + rb"(?=\s*[,}])")


def _ticks_pattern(names: tuple[str, ...]) -> re.Pattern[bytes] | None:
    """`"name": <integer>` for each ticking name; split by it, bytes alternate between what is
    compared, a name and its value."""
    if not names:
        return None
    alternatives = b"|".join(re.escape(name.encode()) for name in names)
    return re.compile(rb'"(' + alternatives + rb')"\s*:\s*(-?\d+)(?=\s*[,}])')
