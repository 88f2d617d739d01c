"""The naive pipeline that the "fast at 100,000 articles" issue measures ``feeds build`` against.

Usage::

    python bench/baseline.py CONTENT OUTDIR

python-frontmatter (PyYAML's C loader) parses every article, then feedgen writes the Atom and RSS
documents of every feed and ``json.dumps`` the JSON Feeds, plus an OPML list and an index page: the
same documents in kind and number as ``feeds build`` (``all`` and one per topic, each in three
formats, the 50 newest entries, related items as entries of their own). It is written the
straightforward way, one pass after another, with no cache and no parallelism. It validates and
sanitises far less than feeds does: it is a yardstick, not a second implementation.
"""

from __future__ import annotations

import argparse
import html
import json
import mimetypes
import re
import sys
import time
import unicodedata
import uuid
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import timezone
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import frontmatter
import yaml
from feedgen.feed import FeedGenerator
from markdown_it import MarkdownIt

#: Where the feeds say they are published; the bench gives ``feeds build`` the same.
BASE_URL = "https://feeds.example.org/"
SITE_TITLE = "Feeds benchmark"
MAX_ITEMS = 50
CONTENT_SUFFIXES = (".md", ".markdown", ".txt")
_PROVIDER_SUFFIX = re.compile(r"^(?P<title>.+?)\s+[–—|]\s+(?P<name>[^–—|]{1,40})$")
_SLUG_JUNK = re.compile(r"[^\w]+")
_markdown = MarkdownIt("commonmark")


class _CYAMLHandler(frontmatter.YAMLHandler):
    """python-frontmatter's YAML handler pinned to PyYAML's C loader.

    Recent python-frontmatter picks the C loader itself, older releases do not; pinning it keeps
    the yardstick from being slow for a reason that has nothing to do with the pipeline.
    """

    def load(self, fm: str, **kwargs: Any) -> Any:
        return super().load(fm, Loader=yaml.CSafeLoader, **kwargs)


@dataclass
class _Entry:
    """One feed item: an article, or a related item listed under one."""

    id: str
    title: str
    published: datetime
    url: str | None = None
    summary: str = ""
    body: str = ""
    is_markdown: bool = False
    provider: str | None = None
    image: str | None = None
    topics: set[str] = field(default_factory=set)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Build every feed of CONTENT into OUTDIR, naively.")
    parser.add_argument("content", type=Path, metavar="CONTENT", help="folder of articles")
    parser.add_argument("outdir", type=Path, metavar="OUTDIR", help="output folder: new or empty")
    args = parser.parse_args(argv)
    if not yaml.__with_libyaml__:
        parser.error("this PyYAML has no libyaml (C loader); the baseline would be unfairly slow")
    if args.outdir.exists() and any(args.outdir.iterdir()):
        parser.error(f"{args.outdir} is not empty; remove it first so no stale feed survives")
    started = time.perf_counter()
    files = sorted(
        path
        for path in args.content.rglob("*")
        if path.suffix.lower() in CONTENT_SUFFIXES
        and not any(part.startswith(".") for part in path.relative_to(args.content).parts)
    )
    entries, errors = read_entries(files, args.content)
    feeds = write_site(entries, args.outdir)
    print(
        f"Baseline: read {len(files)} files ({errors} errors), {len(entries)} entries; wrote {feeds} feeds, "
        f"feeds.opml and index.html to {args.outdir}. {time.perf_counter() - started:.2f} s."
    )
    if errors:
        sys.exit(1)


