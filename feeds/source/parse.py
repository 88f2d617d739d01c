"""Load: content files → validated ``Article`` values, with ``path:line`` errors for bad ones."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from datetime import timezone
from datetime import tzinfo
from pathlib import Path

from feeds.errors import ContentError
from feeds.model import Article
from feeds.model import BodyFormat
from feeds.model import Provider
from feeds.source.article_fields import ArticleReader
from feeds.source.conventions import date_in_name
from feeds.source.conventions import unpublished
from feeds.source.dates import from_timestamp
from feeds.source.limits import MAX_EXCERPT_CHARS
from feeds.source.limits import MAX_TITLE_CHARS
from feeds.source.limits import bounded
from feeds.source.limits import bounded_body
from feeds.source.openings import other_front_matter
from feeds.source.scan import ContentRoot
from feeds.source.scan import as_int64
from feeds.source.scan import read_file
from feeds.text import FORMAT_CHARACTER
from feeds.text import closed_bidi
from feeds.text import plain_text
from feeds.text import shows_nothing
from feeds.text import xml_safe
from feeds.text import xml_safe_utf8

# A short outlet name after a dash or bar ends many scraped titles: "… – TechCrunch".
_PROVIDER_SUFFIX = re.compile(r"^(?P<title>.+?)\s+[–—|]\s+(?P<name>[^–—|]{1,40})$")
_MAX_PROVIDER_WORDS = 5
#: A Markdown heading (ATX), whose text is a plain-text file's title: "# Title", "## Title ##".
_HEADING = re.compile(r"#{1,6}[ \t]+(.*?\S)(?:[ \t]+#+)?[ \t]*")
#: A line that is one HTML comment ("<!-- draft -->"): it shows nothing, as a blank line.
_COMMENT = re.compile(r"<!--.*?-->")
_OPENING = re.compile(r"---[ \t]*(?:\n|\Z)")  # a file of only "---" opens front matter too
#: Byte order marks of the text encodings with NUL bytes in them, the longer first.
_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
# RFC 822/2822 dates (RSS) need a four-digit year from 1900 on; Python's stop at 9999.
_FIRST_YEAR, _LAST_YEAR = 1900, 9999


def load_file(
    path: str | Path, source: str, tz: tzinfo, within: ContentRoot | None = None, identity: int | None = None
) -> tuple[Article, list[ContentError], str]:
    """One file → its article, the warnings about it, and its ``file_digest``: of its bytes, and of
    its modification time when that dates the article (then the time is content too).

    ``within`` and ``identity``: see ``read_file``. Raises ContentError naming ``path`` when the file
    cannot be read or used.
    """
    try:
        data, mtime_ns = read_file(path, within, identity)
    except OSError as e:
        raise ContentError(path, None, f"cannot read: {e.strerror or e}") from None
    try:
        article, problems = parse_article(data, source, mtime_ns, tz)
    except ContentError as e:
        raise ContentError(path, e.line, e.message) from None
    except Exception as e:  # noqa: BLE001 - a case no check foresaw: this file is skipped, not the build
        reason = f"{type(e).__name__}: {str(e)[:200]}"
        raise ContentError(path, None, f"could not be read ({reason}); this is a bug in feeds") from None
    warnings = [ContentError(path, p.line, p.message) for p in problems]
    return article, warnings, file_digest(data, mtime_ns if article.dated_from_file else None)


def file_digest(data: bytes, mtime_ns: int | None = None) -> str:
    """Identifies one version of a file: its bytes, and its time when given (an article without a
    date of its own is dated by it). Without a time, a copy of the file with the same bytes (a
    fresh checkout) has the same digest."""
    digest = hashlib.blake2b(data, digest_size=12)
    if mtime_ns is not None:
        # Wrapped into 64 bits as the scan wraps it (a time past 2262 overflowed to_bytes).
        digest.update(as_int64(mtime_ns).to_bytes(8, "little", signed=True))
    return digest.hexdigest()


def parse_article(
    data: bytes, source: str, mtime_ns: int, tz: tzinfo = timezone.utc
) -> tuple[Article, list[ContentError]]:
    """One file's bytes → an Article and the warnings about parts dropped from it.

    ``source`` is the content-relative path, used for messages and path-based ids; ``mtime_ns``
    (the file's modification time in nanoseconds) dates an article that has no date of its own.
    Raises ContentError when the file cannot be used.
    """
    text = _decode(data, source)
    if not text.strip():
        raise ContentError(source, 1, "empty file")
    opened = _OPENING.match(text) is not None
    if not opened and FORMAT_CHARACTER.search(text, 0, text.find("\n") + 1 or len(text)):
        text, opened = _visible_opening(text)
    if opened:
        reader = ArticleReader(text, source, tz)
        article, warnings = reader.article(mtime_ns)
        return _bounded_titles(article, warnings, reader)
    other = other_front_matter(text)
    if other is not None:
        raise ContentError(source, text.count("\n", 0, len(text) - len(text.lstrip())) + 1, other)
    return _plain_text_article(text, source, mtime_ns, tz)


def _visible_opening(text: str) -> tuple[str, bool]:
    """``text`` with the characters that show nothing around a first line's "---" removed, and
    whether it opens front matter so: a second byte order mark or a zero-width space before it
    made a plain-text article of the file, titled "---", whose body published the whole front
    matter (``secured`` too)."""
    first, newline, rest = text.partition("\n")
    visible = FORMAT_CHARACTER.sub("", first)
    if _OPENING.match(visible + newline):
        return visible + newline + rest, True
    return text, False


def _bounded_titles(
    article: Article, warnings: list[ContentError], reader: ArticleReader
) -> tuple[Article, list[ContentError]]:
    """``article`` with its title and excerpt and its related items' cut to their limits (each
    related item is an entry too), and a warning for each cut."""
    title, problem = bounded(article.title, MAX_TITLE_CHARS, "the title")
    cuts: list[ContentError] = []
    if problem:  # its line only then: finding it indexes the front matter's lines (5% of reading a file)
        cuts.append(ContentError(article.source, reader.line_of("title") or reader.heading_line, problem))
    excerpt, problem = bounded(article.excerpt, MAX_EXCERPT_CHARS, "the excerpt")
    if problem:
        cuts.append(ContentError(article.source, reader.line_of("excerpt"), problem))
    related = list(article.related)
    for number, item in enumerate(related, 1):
        item_title, problem = bounded(item.title, MAX_TITLE_CHARS, "the title")
        item_excerpt, excerpt_problem = bounded(item.excerpt, MAX_EXCERPT_CHARS, "the excerpt")
        for each, key in ((problem, "title"), (excerpt_problem, "excerpt")):
            if each:  # on the item's own line, where it can be told
                line = reader.key_lines.line_of(key, number)
                cuts.append(ContentError(article.source, line, f"related item {number}: {each}"))
        if problem or excerpt_problem:
            related[number - 1] = dataclasses.replace(item, title=item_title, excerpt=item_excerpt)
    if not cuts:
        return article, warnings
    changed = dataclasses.replace(article, title=title, excerpt=excerpt, related=tuple(related))
    return changed, [*cuts, *warnings]


def _decode(data: bytes, source: str) -> str:
    if b"\x00" in data[:8192]:
        for bom, encoding in _WIDE_BOMS:  # a text file saved as UTF-16 (Windows' "Unicode") or UTF-32
            if data.startswith(bom):
                raise ContentError(source, 1, f"{encoding} text, not UTF-8; save the file as UTF-8")
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1  # of the first NUL byte
        raise ContentError(source, line, "binary file (contains NUL bytes), not a text article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise ContentError(
            source,
            line,
            f"not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start}); save the file as UTF-8",
        ) from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Characters XML cannot carry are removed here, once: PyYAML would also reject some of them.
    return text if xml_safe_utf8(data) else xml_safe(text)


def _plain_text_article(
    text: str, source: str, mtime_ns: int, tz: tzinfo
) -> tuple[Article, list[ContentError]]:
    """First non-empty line is the title (maybe ending in the outlet's name); the rest is the body."""
    body = text
    while True:  # the first line that shows something: one of zero-width spaces or a comment does not
        stripped = body.lstrip()
        first, _, body = stripped.partition("\n")
        # Far past the limit a line's end is of no use: only what a title can hold is read.
        shown = plain_text(first[: 4 * MAX_TITLE_CHARS])
        if shown or not body.strip() or not (shows_nothing(first) or _COMMENT.fullmatch(first.strip())):
            break
    heading = _HEADING.fullmatch(shown)  # "# Title", a Markdown file without front matter
    title, provider = _split_provider_suffix(heading[1] if heading else shown)
    line = text.count("\n", 0, len(text) - len(stripped)) + 1
    if not title:
        raise ContentError(source, line, "the first line (the title) has no text")
    title, cut = bounded(title, MAX_TITLE_CHARS, "the title", len(first))
    start = len(text) - len(body.lstrip())  # of the body's first line, for warnings
    body, _, notes = bounded_body(body, markdown=False)
    named, problem = date_in_name(source, tz)
    article = Article(
        source=source,
        title=title,
        published=named or from_timestamp(mtime_ns, tz, source),
        provider=provider,
        body=body,
        body_format=BodyFormat.TEXT,
        dated_from_file=named is None,
        is_draft=unpublished({}, source),  # in a _drafts folder
    )
    warnings = [ContentError(source, line, cut)] if cut else []
    warnings += [ContentError(source, text.count("\n", 0, start) + 1, note) for note in notes]
    if problem:
        warnings.append(ContentError(source, None, problem))
    return article, warnings


def _split_provider_suffix(title: str) -> tuple[str, Provider | None]:
    match = _PROVIDER_SUFFIX.match(title)
    if match is None or len(match["name"].split()) > _MAX_PROVIDER_WORDS:
        return title, None
    # The line's direction overrides were closed at its end, after the name: each part's own
    # are closed at its own end instead.
    name = plain_text(match["name"].rstrip(_BIDI_CLOSERS))  # "" when it shows nothing ("Title | \u200b")
    return closed_bidi(match["title"].strip()), (Provider(name=name) if name else None)


_BIDI_CLOSERS = "\u202c\u2069"
