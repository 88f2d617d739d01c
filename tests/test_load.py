"""The loader: content files → Article values, bad files → ``path:line`` errors, never exceptions.

Every input case is a tiny file under ``tests/data/load/``, named for the case it tests.
Line numbers below were counted by hand from those files (1-based, the opening ``---`` is line 1).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from datetime import tzinfo
from pathlib import Path

import pytest

from feeds.build.pipeline import build_site
from feeds.errors import ContentError
from feeds.model import Article
from feeds.model import BodyFormat
from feeds.model import Image
from feeds.model import Provider
from feeds.source.parse import load_file
from feeds.source.parse import parse_article
from feeds.source.scan import file_path
from feeds.source.scan import scan_content
from tests.conftest import make_settings

DATA = Path(__file__).resolve().parent / "data" / "load"
#: The modification time handed to ``parse_article``: 2021-02-16T03:47:00.9Z (kept to the microsecond).
MTIME = datetime(2021, 2, 16, 3, 47, 0, 900000, tzinfo=timezone.utc).timestamp()
MTIME_DATE = datetime(2021, 2, 16, 3, 47, 0, 900000, tzinfo=timezone.utc)
MTIME_NS = int(MTIME_DATE.timestamp()) * 1_000_000_000 + 900_000_000
UTC_MINUS_5 = timezone(timedelta(hours=-5))


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=timezone.utc)


def parse(name: str, tz: timezone = timezone.utc) -> tuple[Article, list[ContentError]]:
    """Parse one fixture file, with its name as the content path."""
    return parse_article((DATA / name).read_bytes(), name, MTIME_NS, tz)


def parse_error(name: str) -> ContentError:
    with pytest.raises(ContentError) as info:
        parse(name)
    return info.value


def bad_line(name: str) -> str:
    """The text of the line an error names."""
    line = parse_error(name).line
    assert line is not None
    return (DATA / name).read_text().splitlines()[line - 1]


def warning_lines(warnings: list[ContentError]) -> list[tuple[int | None, str]]:
    return [(w.line, w.message) for w in warnings]


# --- 1. Files that must be skipped -------------------------------------------------------------------

#: name → (line, part of the message). Lines are the real lines of the fixture files.
BAD = {
    "invalid_yaml.md": (3, "invalid YAML: mapping values are not allowed"),
    "front_matter_never_closed.md": (1, "never closed by a second '---' line"),
    "front_matter_not_mapping.md": (2, "front matter must be a mapping of fields"),
    "tabs_in_yaml.md": (5, "found character that cannot start any token"),
    "empty.md": (1, "empty file"),
    "binary_garbage.md": (3, "binary file (contains NUL bytes)"),  # the line of its first NUL
    "not_utf8.txt": (3, "not UTF-8 text (byte 0xe9 at offset 19)"),
    "title_missing.md": (1, "title is missing or empty"),  # the front matter's first line
    "title_empty.md": (3, "title is missing or empty"),
    "title_not_text.md": (3, "title must be text, not a list"),
    "topics_mapping.md": (4, "topics must be a list of names (or one name), not a mapping"),
    "related_not_a_list.md": (4, "related must be a list of items, not text"),
    "impossible_date.md": (4, "publishedDateTime: '2021-02-30T10:00:00Z' is no date in the calendar"),
    "published_not_boolean.md": (4, "published must be true or false, not 'maybe'"),
    "quality_not_a_number.md": (4, "quality must be a number, not text"),
    # Known bugs (the expectation is the correct behaviour):
    "invalid_yaml_after_blank_line.md": (4, "invalid YAML: mapping values are not allowed"),
    "line_of_first_key.md": (2, "title is missing or empty"),
    "line_of_key_after_blank_line.md": (5, "topics must be a list of names"),
    "title_missing_with_related.md": (1, "title is missing or empty"),
    "plain_text_title_only_markup.txt": (3, "the first line (the title) has no text"),
    "quality_nan.md": (4, "quality must be a finite number"),
    "date_before_1900.md": (4, "outside the years 1900–9999 that feeds can carry"),
    "lone_surrogate_escape.md": (2, "invalid Unicode character escape code"),
}


def _bad_params() -> list[object]:
    return [pytest.param(name, line, message, id=name) for name, (line, message) in BAD.items()]


@pytest.mark.parametrize(("name", "line", "message"), _bad_params())
def test_bad_file_is_an_error_with_its_line(name: str, line: int | None, message: str) -> None:
    error = parse_error(name)
    assert error.path == name
    assert message in error.message
    assert error.line == line
    where = name if line is None else f"{name}:{line}"
    assert str(error) == f"{where}: {error.message}"


def test_yaml_error_lines_point_at_the_bad_line() -> None:
    """The line of a YAML error is the line that holds the mistake, checked against the file's text."""
    assert bad_line("invalid_yaml.md") == "title: Minneapolis: a city votes"
    assert bad_line("tabs_in_yaml.md") == "\t- AI"


