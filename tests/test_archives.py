"""Archived feeds (RFC 5005 §4): every chain, walked from the current feed back to the first
archive, gives each channel's full entry set once, in every format, and stays whole and
byte-identical to a build from nothing after edits."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections import Counter
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from feeds.build.builder import SiteBuilder
from feeds.build.cache import cache_folder
from feeds.build.cache import document_file
from feeds.build.pipeline import build_site
from feeds.build.result import BuildResult
from feeds.build.result import topic_table
from feeds.config import Settings
from feeds.model import ArchiveMode
from feeds.model import EntryContent
from feeds.model import Format
from feeds.plan.archives import archive_paths
from tests.conftest import BASE_URL
from tests.conftest import make_settings
from tests.helpers import ATOM_SCHEMA

ATOM = "http://www.w3.org/2005/Atom"
FH = "http://purl.org/syndication/history/1.0"
TOPICS = ["AI", "Space", "Climate"]


def article(
    number: int,
    month: int,
    day: int,
    topics: list[str],
    related: int = 0,
    url: bool = True,
    hour: int | None = None,
    title: str | None = None,
) -> str:
    """``hour``: by default ``number`` modulo 24; ``title``: by default ``Story <number>``."""
    lines = [
        "---",
        f"title: {title or f'Story {number}'}",
        *([f"webUrl: https://news.example.com/{number}"] if url else []),
        f"publishedDateTime: 2021-{month:02d}-{day:02d}T{number % 24 if hour is None else hour:02d}:00:00Z",
        f"excerpt: The excerpt of story {number}",
        "topics:",
        *(f"  - {name}" for name in topics),
    ]
    if related:
        lines.append("related:")
        for item in range(related):
            lines += [
                f"  - title: Coverage {item} of story {number}",
                f"    webUrl: https://other.example.com/{number}/{item}",
            ]
    return "\n".join([*lines, "---", f"Body of story {number}.", ""])


def write_corpus(content: Path, count: int = 40) -> None:
    """Articles over six months, a few per month in each topic, some with related items and some
    without a URL (they get pages of their own)."""
    content.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        topics = [TOPICS[number % 3]] + ([TOPICS[(number + 1) % 3]] if number % 4 == 0 else [])
        text = article(
            number, 1 + number % 6, 1 + number % 27, topics, related=number % 3, url=number % 5 != 1
        )
        (content / f"{number:03d}.md").write_text(text, encoding="utf-8")


def settings_for(root: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "content_dir": root / "content", "output_dir": root / "public", "archives": ArchiveMode.MONTHLY,
        "max_items": 3,
    }  # fmt: skip
    values.update(overrides)
    return make_settings(**values)


def published_site(root: Path) -> dict[str, bytes]:
    """The files a publish of ``root``'s content (``settings_for``) wrote, by path in the site."""
    SiteBuilder(settings_for(root)).publish()
    public = root / "public"
    return {
        str(path.relative_to(public)): path.read_bytes()
        for path in sorted(public.rglob("*"))
        if path.is_file()
    }


def local(url: str) -> str:
    assert url.startswith(BASE_URL), url
    return url[len(BASE_URL) :]


def walk_xml(documents: dict[str, bytes], path: str) -> list[str]:
    """Every entry id from the current feed at ``path`` back through prev-archive (feedparser)."""
    ids: list[str] = []
    seen: set[str] = set()
    while path:
        assert path not in seen, f"{path}: the chain loops"
        seen.add(path)
        parsed = feedparser.parse(documents[path])
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        ids += [entry.id for entry in parsed.entries]
        older = [link.href for link in parsed.feed.links if link.rel == "prev-archive"]
        path = local(older[0]) if older else ""
    return ids


def walk_json(documents: dict[str, bytes], path: str) -> list[str]:
    """The same through JSON Feed's own ``next_url``."""
    ids: list[str] = []
    while path:
        feed = json.loads(documents[path])
        ids += [item["id"] for item in feed["items"]]
        path = local(feed["next_url"]) if "next_url" in feed else ""
    return ids


def channel_ids(result: BuildResult, stem: str, fmt: Format) -> list[str]:
    path = f"{stem}.{fmt.value}"
    return walk_json(result.documents, path) if fmt is Format.JSON else walk_xml(result.documents, path)


