"""What filtered feeds may cost a server: they never read content files, take turns, share one
cached copy per meaning, and the cache of them is bounded in bytes."""

from __future__ import annotations

import dataclasses
import marshal
import threading
import time
from datetime import datetime
from datetime import timezone
from pathlib import Path
from typing import Any

import feedparser
import pytest
from flask import Flask
from flask.testing import FlaskClient

import feeds.build.read
import feeds.serve.snapshot
import feeds.source.parse
import feeds.source.scan
from feeds.config import Settings
from feeds.model import Image
from feeds.model import Provider
from feeds.model import RelatedItem
from feeds.plan.brief import RELATED_LINKS
from feeds.plan.brief import SUMMARY_CHARS
from feeds.plan.brief import TITLE_CHARS
from feeds.plan.brief import brief
from feeds.plan.brief import entries
from feeds.plan.entries import build_entry
from feeds.serve.app import create_app
from feeds.serve.filters import FeedFilter
from feeds.serve.limits import FilterBusy
from feeds.serve.limits import FilterGate
from feeds.source.summary import index_article
from tests.conftest import make_article
from tests.helpers import live_site
from tests.helpers import write_config

FILTERS = (
    "/all.atom?q=the",
    "/all.json?provider=example+news",
    "/topics/ai.rss?q=facial+recognition&limit=3",
    "/all.atom?min_quality=50",
)


def many_related(folder: Path, count: int) -> None:
    """An article with ``count`` related items in ``folder``; every hundredth has a long title (all
    of them would take the front matter over its limit, ``source.limits``)."""
    items = "".join(
        f"  - title: Related story {n} {'about many things ' * 40 if n % 100 == 99 else ''}\n"
        f"    webUrl: https://related.example.net/{n}\n"
        f"    excerpt: Excerpt {n}\n"
        for n in range(count)
    )
    (folder / "999-many.md").write_text(
        "---\ntitle: Zebrafish with many stories\npublishedDateTime: 2021-03-20T10:00:00Z\n"
        "originalUrl: https://news.example.org/zebrafish\ntopics: [AI]\n"
        f"related:\n{items}---\n" + "A body. " * 2000 + "\n",
        encoding="utf-8",
    )


