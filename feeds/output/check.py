"""Checks of rendered documents, for ``feeds check``: what a feed validator would reject first.

Each check returns ``path: message`` lines; an empty list means the document passed. And dates that
validators flag, for ``feeds build`` to warn about with the clock it reads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from lxml import etree

from feeds.plan.planner import REF_FILE
from feeds.plan.planner import REF_STUB
from feeds.plan.planner import EntryRef
from feeds.source.scan import file_path
from feeds.source.summary import ITEM
from feeds.source.summary import SOURCE
from feeds.urls import http_url

ATOM = "{http://www.w3.org/2005/Atom}"
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_URL_ATTRIBUTES = ("href", "url", "src", "xmlUrl", "htmlUrl", "domain", "scheme", "uri")


def check_documents(documents: Mapping[str, bytes]) -> list[str]:
    """Every problem found in every document, in path order."""
    problems: list[str] = []
    for name in sorted(documents):
        checker = _CHECKERS.get(name.rsplit(".", 1)[-1])
        if checker is not None:
            problems.extend(f"{name}: {message}" for message in checker(documents[name]))
    return problems


def _parse_xml(data: bytes) -> tuple[Any, list[str]]:
    try:
        return etree.fromstring(data), []
    except etree.XMLSyntaxError as e:
        return None, [f"not well-formed XML: {e}"]


def check_atom(data: bytes) -> Iterator[str]:
    root, problems = _parse_xml(data)
    yield from problems
    if root is None:
        return
    if root.tag != f"{ATOM}feed":
        yield "root element is not an Atom <feed>"
        return
    yield from _require(root, ["id", "title", "updated", "author"], "feed")
    if not root.xpath("a:link[@rel='self']", namespaces={"a": ATOM[1:-1]}):
        yield "feed has no link rel=self"
    for number, entry in enumerate(root.iterfind(f"{ATOM}entry"), 1):
        yield from _require(entry, ["id", "title", "updated"], f"entry {number}")
    for element in root.iter(f"{ATOM}updated", f"{ATOM}published"):
        if not _RFC3339.match(element.text or ""):
            yield f"date {element.text!r} is not RFC 3339"
    yield from _check_url_texts(root.iter(f"{ATOM}icon", f"{ATOM}logo"))
    yield from _check_urls(root)


def check_rss(data: bytes) -> Iterator[str]:
    root, problems = _parse_xml(data)
    yield from problems
    if root is None:
        return
    channel = root.find("channel")
    if root.tag != "rss" or root.get("version") != "2.0" or channel is None:
        yield "root element is not <rss version='2.0'> with a <channel>"
        return
    for name in ("title", "link", "description"):
        if not (channel.findtext(name) or "").strip():
            yield f"channel has no <{name}>"
    if channel.find(f"{ATOM}link[@rel='self']") is None:
        yield "channel has no atom:link rel=self"
    for number, item in enumerate(channel.iterfind("item"), 1):
        if item.find("title") is None and item.find("description") is None:
            yield f"item {number} has neither <title> nor <description>"
        guid = item.find("guid")
        if guid is not None and guid.get("isPermaLink", "true") == "true" and not _is_http(guid.text or ""):
            yield f"item {number}: guid is a permalink but not an http(s) URL"
    for element in root.iter("pubDate", "lastBuildDate"):
        try:
            parsedate_to_datetime(element.text or "")
        except (TypeError, ValueError):
            yield f"date {element.text!r} is not RFC 822"
    yield from _check_url_texts((*channel.iter("link"), *channel.iterfind("image/url")))
    yield from _check_urls(root)


def check_json_feed(data: bytes) -> Iterator[str]:
    try:
        feed = json.loads(data)
    except ValueError as e:
        yield f"not valid JSON: {e}"
        return
    if feed.get("version") != "https://jsonfeed.org/version/1.1":
        yield "version is not https://jsonfeed.org/version/1.1"
    if not isinstance(feed.get("title"), str) or not isinstance(feed.get("items"), list):
        yield "title and items are required"
        return
    for key in ("home_page_url", "feed_url", "icon", "favicon"):
        if key in feed and not _is_http(feed[key]):
            yield f"{key} is not an absolute http(s) URL written as a URI"
    for number, item in enumerate(feed["items"], 1):
        if not isinstance(item.get("id"), str) or not item["id"]:
            yield f"item {number} has no id"
        if "content_html" not in item and "content_text" not in item:
            yield f"item {number} has no content_html or content_text"
        for key in ("date_published", "date_modified"):
            if key in item and not _RFC3339.match(item[key]):
                yield f"item {number}: {key} {item[key]!r} is not RFC 3339"
        for key in ("url", "image"):
            if key in item and not _is_http(item[key]):
                yield f"item {number}: {key} is not an absolute http(s) URL written as a URI"


def check_opml(data: bytes) -> Iterator[str]:
    root, problems = _parse_xml(data)
    yield from problems
    if root is None:
        return
    if root.tag != "opml" or root.find("head") is None or root.find("body") is None:
        yield "not an OPML document with <head> and <body>"
    for outline in root.iter("outline"):
        if outline.get("text") is None:
            yield "an <outline> has no text attribute"
    yield from _check_urls(root)


#: How far after the clock a date may be before feed validators call it implausible (the W3C
#: validator's ImplausibleDate: more than a day ahead).
AHEAD = timedelta(days=1)


def dated_ahead(refs: Sequence[EntryRef], root: Path, now: datetime) -> list[tuple[float, str]]:
    """(POSIX time, what) of the entries among ``refs`` (newest first, as a channel lists them)
    dated more than ``AHEAD`` after ``now``: what an article says, which only the caller's clock
    can tell from a late one (a build never reads the clock)."""
    limit = (now + AHEAD).timestamp()
    found = []
    for ref in refs:
        when = -ref[0]
        if when <= limit:
            break
        item = ref[REF_STUB][ITEM]
        what = file_path(root, ref[REF_FILE][SOURCE]) + (f": related item {item}" if item else "")
        found.append((when, what))
    return found


def future_warnings(dated: Sequence[tuple[float, str]], now: datetime) -> list[str]:
    """Warnings for those of ``dated_ahead``'s entries that are still more than ``AHEAD`` after
    ``now`` (a later clock, for a build that found nothing to do)."""
    limit = (now + AHEAD).timestamp()
    return [
        f"{what}: dated {datetime.fromtimestamp(when, timezone.utc):%Y-%m-%d %H:%M} UTC, more than a day "
        "after now; feed validators flag such dates as implausible (check the date or the file's time)"
        for when, what in dated
        if when > limit
    ]


def _require(element: Any, names: list[str], what: str) -> Iterator[str]:
    for name in names:
        if element.find(f"{ATOM}{name}") is None:
            yield f"{what} has no <{name}>"


def _check_urls(root: Any) -> Iterator[str]:
    for element in root.iter():
        for attribute in _URL_ATTRIBUTES:
            value = element.get(attribute)
            if value is not None and not _is_http(value):
                name = etree.QName(element).localname
                yield f"<{name} {attribute}={value!r}> is not an absolute http(s) URL written as a URI"


def _check_url_texts(elements: Iterable[Any]) -> Iterator[str]:
    """A problem for each of ``elements`` whose text is no URL as ``_is_http`` wants it."""
    for element in elements:
        if not _is_http(element.text or ""):
            name = etree.QName(element).localname
            yield f"<{name}> {element.text!r} is not an absolute http(s) URL written as a URI"


def _is_http(value: object) -> bool:
    """An absolute http(s) URL written as a URI: as ``http_url`` makes it ("?f[a]=1" is not)."""
    return isinstance(value, str) and http_url(value) == value


_CHECKERS: dict[str, Callable[[bytes], Iterator[str]]] = {
    "atom": check_atom,
    "rss": check_rss,
    "json": check_json_feed,
    "opml": check_opml,
}