def archive_ids(result: BuildResult, stem: str, fmt: Format) -> list[str]:
    """The ids of the archives alone (after the current feed)."""
    first = json.loads(result.documents[f"{stem}.json"])["items"] if fmt is Format.JSON else None
    ids = channel_ids(result, stem, fmt)
    current = (
        len(first)
        if first is not None
        else len(feedparser.parse(result.documents[f"{stem}.{fmt.value}"]).entries)
    )
    return ids[current:]


def assert_chains_whole(result: BuildResult) -> None:
    for channel in result.site.channels:
        everyone = None
        for fmt in (Format.ATOM, Format.RSS, Format.JSON):
            ids = set(channel_ids(result, channel.stem, fmt))
            archived = archive_ids(result, channel.stem, fmt)
            repeated = [i for i, n in Counter(archived).items() if n > 1]
            assert not repeated, f"{channel.stem}.{fmt.value}: in two archives: {repeated}"
            assert len(ids) == channel.total, f"{channel.stem}.{fmt.value}: {len(ids)} of {channel.total}"
            everyone = everyone or ids
            assert ids == everyone, f"{channel.stem}: {fmt.value} differs"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    write_corpus(tmp_path / "content")
    return tmp_path


def test_every_chain_reaches_every_entry_once(root: Path) -> None:
    result = build_site(settings_for(root))
    assert result.site.everything.total > 40  # related items are entries too
    assert result.archives
    assert_chains_whole(result)


def test_chains_are_whole_with_full_content_and_one_item(root: Path) -> None:
    result = build_site(settings_for(root, archive_content=EntryContent.FULL, max_items=1))
    assert_chains_whole(result)
    atom = next(body for path, body in result.documents.items() if path.startswith("archives/all/"))
    assert b"<content" in atom or b"content_html" in atom


def test_full_rss_archives_describe_an_entry_without_an_excerpt_as_the_current_feed_does(
    tmp_path: Path,
) -> None:
    """Such an item had only content:encoded in an archive, and the current feed puts the content in
    its description; readers of description only saw nothing (W3C: NeedDescriptionBeforeContent)."""
    content = tmp_path / "content"
    content.mkdir()
    for number, month in ((1, 1), (2, 2)):
        (content / f"{number}.md").write_text(
            f"---\ntitle: Story {number}\nwebUrl: https://news.example.com/{number}\n"
            f"publishedDateTime: 2021-{month:02d}-01T10:00:00Z\n---\nThe *body* of {number}.\n"
        )
    result = build_site(settings_for(tmp_path, archive_content=EntryContent.FULL, max_items=5))
    current = {
        item.findtext("guid"): item for item in etree.fromstring(result.documents["all.rss"]).iter("item")
    }
    archived = [
        path for path in result.documents if path.startswith("archives/all/") and path.endswith(".rss")
    ]
    assert len(archived) == 2
    for path in archived:
        for item in etree.fromstring(result.documents[path]).iter("item"):
            assert "<em>body</em>" in item.findtext("description"), path
            assert item.findtext("description") == current[item.findtext("guid")].findtext("description")


def test_summary_archives_carry_no_content(root: Path) -> None:
    result = build_site(settings_for(root))
    for path, body in result.documents.items():
        if path.startswith("archives/") and not path.endswith(".html"):
            assert b"<content" not in body and b"content:encoded" not in body and b"content_html" not in body


def test_the_links_and_fh_archive_are_where_rfc_5005_puts_them(root: Path) -> None:
    result = build_site(settings_for(root))
    documents = result.documents
    stems = sorted({p.rsplit(".", 1)[0] for p in documents if p.startswith("archives/all/")}, reverse=True)
    assert len(stems) == 6  # six months
    for fmt, channel_of in ((Format.ATOM, f"{{{ATOM}}}feed"), (Format.RSS, "channel")):
        current = etree.fromstring(documents[f"all.{fmt.value}"])
        head = current if fmt is Format.ATOM else current.find("channel")
        links = {link.get("rel"): link.get("href") for link in head.iter(f"{{{ATOM}}}link")}
        assert links["prev-archive"] == f"{BASE_URL}{stems[0]}.{fmt.value}"
        assert head.find(f"{{{FH}}}archive") is None
        for index, stem in enumerate(stems):
            tree = etree.fromstring(documents[f"{stem}.{fmt.value}"])
            head = tree if fmt is Format.ATOM else tree.find("channel")
            assert head.tag == channel_of
            assert head.find(f"{{{FH}}}archive") is not None  # a child of feed / channel
            links = {link.get("rel"): link.get("href") for link in head.findall(f"{{{ATOM}}}link")}
            assert links["self"] == f"{BASE_URL}{stem}.{fmt.value}"
            assert links["current"] == f"{BASE_URL}all.{fmt.value}"
            newer = f"{BASE_URL}{stems[index - 1]}.{fmt.value}" if index else None
            older = f"{BASE_URL}{stems[index + 1]}.{fmt.value}" if index + 1 < len(stems) else None
            assert links.get("next-archive") == newer
            assert links.get("prev-archive") == older
            if fmt is Format.RSS:  # dated as the current feed is: pubDate for readers that read only it
                assert head.findtext("pubDate") == head.findtext("lastBuildDate") is not None


