"""``feeds new``: the article's text, its file name, and the command, read back by our own loader."""

from __future__ import annotations

import re
from datetime import datetime
from datetime import timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from feeds.cli import cli
from feeds.model import Article
from feeds.source.limits import MAX_TOPIC_CHARS
from feeds.source.parse import parse_article
from feeds.starter import article_name
from feeds.starter import article_text
from feeds.starter import write_article
from feeds.text import plain_text

NOW = datetime(2026, 3, 1, 9, 5, 7, 123456, tzinfo=ZoneInfo("Asia/Kolkata"))

#: Titles that YAML would misread, cut short or refuse unless they are quoted or escaped.
NASTY_TITLES = [
    'Re: "quoted" and a # that is not a comment',
    "- starts like a list item",
    "? starts like a complex key",
    "yes",
    "off",
    "null",
    "~",
    "0o17",
    "1:30",
    "3.0",
    "@handle and `ticks`",
    "'single quotes' at both ends'",
    "a: b: c",
    "[brackets] {braces} & *stars* | pipes > and % percent !bang",
    "trailing colon:",
    "back\\slash and \\n not a newline",
    "---",
    "...",
    "Ключевые новости: рынок растёт",
    "日本語のタイトル：東京で「会議」",
    "عنوان عربي: هل #1؟",
    "हिन्दी शीर्षक - समाचार",
    "Ελληνικά: «εισαγωγικά»",
    "Emoji 🎉: party 🚀",
    "x" * 300,  # a line PyYAML would fold at its default width
]


def read_back(text: str) -> Article:
    article, problems = parse_article(text.encode("utf-8"), "new.md", mtime_ns=0)
    assert problems == []
    return article


def test_article_text_is_front_matter_and_an_empty_body() -> None:
    assert article_text("Hello", NOW, ["News"]) == (
        "---\n"
        "title: Hello\n"
        "publishedDateTime: '2026-03-01T09:05:07+05:30'\n"
        "topics:\n"
        "- News\n"
        "webUrl: ''\n"
        "published: true\n"
        "---\n"
        "\n"
    )


def test_article_text_with_url_and_draft() -> None:
    article = read_back(article_text("Hello", NOW, ["News", "AI"], "https://example.org/hello", draft=True))
    assert article.url == "https://example.org/hello"
    assert article.is_draft
    assert article.topics == ("News", "AI")
    assert article.published == datetime(2026, 3, 1, 3, 35, 7, tzinfo=timezone.utc)
    assert not article.dated_from_file
    assert article.body == ""


def test_article_text_needs_an_aware_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        article_text("Hello", NOW.replace(tzinfo=None))


@pytest.mark.parametrize("title", NASTY_TITLES)
def test_nasty_titles_and_topics_read_back_the_same(title: str) -> None:
    topics = [title[:MAX_TOPIC_CHARS], "on", "1.0", "C++: a language", "Café Culture"]  # longer names are cut
    text = article_text(title, NOW, topics)
    assert text.count("\n---\n") == 1 and text.startswith("---\n")  # nothing closes the front matter early
    article = read_back(text)
    assert article.title == title
    assert article.topics == tuple(topics)
    assert not article.is_draft and article.url is None


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1, max_size=60).filter(lambda t: plain_text(t) == t))
def test_any_title_reads_back_the_same(title: str) -> None:
    assert read_back(article_text(title, NOW, [title])).title == title


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Hello, World!", "2026-03-01-hello-world.md"),
        ("Café au lait", "2026-03-01-cafe-au-lait.md"),
        ("Ключевые новости", "2026-03-01-ключевые-новости.md"),
        ("東京 会議", "2026-03-01-東京-会議.md"),
        ("한국어 뉴스", "2026-03-01-한국어-뉴스.md"),
        ("!!! ??? ...", "2026-03-01-untitled.md"),
        ("🎉🚀", "2026-03-01-untitled.md"),
        ("../../etc/passwd", "2026-03-01-etc-passwd.md"),
        # A name Windows reserves is marked as an article's, not a topic's ("con-topic": an outside probe).
        ("CON", "2026-03-01-con-article.md"),
    ],
)
def test_article_name_is_dated_and_slugged(title: str, name: str) -> None:
    assert article_name(title, NOW) == name


def test_article_name_is_dated_in_the_time_zone_of_now() -> None:
    late = datetime(2026, 3, 1, 23, 30, tzinfo=ZoneInfo("America/New_York"))
    assert article_name("Hello", late) == "2026-03-01-hello.md"  # already March 2 in UTC
    assert article_name("Hello", late.astimezone(timezone.utc)) == "2026-03-02-hello.md"


@pytest.mark.parametrize("title", ["語" * 300, "é" * 300, "x" * 300, "🎉a" * 200])
def test_a_long_title_in_any_script_gives_a_name_the_file_system_takes(tmp_path: Path, title: str) -> None:
    name = article_name(title, NOW, number=999)
    assert len(name.encode("utf-8")) <= 150
    (tmp_path / name).write_text("x")