def test_yaml_error_line_after_a_blank_first_line() -> None:
    assert bad_line("invalid_yaml_after_blank_line.md") == "title: Minneapolis: a city votes"


def test_control_characters_in_front_matter_are_stripped() -> None:
    article, warnings = parse("control_characters.md")
    assert article.title == "Control characters here"
    assert article.excerpt == "Bell and escape gone"
    assert warnings == []


def test_plain_text_title_made_of_dashes_is_not_front_matter() -> None:
    article, warnings = parse("plain_text_dashes_title.txt")
    assert article.title == "---- Breaking ----"
    assert article.body_format is BodyFormat.TEXT


def test_control_characters_in_plain_text_are_stripped() -> None:
    article, warnings = parse("plain_text_control_characters.txt")
    assert article.title == "Control characters in a plain title"
    assert article.body == "Body text."
    assert warnings == []


# --- 2. Good and forgiving files ---------------------------------------------------------------------


def test_utf8_bom() -> None:
    article, warnings = parse("utf8_bom.md")
    assert article.title == "Byte order mark"
    assert article.category == "news"
    assert article.body == "Body."
    assert article.body_format is BodyFormat.MARKDOWN
    assert warnings == []


def test_crlf_line_endings() -> None:
    article, warnings = parse("crlf_line_endings.md")
    assert article.title == "Windows line endings"
    assert article.published == utc(2021, 2, 16, 3, 47)
    assert article.dated_from_file is False
    assert article.topics == ("AI", "Robotics")
    assert article.body == "Line one\n\nLine two"
    assert warnings == []


def test_topics_number() -> None:
    article, warnings = parse("topics_number.md")
    assert article.topics == ("42",)
    assert warnings == []


def test_topics_single_string() -> None:
    article, warnings = parse("topics_single_string.md")
    assert article.topics == ("Computer Vision",)
    assert warnings == []


def test_topics_bad_items_are_dropped_with_warnings() -> None:
    article, warnings = parse("topics_bad_items.md")
    assert article.topics == ("AI", "Robotics", "3")  # markup stripped, duplicate "AI" merged
    assert warning_lines(warnings) == [
        (4, "topics item 2 must be a name, not a mapping; left out"),
        (4, "topics item 3 must be a name, not a list; left out"),
        (
            4,
            "topics item 4 must be a name, not true/false (YAML reads NO, yes, on and off so: quote it); left out",
        ),
    ]
    assert all(w.path == "topics_bad_items.md" for w in warnings)


def test_related_broken_items_are_dropped_with_warnings() -> None:
    article, warnings = parse("related_broken_items.md")
    assert len(article.related) == 1
    item = article.related[0]
    assert item.title == "Fine item"
    assert item.url == "https://other.example.com/fine"
    assert item.published == utc(2021, 2, 15, 21, 41)
    assert warning_lines(warnings) == [
        (5, "related item 1: must be a mapping of fields, not text; left out"),
        (6, "related item 2: has no title; left out"),
        (7, "related item 3: has no absolute http(s) webUrl; left out"),
    ]


def test_related_item_warning_points_at_the_items_line() -> None:
    article, warnings = parse("related_item_bad_date.md")
    assert article.related == ()
    assert len(warnings) == 1
    assert "publishedDateTime: '2021-02-30T10:00:00Z' is no date in the calendar" in warnings[0].message
    assert warnings[0].line == 8


