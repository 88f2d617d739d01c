"""What other publishing tools (and hurried writers) write where feeds reads something else:
drafts, dates in file names, tags, misspelt fields, and front matter in formats feeds does not
read. Content moved over from Hugo, Jekyll, Pelican, Eleventy or a WordPress export must not
publish its drafts or private posts, nor turn TOML into an article titled "+++"."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from datetime import date
from datetime import datetime
from datetime import timezone
from datetime import tzinfo
from typing import Any

from feeds.source.dates import carried
from feeds.source.dates import date_in_text

#: ``status`` values that mean "not public": WordPress's (draft, pending, private, future, trash,
#: auto-draft), Pelican's (draft, hidden) and Ghost's (scheduled).
_NOT_PUBLIC = frozenset({
    "draft", "pending", "private", "future", "trash", "auto-draft", "hidden", "scheduled",
})  # fmt: skip
#: How writers say yes and no, in feeds' fields and in other tools'.
TRUE_WORDS = frozenset({"true", "yes", "on", "1"})
FALSE_WORDS = frozenset({"false", "no", "off", "0"})
#: Keys that hold an article's image in other tools, read in this order when it has no ``images``:
#: jekyll-seo-tag's and many themes' ``image``, PaperMod's ``cover`` (``{image: ...}``), Ghost's
#: ``feature_image``, WordPress exports' ``featured_image``.
IMAGE_KEYS_ELSEWHERE = ("image", "cover", "feature_image", "featured_image")
#: Keys that hold an article's topics in other tools; feeds reads ``topics``.
TOPIC_KEYS_ELSEWHERE = ("tags", "categories")
#: A date at the start of a file name, as Jekyll names posts (``2021-03-09-title.md``), and as
#: daily notes are named (``2021-03-09.txt``, ``2021-03-09 standup.md``, ``2021-03-09_notes.md``).
#: [0-9], not \d, which takes other scripts' digits too (２０２１-０３-１５). An ``index`` file's
#: folder's name, as Docusaurus, Hugo and Gatsby name a post's folder (``2021-03-09-title/index.md``).
_DATED_NAME = re.compile(r"(?:^|/)([0-9]{4})-([0-9]{2})-([0-9]{2})(?=[-_ ./])[^/]*(?:/index\.[^/]*)?$")
#: Values that say nothing: a field written so is as good as not written.
EMPTY_VALUES: tuple[object, ...] = (None, "", [], {})
#: The fields feeds reads at the top of front matter (docs/input.md).
READ_FIELDS = frozenset({
    "title", "publishedDateTime", "date", "excerpt", "webUrl", "originalUrl", "provider", "topics",
    "images", "related", "published", "quality", "category", "type", "draft", "status",
})  # fmt: skip
#: Fields that are not read and are no misspelling of one: the seed articles' own (``heat``,
#: ``ampWebUrl``...) and other tools' (``tags``, ``slug``, ``summary``...).
_OTHER_FIELDS = frozenset({
    "ampWebUrl", "cdnAmpWebUrl", "heat", "secured", "tags", "categories", "slug", "layout", "aliases",
    "lastmod", "summary", "description", "author", "authors", "permalink", "weight", "id", "image",
    "url", "link", "updated", "modified", "keywords", "lang", "language", "series", "template",
    "created", "publisher", "published_at", "publishedAt", "published_on", "publishedOn", "publish",
    "unpublished", "featured_image", "cover", "categoryId", "category_id", "types", "titles", "data",
    "dates", "drafts", "statuses", "eleventyExcludeFromCollections", "headless", "build", "expiryDate",
    "publishDate", "pubDate", "date_published", "datePublished", "unlisted", "dg-publish",
    "feature_image", "custom_excerpt",
})  # fmt: skip
_KNOWN_FIELDS = READ_FIELDS | _OTHER_FIELDS
#: A field's name in lower case → the field: Pelican writes every key capitalised (Title, Date,
#: Status), and a draft's "Status: draft" was published with a warning that it was not read.
_READ_FOLDED = {field.lower(): field for field in READ_FIELDS}
#: The same for the other tools' keys read here, as Hugo reads every key in any case (and
#: ``_build``, its older spelling of ``build``).
_OTHERS_FOLDED = {
    key.lower(): key
    for key in (
        "publishDate",
        "pubDate",
        "expiryDate",
        "headless",
        "build",
        "publish",
        "eleventyExcludeFromCollections",
        "unlisted",
        "dg-publish",
    )
} | {"_build": "build"}
#: Keys other tools date an article with, read when neither ``publishedDateTime`` nor ``date``
#: has a value: Hugo's and Astro's, Ghost's and schema.org's; without them a migrated site was
#: dated by the time its files were copied, without a word.
OTHER_DATE_KEYS = (
    "publishDate", "pubDate", "published_at", "publishedAt", "date_published", "datePublished",
    "published_on", "publishedOn",
)  # fmt: skip
_OTHER_FIELDS_FOLDED = frozenset(map(str.lower, _OTHER_FIELDS))  # Notion's "Image", "Tags"...


def unread_fields(
    fields: Mapping[Any, Any], front: str, dated_by_name: bool = False
) -> list[tuple[str, str]]:
    """(key, warning) for what the writer of ``fields`` (read from ``front``) likely meant feeds
    to read otherwise: another tool's ``tags`` or ``categories`` without ``topics``, topics written
    as one name with commas (``topics: AI, Robotics``, not quoted), and a misspelling of a field
    (``weburl``, ``publishedDatetime``, ``topic``)."""
    found = [
        (
            key,
            f"{key} is not read: feeds takes an article's topics from `topics`; rename it"
            + _as_list(fields[key]),
        )
        for key in (() if "topics" in fields else fields)  # most files: no key looked at
        if isinstance(key, str)
        and key.lower() in TOPIC_KEYS_ELSEWHERE  # Notion writes "Tags"
        # Not an empty one (Hugo's archetypes write ``categories: []``: 737 warnings of nothing).
        and fields[key] not in EMPTY_VALUES
    ]
    topics = fields.get("topics")
    if isinstance(topics, str) and "," in topics and (plain := _TOPICS_LINE.search(front)) and not plain[1]:
        found.append(("topics", f"topics is one name with a comma, {topics!r}; a list is written [{topics}]"))
    misspelt = [
        (key, f"{key} is not a field feeds reads; did you mean {field}? (not read)")
        for key, field in _misspellings(fields)
    ] + [
        (key, f"{key} is not read: {field} is read, and keys in another letter case are the same field")
        for key in fields.keys() - _KNOWN_FIELDS
        if isinstance(key, str) and (field := _READ_FOLDED.get(key.lower())) is not None and field in fields
    ]
    return found + sorted(misspelt) + _dates_not_read(fields, dated_by_name)


#: Keys whose date is no day of publication: an id (Zettelkasten's ``id: 20210305T1010``), never
#: hinted at, or a change (``lastmod``, ``updated``...), hinted at otherwise.
_AN_ID = re.compile(r"^u?id$|_id$|Id$", re.IGNORECASE)
_A_CHANGE = re.compile(r"mod|upd|edit|chang|revis", re.IGNORECASE)
#: Keys whose dates are read as something else (a title that is a date), or warned of apart.
_NOT_HINTED = READ_FIELDS | {"expiryDate"}


def _date_text(value: Any) -> bool:
    """Whether ``value`` is a date written as text (the fast YAML reader leaves them so)."""
    if not isinstance(value, str) or not 10 <= len(value) <= 40:
        return False
    try:
        return date_in_text(value) is not None
    except ValueError:  # a weekday that is not the date's: a date, wrongly written
        return True


def _as_list(value: Any) -> str:
    """How to write topics as feeds reads them, for names in one text, which Jekyll separates
    (``categories: jekyll update`` is two) and Eleventy does not (``tags: another tag`` is one)."""
    if not isinstance(value, str) or len(names := value.replace(",", " ").split()) < 2:
        return ""
    jekyll = ", ".join(names[:10])
    return (
        f", as a list: topics: [{jekyll}] as Jekyll reads it, or topics: [{value.strip()}] as Eleventy does"
    )


def _dates_not_read(fields: Mapping[Any, Any], dated_by_name: bool) -> list[tuple[str, str]]:
    """Warnings of dates feeds does not read where a writer counts on them: Hugo's scheduling and
    expiry (a build never reads the clock, so it can neither wait nor expire), and a date under a
    key of no tool's when the article has none of its own (Obsidian's ``created``)."""
    found = []
    own = fields.get(date_key(fields))
    dated = own not in (None, "")
    if dated and fields.get("publishDate") not in (None, "", own):
        found.append((
            "publishDate",
            "publishDate is not read, as the article has a date: it is published at once (a build"
            " never waits for a date; set draft: true until it is due)",
        ))  # fmt: skip
    if fields.get("expiryDate") not in (None, ""):
        found.append((
            "expiryDate",
            "expiryDate is not read: no article expires (a build never reads the clock); set draft:"
            " true to take it out",
        ))  # fmt: skip
    if not dated and not dated_by_name and not other_date_keys(fields):
        found.extend(
            (key, f"{key} holds the date of a change, not of publication: the article, which has no"
             " date, is dated by its file's time; give it a date (date or publishedDateTime)")
            if _A_CHANGE.search(str(key)) else
            (key, f"{key} holds a date, which feeds does not read: it dates an article by date or"
             " publishedDateTime (rename it)")
            for key, value in fields.items()
            if key not in _NOT_HINTED and holds_date(value) and not _AN_ID.search(str(key))
        )  # fmt: skip
    return found


def misspelling_of(fields: Mapping[Any, Any], field: str) -> str | None:
    """A key of ``fields`` that looks like a misspelling of ``field`` (``titel`` of ``title``),
    whether ``field`` is there (empty, say) or not."""
    return next((key for key, meant in _misspellings(fields, present=True) if meant == field), None)


#: Keys that are no field, checked for a misspelling of one: the first so many in the file. Each
#: costs 16 comparisons with the fields' names; 30,000 such keys took 10 s (an outside probe).
MISSPELLINGS_CHECKED = 100


def _misspellings(fields: Mapping[Any, Any], present: bool = False) -> list[tuple[str, str]]:
    """(key, field) for each key that is no field but looks like a misspelling of one missing
    (``present``: of one there too), among the first ``MISSPELLINGS_CHECKED`` keys that are none."""
    found = []
    unknown = (key for key in fields if key not in _KNOWN_FIELDS)  # in the file's order
    for key in itertools.islice(unknown, MISSPELLINGS_CHECKED):
        if isinstance(key, str) and len(key) < 40 and key.lower() not in _OTHER_FIELDS_FOLDED:
            distance, field = min((_typos(key.lower(), field.lower()), field) for field in READ_FIELDS)
            if distance <= (1 if len(field) <= 7 else 2) and (present or field not in fields):
                found.append((key, field))
    return found


#: The line of a block mapping's ``topics``, and the quote its value opens with, if any: a quoted
#: name with commas ("Crime, Law and Justice", as IPTC's subjects go) is one on purpose.
_TOPICS_LINE = re.compile(r"""^topics[ \t]*:[ \t]*(['"]?)""", re.MULTILINE)


def _typos(one: str, other: str) -> int:
    """How many typing slips make ``other`` of ``one``: a letter added, left out, changed, or two
    swapped (``qualtiy``, ``exceprt``, ``dte``; the optimal string alignment distance). A key at
    most one slip from a field's name (two for names of 8 letters or more) is taken for it."""
    if abs(len(one) - len(other)) > 2:
        return 3
    last: list[int] = []
    row = list(range(len(other) + 1))
    for i, a in enumerate(one, 1):
        before, last, row = last, row, [i] + [0] * len(other)
        for j, b in enumerate(other, 1):
            row[j] = min(last[j] + 1, row[j - 1] + 1, last[j - 1] + (a != b))
            if i > 1 and j > 1 and a == other[j - 2] and one[i - 2] == b:
                row[j] = min(row[j], before[j - 2] + 1)
    return row[-1]


def written_otherwise(fields: Mapping[Any, Any]) -> dict[str, str]:
    """field → the key it is written as in another case (``Title``, ``Status``), for each field
    feeds reads that is not there as feeds writes it."""
    found: dict[str, str] = {}
    for key in fields:  # in the file's order, the first of two spellings is read (Date:, DATE:)
        if key not in _KNOWN_FIELDS and isinstance(key, str):  # most files: none
            field = _READ_FOLDED.get(key.lower()) or _OTHERS_FOLDED.get(key.lower())
            if field is not None and field not in fields:
                found.setdefault(field, key)
    return found


def as_feeds_writes(fields: dict[Any, Any]) -> tuple[dict[Any, Any], dict[str, str]]:
    """``fields`` with the keys of ``written_otherwise`` named as feeds names them, and that map."""
    written = written_otherwise(fields)
    if not written:
        return fields, written
    keys = {key: field for field, key in written.items()}
    return {keys.get(key, key): value for key, value in fields.items()}, written


#: A first-level Markdown heading, where Obsidian, MkDocs and Zettlr find a note's title.
_TITLE_HEADING = re.compile(r"(?:[ \t]*\n)*[ ]{0,3}#[ \t]+([^\n]*?\S)(?:[ \t]+#+)?[ \t]*(?:\n|$)")


def heading_title(body: str) -> tuple[str, str] | None:
    """(the heading's text, the body after it) when the body's first line is a first-level
    heading (``# Reading list``): the title of front matter without one."""
    heading = _TITLE_HEADING.match(body)
    return (heading[1], body[heading.end() :]) if heading else None


#: Where a Markdown body names an address: an inline link or image, a reference definition, an
#: HTML attribute.
_BODY_TARGET = re.compile(
    r"""\]\(\s*<?([^)\s>]+)|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?(\S+?)>?$|\b(?:src|href)\s*=\s*["']?([^"'\s>]+)""",
    re.MULTILINE,
)
#: An address with a scheme (``https:``, ``mailto:``), which needs no base.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


#: Code in Markdown, where a link is text: fenced blocks, indented lines, code spans.
_CODE = re.compile(
    r"^[ ]{0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^[ ]{0,3}\1[ \t]*$|\Z)|^(?:[ ]{4}|\t)[^\n]*$"
    r"|(`+)(?:(?!\n[ \t]*\n)[^`])+?\2",
    re.MULTILINE | re.DOTALL,
)


def relative_addresses(body: str) -> list[tuple[str, int]]:
    """The relative addresses a Markdown body links or shows (``images/a.jpg``, ``/about/``,
    ``#part``), each with where it is in ``body``: a feed has no base for them unless the article
    has a URL. Code is left alone (``src = os.path.join(...)`` is no link)."""
    if "](" not in body and "]:" not in body and "=" not in body:  # most bodies: nothing to look at
        return []
    found = _relative_targets(body)
    if found and ("`" in body or "~~~" in body or "    " in body or "\t" in body):  # maybe in code
        found = _relative_targets(_CODE.sub(lambda code: re.sub(r"[^\n]", " ", code[0]), body))
    return found


def _relative_targets(body: str) -> list[tuple[str, int]]:
    found = ((next(filter(None, m.groups())), m.start()) for m in _BODY_TARGET.finditer(body))
    return [(target, at) for target, at in found if not _SCHEME.match(target)]


def date_key(fields: Mapping[Any, Any]) -> str:
    """``publishedDateTime`` (the seed's) when it has a value, else ``date`` (Jekyll's, Hugo's)."""
    return "publishedDateTime" if fields.get("publishedDateTime") not in (None, "") else "date"


#: Eleventy's words for a date its files or their history give (``date: Last Modified``): each
#: dates the article by its file's time, with why when that is not quite the date meant. They
#: were errors, and the article was left out (an outside probe).
_FILE_DATE_WORDS = {
    "last modified": None,
    "last-modified": None,  # Quarto's
    "created": "read as the file's modification time (feeds reads no creation time)",
    "git last modified": "read as the file's modification time (git restore-mtime sets it from the history)",
    "git created": "read as the file's modification time (git restore-mtime sets it from the history)",
}


def file_date_word(value: Any) -> tuple[bool, str | None]:
    """Whether ``value`` is one of Eleventy's (or Quarto's) words for a date of the file, and why the file's
    modification time is not quite it (None when it is)."""
    if not isinstance(value, str) or (word := value.strip().lower()) not in _FILE_DATE_WORDS:
        return False, None
    return True, _FILE_DATE_WORDS[word]


def other_date_keys(fields: Mapping[Any, Any]) -> list[str]:
    """Those of ``OTHER_DATE_KEYS`` with a value, in that order, for an article that has no date
    of its own; then ``published`` when it holds a date (as Notion and others write it), not true
    or false."""
    keys = [key for key in OTHER_DATE_KEYS if fields.get(key) not in (None, "")]
    return keys + (["published"] if holds_date(fields.get("published")) else [])


def holds_date(value: Any) -> bool:
    """Whether a field's value is a date, as YAML reads one or as text."""
    return isinstance(value, date) or _date_text(value)


def unpublished(fields: Mapping[Any, Any], source: str) -> bool:
    """Whether another tool's way of saying "draft" or "not public" is there: ``draft: true``
    (Hugo, Eleventy), a ``status`` that is not public (WordPress, Pelican), or a ``_drafts``
    folder (Jekyll). ``published: false`` is feeds' own and is read by the caller."""
    draft = fields.get("draft")
    if draft is True or draft == 1 or (isinstance(draft, str) and draft.strip().lower() in TRUE_WORDS):
        return True
    status = fields.get("status")
    if isinstance(status, str) and status.strip().lower() in _NOT_PUBLIC:
        return True
    if _said(fields.get("publish"), FALSE_WORDS, False):  # Obsidian Publish's
        return True
    if _said(fields.get("dg-publish"), FALSE_WORDS, False):  # Obsidian Digital Garden's
        return True
    if _said(fields.get("unlisted"), TRUE_WORDS, True):  # Docusaurus's: in no list, nor its feed
        return True
    # Eleventy's and Hugo's ways of keeping a page out of every list (a feed is one).
    if _said(fields.get("eleventyExcludeFromCollections"), TRUE_WORDS, True):
        return True
    if _said(fields.get("headless"), TRUE_WORDS, True):
        return True
    build = fields.get("build")  # Hugo reads its keys and values in any case; false was never
    if isinstance(build, dict) and any(
        f"{k}={v}".lower() in ("list=never", "list=false") for k, v in build.items()
    ):
        return True
    if source.rpartition("/")[2].startswith("_index."):  # Hugo's section page: a list, no post
        return True
    return source.startswith("_drafts/") or "/_drafts/" in source


def _said(value: Any, words: frozenset[str], flag: bool) -> bool:
    """Whether ``value`` is ``flag``, or one of the ``words`` that say it."""
    return value is flag or (isinstance(value, str) and value.strip().lower() in words)


def date_in_name(source: str, tz: tzinfo) -> tuple[datetime | None, str | None]:
    """Midnight in ``tz``, in UTC, of the date a file's name starts with, if it does and the date
    exists (and is one feeds can carry); else None, with why for a warning when the name starts
    with a date that is no such day (``2021-02-30-x.md``)."""
    match = _DATED_NAME.search(source)
    if match is None:
        return None, None
    try:
        when = datetime(int(match[1]), int(match[2]), int(match[3]), tzinfo=tz).astimezone(timezone.utc)
    except (ValueError, OverflowError):  # no such day; a year the zone moves out of range
        when = None
    if when is not None and carried(when, tz):  # as every date: in UTC, in the years feeds carry
        return when, None
    return None, (
        f"the file name's date {match[1]}-{match[2]}-{match[3]} is no day feeds can carry; the article"
        " is dated by the file's modification time"
    )