def test_pages_list_the_archives_and_each_archive_has_a_page(root: Path) -> None:
    result = build_site(settings_for(root))
    page = result.documents["topics/ai.html"].decode()
    archives = [p for p in result.documents if p.startswith("archives/topics/ai/") and p.endswith(".html")]
    assert archives
    for path in archives:
        assert f'href="../{path}"' in page
        body = result.documents[path].decode()
        assert "Content-Security-Policy" in body and "Story" in body


def test_closed_months_are_every_archive_but_the_newest(root: Path) -> None:
    result = build_site(settings_for(root))
    closed = archive_paths(result.documents)
    newest = max(p for p in closed if p.startswith("archives/all/"))
    assert closed[newest] is False
    assert all(closed[p] for p in closed if p.startswith("archives/all/") and p[:20] != newest[:20])
    assert "all.atom" not in closed


def rebuild(settings: Settings) -> dict[str, bytes]:
    return SiteBuilder(settings).build().documents


def cold(settings: Settings, root: Path) -> dict[str, bytes]:
    shutil.rmtree(root / "cold", ignore_errors=True)
    return build_site(dataclasses.replace(settings, output_dir=root / "cold" / "public")).documents


def test_an_edit_moves_an_entry_between_months_and_the_chain_stays_whole(root: Path) -> None:
    settings = settings_for(root)
    before = SiteBuilder(settings).build()
    assert SiteBuilder(settings).build().rendered == 0  # a warm build renders nothing
    path = root / "content" / "007.md"
    path.write_text(path.read_text().replace("2021-02-08", "2021-05-20"), encoding="utf-8")
    after = SiteBuilder(settings).build()
    assert after.documents == cold(settings, root)
    assert_chains_whole(after)
    feb = walk_xml(before.documents, "all.atom")
    assert "https://news.example.com/7" in feb
    moved = [
        p for p, body in after.documents.items() if b"news.example.com/7<" in body and p.endswith(".atom")
    ]
    assert moved and all("2021-05" in p or not p.startswith("archives/") for p in moved)
    # Only the months it left and joined (and the current feeds and pages) were rendered again.
    changed = {p for p in after.documents if after.documents[p] != before.documents.get(p)}
    assert changed
    assert all("2021-01" not in p and "2021-03" not in p for p in changed), changed


def test_deleting_every_entry_of_a_month_removes_it_from_the_chain(root: Path) -> None:
    settings = settings_for(root)
    SiteBuilder(settings).build()
    for number in range(40):
        if number % 6 == 2:  # every article of March
            (root / "content" / f"{number:03d}.md").unlink()
    after = SiteBuilder(settings).build()
    assert not [p for p in after.documents if "2021-03" in p]
    assert after.documents == cold(settings, root)
    assert_chains_whole(after)


def test_a_tiny_budget_splits_months_into_parts_that_reach_every_entry(root: Path) -> None:
    settings = settings_for(root, max_bytes=10_000, max_items=1)
    result = SiteBuilder(settings).build()
    parts = [p for p in result.documents if p.startswith("archives/all/2021-03-")]
    assert parts, "March should be split"
    for path, body in result.documents.items():
        if path.startswith("archives/"):
            assert len(body) <= 10_000, path
    assert_chains_whole(result)
    # An edit in a split month: the same bytes as a build from nothing.
    path = root / "content" / "006.md"
    path.write_text(path.read_text().replace("Story 6", "Story six, retitled"), encoding="utf-8")
    assert SiteBuilder(settings).build().documents == cold(settings, root)


def test_archives_off_writes_none(root: Path) -> None:
    result = build_site(settings_for(root, archives=ArchiveMode.OFF))
    assert not result.archives
    assert b"prev-archive" not in result.documents["all.atom"]
    assert b"next_url" not in result.documents["all.json"]