def test_images_bad_urls_are_dropped_with_warnings() -> None:
    article, warnings = parse("images_bad_urls.md")
    assert article.images == (Image(url="https://cdn.example.com/ok.jpg", width=1200, height=800),)
    assert warning_lines(warnings) == [
        (4, "images item 1 has no url; left out"),
        (4, "images item 2: '/uploads/relative.jpg' is not an absolute http(s) URL; left out"),
        (4, "images item 3: 'javascript:alert(1)' is not an absolute http(s) URL; left out"),
    ]


@pytest.mark.parametrize(
    ("name", "tz", "published"),
    [
        ("date_only.md", timezone.utc, utc(2021, 2, 16, 0, 0)),
        ("date_only.md", UTC_MINUS_5, utc(2021, 2, 16, 5, 0)),
        ("naive_datetime.md", timezone.utc, utc(2021, 2, 16, 3, 47)),
        ("naive_datetime.md", UTC_MINUS_5, utc(2021, 2, 16, 8, 47)),
    ],
)
def test_dates_without_zone_use_the_given_zone(name: str, tz: timezone, published: datetime) -> None:
    article, warnings = parse(name, tz)
    assert article.published == published
    assert article.published.tzinfo is timezone.utc
    assert article.dated_from_file is False
    assert warnings == []


def test_no_date_uses_the_file_time() -> None:
    article, warnings = parse("no_date.md")
    assert article.published == MTIME_DATE  # with the fraction of a second
    assert article.published.tzinfo is timezone.utc
    assert article.dated_from_file is True
    assert warnings == []


def test_empty_published_date_time_falls_back_to_date() -> None:
    article, warnings = parse("empty_published_with_date.md")
    assert article.published == utc(2021, 2, 16, 3, 47)
    assert article.dated_from_file is False


def test_published_string_false_is_a_draft() -> None:
    article, warnings = parse("published_string_false.md")
    assert article.is_draft is True
    assert warnings == []


def test_no_published_field_is_not_a_draft() -> None:
    article, _ = parse("no_date.md")
    assert article.is_draft is False


def test_quality_string() -> None:
    article, warnings = parse("quality_string.md")
    assert article.quality == 39.5
    assert warnings == []


def test_html_in_title_and_excerpt_becomes_plain_text() -> None:
    article, warnings = parse("html_in_title.md")
    assert article.title == "Breaking: Cats & dogs"  # tags gone, script content gone, entity decoded
    assert article.excerpt == "An excerpt"
    assert article.body == "Body <b>kept</b>"  # the Markdown body is rendered (and sanitised) later
    assert warnings == []


def test_plain_text_with_provider() -> None:
    article, warnings = parse("plain_text_with_provider.txt")
    assert article.title == "Big news about AI"
    assert article.provider == Provider(name="The Verge")
    assert article.body == "First paragraph.\n\nSecond paragraph."
    assert article.body_format is BodyFormat.TEXT
    assert article.published == MTIME_DATE
    assert article.dated_from_file is True
    assert warnings == []


def test_plain_text_without_suffix() -> None:
    article, _ = parse("plain_text_without_suffix.txt")
    assert article.title == "Local council approves new bike lanes"
    assert article.provider is None
    assert article.body == "Body text."
    assert article.body_format is BodyFormat.TEXT


def test_plain_text_dash_before_many_words_is_no_provider() -> None:
    article, _ = parse("plain_text_dash_not_provider.txt")
    assert article.title == "Python 3 \u2013 a review of the new features of the language"
    assert article.provider is None


def test_original_url_fallback() -> None:
    article, warnings = parse("original_url_fallback.md")
    assert article.url == "https://example.com/original"
    assert warnings == []


def test_non_http_web_url_is_left_out_with_warnings() -> None:
    article, warnings = parse("non_http_weburl.md")
    assert article.url is None
    assert warning_lines(warnings) == [
        (4, "webUrl 'javascript:alert(1)' is not an absolute http(s) URL; left out"),
        (5, "originalUrl 'ftp://files.example.com/story.txt' is not an absolute http(s) URL; left out"),
    ]


# --- 3. Unknown fields go nowhere --------------------------------------------------------------------


