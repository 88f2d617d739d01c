"""What other publishing tools (and hurried writers) write where feeds reads something else:
drafts, dates in file names, tags, misspelt fields, and front matter in formats feeds does not
read. Content moved over from Hugo, Jekyll, Pelican, Eleventy or a WordPress export must not
publish its drafts or private posts, nor turn TOML into an article titled "+++"."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from datetime import timezone
from datetime import tzinfo
from typing import Any

from feeds.source.dates import carried

#: ``status`` values that mean "not public": WordPress's (draft, pending, private, future, trash,
#: auto-draft) and Pelican's (draft, hidden).
_NOT_PUBLIC = frozenset({"draft", "pending", "private", "future", "trash", "auto-draft", "hidden"})
#: How writers say yes and no, in feeds' fields and in other tools'.
TRUE_WORDS = frozenset({"true", "yes", "on", "1"})
FALSE_WORDS = frozenset({"false", "no", "off", "0"})
#: Keys that hold an article's topics in other tools; feeds reads ``topics``.
TOPIC_KEYS_ELSEWHERE = ("tags", "categories")
#: A date at the start of a file name, as Jekyll names posts (``2021-03-09-title.md``), and as
#: daily notes are named (``2021-03-09.txt``, ``2021-03-09 standup.md``, ``2021-03-09_notes.md``).
#: [0-9], not \d, which takes other scripts' digits too (２０２１-０３-１５).
_DATED_NAME = re.compile(r"(?:^|/)([0-9]{4})-([0-9]{2})-([0-9]{2})(?=[-_ .])[^/]*$")
#: Pelican's metadata: "Title: ..." and more "Key: value" lines, with no "---" around them.
_PELICAN = re.compile(r"title[ \t]*:[ \t]*\S[^\n]*\n[A-Za-z][\w -]*:[ \t]", re.IGNORECASE)


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
    "dates", "drafts", "statuses",
})  # fmt: skip
_KNOWN_FIELDS = READ_FIELDS | _OTHER_FIELDS
_OTHER_FIELDS_FOLDED = frozenset(map(str.lower, _OTHER_FIELDS))  # Notion's "Image", "Tags"...


def unread_fields(fields: Mapping[Any, Any], front: str) -> list[tuple[str, str]]:
    """(key, warning) for what the writer of ``fields`` (read from ``front``) likely meant feeds
    to read otherwise: another tool's ``tags`` or ``categories`` without ``topics``, topics written
    as one name with commas (``topics: AI, Robotics``, not quoted), and a misspelling of a field
    (``weburl``, ``publishedDatetime``, ``topic``)."""
    found = [
        (key, f"{key} is not read: feeds takes an article's topics from `topics`; rename it")
        for key in (() if "topics" in fields else fields)  # most files: no key looked at
        if isinstance(key, str) and key.lower() in TOPIC_KEYS_ELSEWHERE  # Notion writes "Tags"
    ]
    topics = fields.get("topics")
    if isinstance(topics, str) and "," in topics and (plain := _TOPICS_LINE.search(front)) and not plain[1]:
        found.append(("topics", f"topics is one name with a comma, {topics!r}; a list is written [{topics}]"))
    misspelt = [
        (key, f"{key} is not a field feeds reads; did you mean {field}? (not read)")
        for key, field in _misspellings(fields)
    ]
    return found + sorted(misspelt)


def misspelling_of(fields: Mapping[Any, Any], field: str) -> str | None:
    """A key of ``fields`` that looks like a misspelling of ``field`` (``titel`` of ``title``),
    whether ``field`` is there (empty, say) or not."""
    return next((key for key, meant in _misspellings(fields, present=True) if meant == field), None)


def _misspellings(fields: Mapping[Any, Any], present: bool = False) -> list[tuple[str, str]]:
    """(key, field) for each key that is no field but looks like a misspelling of one missing
    (``present``: of one there too)."""
    found = []
    for key in fields.keys() - _KNOWN_FIELDS:
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


def date_key(fields: Mapping[Any, Any]) -> str:
    """``publishedDateTime`` (the seed's) when it has a value, else ``date`` (Jekyll's, Hugo's)."""
    return "publishedDateTime" if fields.get("publishedDateTime") not in (None, "") else "date"


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
    return source.startswith("_drafts/") or "/_drafts/" in source


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


_DASHES = re.compile(r"-{3,}")


def other_front_matter(text: str) -> str | None:
    """Why ``text``, which does not open with "---", starts with front matter feeds does not read
    (which would otherwise make an article of its first line, "+++" or "{"); else None."""
    first = text.lstrip().split("\n", 1)[0].strip()
    if _DASHES.fullmatch(first):  # after blank lines, or "----": every field would be published
        return (
            "front matter must open on the file's first line with exactly ---; remove what comes"
            " before this line"
            if first == "---"
            else f"a first line of {first!r} opens no front matter; write ---"
        )
    if first == "+++":
        return "front matter in TOML (between +++ lines, as Hugo writes it) is not read; use YAML in ---"
    if first in ("{", "{\r") or first.startswith('{"'):
        return "front matter in JSON is not read on its own; put it between --- lines (JSON is YAML)"
    if _PELICAN.match(text.lstrip()):
        return "metadata lines (Title: ...), as Pelican writes them, are not read; put them between --- lines"
    return None
