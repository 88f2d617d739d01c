"""Related items without a date of their own sort just after their parent.

They used to take their parent's date and tie with it, the tie going by id: an article with 100,000
undated related items was pushed out of its own feed. Now they sort as if a moment older than the
parent (the smallest step a float allows), and show the parent's date.
"""

from __future__ import annotations

from pathlib import Path

import feedparser

from feeds.build import LiveBuilder
from feeds.build.builder import SiteBuilder
from feeds.build.pipeline import build_site
from feeds.source.scan import scan_content
from tests.conftest import make_settings


def _parent(related: int, dated: int = 0) -> str:
    items = "".join(
        f"  - title: Related {n}\n    webUrl: https://other.example.com/{n}\n"
        + (f"    publishedDateTime: 2021-02-0{n % 5 + 1}T09:00:00Z\n" if n < dated else "")
        for n in range(related)
    )
    return (
        "---\ntitle: Parent\nwebUrl: https://news.example.com/parent\n"
        f"publishedDateTime: 2021-02-10T12:00:00Z\ntopics: [AI]\nrelated:\n{items}---\nBody.\n"
    )


OLDER = "---\ntitle: Older {n}\nwebUrl: https://news.example.com/older{n}\npublishedDateTime: 2021-02-09T1{n}:00:00Z\ntopics: [AI]\n---\nB.\n"


def _titles(document: bytes) -> list[str]:
    return [entry.title for entry in feedparser.parse(document).entries]


def _content(tmp_path: Path, related: int, dated: int = 0) -> Path:
    content = tmp_path / "content"
    content.mkdir()
    (content / "parent.md").write_text(_parent(related, dated))
    for n in range(3):
        (content / f"older{n}.md").write_text(OLDER.format(n=n))
    return content


def test_undated_related_items_come_after_their_parent(tmp_path: Path) -> None:
    settings = make_settings(content_dir=_content(tmp_path, related=200), output_dir=tmp_path / "out")
    result = build_site(settings)
    for name in ("all.atom", "topics/ai.atom"):
        titles = _titles(result.documents[name])
        assert titles[0] == "Parent", name
        assert len(titles) == settings.max_items
        assert all(title.startswith("Related ") for title in titles[1:])
    parsed = feedparser.parse(result.documents["all.atom"]).entries
    assert parsed[0].published == parsed[1].published == "2021-02-10T12:00:00+00:00"  # the parent's date


def test_dated_related_items_keep_their_place(tmp_path: Path) -> None:
    settings = make_settings(content_dir=_content(tmp_path, related=6, dated=5), output_dir=tmp_path / "out")
    titles = _titles(build_site(settings).documents["all.atom"])
    assert titles[:2] == ["Parent", "Related 5"]  # undated: just after its parent
    assert titles[2:5] == ["Older 2", "Older 1", "Older 0"]  # 02-09
    assert titles[5:] == ["Related 4", "Related 3", "Related 2", "Related 1", "Related 0"]  # 02-05 to 02-01


def test_the_order_is_the_same_in_every_kind_of_build(tmp_path: Path) -> None:
    content = _content(tmp_path, related=80, dated=20)
    settings = make_settings(content_dir=content, output_dir=tmp_path / "out", max_items=30)
    cold = build_site(settings).documents
    assert _titles(cold["all.atom"])[0] == "Parent"
    builder = SiteBuilder(settings)
    assert builder.publish().result.documents == cold  # type: ignore[union-attr]
    assert builder.publish().up_to_date
    # One change: a new article, newer than the parent.
    (content / "newer.md").write_text(OLDER.format(n=9).replace("2021-02-09", "2021-02-11"))
    changed = build_site(settings).documents
    warm = SiteBuilder(settings).publish().result
    assert warm is not None and warm.replanned and warm.documents == changed
    titles = _titles(changed["all.atom"])
    assert titles[:2] == ["Older 9", "Parent"] and int(titles[2].split()[1]) >= 20  # undated
    # The server's builds: the plan updated after the same change.
    (content / "newer.md").unlink()
    live = LiveBuilder()
    assert live.build(settings, scan_content(content)).documents == cold
    (content / "newer.md").write_text(OLDER.format(n=9).replace("2021-02-09", "2021-02-11"))
    updated = live.build(settings, scan_content(content))
    assert updated.replanned and updated.documents == changed
