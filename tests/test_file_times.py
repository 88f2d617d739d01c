"""File times and dates at the edges of what feeds can carry: a file time after 2262 (more
nanoseconds than 64 bits hold), an undated article whose file time is outside 1900-9999, and a
date in year 9999 that is year 10000 in the configured time zone. Each was a traceback that ended
the whole build; now the first builds, and the others are per-file errors."""

from __future__ import annotations

import dataclasses
import os
from datetime import timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from feeds.build.builder import SiteBuilder
from feeds.build.pipeline import build_site
from feeds.errors import ContentError
from feeds.source.parse import file_digest
from feeds.source.parse import parse_article
from feeds.source.scan import as_int64
from feeds.source.scan import scan_content
from feeds.source.versions import pack_versions
from tests.conftest import make_settings

NS = 1_000_000_000
YEAR_2446 = 15_000_000_000 * NS  # ext4's last second is in 2446; 64 bits of ns end in 2262
KIRITIMATI = ZoneInfo("Pacific/Kiritimati")  # UTC+14


def test_versions_of_a_file_time_past_2262_pack() -> None:
    assert as_int64(5) == 5 and as_int64(-5) == -5
    assert as_int64(YEAR_2446) != as_int64(YEAR_2446 + 1)
    pack_versions([("a.txt", 1, as_int64(YEAR_2446), 2)])  # OverflowError before


def test_the_digest_of_a_file_time_past_2262() -> None:
    assert file_digest(b"x", YEAR_2446) != file_digest(b"x", YEAR_2446 + 1)
    assert file_digest(b"x", -5) == file_digest(b"x", -5)


@pytest.mark.parametrize("time_ns", [YEAR_2446, 2_000_000_000 * NS])
def test_a_site_with_a_file_dated_after_2262_builds_twice(tmp_path: Path, time_ns: int) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "far.txt").write_text("Far\n\nBody.\n")
    (content / "ok.md").write_text("---\ntitle: Ok\ndate: 2021-01-01\n---\nx\n")
    os.utime(content / "far.txt", ns=(time_ns, time_ns))
    kept = os.stat(content / "far.txt").st_mtime_ns  # a file system may cut the time short
    assert [f.mtime_ns for f in scan_content(content) if f.source == "far.txt"] == [as_int64(kept)]
    settings = make_settings(content_dir=content, output_dir=tmp_path / "public")
    first = SiteBuilder(settings).publish(strict=False)
    second = SiteBuilder(settings).publish(strict=False)  # from the cache: the same versions
    assert first.errors == second.errors == ()
    assert second.up_to_date
    assert b"Far" in (tmp_path / "public" / "all.atom").read_bytes()


@pytest.mark.parametrize(
    ("seconds", "shown"), [(-3_800_000_000, "1849-08-01"), (400_000_000_000, "400000000000 s from 1970")]
)
def test_an_undated_article_whose_file_time_feeds_cannot_carry(seconds: int, shown: str) -> None:
    for text in (b"Plain title\n\nBody.\n", b"---\ntitle: No date\n---\nBody.\n"):
        with pytest.raises(ContentError) as info:
            parse_article(text, "t.md", seconds * 10**9)
        assert info.value.message == (
            f"the file's modification time ({shown}) is outside the years 1900–9999 that feeds can "
            "carry; give the article a date, or the file another time"
        )


def test_a_date_in_year_10000_in_the_configured_zone() -> None:
    text = b"---\ntitle: Last\ndate: 9999-12-31T23:00:00Z\n---\nx\n"
    article, _ = parse_article(text, "last.md", 0.0, timezone.utc)
    assert article.published.year == 9999
    with pytest.raises(ContentError, match="outside the years 1900–9999") as info:
        parse_article(text, "last.md", 0.0, KIRITIMATI)
    assert info.value.line == 3
    with pytest.raises(ContentError, match="modification time"):
        parse_article(b"Plain\n", "p.txt", 253402300000 * 10**9, KIRITIMATI)  # 9999-12-31T23:06:40Z


def test_a_date_in_year_1899_in_the_configured_zone() -> None:
    """The first year was checked in UTC only: 1900-01-01T03:00Z went into New York's archive
    month 1899-12, where the docs say the years hold in the configured zone (an outside probe)."""
    text = b"---\ntitle: First\ndate: 1900-01-01T03:00:00Z\n---\nx\n"
    article, _ = parse_article(text, "first.md", 0.0, timezone.utc)
    assert article.published.year == 1900
    with pytest.raises(ContentError, match="outside the years 1900–9999") as info:
        parse_article(text, "first.md", 0.0, ZoneInfo("America/New_York"))
    assert info.value.line == 3


def test_the_rest_of_a_site_with_archives_in_that_zone_builds(tmp_path: Path) -> None:
    (tmp_path / "last.md").write_text("---\ntitle: Last\ndate: 9999-12-31T23:00:00Z\n---\nx\n")
    (tmp_path / "ok.md").write_text("---\ntitle: Ok\ndate: 2021-01-01\n---\nx\n")
    (tmp_path / "ok2.md").write_text("---\ntitle: Ok two\ndate: 2021-02-01\n---\nx\n")
    settings = dataclasses.replace(make_settings(), content_dir=tmp_path, timezone="Pacific/Kiritimati")
    settings = dataclasses.replace(settings, archives=type(settings.archives)("monthly"))
    result = build_site(settings)
    assert [Path(e.path).name for e in result.errors] == ["last.md"]
    assert "archives/all/2021-02.atom" in result.documents