def read_entries(files: list[Path], root: Path) -> tuple[list[_Entry], int]:
    """Every published article and related item, one entry per URL (an article beats a related item)."""
    handler = _CYAMLHandler()
    articles: dict[str, _Entry] = {}
    related: list[_Entry] = []
    errors = 0
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
            if text.startswith("---"):
                post = frontmatter.loads(text, handler=handler)
                if post.get("published", True) is False:
                    continue
                article = _article_entry(post.metadata, post.content, path, root)
                related.extend(_related_entries(post.metadata, article))
            else:
                article = _plain_text_entry(text, path, root)
        except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError, TypeError) as e:
            print(f"error: {path}: {e}", file=sys.stderr)
            errors += 1
            continue
        articles.setdefault(article.id, article)
    for item in related:
        existing = articles.setdefault(item.id, item)
        if existing is not item:
            existing.topics |= item.topics
    return list(articles.values()), errors


def _article_entry(meta: dict[str, Any], body: str, path: Path, root: Path) -> _Entry:
    url = meta.get("webUrl") or meta.get("originalUrl")
    provider = meta.get("provider") or {}
    return _Entry(
        id=url or _path_id(path, root),
        title=str(meta["title"]),
        published=_aware(meta.get("publishedDateTime") or meta.get("date"), path),
        url=url,
        summary=str(meta.get("excerpt") or ""),
        body=body,
        is_markdown=True,
        provider=provider.get("name"),
        image=_largest_image(meta.get("images")),
        topics={str(topic) for topic in meta.get("topics") or ()},
    )


def _related_entries(meta: dict[str, Any], parent: _Entry) -> list[_Entry]:
    entries = []
    for item in meta.get("related") or ():
        url = item.get("webUrl") or item.get("originalUrl")
        if not url or not item.get("title"):
            continue
        published = item.get("publishedDateTime")
        entries.append(
            _Entry(
                id=url,
                title=str(item["title"]),
                published=_aware(published, None) if published else parent.published,
                url=url,
                summary=str(item.get("excerpt") or ""),
                provider=(item.get("provider") or {}).get("name"),
                image=_largest_image(item.get("images")),
                topics=set(parent.topics),
            )
        )
    return entries


def _plain_text_entry(text: str, path: Path, root: Path) -> _Entry:
    first, _, body = text.strip().partition("\n")
    match = _PROVIDER_SUFFIX.match(first.strip())
    return _Entry(
        id=_path_id(path, root),
        title=match["title"] if match else first.strip(),
        published=_aware(None, path),
        body=body.strip(),
        provider=match["name"] if match else None,
    )


