"""A small bounded cache keyed by content, for work whose result depends only on its inputs.

A room finishing together draws the same charts again and again (the organisation's picture
is the same for everyone; two people with the same answers see the same "mine" picture), and
drawing one costs tens of milliseconds of Altair. ``content_key`` turns a chart's inputs (data
frames, labels, options) into a digest of what they contain, so an entry can never be stale: a
new answer changes the data, hence the key. ``Bounded`` keeps the most recently used entries.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np
import pandas as pd


class Unkeyable(TypeError):
    """An input the content key cannot digest (the caller then works without the cache)."""


_PLAIN = (str, int, float, bool, type(None), np.generic)


def _feed_frame(digest: Any, frame: pd.DataFrame) -> None:
    digest.update(repr((list(frame.columns), [str(t) for t in frame.dtypes], frame.shape)).encode())
    digest.update(pd.util.hash_pandas_object(frame.index, categorize=False).to_numpy().tobytes())
    for name in frame.columns:
        column = frame[name]
        if column.dtype == object:
            # Each value with its type: pandas' own hashing reads mixed types as text ("1" == 1).
            for value in column:
                if not isinstance(value, _PLAIN) and value is not pd.NA:
                    raise Unkeyable(f"no content key for a cell of type {type(value).__name__}")
                digest.update(repr((type(value).__name__, value)).encode())
        else:
            digest.update(pd.util.hash_pandas_object(column, index=False, categorize=False).to_numpy().tobytes())


def _feed(digest: Any, value: object) -> None:
    if isinstance(value, pd.DataFrame):
        digest.update(b"F")
        _feed_frame(digest, value)
    elif isinstance(value, _PLAIN):
        digest.update(repr((type(value).__name__, value)).encode())
    elif isinstance(value, list | tuple):
        digest.update(f"L{len(value)}".encode())
        for item in value:
            _feed(digest, item)
    elif isinstance(value, dict):
        digest.update(f"D{len(value)}".encode())
        for key in sorted(value, key=repr):
            _feed(digest, key)
            _feed(digest, value[key])
    else:
        raise Unkeyable(f"no content key for {type(value).__name__}")


def content_key(*parts: object) -> str:
    """A digest of ``parts`` (frames by their columns, dtypes, index and every cell)."""
    digest = hashlib.blake2b(digest_size=20)
    for part in parts:
        _feed(digest, part)
    return digest.hexdigest()


class Bounded:
    """At most ``size`` entries, least recently used dropped first; safe across threads (two
    sessions missing the same key at once may both compute it: the result is the same)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self.hits += 1
                return self._entries[key]
            self.misses += 1
        value = compute()
        self.put(key, value)
        return value

    def peek(self, key: Hashable) -> Any | None:
        """The entry, or None (nothing computed, nothing stored)."""
        with self._lock:
            if key not in self._entries:
                return None
            self._entries.move_to_end(key)
            return self._entries[key]

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = 0
