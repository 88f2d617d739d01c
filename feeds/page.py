"""The HTML index page for people: topics, counts, latest titles, subscribe links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import jinja2

from .feedcontext import FeedContext
from .feedcontext import document_path
from .model import Entry

LATEST_TITLES = 5
_templates = jinja2.Environment(
    loader=jinja2.PackageLoader("feeds", "templates"),
    autoescape=True,
    keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
)


@dataclass(frozen=True)
class _FeedLink:
    label: str
    media_type: str
    title: str
    url: str  #: absolute, to copy and for autodiscovery
    href: str  #: relative, so the page also works opened from disk


@dataclass(frozen=True)
class _TopicView:
    name: str
    anchor: str
    total: int
    updated: datetime | None
    feeds: list[_FeedLink]
    latest: tuple[Entry, ...]


def index_bytes(contexts: list[FeedContext], version: str) -> bytes:
    """The index page; ``contexts`` has ``all`` first, then the topics."""
    settings = contexts[0].settings
    topics = []
    for ctx in contexts:
        channel, topic = ctx.channel, ctx.channel.topic
        topics.append(
            _TopicView(
                name=topic.name if topic else "Everything",
                anchor=topic.slug if topic else "all",
                total=channel.total,
                updated=channel.updated,
                feeds=[
                    _FeedLink(
                        fmt.label,
                        fmt.media_type,
                        channel.title,
                        ctx.self_url(fmt),
                        document_path(channel.stem, fmt),
                    )
                    for fmt in settings.formats
                ],
                latest=channel.entries[:LATEST_TITLES],
            )
        )
    page = _templates.get_template("index.html").render(
        site=settings.site,
        version=version,
        topics=topics,
        feeds=[feed for topic in topics for feed in topic.feeds],
    )
    return page.encode("utf-8")