def _aware(value: Any, path: Path | None) -> datetime:
    """A UTC datetime from YAML's value, or from the file's modification time when there is none."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    if isinstance(value, str):
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    if path is None:
        raise ValueError(f"no date in {value!r}")
    return datetime.fromtimestamp(int(path.stat().st_mtime), tz=timezone.utc)


def _largest_image(images: Any) -> str | None:
    if not images:
        return None
    best = max(images, key=lambda image: (image.get("width") or 0) * (image.get("height") or 0))
    return str(best["url"])


def _path_id(path: Path, root: Path) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, path.relative_to(root).as_posix())}"


def write_site(entries: list[_Entry], outdir: Path) -> int:
    """Write ``all`` and every topic in three formats, then feeds.opml and index.html."""
    entries.sort(key=lambda e: (-e.published.timestamp(), e.id))
    channels: dict[str, tuple[str, list[_Entry]]] = {"all": (SITE_TITLE, entries)}
    by_topic: dict[str, list[_Entry]] = {}
    for entry in entries:  # newest first, so every topic's list is sorted too
        for topic in entry.topics:
            by_topic.setdefault(topic, []).append(entry)
    for topic in sorted(by_topic):
        channels[f"topics/{_slug(topic)}"] = (f"{SITE_TITLE}: {topic}", by_topic[topic])
    (outdir / "topics").mkdir(parents=True, exist_ok=True)
    for stem, (title, members) in channels.items():
        _write_feed(outdir, stem, title, members[:MAX_ITEMS])
    _write_opml(outdir, channels)
    _write_index(outdir, channels)
    return len(channels) * 3


def _write_feed(outdir: Path, stem: str, title: str, entries: list[_Entry]) -> None:
    fg = FeedGenerator()
    fg.id(f"{BASE_URL}{stem}.atom")
    fg.title(title)
    fg.subtitle(f"Latest articles: {title}")
    fg.link(href=f"{BASE_URL}{stem}.atom", rel="self")
    fg.link(href=BASE_URL, rel="alternate")
    fg.language("en")
    if entries:
        fg.updated(entries[0].published)
    items = []
    for entry in entries:
        content = _content_html(entry)
        fe = fg.add_entry(order="append")
        fe.id(entry.id)
        fe.title(entry.title)
        fe.published(entry.published)
        fe.updated(entry.published)
        if entry.url:
            fe.link(href=entry.url)
        if entry.summary:
            fe.summary(entry.summary)
        fe.content(content, type="html")
        if entry.provider:
            fe.author(name=entry.provider)
        for topic in sorted(entry.topics):
            fe.category(term=_slug(topic), label=topic)
        if entry.image:
            fe.enclosure(
                url=entry.image, length="0", type=mimetypes.guess_type(entry.image)[0] or "image/jpeg"
            )
        items.append(
            {
                "id": entry.id,
                "url": entry.url,
                "title": entry.title,
                "content_html": content,
                "summary": entry.summary,
                "image": entry.image,
                "date_published": entry.published.isoformat(),
                "authors": [{"name": entry.provider}] if entry.provider else [],
                "tags": sorted(entry.topics),
            }
        )
    fg.atom_file(str(outdir / f"{stem}.atom"), pretty=True)
    fg.rss_file(str(outdir / f"{stem}.rss"), pretty=True)
    json_feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "home_page_url": BASE_URL,
        "feed_url": f"{BASE_URL}{stem}.json",
        "items": items,
    }
    (outdir / f"{stem}.json").write_text(json.dumps(json_feed, ensure_ascii=False, indent=2), "utf-8")


def _content_html(entry: _Entry) -> str:
    if entry.is_markdown and entry.body.strip():
        rendered: str = _markdown.render(entry.body)
        return rendered
    text = entry.body or entry.summary or entry.title
    return "".join(f"<p>{html.escape(p.strip())}</p>\n" for p in text.split("\n\n") if p.strip())


def _write_opml(outdir: Path, channels: dict[str, tuple[str, list[_Entry]]]) -> None:
    groups = []
    for fmt in ("atom", "rss", "json"):
        outlines = "".join(
            f'      <outline type="rss" text={quoteattr(title)} xmlUrl="{BASE_URL}{stem}.{fmt}"/>\n'
            for stem, (title, _) in channels.items()
        )
        groups.append(f'    <outline text="{fmt}">\n{outlines}    </outline>\n')
    (outdir / "feeds.opml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n'
        f"  <head><title>{html.escape(SITE_TITLE)}</title></head>\n  <body>\n{''.join(groups)}  </body>\n"
        "</opml>\n",
        "utf-8",
    )


def _write_index(outdir: Path, channels: dict[str, tuple[str, list[_Entry]]]) -> None:
    sections = []
    for stem, (title, entries) in channels.items():
        latest = "".join(f"<li>{html.escape(e.title)}</li>" for e in entries[:5])
        links = " ".join(f'<a href="{stem}.{fmt}">{fmt}</a>' for fmt in ("atom", "rss", "json"))
        sections.append(
            f"<h2>{html.escape(title)} ({len(entries)})</h2>\n<p>{links}</p>\n<ul>{latest}</ul>\n"
        )
    (outdir / "index.html").write_text(
        f"<!doctype html>\n<title>{html.escape(SITE_TITLE)}</title>\n{''.join(sections)}", "utf-8"
    )


def _slug(name: str) -> str:
    folded = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return _SLUG_JUNK.sub("-", folded.lower()).strip("-")


if __name__ == "__main__":
    main()
