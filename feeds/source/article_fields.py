"""Front matter → an ``Article``: the fields read one by one (``fields.FrontMatterReader``) and
put together, with the conventions of other tools (``conventions``) and the body's limits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from typing import TypeVar

from feeds.errors import ContentError
from feeds.model import Article
from feeds.model import BodyFormat
from feeds.model import Provider
from feeds.source.conventions import EMPTY_VALUES
from feeds.source.conventions import IMAGE_KEYS_ELSEWHERE
from feeds.source.conventions import as_feeds_writes
from feeds.source.conventions import date_in_name
from feeds.source.conventions import date_key
from feeds.source.conventions import file_date_word
from feeds.source.conventions import heading_title
from feeds.source.conventions import holds_date
from feeds.source.conventions import misspelling_of
from feeds.source.conventions import other_date_keys
from feeds.source.conventions import relative_addresses
from feeds.source.conventions import unpublished
from feeds.source.conventions import unread_fields
from feeds.source.dates import from_timestamp
from feeds.source.fields import FrontMatterReader
from feeds.source.limits import bounded_body
from feeds.text import plain_text

_T = TypeVar("_T")


class ArticleReader(FrontMatterReader):
    """One file's front matter and body, read into an ``Article`` with its warnings."""

    heading_line: int | None = None  #: the line of the heading a title was taken from

    def article(self, mtime_ns: int) -> tuple[Article, list[ContentError]]:
        # A field written in another case (``Date: the fifth``) that cannot be read is left out
        # with a warning, not the article: in the tool the file comes from it may mean another thing.
        start = (list(self.problems), self.unreported, self.body)
        while True:
            try:
                return self._article(mtime_ns)
            except ContentError as e:
                field = self.failed
                if field not in self.written_as:
                    raise
                key = self.written_as[field]  # left out; another spelling of the field is read if any
                self.written = {name: value for name, value in self.written.items() if name != key}
                self.data, self.written_as = as_feeds_writes(self.written)
                if field == "title" and field not in self.data:  # required: its own error says most
                    raise
                self.problems, self.unreported, self.body = list(start[0]), start[1], start[2]
                self.note(
                    ContentError(self.source, e.line, f"{key} (read as {field}): {e.message}; not read")
                )
                start = (list(self.problems), self.unreported, self.body)

    def _article(self, mtime_ns: int) -> tuple[Article, list[ContentError]]:
        get = self.data.get
        title = self.text("title", get("title"))
        if "title" not in self.data and (heading := heading_title(self.body)):  # a note's own heading
            self.heading_line = self._body_line()
            self.body = heading[1]
            title = plain_text(heading[0])
        if not title:
            typo = misspelling_of(self.data, "title")  # "Title:" as Pelican writes it, "titel:"
            also = f" ({typo!r} is read as no field: did you mean title?)" if typo else ""
            line = self.line_of(typo or "title") or 1
            raise ContentError(self.source, line, f"title is missing or empty{also}")
        dated_by = date_key(self.data)
        by_file, why = file_date_word(get(dated_by))  # Eleventy's "date: Last Modified"
        if why:
            self.warn(dated_by, f"{dated_by}: {str(get(dated_by)).strip()} is {why}")
        published = None if by_file else self.date(dated_by, get(dated_by)) or self.other_date()
        named, problem = (None, None) if published or by_file else date_in_name(self.source, self.tz)
        if problem:
            self.problems.append(ContentError(self.source, None, problem))
        published_flag = None if holds_date(get("published")) else get("published")  # a date: published
        draft = not self.boolean("published", published_flag, True) or unpublished(self.data, self.source)
        for key, message in unread_fields(self.data, self.front, named is not None) + self.repeated:
            self.warn(key, message)
        body, markdown, notes = bounded_body(self.body, markdown=True)
        url = self.url("webUrl", get("webUrl")) or self.url("originalUrl", get("originalUrl"))
        relative = relative_addresses(body) if url is None and markdown else []  # nothing to resolve them by
        if notes or relative:
            line = self._body_line()
            self.problems.extend(ContentError(self.source, line, note) for note in notes)
        if relative:
            shown = ", ".join(repr(target) for target, _ in relative[:3]) + (
                ", …" if len(relative) > 3 else ""
            )
            where = line + body.count("\n", 0, relative[0][1])
            what = f"the body's relative links and images ({shown}) are left out: there is no webUrl"
            self.note(ContentError(self.source, where, what))
        article = Article(
            source=self.source,
            title=title,
            published=published or named or from_timestamp(mtime_ns, self.tz, self.source),
            dated_from_file=published is None and named is None,
            excerpt=self.text("excerpt", get("excerpt"))
            or self.borrowed("summary", self.text)
            or self.borrowed("description", self.text)
            or self.borrowed("custom_excerpt", self.text)  # Ghost's
            or "",
            url=url,
            provider=self.provider("provider", get("provider"))
            or self.borrowed("author", self.authors)
            or self.borrowed("authors", self.named_authors),
            topics=self.topics(get("topics")),
            images=self.images("images", get("images"))
            or next(filter(None, (self.borrowed(key, self.images) for key in IMAGE_KEYS_ELSEWHERE)), ()),
            related=self.related(get("related")),
            is_draft=draft,
            quality=self.number("quality", get("quality")),
            category=self.text("category", get("category")) or None,
            kind=self.text("type", get("type")) or None,
            body=body,
            body_format=BodyFormat.MARKDOWN if markdown else BodyFormat.TEXT,
        )
        if self.unreported:
            self.problems.append(ContentError(self.source, None, f"and {self.unreported:,} more warnings"))
        return article, self.problems

    def _body_line(self) -> int:
        """The file's line where the body's text starts (a heading, a first paragraph)."""
        return self.whole.count("\n", 0, len(self.whole) - len(self.body.lstrip())) + 1

    def borrowed(self, key: str, read: Callable[[str, Any], _T]) -> _T | None:
        """Another tool's field read in place of feeds' own (Hugo's ``summary``, a blog's
        ``author``, jekyll-seo-tag's ``image``); in a form ``read`` refuses, a warning, not an
        error: the file is not skipped for a field it wrote for another tool."""
        value = self.data.get(key)
        if value in EMPTY_VALUES:
            return None
        try:
            return read(key, value)
        except ContentError as e:
            self.warn(key, f"{e.message}; not read")
            return None

    def authors(self, key: str, value: Any) -> Provider | None:
        """Another tool's ``author`` as the provider: a name, or names in a list (PaperMod's and
        Jekyll's ``author: [Jane Doe]``) or mappings with a name (``[{name: Jane Doe}]``), joined."""
        if isinstance(value, list) and value:
            names = [item.get("name") if isinstance(item, dict) else item for item in value]
            if all(isinstance(name, str) for name in names):
                value = ", ".join(name.strip() for name in names if name and name.strip())
        return self.provider(key, value)

    def named_authors(self, key: str, value: Any) -> Provider | None:
        """Docusaurus's inline ``authors`` (mappings with a ``name``), as ``authors`` does. Names
        alone are not read: in Docusaurus and MkDocs Material they are keys into another file."""
        items = [value] if isinstance(value, dict) else value
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            return None
        return self.authors(key, items)

    def other_date(self) -> datetime | None:  # under another tool's key (Hugo's publishDate...)
        for key in other_date_keys(self.data):
            try:
                return self.date(key, self.data[key])
            except ContentError as e:  # another tool's field: a warning, and the next one is read
                self.warn(key, f"{e.message}; not read")
        return None
