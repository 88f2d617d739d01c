"""Archived feeds (RFC 5005 §4): which entries each month's archive documents of a channel hold.

A channel's entries, newest first, fall into calendar months of their dates in the configured
zone; each month with entries is one archive (split into parts later, at render, when it is over
the channel's ``max_bytes``). A month is decided from the entry's sort key, so months are
contiguous runs of the sorted references and a run is found by bisection, not entry by entry.
Pure: takes values, returns values; no files, no clock.
"""

from __future__ import annotations

import hashlib
import marshal
import math
import re
from bisect import bisect_right
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import repeat
from operator import itemgetter
from zoneinfo import ZoneInfo

from feeds.config import Settings
from feeds.plan.channels import PlannedChannel
from feeds.plan.planner import REF_FILE
from feeds.plan.planner import REF_KEY
from feeds.plan.planner import REF_STUB
from feeds.plan.planner import REF_TOPICS
from feeds.plan.planner import EntryRef
from feeds.source.summary import DIGEST
from feeds.source.summary import ITEM
from feeds.source.summary import SOURCE

#: Folder of every archive document: ``archives/<channel stem>/<YYYY-MM>[-<part>].<ext>``.
ARCHIVES = "archives"
#: Slack when comparing a sort key with a month's start: an undated related item sorts one float
#: step after its parent (``math.nextafter``) and belongs to its parent's month; real dates differ
#: by a microsecond at least.
_SLACK = 5e-7
_ORDER = itemgetter(0)
_TOPICS, _FILE, _KEY, _STUB = (itemgetter(i) for i in (REF_TOPICS, REF_FILE, REF_KEY, REF_STUB))
_DIGEST, _ITEM, _SOURCE = itemgetter(DIGEST), itemgetter(ITEM), itemgetter(SOURCE)


@dataclass(frozen=True)
class ArchiveMonth:
    """The entries of one channel dated in one calendar month."""

    label: str  #: ``YYYY-MM``
    #: newest first; for a month a memo carried over unchanged, made when first looked at
    refs: Sequence[EntryRef]
    signature: str  #: what the month's entries are made from (ids, file versions, topics, pages)
    entries: int  #: ``len(refs)``, known without making them
    keys: Sequence[bytes]  #: the entries' keys, in order, known without making the references
    #: After a few changes, for reusing the last build's documents of the month: its signature
    #: then, the keys of the channel's entries in it then (in order), and the keys whose
    #: fragments must be made anew (entries of the changed files, of moved pages).
    last_signature: str = ""
    last_keys: tuple[bytes, ...] = ()
    remade: frozenset[bytes] = frozenset()


def archive_stem(channel_stem: str, label: str, part: int = 1) -> str:
    """Output path of one archive document without extension, e.g. ``archives/topics/ai/2021-02``.
    A month split into parts has that for its oldest part, then ``-2``, ``-3``... for newer ones:
    its oldest part keeps its name as the month grows, so the month before, which links to it
    (``next-archive``), does not change (RFC 5005 §4: archive documents are stable)."""
    suffix = "" if part == 1 else f"-{part}"
    return f"{ARCHIVES}/{channel_stem}/{label}{suffix}"


def archive_shaping(settings: Settings) -> str:
    """The settings that shape an archive's entries, part of each month's signature (``min_quality``
    leaves related items out of an entry's "More coverage" list)."""
    shaping = (
        settings.site, settings.formats, settings.archive_content, settings.related, settings.min_quality,
        settings.timezone,
    )  # fmt: skip
    return repr(shaping)