def test_secured_and_unknown_fields_appear_nowhere() -> None:
    article, warnings = parse("unknown_fields_and_secured.md")
    assert article.title == "Unknown fields"
    assert article.images == (Image(url="https://cdn.example.com/a.jpg"),)
    assert [(r.title, r.url) for r in article.related] == [
        ("Other coverage", "https://other.example.com/story")
    ]
    assert warnings == []
    text = repr(article)
    for leaked in ("S3CR3T", "secured=", "987654", "heat=", "AMP-ONLY-PATH", "CDN-AMP-PATH", "isCached"):
        assert leaked not in text


def test_seed_secured_value_appears_nowhere() -> None:
    article, warnings = parse("seed_front_matter.txt")
    text = repr(article) + repr(warnings)
    assert "NELWcwY2hq" not in text
    assert "KNpeRqgjMjLPvyKESNLSCQ" not in text
    assert "secured" not in text
    assert "heat" not in text
    assert "ampWebUrl" not in text and "outputType=amp" not in text


# --- 4. Alias bomb -----------------------------------------------------------------------------------


def test_yaml_alias_bomb_is_bounded() -> None:
    """Nine levels of nine aliases (9**9 strings if expanded): an error or a small result, nothing else."""
    try:
        article, warnings = parse("yaml_alias_bomb.md")
    except ContentError as e:
        assert e.path == "yaml_alias_bomb.md"
    else:
        assert article.title == "Alias bomb"
        assert article.topics == ()
        assert len(warnings) <= 9
        assert len(repr(article)) < 2000


