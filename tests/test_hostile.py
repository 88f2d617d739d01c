"""Every bad-input fixture at once: the good ones build into valid, safe feeds; the bad ones are
reported by path and line. (The cases themselves are in tests/data/load/, see test_load.py.)"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from lxml import etree

from feeds.build.pipeline import build_site
from feeds.build.result import BuildResult
from feeds.output.check import check_documents
from feeds.source.summary import entry_key
from tests.conftest import make_settings
from tests.conftest import without_own_script

DATA = Path(__file__).resolve().parent / "data" / "load"
ATOM_SCHEMA = Path(__file__).resolve().parent / "data" / "atom.rng"
#: Nothing a content file says may make any of these reach a document, raw or escaped inside
#: HTML content. (A Markdown link to javascript: stays as its literal text, which is harmless.)
UNSAFE = re.compile(
    rb"<script|&lt;script|<iframe|&lt;iframe|(?:href|src)=(?:\"|'|&quot;)?javascript:"
    rb"|onerror|onclick|style=|secured",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def hostile() -> BuildResult:
    return build_site(dataclasses.replace(make_settings(), content_dir=DATA, include_drafts=True))


@pytest.mark.slow
def test_every_document_is_valid(hostile: BuildResult) -> None:
    assert check_documents(hostile.documents) == []
    schema = etree.RelaxNG(etree.parse(str(ATOM_SCHEMA)))
    for path, body in hostile.documents.items():
        if path.endswith(".atom"):
            schema.assertValid(etree.fromstring(body))


@pytest.mark.slow
def test_nothing_unsafe_reaches_a_document(hostile: BuildResult) -> None:
    for path, body in hostile.documents.items():
        found = UNSAFE.search(without_own_script(body))
        assert found is None, f"{path}: {found.group(0)!r}" if found else ""


@pytest.mark.slow
def test_odd_topic_names_get_safe_single_segment_slugs(hostile: BuildResult) -> None:
    slugs = [c.topic.slug for c in hostile.site.topics if c.topic]
    assert len(slugs) > 20  # with the first 20 of the 1,000-topic article's (MAX_TOPICS)
    for slug in slugs:
        assert re.fullmatch(r"[\w-]+", slug), slug
        assert slug not in {"all", "con", ".", ".."}
    odd = {
        c.topic.name: c.topic.slug
        for c in hostile.site.topics
        if c.topic and c.topic.name in {"all", "..", "con", "🚀", "../etc", "a/b"}
    }
    assert odd["all"] == "all-topic"
    assert odd["con"] == "con-topic"
    assert odd["a/b"] == "a-b"
    assert odd["../etc"] == "etc"
    assert odd[".."].startswith("topic-") and odd["🚀"].startswith("topic-")


@pytest.mark.slow
def test_unmapped_fields_appear_in_no_document(hostile: BuildResult) -> None:
    """Values only found in fields we do not map (``secured``, ``heat``, ``ampWebUrl``...)."""
    for path, body in hostile.documents.items():
        for leaked in (b"S3CR3T", b"987654", b"AMP-ONLY-PATH", b"CDN-AMP-PATH", b"isCached"):
            assert leaked not in body, f"{path}: {leaked!r}"


@pytest.mark.slow
def test_duplicates_across_files_and_one_slug_for_two_names(hostile: BuildResult) -> None:
    copies = [e for e in hostile.site.everything.entries if e.id == "https://example.org/dup-story"]
    assert len(copies) == 1  # one entry, from the first file in path order, with both files' topics
    assert copies[0].title == "The first copy of a story"
    assert [t.name for t in copies[0].topics] == ["AI", "Climate"]
    same = [c.topic for c in hostile.site.topics if c.topic and c.topic.slug == "cafe-culture"]
    assert [t.name for t in same] == ["Café Culture"]
    assert any("merged into 'Café Culture'" in w for w in hostile.warnings)


@pytest.mark.slow
def test_far_future_and_early_dates_are_taken_as_written(hostile: BuildResult) -> None:
    entries = hostile.site.everything.entries
    assert entries[0].title == "From the far future"  # documented: a date in the future sorts first
    oldest = hostile.site.everything.refs[-1]
    assert oldest[1] == entry_key("https://example.org/past")  # 1901, the oldest accepted date


@pytest.mark.slow
def test_bad_files_are_reported_and_the_rest_builds(hostile: BuildResult) -> None:
    assert hostile.errors
    for error in hostile.errors:
        assert str(error).startswith(str(DATA / Path(error.path).name))
    assert hostile.articles == hostile.files - len(hostile.errors)