def test_write_article_never_overwrites(tmp_path: Path) -> None:
    first = write_article(tmp_path / "content", "Hello", NOW)
    first.write_text("edited\n")
    second = write_article(tmp_path / "content", "Hello", NOW, draft=True)
    third = write_article(tmp_path / "content", "Hello", NOW)
    assert [p.name for p in (first, second, third)] == [
        "2026-03-01-hello.md",
        "2026-03-01-hello-2.md",
        "2026-03-01-hello-3.md",
    ]
    assert first.read_text() == "edited\n"
    assert read_back(second.read_text()).is_draft


# The command: the clock, the config's zone and content folder, the options.


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with a config that keeps its articles in posts/ and dates them in Tokyo."""
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "feeds.yaml").write_text("content: ../posts\ntimezone: Asia/Tokyo\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def new(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["new", *args])
    return result.exit_code, result.stdout, result.stderr


def test_new_writes_into_the_configs_content_folder_and_prints_the_path(site: Path) -> None:
    before = datetime.now(timezone.utc).replace(microsecond=0)
    code, out, err = new("Hello: world", "--topic", "News", "--topic", "AI", "--url", "https://example.org/h")
    after = datetime.now(timezone.utc)
    assert code == 0, err
    assert re.fullmatch(r"posts/\d{4}-\d\d-\d\d-hello-world\.md\n", out)
    text = (site / out.strip()).read_text(encoding="utf-8")
    assert re.search(r"^publishedDateTime: '\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00'$", text, re.M)
    article = read_back(text)
    assert (article.title, article.topics, article.url) == (
        "Hello: world",
        ("News", "AI"),
        "https://example.org/h",
    )
    assert before <= article.published <= after
    assert (
        out.strip().split("/")[1][:10]
        == article.published.astimezone(ZoneInfo("Asia/Tokyo")).date().isoformat()
    )


def test_new_twice_adds_a_number_and_draft_marks_it(site: Path) -> None:
    assert new("Hello")[0] == 0
    code, out, _ = new("Hello", "--draft")
    assert code == 0
    assert out.strip().endswith("-hello-2.md")
    assert read_back((site / out.strip()).read_text()).is_draft


def test_new_takes_the_content_option_and_another_config(site: Path, tmp_path: Path) -> None:
    code, out, _ = new("Hello", "--content", str(tmp_path / "drafts"))
    assert code == 0
    assert out.startswith("drafts/")
    (tmp_path / "other.yaml").write_text("content: elsewhere\n")
    code, out, _ = new("Hello", "--config", str(tmp_path / "other.yaml"))
    assert code == 0
    assert out.startswith("elsewhere/")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["   "], "Invalid value for TITLE: has no text"),
        (["Hello", "--url", "ftp://example.org/x"], "Invalid value for --url"),
        (["Hello", "--url", "javascript:alert(1)"], "Invalid value for --url"),
        (["Hello", "--url", "example.org/x"], "Invalid value for --url"),
        # Addresses every build would leave out with a warning (an outside probe): refused, saying why.
        (["Hello", "--url", "https://[::1]/x"], "has an IPv6 address for a host"),
        (["Hello", "--url", "https://user:pw@example.org/x"], "has a user name or password"),
        (["Hello", "--url", "https://example.org/a b"], "has a space or a character no URL holds"),
        (["Hello", "--topic", " "], "Invalid value for --topic"),
        (["Hello", "--config", "missing.yaml"], "missing.yaml: no such config file"),
    ],
)
def test_new_refuses_bad_input_and_writes_nothing(site: Path, args: list[str], message: str) -> None:
    code, _, err = new(*args)
    assert code == 2
    assert message in err
    assert not (site / "posts").exists()


@pytest.mark.parametrize(
    "title", ["Why <b> tags matter", "C++ &amp; F#", "<!-- c --> hidden?", "a < b & c > d"]
)
def test_a_title_with_markup_comes_back_as_written(site: Path, title: str) -> None:
    """A build strips a title's tags and decodes its entities: the title was written raw and lost
    words without a warning (an outside probe)."""
    code, out, err = new(title)
    assert code == 0, err
    assert read_back((site / out.strip()).read_text(encoding="utf-8")).title == title


def test_new_without_a_config_or_a_content_folder_makes_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It made ``content/`` in whatever folder the shell was in (an outside probe)."""
    monkeypatch.chdir(tmp_path)
    code, _, err = new("Stray")
    assert code == 2 and "content is not a folder (no config file" in err
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "content").mkdir()
    assert new("Kept")[0] == 0


def test_a_title_whose_tag_would_act_in_html_is_warned_of(site: Path) -> None:
    code, out, err = new("Why <script> tags matter")
    assert code == 0
    assert "warning: the title reads as 'Why tags matter'" in err
    assert read_back((site / out.strip()).read_text(encoding="utf-8")).title == "Why tags matter"