def _bomb(field: str, depth: int = 6) -> bytes:
    """Front matter whose ``a<depth>`` is 9**depth strings once expanded, and ``field`` using it."""
    lines = ["---", "title: T", "a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, depth + 1)]
    return "\n".join([*lines, field, "---", "Body.", ""]).encode()


@pytest.mark.parametrize(
    "field",
    [
        "published: *a6",
        "draft: *a6",
        "images: [{url: 'https://e.example/a.jpg', width: *a6}]",
        "related: [{title: R, webUrl: 'https://e.example/r', images: [{url: 'https://e.example/i.jpg', height: *a6}]}]",
    ],
)
def test_a_message_about_a_value_an_alias_bomb_makes_stays_short(field: str) -> None:
    """Messages quoted the value whole: 9**8 strings (a 388-byte file) made a 226 MB error line and
    1.4 GB of memory, and 9**10 ended the build with MemoryError (an outside probe)."""
    try:
        _, warnings = parse_article(_bomb(field), "bomb.md", 0.0)
        messages = [w.message for w in warnings]
    except ContentError as e:
        messages = [e.message]
    assert all(len(message) < 200 for message in messages), [m[:200] for m in messages]


def test_front_matter_with_more_aliases_than_the_limit_is_refused_unread() -> None:
    """PyYAML merges mappings (``<<: [*m, *m, ...]``) at the product of their sizes: 8,000 merges
    of 8,000 keys, in a file under the size limit, took 8 minutes (an outside probe)."""
    mapping = "m: &m {" + ", ".join(f"k{n}: 1" for n in range(300)) + "}"
    merges = "x: {<<: [" + ", ".join(["*m"] * 33) + "]}"
    with pytest.raises(ContentError) as info:
        parse_article(f"---\ntitle: T\n{mapping}\n{merges}\n---\nB\n".encode(), "m.md", 0.0)
    assert (info.value.line, info.value.message) == (
        4,
        "the front matter uses 33 aliases (*name), over the limit of 32; write the values out",
    )
    merges = "x: {<<: [" + ", ".join(["*m"] * 32) + "]}"
    parse_article(f"---\ntitle: T\n{mapping}\n{merges}\n---\nB\n".encode(), "m.md", 0.0)
    # A "*" in quoted text is no alias, however many there are (a probe of the first try).
    stars = " ".join(["*emphasis*"] * 200)
    parse_article(f"---\ntitle: T\nexcerpt: '{stars}'\n---\nB\n".encode(), "m.md", 0.0)


def test_a_file_that_fails_in_a_way_no_check_foresaw_is_skipped_with_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unforeseen exception while reading one file (a number too long to print did it) ended the
    whole build, and every rebuild of ``feeds serve`` after it; the file is skipped instead."""
    real = parse_article

    def failing(data: bytes, source: str, *args: object) -> object:
        if source == "bad.md":
            raise ValueError("Exceeds the limit (4300 digits) for integer string conversion")
        return real(data, source, *args)  # type: ignore[arg-type]

    monkeypatch.setattr("feeds.source.parse.parse_article", failing)
    (tmp_path / "bad.md").write_text("---\ntitle: Bad\ndate: 2021-01-01\n---\nx\n")
    (tmp_path / "good.md").write_text("---\ntitle: Good\ndate: 2021-01-02\n---\nx\n")
    result = build_site(make_settings(content_dir=tmp_path))
    assert [str(e) for e in result.errors] == [
        f"{tmp_path / 'bad.md'}: could not be read (ValueError: Exceeds the limit (4300 digits) for integer"
        " string conversion); this is a bug in feeds"
    ]
    assert b"Good" in result.documents["all.atom"] and b"Bad" not in result.documents["all.atom"]


# --- 5. Loading a folder -----------------------------------------------------------------------------

GOOD = {
    "duplicate_url_first.md",
    "duplicate_url_second.md",
    "topics_same_slug.md",
    "title_10000_characters.md",
    "date_far_future.md",
    "date_before_1970.md",
    "topics_odd_names.md",
    "topics_1000.md",
    "xss_everywhere.md",
    "control_characters.md",
    "plain_text_dashes_title.txt",
    "utf8_bom.md",
    "crlf_line_endings.md",
    "topics_number.md",
    "topics_single_string.md",
    "topics_bad_items.md",
    "related_broken_items.md",
    "related_item_bad_date.md",
    "images_bad_urls.md",
    "date_only.md",
    "naive_datetime.md",
    "no_date.md",
    "empty_published_with_date.md",
    "published_string_false.md",
    "quality_string.md",
    "html_in_title.md",
    "plain_text_control_characters.txt",
    "plain_text_with_provider.txt",
    "plain_text_without_suffix.txt",
    "plain_text_dash_not_provider.txt",
    "unknown_fields_and_secured.md",
    "original_url_fallback.md",
    "non_http_weburl.md",
    "seed_plain_text.txt",
    "seed_front_matter.txt",
}
#: Either outcome is acceptable (or wrong today, see the xfails): only "exactly one of the two" is checked.
EITHER = {"yaml_alias_bomb.md"}
ALWAYS_BAD = set(BAD) - EITHER


def test_fixture_tables_cover_every_file() -> None:
    on_disk = {p.name for p in DATA.iterdir()}
    assert on_disk == GOOD | ALWAYS_BAD | EITHER
    assert not GOOD & ALWAYS_BAD


def test_load_articles_over_the_fixture_folder() -> None:
    result = load_articles(DATA)
    assert result.files == len(GOOD | ALWAYS_BAD | EITHER)
    loaded = [a.source for a in result.articles]
    assert loaded == sorted(loaded)
    assert GOOD <= set(loaded)  # the rest still builds
    assert not ALWAYS_BAD & set(loaded)
    failed = [Path(e.path) for e in result.errors]
    assert all(path.parent == DATA for path in failed)
    failed_names = [path.name for path in failed]
    assert sorted(failed_names) == sorted(set(failed_names))  # exactly one error per bad file
    assert ALWAYS_BAD <= set(failed_names)
    assert not GOOD & set(failed_names)
    for name in EITHER:
        assert (name in loaded) != (name in failed_names), name
    assert len(loaded) + len(failed) == result.files
    for error in result.errors:
        name = Path(error.path).name
        if name in BAD:
            assert (error.line, BAD[name][1] in error.message) == (BAD[name][0], True), str(error)
    assert {Path(w.path).name for w in result.warnings} >= {
        "topics_bad_items.md",
        "related_broken_items.md",
        "images_bad_urls.md",
        "non_http_weburl.md",
    }
    assert all(Path(w.path).parent == DATA and Path(w.path).name in loaded for w in result.warnings)


def test_load_articles_reads_nested_folders_in_order(tmp_path: Path) -> None:
    root = tmp_path / "content"
    outside = tmp_path / "outside"
    (root / "b").mkdir(parents=True)
    (root / "c" / "d").mkdir(parents=True)
    (root / ".drafts").mkdir()
    outside.mkdir()
    front = "---\ntitle: {}\n---\nBody.\n"
    (root / "c" / "d" / "e.markdown").write_text(front.format("E"))
    (root / "b" / "z.md").write_text(front.format("Z"))
    (root / "b" / "a.txt").write_text("Plain A \u2013 Outlet\n\nBody.\n")
    (root / "b-x.md").write_text(front.format("BX"))  # "-" sorts before "/"
    (root / "a.md").write_text(front.format("A"))
    (root / "c" / "bad.md").write_text("---\ntitle: never closed\n")
    (root / ".hidden.md").write_text(front.format("Hidden"))
    (root / ".drafts" / "draft.md").write_text(front.format("Draft"))
    (root / "notes.rst").write_text(front.format("Notes"))
    (outside / "secret.md").write_text(front.format("Secret"))
    (root / "link.md").symlink_to(outside / "secret.md")
    (root / "linked_dir").symlink_to(outside, target_is_directory=True)
    os.utime(root / "b" / "a.txt", (MTIME, MTIME))

    result = load_articles(root)

    assert [a.source for a in result.articles] == ["a.md", "b-x.md", "b/a.txt", "b/z.md", "c/d/e.markdown"]
    assert [a.title for a in result.articles] == ["A", "BX", "Plain A", "Z", "E"]
    plain = result.articles[2]
    assert plain.provider == Provider(name="Outlet")
    assert plain.published == MTIME_DATE
    assert plain.dated_from_file is True
    assert [(e.path, e.line) for e in result.errors] == [(str(root / "c" / "bad.md"), 1)]
    assert result.warnings == ()
    assert result.files == 6


def test_file_times_keep_their_fraction_of_a_second(tmp_path: Path) -> None:
    """Two undated files saved within one second keep distinct dates, in the order they were saved:
    dates are as accurate as the file system's (to the microsecond)."""
    second = int(MTIME) * 1_000_000_000
    for name, offset_ns in (("a.txt", 250_001_000), ("b.txt", 250_000_000)):
        path = tmp_path / name
        path.write_text(f"Title {name}\n\nBody.\n", encoding="utf-8")
        os.utime(path, ns=(second + offset_ns, second + offset_ns))
    result = load_articles(tmp_path)
    dates = [article.published for article in result.articles]
    start = datetime.fromtimestamp(int(MTIME), tz=timezone.utc)
    assert dates == [start.replace(microsecond=250001), start.replace(microsecond=250000)]


# --- 6. The two real examples ------------------------------------------------------------------------


def test_seed_plain_text() -> None:
    article, warnings = parse("seed_plain_text.txt")
    assert article.title == "Minneapolis bans its police department from using facial recognition software"
    assert article.provider == Provider(name="TechCrunch")
    assert article.body.startswith("Minneapolis voted on Friday to ban the use of facial recognition")
    assert article.body.endswith("similar provisions for private companies were not included.")
    assert article.body.count("\n\n") == 4
    assert article.body_format is BodyFormat.TEXT
    assert article.published == MTIME_DATE
    assert article.dated_from_file is True
    assert article.topics == ()
    assert article.url is None
    assert article.is_draft is False
    assert warnings == []


def test_seed_front_matter() -> None:
    article, warnings = parse("seed_front_matter.txt")
    assert warnings == []
    assert article.title == "Minneapolis poised to ban facial recognition for police use"
    assert article.excerpt.startswith("Minneapolis cast a ballot to boycott")
    assert article.published == utc(2021, 2, 16, 3, 47)
    assert article.dated_from_file is False
    assert article.url == "https://techstory.in/minneapolis-poised-to-ban-facial-recognition-for-police-use/"
    assert article.provider == Provider(name="tech", domain="techstory.in")
    assert article.topics == ("Computer Vision", "AI")
    assert article.images == (
        Image(url="https://techstory.in/wp-content/uploads/2021/02/4645.jpg", width=1200, height=1200),
    )
    assert article.is_draft is True
    assert article.quality == 39
    assert article.category == "news"
    assert article.kind == "article"
    assert article.body == ""
    assert article.body_format is BodyFormat.MARKDOWN
    assert len(article.related) == 3
    first = article.related[0]
    assert (
        first.title == "Russian police use facial recognition or \u2018face control\u2019 against protesters"
    )
    assert first.url == (
        "https://www.nyoooz.com/features/technology/"
        "russian-police-use-facial-recognition-or-face-control-against-protesters.html/5476/"
    )
    assert first.published == utc(2021, 2, 14, 15, 21)
    assert first.provider == Provider(name="nyoooz.com", domain="nyoooz.com")
    assert first.quality == 52
    assert [(i.width, i.height) for i in first.images] == [(530, 360)]
    assert [r.provider.name for r in article.related if r.provider] == [
        "nyoooz.com",
        "New York Daily News",
        "Biometric Companies",
    ]
    assert [r.published for r in article.related] == [
        utc(2021, 2, 14, 15, 21),
        utc(2021, 2, 16, 9, 0),
        utc(2021, 2, 15, 21, 41),
    ]
    assert [r.quality for r in article.related] == [52, 48, 38]


@dataclass(frozen=True)
class LoadResult:
    """What loading a content folder gave."""

    articles: tuple[Article, ...]  #: in sorted path order
    errors: tuple[ContentError, ...]  #: one per skipped file
    warnings: tuple[ContentError, ...]  #: parts of files that were dropped; the file still counts
    files: int  #: content files found


def load_articles(root: Path, tz: tzinfo = timezone.utc) -> LoadResult:
    """Read every content file under ``root``; bad files become errors, never exceptions."""
    articles: list[Article] = []
    errors: list[ContentError] = []
    warnings: list[ContentError] = []
    files = scan_content(root)
    for file in files:
        source = file.source
        try:
            article, problems, _ = load_file(file_path(root, source), source, tz)
        except ContentError as e:
            errors.append(e)
            continue
        articles.append(article)
        warnings.extend(problems)
    return LoadResult(tuple(articles), tuple(errors), tuple(warnings), len(files))


def test_a_topic_name_over_its_limit_is_cut_with_a_warning(tmp_path: Path) -> None:
    """A name of 60,000 characters made its topic's page larger than any budget with no entry in
    it, and the whole build stopped, blaming the config's max_bytes (an outside probe)."""
    name = "é" * 60_000
    article, warnings = parse_article(
        f"---\ntitle: T\ndate: 2021-01-01\ntopics: ['{name}', AI]\n---\nB\n".encode(), "t.md", 0.0
    )
    digest = hashlib.sha1(name.encode()).hexdigest()[:8]
    assert article.topics == ("é" * 190 + "… " + digest, "AI")
    assert [str(w) for w in warnings] == [
        "t.md:4: topics item 1 has 60,000 characters, over the limit of 200; it is cut, "
        f"and ends in {digest}, a short hash of the whole name"
    ]
    (tmp_path / "t.md").write_text(
        f"---\ntitle: T\ndate: 2021-01-01\ntopics: ['{name}']\n---\nB\n", encoding="utf-8"
    )
    result = build_site(make_settings(content_dir=tmp_path))
    assert result.errors == () and len(result.site.channels) == 2


def test_long_topic_names_alike_in_their_first_200_characters_stay_two_topics(tmp_path: Path) -> None:
    """Cut at 200 characters, two such names were one topic without a word (an outside probe);
    names that differ only in case stay one topic, as short ones do."""
    common = "Proceedings of the committee " * 8
    for stem, topic in (("a", common + "Part A"), ("b", common + "Part B"), ("c", common.upper() + "PART A")):
        (tmp_path / f"{stem}.md").write_text(
            f"---\ntitle: {stem}\ndate: 2021-01-01\ntopics: ['{topic}']\n---\nB\n", encoding="utf-8"
        )
    result = build_site(make_settings(content_dir=tmp_path))
    topics = {channel.topic.name: channel.total for channel in result.site.channels if channel.topic}
    assert sorted(topics.values()) == [1, 2] and all(len(name) <= 200 for name in topics)
