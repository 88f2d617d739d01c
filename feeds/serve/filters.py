"""Feed filters from a URL's query: ``?limit=``, ``?q=``, ``?provider=``, ``?min_quality=``,
``?exclude=``.

Pure: parse a query into a ``FeedFilter``, then pick a channel's matching entry references.
The web app builds those entries and renders them like any other feed, with the canonical query
in its self link.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol
from urllib.parse import quote
from urllib.parse import urlencode

from feeds.errors import FeedsError
from feeds.plan.planner import REF_FILE
from feeds.plan.planner import REF_STUB
from feeds.plan.planner import REF_TOPICS
from feeds.plan.planner import EntryRef
from feeds.source.summary import ITEM
from feeds.source.summary import QUALITY
from feeds.source.summary import SOURCE
from feeds.source.summary import search_items
from feeds.text import fold

#: Longest ``q`` or ``provider`` value we accept; longer ones are surely not typed by a person.
MAX_TEXT = 200
#: Most words in ``q``: each is matched against every entry, so the count is bounded.
MAX_WORDS = 10
PARAMETERS = ("limit", "min_quality", "provider", "q", "exclude")
#: Most topics in ``exclude`` (and in a union of topics).
MAX_TOPICS = 20


class FilterError(FeedsError, ValueError):
    """A filter parameter has a value we cannot use; the message says what is allowed."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message

    def __str__(self) -> str:
        return f"{self.parameter}: {self.message}"


@dataclass(frozen=True)
class FeedFilter:
    """What a subscriber asked for; an empty filter leaves a feed as it is."""

    limit: int | None = None  #: at most this many entries
    words: tuple[str, ...] = ()  #: each must appear in the title or summary; ``text.fold``ed, sorted
    provider: str | None = None  #: the provider's name or domain; ``text.fold``ed
    min_quality: float | None = None  #: leave out entries scored below this (unscored ones stay)
    exclude: tuple[str, ...] = ()  #: leave out entries of these topics (slugs, sorted)

    def __bool__(self) -> bool:
        return self != FeedFilter()

    @property
    def query(self) -> str:
        """The canonical query string: parameters in a fixed order, so equal filters share a URL."""
        pairs: list[tuple[str, str]] = []
        if self.limit is not None:
            pairs.append(("limit", str(self.limit)))
        if self.min_quality is not None:
            pairs.append(("min_quality", _score_text(self.min_quality)))
        if self.provider is not None:
            pairs.append(("provider", self.provider))
        if self.words:
            pairs.append(("q", " ".join(self.words)))
        if not self.exclude:
            return urlencode(pairs)
        # First, as its name sorts; the commas between slugs stay commas (RFC 3986 sub-delims).
        excluded = "exclude=" + ",".join(quote(slug, safe="") for slug in self.exclude)
        return "&".join((excluded, urlencode(pairs))) if pairs else excluded

    def matches(self, quality: float | None, provider: str, text: str) -> bool:
        """Whether an entry matches; ``provider`` and ``text`` as in ``index.search_text``."""
        if self.min_quality is not None and quality is not None and quality < self.min_quality:
            return False
        if self.provider is not None and self.provider not in provider.split("\n"):
            return False
        return all(word in text for word in self.words)

    def select(
        self, refs: Sequence[EntryRef], max_items: int, search: SearchTexts
    ) -> tuple[list[EntryRef], int]:
        """The matching references to show (newest first, cut to the limit) and how many matched.

        ``search`` holds each file's ``index.search_text``; it is read one cache shard at a time, so only
        one shard is ever unpacked (at 100,000 articles the whole text is about 70 MB).
        """
        shown = min(self.limit or max_items, max_items)
        if self.exclude:
            refs = _without_topics(refs, frozenset(self.exclude))
        if self.provider is None and not self.words:
            matching = [ref for ref in refs if self.matches(ref[REF_STUB][QUALITY], "", "")]
            return matching[:shown], len(matching)
        wanted = self.provider or ""
        words = self.words
        # Each file's references as a chain: its first position, then each one's next. A file's
        # text is then tested once, and only split into its entries' parts when it matches.
        first: dict[str, int] = {}
        following = [-1] * len(refs)
        for position in range(len(refs) - 1, -1, -1):
            source = refs[position][REF_FILE][SOURCE]
            following[position] = first.get(source, -1)
            first[source] = position
        hits: list[int] = []
        for shard in search.shards():
            for source, text in search.texts(shard).items():
                position = first.get(source, -1)
                # Most files match nowhere: test the whole file's text before its entries'.
                if position < 0 or wanted not in text or not all(word in text for word in words):
                    continue
                items = search_items(text)
                while position >= 0:
                    stub = refs[position][REF_STUB]
                    if self.matches(stub[QUALITY], *items[stub[ITEM]]):
                        hits.append(position)
                    position = following[position]
        hits.sort()  # back in feed order
        return [refs[position] for position in hits[:shown]], len(hits)


