"""Command-line builds after a few changes replan from the last build's memo, and the web app from
its last plan; whatever happens to the content, the result is byte for byte that of a build from
nothing, and the memo or plan is set aside whenever it cannot know the answer (shared ids, new
topics, a channel running short or empty)."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from feeds.build.cache import cache_context
from feeds.build.cache import cache_folder
from feeds.build.cache import read_state
from feeds.build.cache import write_state
from feeds.build.pipeline import build_every_entry
from feeds.build.pipeline import build_site
from feeds.build.pipeline import build_with_memo
from feeds.build.result import BuildResult
from feeds.config import Settings
from feeds.plan.replan import SPARE
from feeds.source.versions import Version
from feeds.source.versions import pack_versions
from feeds.source.versions import version_changes
from tests.conftest import make_settings

TOPICS = ["AI", "Space", "Climate"]


def article(
    number: int,
    day: int,
    topics: list[str],
    draft: bool = False,
    related: int | None = None,
    url: bool = True,
) -> str:
    """Without ``url``, an article that gets a page of its own, titled like others (so that their
    pages' slugs collide)."""
    lines = [
        "---",
        f"title: Story {number} on day {day}" if url else f"title: Story without a link {day % 3}",
        *([f"webUrl: https://news.example.com/{number}"] if url else []),
        "publishedDateTime: 2021-01-01T00:00:00Z"
        if day == 0
        else f"publishedDateTime: 2021-03-{day:02d}T12:00:00Z",
        f"published: {'false' if draft else 'true'}",
        "topics:",
        *(f"  - {name}" for name in topics),
    ]
    if related is not None:
        lines += [
            "related:",
            f"  - title: Also story {related}",
            f"    webUrl: https://news.example.com/{related}",
            "    publishedDateTime: 2021-02-01T00:00:00Z",
        ]
    return "\n".join([*lines, "---", f"Body of {number}.", ""])


def write(folder: Path, name: str, text: str, tick: int) -> None:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(tick * 1_000_000_000, tick * 1_000_000_000))  # a new time for every write


class Site:
    """A content folder and its cache, built the way ``feeds build`` builds."""

    def __init__(self, root: Path, max_items: int = 3) -> None:
        self.content = root / "content"
        self.content.mkdir()
        self.settings: Settings = dataclasses.replace(
            make_settings(max_items=max_items), content_dir=self.content, output_dir=root / "public"
        )
        self.tick = 1_600_000_000

    def put(self, name: str, text: str) -> None:
        self.tick += 1
        write(self.content, name, text, self.tick)

    def build(self) -> BuildResult:
        """An incremental build from the cache, checked against a build from nothing."""
        folder, zone = cache_folder(self.settings.output_dir), cache_context(self.settings)
        result = build_with_memo(self.settings, read_state(folder, zone, records=False))
        write_state(folder, zone, result.state, (*result.changed, *result.removed))
        cold = build_site(self.settings)
        assert result.documents == cold.documents
        assert [str(e) for e in result.errors] == [str(e) for e in cold.errors]
        assert result.warnings == cold.warnings
        assert result.site.skipped == cold.site.skipped
        assert (result.files, result.articles) == (cold.files, cold.articles)
        return result


