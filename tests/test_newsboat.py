"""Our feeds in a real feed reader: Debian's newsboat subscribes to ``/feeds.opml`` from a live
``feeds serve``, fetches every feed, and its SQLite cache must hold what our documents say; after
an article's title is edited it must hold the new title on the same item, not a second item.

What newsboat 2.21 does, found by trying it (and what this test therefore relies on):

* ``-x reload`` needs no terminal (no TERM, stdin from /dev/null) and exits 0 even when a feed
  fails: failures only show in its log (``-l 3 -d FILE``), as USERERROR lines.
* It has no JSON Feed parser (newsboat issue #426): a JSON Feed URL fails with "XML root node is
  NULL". It also subscribes to every outline of an OPML file, groups or not, which is why our
  ``feeds.opml`` lists each channel once (in Atom) and ``feeds-rss.opml`` the same in RSS.
* A feed's website is its last ``rel="alternate"`` link, whatever its type.
* Its cache keys items by guid alone (newsboat issue #898): an entry that is in several feeds (the
  ``all`` feed, its topics, Atom and RSS alike) is stored once, under whichever feed was saved
  last. What one feed holds is therefore read from a cache of its own, beside the user's shared one.
* An Atom entry's date is its ``<published>``, or ``<updated>`` when it has none; RSS: ``<pubDate>``.
* An item's link is an Atom entry's ``<link>`` without rel or with rel="alternate", an RSS item's
  ``<link>``; an item without one gets an empty link (newsboat does not fall back to the id).
* It stores a feed's ETag and Last-Modified from its second fetch on, not its first, so only the
  third fetch is a conditional request (If-None-Match and If-Modified-Since). The test fetches
  twice before the edit so that the fetch after it is one, as it is for a user who has had a
  feed a while: our server must answer it with the changed document, not 304.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from tests.helpers import ARTICLE
from tests.helpers import ROOT
from tests.helpers import edit
from tests.helpers import pinned_copy
from tests.helpers import running_server
from tests.helpers import write_config

NEWSBOAT = shutil.which("newsboat") or ""
if not NEWSBOAT:
    pytest.skip("newsboat is not installed (Debian: apt-get install newsboat)", allow_module_level=True)

SAMPLE_BASE_URL = "https://feeds.example.org/"
ATOM = "{http://www.w3.org/2005/Atom}"
#: The OPML lists of the formats newsboat can read; it cannot read ``feeds-json.opml``'s.
READABLE_LISTS = ("feeds.opml", "feeds-rss.opml")
#: The front-matter title of ``ARTICLE`` (AI and Computer Vision), and what the test changes it to.
OLD_TITLE = "Retailers quietly audit in-store camera analytics after bias complaints"
NEW_TITLE = "Retailers drop in-store camera analytics after an audit"
#: Its webUrl: the entry's id, which must not change when its title does.
ARTICLE_ID = "https://www.example-news.com/tech/2021/02/17/retailers-audit-camera-analytics"


@dataclass(frozen=True, order=True)
class Item:
    """One entry, as newsboat keeps it in its ``rss_item`` table."""

    guid: str
    title: str
    link: str
    date: int  #: unix time (newsboat's ``pubDate``)


@dataclass(frozen=True)
class Profile:
    """One newsboat user's files, all in one folder: it never reads or writes the real home."""

    folder: Path

    @property
    def urls(self) -> Path:
        return self.folder / "urls"

    @property
    def cache(self) -> Path:
        return self.folder / "cache.db"


def make_profile(folder: Path, urls: list[str] | None = None) -> Profile:
    """A profile with an empty config file and the given subscriptions (none: an OPML import adds them)."""
    folder.mkdir(parents=True)
    (folder / "config").write_text("", encoding="utf-8")
    if urls is not None:
        (folder / "urls").write_text("".join(f"{url}\n" for url in urls), encoding="utf-8")
    return Profile(folder)