def _without_topics(refs: Sequence[EntryRef], slugs: frozenset[str]) -> list[EntryRef]:
    """The references with none of these topics; decided once per tuple of topics (there are few)."""
    kept: dict[int, bool] = {}
    out = []
    for ref in refs:
        topics = ref[REF_TOPICS]
        keep = kept.get(id(topics))
        if keep is None:
            keep = kept[id(topics)] = slugs.isdisjoint(topic.slug for topic in topics)
        if keep:
            out.append(ref)
    return out


class SearchTexts(Protocol):
    """The filters' text of every file, by cache shard (see ``search.SearchText``)."""

    def shards(self) -> list[int]: ...

    def texts(self, shard: int) -> Mapping[str, str]:
        """``index.search_text`` by source path, of every file in one shard."""
        ...


def parse_filter(args: Mapping[str, Sequence[str]], max_items: int) -> FeedFilter:
    """Read the filter parameters of a query (name → values); other parameters are ignored.

    Unknown parameters are left alone because readers and link shorteners add their own
    (``utm_source`` and the like). Raises FilterError for a bad or repeated value.
    """
    values: dict[str, str] = {}
    for name in PARAMETERS:
        given = args.get(name, ())
        if len(given) > 1:
            raise FilterError(name, f"give {name} once, not {len(given)} times")
        if given:
            values[name] = given[0]
    limit = _limit(values["limit"], max_items) if "limit" in values else None
    provider = _text("provider", values["provider"]) if "provider" in values else None
    return FeedFilter(
        # Equal filters, one spelling (and so one cached feed): the whole feed asked for is no
        # limit, and words and providers match whatever their case and order.
        limit=None if limit == max_items else limit,
        words=_words(values["q"]) if "q" in values else (),
        provider=fold(provider) if provider is not None else None,
        min_quality=_quality(values["min_quality"]) if "min_quality" in values else None,
        exclude=topic_slugs("exclude", values["exclude"]) if "exclude" in values else (),
    )


def topic_slugs(name: str, value: str) -> tuple[str, ...]:
    """Comma-separated topic slugs in their canonical order: sorted, each once. Whether they are
    topics of the site is for the caller to say. Composed (NFC), as the site's paths are."""
    slugs = tuple(sorted({unicodedata.normalize("NFC", slug) for slug in value.split(",")}))
    if not value or "" in slugs:
        raise FilterError(name, f"{name} must be topic slugs separated by commas, e.g. {name}=ai,space")
    if len(slugs) > MAX_TOPICS:
        raise FilterError(name, f"{name} may name at most {MAX_TOPICS} topics")
    return slugs


def _limit(value: str, max_items: int) -> int:
    allowed = f"limit must be a whole number from 1 to {max_items}"
    if not value.isascii() or not value.isdigit() or len(value) > 6:
        raise FilterError("limit", allowed)
    number = int(value)
    if not 1 <= number <= max_items:
        raise FilterError("limit", allowed)
    return number


#: A score as people write one: Python's ``float`` also took ``５０``, ``5_0``, `` 50`` and ``1e1``,
#: each a second address of one filtered feed (an outside probe), where ``limit`` took digits only.
_SCORE = re.compile(r"-?\d{1,9}(?:\.\d{1,9})?", re.ASCII)


def _score_text(score: float) -> str:
    """``score`` as the canonical query writes it: digits as ``_SCORE`` reads them, every one that
    tells it from another score (``%g`` wrote 1e+06, which was then refused, and 72.5 for
    72.5000001, which so shared 72.5's cached feed: an outside probe)."""
    text = format(Decimal(repr(score)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _quality(value: str) -> float:
    if _SCORE.fullmatch(value) is None:
        raise FilterError("min_quality", "min_quality must be a number, e.g. min_quality=40 or 72.5")
    return float(value)


def _text(name: str, value: str) -> str:
    text = " ".join(value.split())
    if not text:
        raise FilterError(name, f"{name} must not be empty")
    if len(text) > MAX_TEXT:
        raise FilterError(name, f"{name} must be at most {MAX_TEXT} characters")
    if not text.isprintable():
        raise FilterError(name, f"{name} must be printable text")
    return text


def _words(value: str) -> tuple[str, ...]:
    words = tuple(sorted(set(fold(_text("q", value)).split())))  # as the text searched is (summary)
    if len(words) > MAX_WORDS:
        raise FilterError("q", f"q must have at most {MAX_WORDS} words")
    return words
