"""The text the web app's filters search, kept compressed in memory.

At 100,000 articles the filters' text (``index.search_text``, per file) is about 60 MB; compressed
per cache shard it takes about a quarter of that. Only a filter that has not been asked for before
reads it (filtered feeds are cached), and it unpacks one shard at a time, so a server never holds
more than one shard's text unpacked.
"""

from __future__ import annotations

import marshal
import threading
import zlib
from collections.abc import Iterable

from feeds.build import FileRecord
from feeds.build import shard_of


class SearchText:
    """Search text by source path, packed per shard; updated from each build's records."""

    def __init__(self) -> None:
        self._packed: dict[int, bytes] = {}
        self._lock = threading.Lock()

    def load(self, parts: Iterable[tuple[int, dict[str, str]]]) -> None:
        """Take every text from stored parts (``cache.read_search_texts``), one part at a time."""
        for part, texts in parts:
            packed = zlib.compress(marshal.dumps(texts), 1)
            with self._lock:
                self._packed[part] = packed

    def update(self, records: dict[str, FileRecord], changed: Iterable[str], removed: Iterable[str]) -> None:
        """Take the text of ``changed`` files from their records (then drop it from them) and
        forget ``removed`` ones. The first update takes every record."""
        changed, removed = set(changed), set(removed)
        if not self._packed:
            changed = set(records)
        shards: dict[int, dict[str, str]] = {}
        for source in changed | removed:
            shard = shard_of(source)
            if shard not in shards:
                shards[shard] = self.texts(shard)
        for source in removed:
            shards[shard_of(source)].pop(source, None)
        for source in changed:
            record = records.get(source)
            if record is not None and record.search is not None:
                shards[shard_of(source)][source] = record.search
                records[source] = record._replace(search=None)
        with self._lock:
            for shard, texts in shards.items():
                self._packed[shard] = zlib.compress(marshal.dumps(texts), 1)

    def parts(self) -> list[int]:
        """The packed parts (cache shards) there are."""
        with self._lock:
            return sorted(self._packed)

    def texts(self, part: int) -> dict[str, str]:
        """Every text of one part, unpacked (a fresh dict: the caller may drop it when done)."""
        with self._lock:
            packed = self._packed.get(part)
        texts: dict[str, str] = marshal.loads(zlib.decompress(packed)) if packed else {}
        return texts
