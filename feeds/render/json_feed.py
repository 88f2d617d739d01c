"""JSON Feed 1.1 documents (https://www.jsonfeed.org/version/1.1/)."""

from __future__ import annotations

import json
from typing import Any

from feeds.model import Entry
from feeds.model import Format
from feeds.render.context import FeedContext
from feeds.render.context import feed_time
from feeds.render.icons import favicon_url
from feeds.render.icons import icon_url

VERSION = "https://jsonfeed.org/version/1.1"


def json_feed_bytes(ctx: FeedContext) -> bytes:
    """The JSON Feed of one channel; keys in a fixed order so the bytes are stable."""
    site = ctx.settings.site
    feed: dict[str, Any] = {
        "version": VERSION,
        "title": ctx.channel.title,
        "home_page_url": ctx.html_url,
        "feed_url": ctx.self_url(Format.JSON),
        "description": ctx.channel.description,
    }
    archive = ctx.archive_url(Format.JSON)
    if archive:  # the newest archive, then each older one through its own next_url
        feed["next_url"] = archive
    # Both should be square (spec: icon about 512 px, favicon about 64 px); a wide logo is not.
    feed["icon"] = icon_url(ctx.settings)
    feed["favicon"] = favicon_url(ctx.settings)
    # JSON Feed 1.0's ``author`` beside 1.1's ``authors``, as 1.1 allows for older readers:
    # feedjira and gofeed's Item.Author read only it (an outside probe).
    feed["author"] = {"name": ctx.settings.author_name()}
    feed["authors"] = [feed["author"]]
    feed["language"] = site.language
    if ctx.hubs:
        feed["hubs"] = [{"type": "WebSub", "url": url} for url in ctx.hubs]
    siblings = ctx.sibling_urls(Format.JSON)
    if siblings:
        # Custom extension (names start with "_", spec §"Extensions"): the other formats.
        feed["_feeds"] = {"alternates": [{"type": fmt.media_type, "url": url} for fmt, url in siblings]}
    feed["items"] = [json_item(ctx, entry) for entry in ctx.channel.entries]
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def json_item(ctx: FeedContext, entry: Entry) -> dict[str, Any]:
    """One entry as a JSON Feed item (also the archives', ``render.archive``)."""
    item: dict[str, Any] = {"id": entry.id}
    url = ctx.entry_url(entry)
    if url:
        item["url"] = url
    item["title"] = entry.title
    summary = ctx.summary(entry)
    if ctx.full_content:
        item["content_html"] = ctx.content_html(entry)
    else:
        # JSON Feed 1.1 requires content_html or content_text: the summary, as plain text.
        item["content_text"] = summary
    if summary:
        item["summary"] = summary
    if entry.image is not None:
        item["image"] = entry.image.url
    item["date_published"] = item["date_modified"] = feed_time(entry.published)
    if entry.author is not None:
        author = {"name": entry.author.name}
        if entry.author.url:
            author["url"] = entry.author.url
        item["author"], item["authors"] = author, [author]  # see json_feed_bytes
    tags = [topic.name for topic in entry.topics]
    if entry.own_category:
        tags.append(entry.own_category)
    if tags:
        item["tags"] = tags
    return item