def test_filters_never_read_content_files(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries of filtered feeds come from briefs kept in memory: reading a file once per filter
    made a file with many related items cost seconds a filter."""
    many_related(project / "content", 100)  # the most an article reads
    app = create_app(project / "config" / "feeds.yaml")
    try:
        client = app.test_client()

        def refused(*args: object, **kwargs: object) -> Any:
            raise AssertionError("a content file was read for a filter")

        for module in (feeds.source.parse, feeds.build.read, feeds.source.scan):
            for name in ("load_file", "read_file"):
                if hasattr(module, name):
                    monkeypatch.setattr(module, name, refused)
        for path in FILTERS:
            response = client.get(path)
            assert response.status_code == 200, path
        feed = feedparser.parse(client.get("/all.atom?q=zebrafish").data)
        article = next(e for e in feed.entries if e.title == "Zebrafish with many stories")
        assert article.content[0].value.count("<li>") == RELATED_LINKS  # "More coverage", cut
        assert "A body." not in article.content[0].value  # filtered feeds carry no bodies
        item = feedparser.parse(client.get("/all.atom?q=story+99").data).entries
        assert [e.link for e in item] == ["https://related.example.net/99"]
        assert len(item[0].title) <= TITLE_CHARS
        page = client.get("/topics/ai.atom?q=zebrafish", headers={"Accept": "text/html"})
        assert page.status_code == 200 and b"Zebrafish" in page.data
    finally:
        live_site(app).stop()


def test_entries_from_briefs_are_the_built_entries_without_bodies(app: Flask) -> None:
    """Every entry of the sample site, made from its file's brief, is the one a build makes,
    less its body (the sample's titles, summaries and related lists are within the bounds)."""
    snapshot = live_site(app).snapshot
    assert snapshot is not None
    refs = snapshot.result.site.everything.refs
    pages = snapshot.result.site.pages
    assert pages  # articles without a URL link to their pages, from briefs too
    made = snapshot.search.entries(refs, snapshot.settings, pages)
    assert len(made) == len(refs) > 20
    articles = {}
    for ref in refs:
        source = ref[2][0]
        if source not in articles:
            path = snapshot.settings.content_dir / source
            articles[source] = feeds.source.parse.load_file(path, source, snapshot.settings.tz)[0]
    expected = [
        dataclasses.replace(build_entry(r, articles[r[2][0]], snapshot.settings, pages), body="")
        for r in refs
    ]
    assert list(made) == expected


def test_a_brief_is_bounded() -> None:
    long_title, long_excerpt = "Title " + "word " * 400, "Excerpt " + "text " * 2000
    items = tuple(
        RelatedItem(
            title=long_title, url=f"https://r.example.com/{n}", excerpt=long_excerpt,
            published=datetime(2020, 1, 1, 12, 0, 0, 123456, tzinfo=timezone.utc) if n % 2 else None,
            provider=Provider("Outlet", "outlet.example"), images=(Image("https://i.example.com/a.png", 2, 2),),
            quality=n,
        )
        for n in range(50)
    )  # fmt: skip
    article = make_article(
        title=long_title, excerpt=long_excerpt, body="x" * 100_000, related=items,
        images=(Image("https://i.example.com/s.png", 1, 1), Image("https://i.example.com/b.png", 9, 9)),
    )  # fmt: skip
    index = index_article(article, "digest-1")
    packed = brief(article, "digest-1")
    assert len(packed) < 50 * 2 * (TITLE_CHARS + SUMMARY_CHARS)  # the body and the long texts are gone
    settings = Settings()
    refs = [(0.0, stub[1], index, stub, ()) for stub in index[5]]
    made = entries(refs, {article.source: marshal.loads(packed)}, settings, {})
    assert len(made) == 51
    first, item = made[0], made[2]
    assert first.body == "" and len(first.related) == RELATED_LINKS
    assert first.image is not None and first.image.url.endswith("b.png")
    assert len(first.title) <= TITLE_CHARS and first.title.endswith("…")
    assert len(first.summary) <= SUMMARY_CHARS and first.summary.endswith("…")
    built = build_entry(refs[2], article, settings, {})
    assert item.published == built.published  # to the microsecond
    assert built.via is not None
    assert item.via == dataclasses.replace(built.via, title=first.title)  # the article's title, cut
    assert item.source == built.source and item.id == built.id and item.quality == 1
    stale = entries(refs, {article.source: marshal.loads(brief(article, "digest-2"))}, settings, {})
    assert stale == ()  # a brief of another version of the file is not used


def test_equivalent_queries_share_one_cached_feed(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    renders: list[object] = []
    real = feeds.serve.snapshot.render_feed
    monkeypatch.setattr(feeds.serve.snapshot, "render_feed", lambda *a: renders.append(a) or real(*a))
    spellings = [
        ("/all.atom?q=facial+recognition", "/all.atom?q=recognition+facial", "/all.atom?q=Facial%20%20RECOGNITION+facial"),
        ("/all.atom?provider=Example+News", "/all.atom?provider=example%20news"),
        ("/all.atom?q=the&limit=50", "/all.atom?q=the"),  # the config's max_items is 50
    ]  # fmt: skip
    for same in spellings:
        before = len(renders)
        bodies = {client.get(url).data for url in same}
        assert len(bodies) == 1, same
        assert len(renders) == before + 1, same
    self_link = feedparser.parse(client.get("/all.atom?q=recognition+facial").data).feed.id
    assert self_link.endswith("/all.atom?q=facial+recognition")


def test_the_filter_cache_is_bounded_in_bytes(project: Path) -> None:
    app = create_app(write_config(project, filter_cache_mb=0.02))
    try:
        client = app.test_client()
        snapshot = live_site(app).snapshot
        assert snapshot is not None
        cache = snapshot._filtered
        for n in range(1, 12):
            assert client.get(f"/all.atom?limit={n}").status_code == 200
            assert cache.size <= 20_000
        assert 0 < len(cache) < 11
        whole = client.get("/all.atom?q=a")  # larger than the whole cache: served, not kept
        assert whole.status_code == 200 and len(whole.data) > 20_000
        assert all(b'q=a"' not in doc.body for doc in cache.values())
    finally:
        live_site(app).stop()


def test_new_filters_beyond_the_queue_get_503_and_the_rest_is_served(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One new filter at a time and none waiting: while one is being made, another new one is
    refused at once with Retry-After; cached documents, cached filters and /healthz answer."""
    app = create_app(write_config(project, filter_workers=1, filter_queue=0))
    client = app.test_client()
    assert client.get("/all.atom?q=the").status_code == 200  # cached from now on
    inside, release = threading.Event(), threading.Event()
    real = FeedFilter.select

    def slow_select(self: FeedFilter, *args: Any) -> Any:
        if self.words == ("facial",):
            inside.set()
            assert release.wait(10)
        return real(self, *args)

    monkeypatch.setattr(FeedFilter, "select", slow_select)
    answers: list[int] = []
    slow = threading.Thread(
        target=lambda: answers.append(app.test_client().get("/all.atom?q=facial").status_code)
    )
    slow.start()
    try:
        assert inside.wait(10)
        refused = client.get("/all.atom?q=recognition")
        assert refused.status_code == 503
        assert refused.headers["Retry-After"] == "2"
        assert refused.headers["Cache-Control"] == "no-store"
        assert client.get("/all.atom?q=the").status_code == 200
        assert client.get("/all.atom").status_code == 200
        assert client.get("/healthz").get_json()["status"] == "ok"
    finally:
        release.set()
        slow.join(10)
        live_site(app).stop()
    assert answers == [200]
    assert client.get("/all.atom?q=recognition").status_code == 200  # its turn now


def test_a_gate_lets_workers_in_and_queue_wait() -> None:
    gate = FilterGate(workers=1, queue=1, wait=0.3)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with gate.turn():
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(10)
    outcomes: list[str] = []

    def wait_in_queue() -> None:
        try:
            with gate.turn():
                outcomes.append("turn")
        except FilterBusy:
            outcomes.append("busy")

    waiter = threading.Thread(target=wait_in_queue)
    waiter.start()
    deadline = time.monotonic() + 10
    while gate._inside < 2:  # the waiter is in the queue
        assert time.monotonic() < deadline
        time.sleep(0.01)
    with pytest.raises(FilterBusy):  # queue full: refused at once
        with gate.turn():
            pass
    waiter.join(10)
    assert outcomes == ["busy"]  # no turn within its wait
    release.set()
    holder.join(10)
    with gate.turn():  # free again
        pass