class LiveContent(Site):
    """A content folder built the way the web app builds it: every entry, from the last result."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.last: BuildResult | None = None

    def build(self) -> BuildResult:
        last = self.last
        result = build_every_entry(
            self.settings,
            last.state if last else None,
            previous_refs=last.site.everything.refs if last else (),
            previous_plan=last.plan if last else None,
        )
        cold = build_every_entry(self.settings)
        assert result.documents == cold.documents
        assert [str(e) for e in result.errors] == [str(e) for e in cold.errors]
        assert result.warnings == cold.warnings
        assert result.site.skipped == cold.site.skipped
        assert result.plan is not None and cold.plan is not None
        assert result.plan.census == cold.plan.census
        assert [(c.stem, c.total, c.refs) for c in result.plan.channels] == [
            (c.stem, c.total, c.refs) for c in cold.plan.channels
        ]
        assert result.plan.pages == cold.plan.pages
        assert result.plan.page_refs == cold.plan.page_refs
        self.last = result
        return result


@pytest.fixture(params=["cli", "web app"])
def site(tmp_path: Path, request: pytest.FixtureRequest) -> Site:
    """Twelve articles built once, the command line's way or the web app's (``LiveContent``)."""
    site = Site(tmp_path) if request.param == "cli" else LiveContent(tmp_path)
    for number in range(12):
        site.put(f"{number:02d}.md", article(number, number + 1, [TOPICS[number % 3]]))
    first = site.build()
    assert not first.replanned  # nothing to replan from yet
    return site


def test_an_edit_an_addition_and_a_deletion_are_replanned(site: Site) -> None:
    site.put("05.md", article(5, 28, ["Space"]))  # now the newest
    result = site.build()
    assert result.replanned and result.changed == ("05.md",)
    assert b"Story 5 on day 28" in result.documents["all.atom"]
    site.put("20.md", article(20, 27, ["AI", "Climate"]))
    assert site.build().replanned
    (site.content / "20.md").unlink()
    result = site.build()
    assert result.replanned and result.removed == ("20.md",)
    site.put("11.md", article(11, 12, ["AI"], draft=True))
    assert site.build().replanned
    site.put("03.md", "---\ntitle: [broken\n---\n")
    result = site.build()
    assert result.replanned and len(result.errors) == 1


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda s: s.put("04.md", article(4, 5, ["Brand new"])), id="new topic"),
        pytest.param(lambda s: s.put("04.md", article(4, 5, ["AI"], related=7)), id="shared id"),
        pytest.param(lambda s: s.put("04.md", article(4, 5, ["ai"])), id="merged topic name"),
        pytest.param(lambda s: [(s.content / f"{n:02d}.md").unlink() for n in (2, 5, 8, 11)], id="topic emptied"),
    ],
)  # fmt: skip
def test_what_the_memo_cannot_know_is_planned_from_every_file(site: Site, change) -> None:  # type: ignore[no-untyped-def]
    change(site)
    assert not site.build().replanned


def test_articles_without_a_url_keep_their_pages_through_replans(site: Site) -> None:
    """Every one gets a page, shown in a feed or not; titles that collide are told apart in path
    order, and a replan moves the suffixes as a build from nothing would."""
    site.put("30.md", article(30, 1, ["AI"], url=False))  # older than everything: in no CLI feed
    result = site.build()
    assert result.replanned
    assert dict(result.site.pages) == {"30.md": "entries/story-without-a-link-1.html"}
    assert "entries/story-without-a-link-1.html" in result.documents
    site.put("25.md", article(25, 28, ["Space"], url=False))  # same title, earlier in path order
    result = site.build()
    assert result.replanned
    assert dict(result.site.pages) == {
        "25.md": "entries/story-without-a-link-1.html",
        "30.md": "entries/story-without-a-link-1-2.html",
    }
    assert b"entries/story-without-a-link-1.html" in result.documents["all.atom"]
    (site.content / "25.md").unlink()
    result = site.build()
    assert result.replanned
    assert dict(result.site.pages) == {"30.md": "entries/story-without-a-link-1.html"}
    assert "entries/story-without-a-link-1-2.html" not in result.documents


def test_a_channel_that_runs_short_is_planned_again(tmp_path: Path) -> None:
    site = Site(tmp_path, max_items=2)
    count = 2 + SPARE + 3
    for number in range(count):
        site.put(f"{number:03d}.md", article(number, 0, ["AI"]) if number else article(0, 1, ["AI"]))
    site.build()
    results = []
    for number in range(count - 1, count - 1 - SPARE - 3, -1):  # the newest first, one at a time
        (site.content / f"{number:03d}.md").unlink()
        results.append(site.build().replanned)
    assert results[0] and not all(results)


def test_changes_between_scans() -> None:
    before = [(f"{n:02d}.md", 1, 1, n) for n in range(10)]
    now = [*before[:3], ("03.md", 2, 2, 3), *before[4:8], ("08b.md", 1, 1, 99), *before[9:]]

    def changes(a: list[Version], b: list[Version]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return version_changes(pack_versions(a), pack_versions(b))[:2]

    assert changes(before, now) == (("03.md", "08b.md"), ("08.md",))
    assert changes(before, before) == ((), ())
    assert changes([], before) == (tuple(v[0] for v in before), ())
    assert changes(before, []) == ((), tuple(v[0] for v in before))


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["edit", "topics", "draft", "share", "delete", "add", "break", "rename", "no url"]),
        st.integers(0, 13),
        st.integers(0, 28),
    ),
    min_size=1,
    max_size=6,
)


@pytest.mark.parametrize("kind", [Site, LiveContent], ids=["cli", "web app"])
@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=OPERATIONS)
def test_any_changes_build_what_a_build_from_nothing_builds(tmp_path_factory, kind, operations) -> None:  # type: ignore[no-untyped-def]
    site = kind(tmp_path_factory.mktemp("site"))
    for number in range(10):
        site.put(f"{number:02d}.md", article(number, number + 1, [TOPICS[number % 3]]))
    site.build()
    for operation, number, day in operations:
        name = f"{number:02d}.md"
        exists = (site.content / name).exists()
        if operation == "edit" or (operation == "add" and not exists):
            site.put(name, article(number, day, [TOPICS[number % 3]]))
        elif operation == "topics":
            site.put(name, article(number, day, [TOPICS[day % 3], *(["Sport"] if day > 25 else [])]))
        elif operation == "draft":
            site.put(name, article(number, day, [TOPICS[number % 3]], draft=day % 2 == 0))
        elif operation == "share":
            site.put(name, article(number, day, [TOPICS[number % 3]], related=day % 14))
        elif operation == "delete" and exists:
            (site.content / name).unlink()
        elif operation == "break":
            site.put(name, "---\ntitle: [broken\n---\n")
        elif operation == "rename" and exists:
            (site.content / name).rename(site.content / f"{number:02d}-moved.md")
        elif operation == "no url":  # its page's slug may collide, and a related item links to it
            related = day % 14 if day > 20 else None
            site.put(name, article(number, day, [TOPICS[number % 3]], related=related, url=False))
        site.build()