def channel_head(channel: PlannedChannel) -> str:
    """A digest of what a channel's archive documents show beside their entries and links, and of
    the budget that splits their months into parts: a month's parts are known from the last build
    only while this stays the same (a new ``max_bytes`` or a longer title may split it otherwise).
    Its options' ``entry_content`` also says whether its archived entries carry content
    (``render.archive.part_kinds``), so a change of it renders its archives again."""
    shown = (channel.title, channel.description, channel.options, channel.topic, channel.custom)
    return hashlib.blake2b(repr(shown).encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def archive_months(
    refs: Sequence[EntryRef], timezone: ZoneInfo, pages: Mapping[str, str], shaping: str
) -> list[ArchiveMonth]:
    """A channel's months, newest first, from every one of its references (sorted newest first).

    ``pages`` is ``Plan.pages`` (an entry links its file's page when it has no URL); ``shaping``
    the settings that shape an archive's entries, part of each month's signature.
    """
    orders = list(map(_ORDER, refs))
    months: list[ArchiveMonth] = []
    start = 0
    slugs_of: dict[int, str] = {}
    while start < len(orders):
        when = datetime.fromtimestamp(-orders[start], timezone)
        first = when.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        end = bisect_right(orders, -first.timestamp() + _SLACK, start)
        chunk = refs[start:end]
        keys = list(map(_KEY, chunk))
        months.append(
            ArchiveMonth(
                month_label(when),
                chunk,
                month_signature(chunk, keys, pages, shaping, slugs_of),
                len(chunk),
                keys,
            )
        )
        start = end
    return months


def month_of(order: float, timezone: ZoneInfo) -> str:
    """The month (``YYYY-MM``) whose archive holds the entry of this sort key: the one
    ``archive_months`` puts it in, decided for one entry (an entry up to ``_SLACK`` before a month
    starts is an undated related item of an article dated at its start)."""
    return month_label(datetime.fromtimestamp(math.floor(-order + _SLACK), timezone))


def month_signature(
    refs: Sequence[EntryRef],
    keys: list[bytes],
    pages: Mapping[str, str],
    shaping: str,
    slugs_of: dict[int, str],
) -> str:
    """Equal signatures, equal entries: each entry's id (``keys``: the references' keys), file
    version, item, topics and page.

    Taken column by column, in C: every build with archives signs every month of every channel
    (800,000 references at 100,000 articles), which took 2 s as a tuple made per reference.
    ``slugs_of`` keeps each topics tuple's text by its ``id`` (the references keep them alive).
    """
    topics = list(map(_TOPICS, refs))
    ids = list(map(id, topics))
    missing = set(ids).difference(slugs_of)
    if missing:
        by_id = dict(zip(ids, topics, strict=True))
        for key in missing:
            slugs_of[key] = ",".join(f"{topic.slug}={topic.name}" for topic in by_id[key])
    files = list(map(_FILE, refs))
    return signed(
        keys,
        list(map(_DIGEST, files)),
        list(map(_ITEM, map(_STUB, refs))),
        list(map(slugs_of.__getitem__, ids)),
        list(map(pages.get, map(_SOURCE, files), repeat(""))),
        shaping,
    )


def signed(
    keys: list[bytes], digests: list[str], items: list[int], topics: list[str], pages: list[str], shaping: str
) -> str:
    """A month's signature from its entries' columns: keys, their files' digests, items, topics
    (``slug=name`` joined by commas) and their files' pages ("" for none)."""
    digest = hashlib.blake2b(shaping.encode("utf-8", "surrogatepass"), digest_size=16)
    digest.update(marshal.dumps((keys, digests, items, topics, pages), 2))
    return digest.hexdigest()


_ARCHIVE_PATH = re.compile(rf"{ARCHIVES}/(.+)/(\d{{4}}-\d{{2}})(?:-\d+)?\.[a-z]+")


def archive_paths(paths: Iterable[str], current: str = "") -> dict[str, bool]:
    """The archive documents among output ``paths``, each with whether its month is closed: every
    month of a channel but its newest, which can still gain entries as time goes on, and, given
    the ``current`` month's label (``YYYY-MM`` of the clock, in the site's zone), only months
    before it (an entry dated ahead makes a newer month, while this one still gains articles)."""
    found = {path: match.groups() for path in paths if (match := _ARCHIVE_PATH.fullmatch(path))}
    newest: dict[str, str] = {}
    for channel, label in found.values():
        if label > newest.get(channel, ""):
            newest[channel] = label
    return {
        path: label < newest[channel] and (not current or label < current)
        for path, (channel, label) in found.items()
    }


def month_label(when: datetime) -> str:
    """``YYYY-MM``, the month of ``when`` (in its own zone), as archive paths name it."""
    return f"{when.year:04d}-{when.month:02d}"