def newsboat(profile: Profile, *command: str) -> list[str]:
    """Run newsboat on the profile's files only, without a terminal, and return the errors it
    logged: it exits 0 even when a feed cannot be fetched or read."""
    log = profile.folder / "newsboat.log"
    log.unlink(missing_ok=True)
    home = profile.folder / "home"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",  # as a user's terminal would have (the cache is UTF-8 either way)
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
    }
    files = ["-u", str(profile.urls), "-c", str(profile.cache), "-C", str(profile.folder / "config")]
    result = subprocess.run(
        [NEWSBOAT, *files, "-l", "3", "-d", str(log), *command],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, f"newsboat {command}: {result.stdout}{result.stderr}"
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        body: bytes = response.read()
        return body


def served_at(config: Path, port: int) -> Path:
    """The config with ``site.base_url`` on the local server: every URL in the OPML and the feeds
    is absolute from it, and newsboat must fetch from us, not from feeds.example.org."""
    text = config.read_text(encoding="utf-8")
    lines = re.findall(r'base_url: "[^"]*"', text)
    assert len(lines) == 1, "the sample config's base_url moved"
    config.write_text(text.replace(lines[0], f'base_url: "http://127.0.0.1:{port}/"'), encoding="utf-8")
    return config


def opml_feeds(opml: bytes) -> list[tuple[str, str, str]]:
    """(xmlUrl, title, htmlUrl) of every feed of an OPML list, in order."""
    outlines = etree.fromstring(opml).iter("outline")
    return [(o.get("xmlUrl", ""), o.get("title", ""), o.get("htmlUrl", "")) for o in outlines]


def atom_item(entry: etree._Element) -> Item:
    links = [
        link.get("href", "")
        for link in entry.iterfind(f"{ATOM}link")
        if link.get("rel", "alternate") == "alternate"
    ]
    assert len(links) <= 1, links  # newsboat would keep the last
    date = entry.findtext(f"{ATOM}published") or entry.findtext(f"{ATOM}updated") or ""
    return Item(
        guid=entry.findtext(f"{ATOM}id") or "",
        title=entry.findtext(f"{ATOM}title") or "",
        link="".join(links),
        date=int(datetime.fromisoformat(date.replace("Z", "+00:00")).timestamp()),
    )


def rss_item(item: etree._Element) -> Item:
    return Item(
        guid=item.findtext("guid") or "",
        title=item.findtext("title") or "",
        link=item.findtext("link") or "",
        date=int(parsedate_to_datetime(item.findtext("pubDate") or "").timestamp()),
    )


def our_items(document: bytes) -> list[Item]:
    """What one of our Atom or RSS documents says, read the way newsboat reads it."""
    root = etree.fromstring(document)
    if root.tag == f"{ATOM}feed":
        return sorted(atom_item(entry) for entry in root.iterfind(f"{ATOM}entry"))
    assert root.tag == "rss", root.tag
    return sorted(rss_item(item) for item in root.iterfind("channel/item"))


def read_cache(profile: Profile, sql: str, *parameters: str) -> list[tuple[Any, ...]]:
    """Rows from the profile's newsboat cache, opened read-only."""
    with contextlib.closing(sqlite3.connect(f"file:{profile.cache}?mode=ro", uri=True)) as db:
        return db.execute(sql, parameters).fetchall()


def cached_items(profile: Profile, feed_url: str | None = None) -> list[Item]:
    """Newsboat's items: one feed's, or all of them."""
    sql = "SELECT guid, title, url, pubDate FROM rss_item"
    rows = read_cache(profile, sql + " WHERE feedurl = ?", feed_url) if feed_url else read_cache(profile, sql)
    return sorted(Item(str(guid), str(title), str(url), int(date)) for guid, title, url, date in rows)


def cached_feeds(profile: Profile) -> dict[str, str]:
    """Newsboat's feeds: title by URL. A feed it could not fetch or read has no row."""
    return {str(url): str(title) for url, title in read_cache(profile, "SELECT rssurl, title FROM rss_feed")}


def cached_websites(profile: Profile) -> dict[str, str]:
    """Newsboat's feeds: the website it opens for each, by feed URL."""
    return {str(url): str(site) for url, site in read_cache(profile, "SELECT rssurl, url FROM rss_feed")}


def reload_everything(user: Profile, singles: list[Profile]) -> None:
    for profile in [user, *singles]:
        errors = newsboat(profile, "-x", "reload")
        assert errors == [], f"{profile.folder.name}: {errors}"


def check_caches(user: Profile, singles: dict[str, Profile], titles: dict[str, str]) -> dict[str, list[Item]]:
    """Compare newsboat's caches with our documents, fetched again now; return our items by feed URL.

    Each feed's own cache must hold exactly that feed's items (count, guids, titles, links,
    dates). The user's shared cache must hold every feed, with the feed's title, and every entry
    once: the same entry must look the same in every feed and format, or newsboat shows whichever
    it fetched last."""
    ours = {url: our_items(fetch(url)) for url in titles}
    for url, profile in singles.items():
        assert cached_feeds(profile) == {url: titles[url]}
        assert len(cached_items(profile, url)) == len(ours[url]), url
        assert cached_items(profile, url) == ours[url], url
    by_guid: dict[str, Item] = {}
    for url, items in ours.items():
        for item in items:
            assert by_guid.setdefault(item.guid, item) == item, f"{url} differs from another feed"
    assert cached_feeds(user) == titles
    assert cached_items(user) == sorted(by_guid.values())
    return ours


def wait_for(url: str, text: str, seconds: float = 20) -> None:
    """Until the server has rebuilt and ``url`` shows ``text``."""
    deadline = time.monotonic() + seconds
    while text.encode() not in fetch(url):
        assert time.monotonic() < deadline, f"{url} does not show {text!r} after {seconds} s"
        time.sleep(0.2)


@pytest.mark.slow
def test_newsboat_reads_every_feed_and_keeps_ids_across_an_edit(tmp_path: Path) -> None:
    """Import the OPML, fetch every Atom and RSS feed twice (the second time stores validators),
    edit a title, fetch again (conditionally): the caches match our documents each time, and the
    edited entry is the same item with its new title, not a second one beside the old."""
    content = pinned_copy(ROOT / "content", tmp_path / "content")
    config = write_config(tmp_path, reload_interval=1)
    with running_server(lambda port: served_at(config, port)) as base:
        # The user's way: import the OPML list (here both lists newsboat can read, one after the other).
        user = make_profile(tmp_path / "newsboat" / "user")
        listed: list[tuple[str, str, str]] = []
        for name in READABLE_LISTS:
            opml = tmp_path / name
            opml.write_bytes(fetch(f"{base}/{name}"))
            feeds = opml_feeds(opml.read_bytes())
            assert (
                len({url for url, _, _ in feeds})
                == len(feeds)
                == len(opml_feeds(fetch(f"{base}/feeds-json.opml")))
            )
            assert newsboat(user, "-i", str(opml)) == []
            listed += feeds
        lines = user.urls.read_text(encoding="utf-8").splitlines()  # URL, then any tags
        assert [line.split()[0] for line in lines] == [url for url, _, _ in listed]
        titles = {url: title for url, title, _ in listed}
        assert len(titles) > 20
        # One cache per feed as well, since the shared one files each entry under one feed only.
        singles = {
            url: make_profile(tmp_path / "newsboat" / f"feed-{number}", [url])
            for number, url in enumerate(titles)
        }

        reload_everything(user, list(singles.values()))
        before = check_caches(user, singles, titles)
        # The website newsboat opens for a feed is the channel's page, as the OPML list says.
        assert cached_websites(user) == {url: page for url, _, page in listed}
        with_article = sorted(url for url, items in before.items() if ARTICLE_ID in {i.guid for i in items})
        assert [url.removeprefix(base) for url in with_article] == [
            "/all.atom", "/all.rss", "/topics/ai.atom", "/topics/ai.rss",
            "/topics/computer-vision.atom", "/topics/computer-vision.rss",
        ]  # fmt: skip
        # Again, unchanged: newsboat now stores each feed's validators, so its next fetch is conditional.
        reload_everything(user, list(singles.values()))
        assert check_caches(user, singles, titles) == before
        assert all(etag for (etag,) in read_cache(user, "SELECT etag FROM rss_feed"))

        article = content / ARTICLE
        assert f'title: "{OLD_TITLE}"' in article.read_text(encoding="utf-8")
        edit(article, f'title: "{OLD_TITLE}"', f'title: "{NEW_TITLE}"')
        wait_for(f"{base}/topics/ai.atom", NEW_TITLE)
        reload_everything(user, list(singles.values()))
        after = check_caches(user, singles, titles)

    assert {url: len(items) for url, items in after.items()} == {
        url: len(items) for url, items in before.items()
    }
    for url in with_article:
        edited = [item for item in cached_items(singles[url], url) if item.guid == ARTICLE_ID]
        assert [item.title for item in edited] == [NEW_TITLE], url
    for profile in [user, *singles.values()]:
        assert OLD_TITLE not in {item.title for item in cached_items(profile)}, profile.folder.name
