"""What the web app's filters read, kept compressed in memory: each file's text and brief.

At 100,000 articles the filters' text (``summary.search_text``, per file) is about 60 MB; compressed
per cache shard it takes about a quarter of that. Only a filter that has not been asked for before
reads it (filtered feeds are cached), and it unpacks one shard at a time, so a server never holds
more than one shard's text unpacked.

The entries a filtered feed shows are built from their files' briefs (``plan.brief``), never from
the files. A filter needs only a few, so briefs are packed in many small groups (``GROUPS``, a
few dozen files each at 30,000 files): a filter unpacks only the groups of the entries it shows,
and a group compresses far better than a file's brief alone (about 360 bytes an article at 30,000
articles, where one stream per file took 600, and 150 us each to set up).
"""

from __future__ import annotations

import marshal
import threading
import zlib
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from feeds.build import SHARDS
from feeds.build import FileRecord
from feeds.build import shard_of
from feeds.config import Settings
from feeds.model import Entry
from feeds.plan import brief
from feeds.plan.planner import REF_FILE
from feeds.plan.planner import EntryRef
from feeds.source.summary import SOURCE

#: Groups of briefs; a multiple of ``SHARDS``, so that each cache shard's files fill whole groups
#: (``group_of(source) % SHARDS == shard_of(source)``) and a starting server packs them one shard
#: at a time.
GROUPS = 32 * SHARDS


def group_of(source: str) -> int:
    return zlib.crc32(source.encode("utf-8", "surrogatepass")) % GROUPS


class SearchText:
    """Search text by source path, packed per shard, and briefs packed per group; updated from
    each build's records."""

    def __init__(self) -> None:
        self._packed: dict[int, bytes] = {}
        self._briefs: dict[int, bytes] = {}  #: group → {source: brief, marshalled}, compressed
        self._lock = threading.Lock()

    def load(self, shards: Iterable[tuple[int, dict[str, tuple[str, bytes]]]]) -> None:
        """Take what is stored (``record_files.read_search_texts``), one shard at a time."""
        for shard, stored in shards:
            texts = {source: text for source, (text, _) in stored.items()}
            groups: dict[int, dict[str, bytes]] = defaultdict(dict)
            for source, (_, packed) in stored.items():
                groups[group_of(source)][source] = packed
            packed_groups = {group: _pack(briefs) for group, briefs in groups.items()}
            packed_texts = _pack(texts)
            with self._lock:
                self._packed[shard] = packed_texts
                self._briefs.update(packed_groups)

    def update(self, records: dict[str, FileRecord], changed: Iterable[str], removed: Iterable[str]) -> None:
        """Take the text and brief of ``changed`` files from their records (then drop them from
        the records) and forget ``removed`` ones. The first update takes every record."""
        changed, removed = set(changed), set(removed)
        if not self._packed:
            changed = set(records)
        shards: dict[int, dict[str, str]] = {}
        groups: dict[int, dict[str, bytes]] = {}
        for source in changed | removed:
            shard, group = shard_of(source), group_of(source)
            if shard not in shards:
                shards[shard] = self.texts(shard)
            if group not in groups:
                groups[group] = self._group(group)
        for source in removed:
            shards[shard_of(source)].pop(source, None)
            groups[group_of(source)].pop(source, None)
        for source in changed:
            record = records.get(source)
            if record is not None and record.search is not None:
                text, packed = record.search
                shards[shard_of(source)][source] = text
                groups[group_of(source)][source] = packed
                records[source] = record._replace(search=None)
        packed_groups = {group: _pack(briefs) for group, briefs in groups.items() if briefs}
        with self._lock:
            for shard, texts in shards.items():
                self._packed[shard] = _pack(texts)
            for group in groups:
                self._briefs.pop(group, None)
            self._briefs.update(packed_groups)

    def shards(self) -> list[int]:
        """The cache shards whose texts are packed here."""
        with self._lock:
            return sorted(self._packed)

    def texts(self, shard: int) -> dict[str, str]:
        """Every text of one shard, unpacked (a fresh dict: the caller may drop it when done)."""
        with self._lock:
            packed = self._packed.get(shard)
        texts: dict[str, str] = marshal.loads(zlib.decompress(packed)) if packed else {}
        return texts

    def entries(
        self, refs: Sequence[EntryRef], settings: Settings, pages: Mapping[str, str]
    ) -> tuple[Entry, ...]:
        """The entries of ``refs``, built from their files' briefs (see ``brief.entries``);
        ``pages`` is the site's (``Site.pages``)."""
        sources = {ref[REF_FILE][SOURCE] for ref in refs}
        wanted: dict[int, list[str]] = defaultdict(list)
        for source in sources:
            wanted[group_of(source)].append(source)
        briefs: dict[str, Any] = {}
        for group, members in wanted.items():
            stored = self._group(group)
            for source in members:
                if source in stored:
                    briefs[source] = marshal.loads(stored[source])
        return brief.entries(refs, briefs, settings, pages)

    def _group(self, group: int) -> dict[str, bytes]:
        with self._lock:
            packed = self._briefs.get(group)
        briefs: dict[str, bytes] = marshal.loads(zlib.decompress(packed)) if packed else {}
        return briefs


def _pack(value: dict[str, Any]) -> bytes:
    return zlib.compress(marshal.dumps(value), 1)
