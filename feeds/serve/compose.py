"""Unions of topics in the web app: ``/topics/<slug>,<slug>….<ext>`` holds the entries of any of
those topics, like a feed of its own.

Pure: read a union's path, put its slugs (and ``?exclude=``'s) in their canonical order, and make
its channel from the topics' channels. The channel's references are merged only when a filtered
feed is rendered, not when it is found in the snapshot's cache.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from collections.abc import Sequence
from typing import Any
from typing import overload
from urllib.parse import quote
from urllib.parse import urlencode

from feeds.config import Settings
from feeds.model import Channel
from feeds.plan.channels import site_options
from feeds.plan.planner import REF_KEY
from feeds.plan.planner import EntryRef

_PREFIX = "topics/"


def parse_union(path: str) -> tuple[list[str], str] | None:
    """``topics/ai,space.atom`` → (["ai", "space"], "atom"), as written; None for a path that is
    not a union (no comma, another folder)."""
    if not path.startswith(_PREFIX):
        return None
    names, dot, extension = path[len(_PREFIX) :].rpartition(".")
    if not dot or "," not in names or "/" in names:
        return None
    return names.split(","), extension


def union_stem(slugs: Sequence[str]) -> str:
    """The output path of a union without extension (slugs in canonical order)."""
    return _PREFIX + ",".join(slugs)


def union_channel(topics: Sequence[Channel], settings: Settings) -> Channel:
    """The channel of a union of topics' channels (given in slug order)."""
    names = ", ".join(channel.name for channel in topics)
    return Channel(
        stem=union_stem([channel.topic.slug for channel in topics if channel.topic is not None]),
        title=f"{settings.site.title}: {names}",
        description=f"Latest articles about {names}",
        entries=(),
        total=0,
        refs=_Union([channel.refs for channel in topics]),
        options=site_options(settings),
        since=max((channel.updated for channel in topics if channel.updated), default=None),
    )


def canonical_target(path: str, pairs: Sequence[tuple[str, str]], exclude: Sequence[str]) -> str:
    """``path`` with the query ``pairs`` (name, value) as given, except ``exclude``'s value in its
    canonical order, for a redirect. ``path`` is already URL-encoded."""
    query = []
    for name, value in pairs:
        if name == "exclude":
            query.append("exclude=" + ",".join(quote(slug, safe="") for slug in exclude))
        else:
            query.append(urlencode([(name, value)]))
    return f"{path}?{'&'.join(query)}" if query else path


class _Union(Sequence[EntryRef]):
    """The references of several channels, merged newest first with each entry once, when first
    needed."""

    def __init__(self, lists: list[Sequence[EntryRef]]) -> None:
        self._lists = lists
        self._merged: list[EntryRef] | None = None

    def _refs(self) -> list[EntryRef]:
        if self._merged is None:
            merged: list[EntryRef] = []
            last = None
            for ref in heapq.merge(*self._lists):
                if ref[REF_KEY] != last:  # an entry of several of the topics: once
                    merged.append(ref)
                    last = ref[REF_KEY]
            self._merged = merged
        return self._merged

    def __len__(self) -> int:
        return len(self._refs())

    @overload
    def __getitem__(self, index: int) -> EntryRef: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[EntryRef]: ...

    def __getitem__(self, index: Any) -> Any:
        return self._refs()[index]

    def __iter__(self) -> Iterator[EntryRef]:
        return iter(self._refs())
