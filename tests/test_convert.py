"""Converter rules: selection, de-duplication, related items, topics, order and limits."""

from __future__ import annotations

from datetime import datetime
from datetime import timezone

from feeds.config import TopicSettings
from feeds.model import Provider
from feeds.model import RelatedItem
from feeds.model import RelatedMode
from feeds.names import path_id
from feeds.plan.entries import convert
from tests.conftest import make_article
from tests.conftest import make_settings


def related(number: int, **fields: object) -> RelatedItem:
    defaults: dict[str, object] = {
        "title": f"Related {number}",
        "url": f"https://other.example.net/{number}",
        "published": datetime(2021, 1, number, tzinfo=timezone.utc),
        "provider": Provider("Other", "other.example.net"),
    }
    return RelatedItem(**{**defaults, **fields})  # type: ignore[arg-type]


def titles(channel) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.title for e in channel.entries]


def test_related_items_become_entries_in_parent_topics_with_via_link() -> None:
    parent = make_article(1, topics=("AI", "Policy"), related=(related(1), related(2)))
    site = convert([parent], make_settings())
    entries = {e.title: e for e in site.everything.entries}
    assert set(entries) == {"Article 1", "Related 1", "Related 2"}
    child = entries["Related 1"]
    assert [t.name for t in child.topics] == ["AI", "Policy"]
    assert child.via is not None and child.via.url == parent.url
    assert [link.title for link in entries["Article 1"].related] == ["Related 1", "Related 2"]


def test_related_mode_links_and_off() -> None:
    parent = make_article(1, related=(related(1),))
    links = convert([parent], make_settings(related=RelatedMode.LINKS)).everything.entries
    assert [e.title for e in links] == ["Article 1"]
    assert [link.title for link in links[0].related] == ["Related 1"]
    off = convert([parent], make_settings(related=RelatedMode.OFF)).everything.entries
    assert off[0].related == ()


def test_related_item_without_date_takes_parent_date() -> None:
    parent = make_article(3, related=(related(1, published=None),))
    child = next(e for e in convert([parent], make_settings()).everything.entries if e.via)
    assert child.published == parent.published


def test_same_url_article_wins_over_related_item_and_topics_merge() -> None:
    article = make_article(1, topics=("Space",), url="https://news.example.com/story#top", title="Own title")
    duplicate = related(
        5, url="https://NEWS.example.com/story?utm_source=x&utm_medium=y", title="Related title"
    )
    other = make_article(2, topics=("Science",), related=(duplicate,))
    site = convert([article, other], make_settings())
    matches = [e for e in site.everything.entries if "news.example.com/story" in (e.url or "")]
    assert len(matches) == 1
    merged = matches[0]
    assert merged.title == "Own title"
    assert merged.id == "https://news.example.com/story"
    assert [t.name for t in merged.topics] == ["Science", "Space"]
    assert site.skipped.duplicates == 1
    science = next(c for c in site.topics if c.topic and c.topic.name == "Science")
    assert "Own title" in titles(science)


def test_two_articles_same_url_first_path_wins() -> None:
    first = make_article(1, url="https://x.example.com/a", title="First", topics=("A",))
    second = make_article(2, url="https://x.example.com/a", title="Second", topics=("B",))
    site = convert([first, second], make_settings())
    assert titles(site.everything) == ["First"]
    assert [t.name for t in site.everything.entries[0].topics] == ["A", "B"]


def test_drafts_left_out_with_related_unless_included() -> None:
    draft = make_article(1, is_draft=True, related=(related(1),))
    site = convert([draft, make_article(2)], make_settings())
    assert titles(site.everything) == ["Article 2"]
    assert site.skipped.drafts == 1
    with_drafts = convert([draft], make_settings(include_drafts=True))
    assert set(titles(with_drafts.everything)) == {"Article 1", "Related 1"}


def test_min_quality_leaves_out_low_articles_and_related_items() -> None:
    low = make_article(1, quality=10.0)
    good = make_article(2, quality=50.0, related=(related(1, quality=5.0), related(2, quality=80.0)))
    unscored = make_article(3)
    site = convert([low, good, unscored], make_settings(min_quality=20.0))
    assert set(titles(site.everything)) == {"Article 2", "Article 3", "Related 2"}
    assert site.skipped.low_quality == 2


def test_sorted_newest_first_with_id_tie_break_and_max_items() -> None:
    same_time = datetime(2021, 2, 1, tzinfo=timezone.utc)
    articles = [
        make_article(n, url=f"https://e.example.com/{name}", published=same_time)
        for n, name in ((1, "c"), (2, "a"), (3, "b"))
    ]
    articles.append(
        make_article(4, url="https://e.example.com/new", published=datetime(2021, 3, 1, tzinfo=timezone.utc))
    )
    site = convert(articles, make_settings(max_items=3))
    assert [e.url for e in site.everything.entries] == [
        "https://e.example.com/new",
        "https://e.example.com/a",
        "https://e.example.com/b",
    ]
    assert site.everything.total == 4
    # Same result whatever order the files came in.
    assert convert(list(reversed(articles)), make_settings(max_items=3)).everything == site.everything


def test_ids_from_url_or_content_path() -> None:
    no_url = make_article(1, url=None, source="sub/plain.txt")
    site = convert([no_url, make_article(2)], make_settings())
    ids = {e.title: e.id for e in site.everything.entries}
    assert ids["Article 1"] == path_id("sub/plain.txt")
    assert ids["Article 1"].startswith("urn:uuid:")
    assert ids["Article 2"] == "https://news.example.com/2"


def test_topic_slugs_merge_with_warning_and_config_rename_and_titles() -> None:
    articles = [
        make_article(1, topics=("Computer Vision",)),
        make_article(2, topics=("computer vision",)),
        make_article(3, topics=("ML",)),
    ]
    settings = make_settings(
        topics={
            "ML": TopicSettings(rename="Machine Learning"),
            "Machine Learning": TopicSettings(title="All about ML", description="Models"),
        }
    )
    site = convert(articles, settings)
    topics = {c.topic.slug: c for c in site.topics if c.topic}
    assert sorted(topics) == ["computer-vision", "machine-learning"]
    assert topics["computer-vision"].total == 2
    assert topics["computer-vision"].topic.name == "Computer Vision"  # type: ignore[union-attr]
    assert topics["machine-learning"].title == "All about ML"
    assert topics["machine-learning"].description == "Models"
    assert len(site.warnings) == 1
    assert "002.md" in site.warnings[0] and "computer-vision" in site.warnings[0]


def test_best_image_is_largest() -> None:
    from feeds.model import Image

    images = (Image("https://i.example.com/s.jpg", 10, 10), Image("https://i.example.com/l.jpg", 100, 50))
    site = convert([make_article(1, images=images)], make_settings())
    assert site.everything.entries[0].image == images[1]


def test_empty_site_has_all_channel_and_no_topics() -> None:
    site = convert([], make_settings())
    assert [c.stem for c in site.channels] == ["all"]
    assert site.everything.updated is None
