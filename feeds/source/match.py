"""Words in articles: keyword topics and custom channels' provider and word conditions, decided
when a file is read, so that planning finds them in the file's summary.

The rule for a keyword or a channel's word: it matches where the text holds it as a whole word or
phrase, ignoring case, accents on Latin and Greek letters, compatibility forms and how spaces and
line breaks run (``text.fold`` on both sides). "Whole" means that a keyword that starts (or ends)
with a letter or digit does not match right after (or before) another letter, digit or mark:
``law`` is not found in ``lawmakers``. Scripts written without spaces between words (Chinese,
Japanese, Thai, Lao, Khmer, Myanmar, Tibetan) have no such edges: there a keyword matches wherever
its characters occur, and a letter of those scripts next to a match counts as an edge, so ``AI``
is found in ``AIの規制`` and ``東京`` in ``東京都``.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from feeds.config import Settings
from feeds.model import Article
from feeds.model import Provider
from feeds.names import slugify
from feeds.source.limits import MAX_TOPICS
from feeds.text import fold

#: What a build's reading of files depends on besides the files: ((topic name, keywords) of each
#: keyword topic, (slug, folded providers, words) of each custom channel with such conditions).
#: Plain tuples, so worker processes get them cheaply and the cache can name them.
MatchSpec = tuple[
    tuple[tuple[str, tuple[str, ...]], ...],
    tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...],
]

# Han (with radicals, marks of iteration and the compatibility ideographs), Hiragana, Katakana
# (and its half-width forms), Thai, Lao, Tibetan, Myanmar, Khmer: written without spaces.
_SPACELESS_CHARS = (
    "\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029"
    "\u3031-\u303b\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
    "\U00020000-\U0003ffff"
)
_SPACELESS = re.compile(f"[{_SPACELESS_CHARS}]")
#: A run of letters and digits (``_wordish`` without marks). Wherever a keyword is found whole in a
#: text, each such run of the keyword is a whole run of the text: a run's neighbours in the keyword
#: are not such characters, and at the keyword's ends the text's neighbours are not ``_wordish``.
_RUN = re.compile(f"[^\\W_{_SPACELESS_CHARS}]+")
#: With this many keywords or more, an article's runs are looked up among the keywords' rather than
#: each keyword looked for in its text (500 keyword topics took 10 ms an article; a run costs less).
INDEXED_FROM = 100


def match_spec(settings: Settings) -> MatchSpec | None:
    """What reading files must look for under these settings; None when nothing."""
    keywords = tuple((name, topic.keywords) for name, topic in settings.topics.items() if topic.keywords)
    channels = tuple((c.slug, c.providers, c.words) for c in settings.channels if c.matches_text)
    return (keywords, channels) if keywords or channels else None


def spec_digest(spec: MatchSpec | None) -> str:
    """A short name of a spec, for the cache's context ("" for none)."""
    if spec is None:
        return ""
    return hashlib.blake2b(repr(spec).encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


@functools.lru_cache(maxsize=4)
def matcher_of(spec: MatchSpec | None) -> Matcher | None:
    """The matcher of a spec, made once per process."""
    return None if spec is None else Matcher(spec)


@dataclass(frozen=True)
class _Word:
    """A keyword or phrase, folded, with whether each of its ends must be a word's edge."""

    written: str  #: as the config gives it
    text: str  #: folded
    edge_before: bool
    edge_after: bool

    @classmethod
    def of(cls, written: str) -> _Word:
        text = fold(written)
        return cls(written, text, _wordish(text[0]), _wordish(text[-1]))

    def found_in(self, text: str) -> bool:
        """Whether ``text`` (folded) holds this word as a whole word."""
        start = text.find(self.text)
        while start >= 0:
            end = start + len(self.text)
            if (not self.edge_before or start == 0 or not _wordish(text[start - 1])) and (
                not self.edge_after or end == len(text) or not _wordish(text[end])
            ):
                return True
            start = text.find(self.text, start + 1)
        return False


def _wordish(char: str) -> bool:
    """A letter, digit or mark of a script that separates words with spaces."""
    return (char.isalnum() or unicodedata.category(char)[0] == "M") and _SPACELESS.match(char) is None


class Matcher:
    """Finds keyword topics in articles and marks the entries that meet channels' text conditions."""

    def __init__(self, spec: MatchSpec) -> None:
        keywords, channels = spec
        self.keywords = [(name, [_Word.of(word) for word in words]) for name, words in keywords]
        self.channels = [
            (slug, frozenset(providers), [_Word.of(word) for word in words])
            for slug, providers, words in channels
        ]
        self.providers = any(providers for _, providers, _ in self.channels)
        self._keyword_starts = _starts(word for _, words in self.keywords for word in words)
        count = sum(len(words) for _, words in self.keywords)
        self._index = _KeywordIndex(self.keywords) if count >= INDEXED_FROM else None
        self._channel_starts = _starts(word for _, _, words in self.channels for word in words)
        # Folded provider names by (name, domain): a site has few providers and every entry names
        # one, so folding them once saves two folds per entry (a sixth of reading's matching).
        self._names: dict[tuple[str, str | None], frozenset[str]] = {}

    def keyword_hits(self, article: Article) -> dict[str, str]:
        """Each keyword topic the article has: topic name → the first of its keywords found."""
        if not self.keywords:
            return {}
        return self._hits("\0".join((fold(article.title), fold(article.excerpt), self._body(article.body))))

    def _body(self, body: str) -> str:
        """``fold(body)``, or "" when it cannot hold a keyword (a body is the longest text folded)."""
        return fold(body) if _may_hold(body, self._keyword_starts) else ""

    def _hits(self, text: str) -> dict[str, str]:
        hits = {}
        if self._index is not None:  # the same hits, each keyword tried only where it may be
            for topic, number in self._index.candidates(text):
                name, words = self.keywords[topic]
                if name not in hits and words[number].found_in(text):
                    hits[name] = words[number].written
            return hits
        for name, words in self.keywords:
            for word in words:
                if word.found_in(text):
                    hits[name] = word.written
                    break
        return hits

    def topics(self, article: Article) -> tuple[str, ...]:
        """The article's topic names: its own, then the keyword topics it has that it does not
        name itself."""
        return self._with_hits(article, self.keyword_hits(article))

    def topic_count(self, article: Article) -> int:
        """How many topics the article would have without the limit of ``MAX_TOPICS``: names of
        one slug are one topic (``kw0`` written, ``KW0`` a keyword topic)."""
        hits = self.keyword_hits(article)
        return len({slugify(name) for name in (*article.topics, *hits)})

    @staticmethod
    def _with_hits(article: Article, hits: dict[str, str]) -> tuple[str, ...]:
        """Its own topics, then the keyword topics', ``MAX_TOPICS`` at most: a body that named 1,000
        keyword topics made 837 MB of feeds, as many written topics once did. A keyword topic of
        the slug of one it names takes no place of its own."""
        if not hits:
            return article.topics
        named = {slugify(name) for name in article.topics}
        added = tuple(name for name in hits if name not in article.topics and slugify(name) not in named)
        return (article.topics + added)[:MAX_TOPICS]

    def article(self, article: Article) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """``marks`` of the article's own entry and its ``topics``, as the two would give them,
        with its title and excerpt folded once for both (they were folded twice per file)."""
        if not self.keywords:
            return self.marks(article.provider, article.title, article.excerpt), article.topics
        title, excerpt = fold(article.title), fold(article.excerpt)
        marks = self.marks(article.provider, article.title, article.excerpt, f"{title}\0{excerpt}")
        hits = self._hits("\0".join((title, excerpt, self._body(article.body))))
        return marks, self._with_hits(article, hits)

    def marks(
        self, provider: Provider | None, title: str, summary: str, folded: str | None = None
    ) -> tuple[str, ...]:
        """The slugs of the channels whose provider and word conditions an entry meets;
        ``folded``, when given, is ``fold(title) + "\0" + fold(summary)``."""
        if not self.channels:
            return ()
        names = self._provider_names(provider) if self.providers else frozenset()
        text = folded
        marked = []
        for slug, providers, words in self.channels:
            if providers and providers.isdisjoint(names):
                continue
            if words:
                if text is None:  # no word has a "\0" in it: none is found across the two
                    may_hold = _may_hold(f"{title}\0{summary}", self._channel_starts)
                    text = f"{fold(title)}\0{fold(summary)}" if may_hold else ""
                if not any(word.found_in(text) for word in words):
                    continue
            marked.append(slug)
        return tuple(marked)

    def _provider_names(self, provider: Provider | None) -> frozenset[str]:
        if provider is None:
            return frozenset()
        key = (provider.name, provider.domain)
        names = self._names.get(key)
        if names is None:
            if len(self._names) >= 10_000:  # bounded, whatever the content
                self._names.clear()
            names = self._names[key] = frozenset((fold(provider.name), fold(provider.domain or "")))
        return names


class _KeywordIndex:
    """Keyword topics' keywords by their longest run (``_RUN``): a text can hold a keyword only if
    that run is one of the text's runs."""

    def __init__(self, keywords: list[tuple[str, list[_Word]]]) -> None:
        self.by_run: dict[str, list[tuple[int, int]]] = {}
        self.everywhere: list[tuple[int, int]] = []  #: keywords without a run (``東京``, ``++``...)
        for topic, (_, words) in enumerate(keywords):
            for number, word in enumerate(words):
                runs = _RUN.findall(word.text)
                if runs:
                    self.by_run.setdefault(max(runs, key=len), []).append((topic, number))
                else:
                    self.everywhere.append((topic, number))

    def candidates(self, text: str) -> list[tuple[int, int]]:
        """(topic, keyword) numbers of the keywords ``text`` (folded) may hold, in the config's order."""
        found = list(self.everywhere)
        by_run = self.by_run
        for run in set(_RUN.findall(text)):
            keywords = by_run.get(run)
            if keywords is not None:
                found.extend(keywords)
        found.sort()
        return found


#: Above this many first words, looking for each costs more than folding the text.
_MAX_STARTS = 16


def _starts(words: Iterable[_Word]) -> tuple[str, ...] | None:
    """The first word (up to a space) of each folded keyword or phrase, for ``_may_hold``; None
    when there are too many to look for."""
    starts = tuple(dict.fromkeys(word.text.split(" ", 1)[0] for word in words))
    return starts if len(starts) <= _MAX_STARTS else None


def _may_hold(text: str, starts: tuple[str, ...] | None) -> bool:
    """False only when ``text``, folded, holds none of the words whose first words are ``starts``;
    decided without folding it where it is ASCII. Folding ASCII text only lowers its letters and
    makes each run of spaces one space, and a word's first word has no space in it, so a word
    found in the folded text has its first word in the lowered text too."""
    if starts is None or not text.isascii():
        return True
    lowered = text.casefold()
    for start in starts:
        if start in lowered:
            return True
    return False
