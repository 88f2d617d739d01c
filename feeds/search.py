"""The text the web app's filters search, kept compressed in memory.

At 100,000 articles the filters' text (``index.search_text``, per file) is about 60 MB; compressed
per cache shard it takes about a quarter of that, and only a filter that has not been asked for
before needs it unpacked (filtered feeds are cached). This keeps a server under 300 MB.
"""

from __future__ import annotations

import marshal
import threading
import zlib
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping

from .cache import FileRecord
from .cache import shard_of


class SearchText:
    """Search text by source path, packed per shard; updated from each build's records."""

    def __init__(self) -> None:
        self._packed: dict[int, bytes] = {}
        self._lock = threading.Lock()

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
                shards[shard] = self._unpack(shard)
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

    def lookup(self) -> Callable[[str], str | None]:
        """A function from source path to its text, unpacking each shard at most once."""
        unpacked: dict[int, Mapping[str, str]] = {}

        def search_of(source: str) -> str | None:
            shard = shard_of(source)
            texts = unpacked.get(shard)
            if texts is None:
                texts = unpacked[shard] = self._unpack(shard)
            return texts.get(source)

        return search_of

    def _unpack(self, shard: int) -> dict[str, str]:
        with self._lock:
            packed = self._packed.get(shard)
        texts: dict[str, str] = marshal.loads(zlib.decompress(packed)) if packed else {}
        return texts