RELAX_NG = etree.RelaxNG(etree.parse(str(ATOM_SCHEMA)))


def test_every_archive_is_valid_atom_and_links_another(root: Path) -> None:
    """RFC 4287's schema; and no archive without prev-archive or next-archive, which the W3C
    validator calls incomplete (a channel's only month comes in two parts)."""
    documents = build_site(settings_for(root, max_items=1)).documents
    for path, body in documents.items():
        if path.endswith(".atom"):
            tree = etree.fromstring(body)
            assert RELAX_NG.validate(tree), (path, RELAX_NG.error_log.last_error)
            rels = {link.get("rel") for link in tree.findall(f"{{{ATOM}}}link")}
            if path.startswith("archives/"):
                assert rels & {"prev-archive", "next-archive"}, path


def test_a_channel_of_one_month_has_two_parts_and_one_of_one_entry_none(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    for number in range(4):  # AI: four entries in March; Space: one
        topics = ["AI", "Space"] if number == 0 else ["AI"]
        (content / f"{number}.md").write_text(article(number, 3, number + 1, topics), encoding="utf-8")
    result = build_site(settings_for(tmp_path))
    ai = sorted(p for p in result.documents if p.startswith("archives/topics/ai/") and p.endswith(".atom"))
    assert ai == ["archives/topics/ai/2021-03-2.atom", "archives/topics/ai/2021-03.atom"]
    assert not [p for p in result.documents if p.startswith("archives/topics/space/")]
    assert b"prev-archive" not in result.documents["topics/space.atom"]
    assert_chains_whole(result)


def test_an_edit_rewrites_the_cache_files_of_the_months_it_changed(root: Path) -> None:
    """Every document of a channel's month shares a cache file, so an edit rewrites a few."""
    settings = settings_for(root)
    before = SiteBuilder(settings).build()
    folder = cache_folder(settings.output_dir)
    stamps = {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.name.startswith("documents-")}
    path = root / "content" / "007.md"
    path.write_text(path.read_text().replace("Story 7", "Story seven"), encoding="utf-8")
    after = SiteBuilder(settings).build()
    changed = {
        p for p in after.documents if p.startswith("archives/") and after.documents[p] != before.documents[p]
    }
    assert changed and all("2021-02" in p for p in changed)
    assert {document_file(p) for p in changed if p.endswith(".atom")} == {document_file(p) for p in changed}
    rewritten = {
        p.name for p in folder.iterdir() if p.name in stamps and p.stat().st_mtime_ns != stamps[p.name]
    }
    assert rewritten == {document_file(p) for p in changed}


def test_months_are_those_of_the_configured_time_zone(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    late = article(1, 2, 28, ["AI"]).replace("2021-02-28T01:00:00Z", "2021-02-28T23:30:00Z")
    (content / "1.md").write_text(late, encoding="utf-8")
    (content / "2.md").write_text(article(2, 2, 10, ["AI"]), encoding="utf-8")
    (content / "3.md").write_text(article(3, 1, 10, ["AI"]), encoding="utf-8")
    utc = build_site(settings_for(tmp_path)).documents
    paris = build_site(settings_for(tmp_path, timezone="Europe/Paris")).documents
    assert b"news.example.com/1<" in utc["archives/all/2021-02.atom"]
    assert b"news.example.com/1<" in paris["archives/all/2021-03.atom"]  # 00:30 on 1 March in Paris
    assert b"news.example.com/1<" not in paris["archives/all/2021-02.atom"]


def test_the_chains_hold_what_feeds_topics_counts(root: Path) -> None:
    result = build_site(settings_for(root))
    counts = {row.split()[0]: int(row.split()[1]) for row in topic_table(result)[1:]}
    for slug, count in counts.items():
        stem = slug if slug.startswith("channels/") else f"topics/{slug}"
        for fmt in (Format.ATOM, Format.RSS, Format.JSON):
            assert len(set(channel_ids(result, stem, fmt))) == count, (stem, fmt)


def test_pages_show_dates_in_the_zone_of_the_archive_months(tmp_path: Path) -> None:
    """A December archive page showed its entry on 2025-01-01 04:59 UTC: months are taken in the
    site's zone, and so are the dates people read (an outside probe)."""
    content = tmp_path / "content"
    content.mkdir()
    (content / "eve.md").write_text(
        "---\ntitle: New Year's Eve\npublishedDateTime: 2024-12-31 23:59:59\ntopics: [AI]\n---\nBody.\n",
        encoding="utf-8",
    )
    (content / "kathmandu.md").write_text(
        "---\ntitle: Far east\npublishedDateTime: 2024-06-01T12:00:00+05:45\ntopics: [AI]\n---\nBody.\n",
        encoding="utf-8",
    )
    SiteBuilder(settings_for(tmp_path, timezone="America/New_York")).publish()
    public = tmp_path / "public"
    pages = ["archives/all/2024-12.html", "all.html", "topics/ai.html", "index.html"]
    pages += [str(path.relative_to(public)) for path in (public / "entries").rglob("*.html")]
    assert len(pages) == 6
    shown = {path: etree.HTML((public / path).read_bytes()).xpath("//time/text()") for path in pages}
    assert shown["archives/all/2024-12.html"] == ["2024-12-31 23:59 EST"]
    assert shown["all.html"] == ["2024-12-31 23:59 EST", "2024-06-01 02:15 EDT"]
    assert shown["index.html"][:3] == ["2024-12-31", "2024-12-31", "2024-06-01"]
    assert sorted(time for path in pages[4:] for time in shown[path]) == [
        "2024-06-01 02:15 EDT", "2024-12-31 23:59 EST"
    ]  # fmt: skip


def test_an_entrys_summary_is_made_once_for_every_channel_format_and_archive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A summary made from the body (no excerpt) takes a Markdown rendering and a sanitising; the
    JSON items made it again for every channel and in every archive (a fifth of an archive's work).
    Now once for the current feeds of every channel and once for the archives."""
    import feeds.render.entry_html  # noqa: PLC0415 - the module whose function is counted

    content = tmp_path / "content"
    write_corpus(content, count=12)
    for path in content.iterdir():  # no excerpt: the summary comes from the body
        path.write_text(
            "\n".join(line for line in path.read_text().splitlines() if not line.startswith("excerpt:")),
            encoding="utf-8",
        )
    summarised: Counter[str] = Counter()  # by body: only summaries made from a body cut it
    before_more = feeds.render.entry_html.before_more

    def counted(body: str) -> str:
        summarised[body] += 1
        return before_more(body)

    monkeypatch.setattr(feeds.render.entry_html, "before_more", counted)
    result = build_site(settings_for(tmp_path, max_items=50, entry_content=EntryContent.SUMMARY))
    archives = [body.decode() for path, body in result.documents.items() if path.startswith("archives/")]
    assert any("<summary>Body of story 1.</summary>" in body for body in archives)
    del summarised[""]  # related items' entries have no body
    assert len(summarised) == 12, summarised
    assert set(summarised.values()) == {2}, summarised.most_common(3)


def test_an_archived_entry_keeps_its_image_whatever_its_type(tmp_path: Path) -> None:
    """An image of no known type (its address has no extension) has no enclosure, and archives,
    which write an image once, dropped it: it is there in Media RSS, as in the current feeds. A
    typed one is an enclosure only. JSON Feed items name their authors once."""
    content = tmp_path / "content"
    content.mkdir()
    for number, url in enumerate(["https://img.example.com/a.png", "https://img.example.com/photo?id=7"]):
        text = article(number, 1 + number, 3, ["AI"]).replace(
            "topics:", f"images:\n  - url: {url}\n    width: 640\n    height: 480\ntopics:"
        )
        (content / f"{number}.md").write_text(text.replace("---\nBody", "provider: {name: Wire}\n---\nBody"))
    documents = build_site(settings_for(tmp_path, content_dir=content, max_items=1)).documents
    for fmt in (Format.ATOM, Format.RSS):
        images = {}
        for path in (p for p in documents if p.startswith("archives/all/") and p.endswith(fmt.value)):
            for entry in feedparser.parse(documents[path]).entries:
                media = [m["url"] for m in entry.get("media_content", [])]
                images[entry.title] = ([e["href"] for e in entry.get("enclosures", [])], media)
        assert images == {
            "Story 0": (["https://img.example.com/a.png"], []),
            "Story 1": ([], ["https://img.example.com/photo?id=7"]),
        }, fmt
    items = [
        item
        for path, body in documents.items()
        if path.startswith("archives/all/") and path.endswith(".json")
        for item in json.loads(body)["items"]
    ]
    assert [(item["authors"], "author" in item) for item in items] == [([{"name": "Wire"}], False)] * 2
