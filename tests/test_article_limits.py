"""Articles just under the size limit: the work and the output per article are bounded.

Before, ``<div>`` × 80,000 (400 KB) took 41 s in the sanitiser, ``[a`` × 2 million 100 s in
markdown-it, a 4 MB table 39 s and 2.5 GB and 117 MB of output. Now a body is cut at
``MAX_BODY_CHARS``, a Markdown body with more than ``MAX_MARKUP`` Markdown characters is shown as
plain text, each with a ``path:line`` warning, and an entry's content HTML is bounded.
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime
from datetime import timezone
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

import feeds.source.limits
import feeds.source.parse
from feeds.build.pipeline import build_site
from feeds.cli import cli
from feeds.errors import ContentError
from feeds.model import BodyFormat
from feeds.model import Entry
from feeds.plan.entries import MAX_RELATED_LINKS
from feeds.render import site as site_module
from feeds.render.entry_html import MAX_CONTENT_CHARS
from feeds.render.entry_html import entry_html
from feeds.source.limits import MARKUP_COST
from feeds.source.limits import MAX_BODY_CHARS
from feeds.source.limits import MAX_FRONT_MATTER_CHARS
from feeds.source.limits import MAX_MARKUP_MICROSECONDS
from feeds.source.limits import MAX_TITLE_CHARS
from feeds.source.limits import MAX_TOPICS
from feeds.source.parse import parse_article
from tests.conftest import make_settings

FRONT = "---\ntitle: Big\npublishedDateTime: 2021-02-01T10:00:00Z\ntopics: [AI]\n---\n"


def _parse(body: str, front: str = FRONT, source: str = "big.md") -> tuple[str, BodyFormat, list[str]]:
    article, problems = parse_article((front + body).encode(), source, 0)
    return article.body, article.body_format, [str(p) for p in problems]


@pytest.mark.parametrize("unit", ["[a", "*a_", "| a | b |\n", "- a\n", "![a", "a\n"])
def test_a_body_with_too_much_markup_is_shown_as_plain_text(unit: str) -> None:
    cost = sum(unit.count(character) * each for character, each in MARKUP_COST.items())
    body = unit * (MAX_MARKUP_MICROSECONDS // cost + 100)
    text, body_format, problems = _parse(body)
    assert body_format is BodyFormat.TEXT and text == body.strip()
    assert len(problems) == 1
    assert problems[0].startswith(
        "big.md:6: the body's Markdown ([, *, line breaks...) would take up to 1.0 s"
    )
    assert problems[0].endswith("over the limit of 1 s; it is shown as plain text")


def test_a_long_post_is_markdown_and_renders_in_time() -> None:
    """A long post (the Rust blog's monthly update: 173,000 characters, 27,000 of them Markdown's)
    was shown as its source under a limit of 20,000 Markdown characters (an outside probe)."""
    section = (
        "## A goal, and where it stands\n\n"
        + "The team [shipped](https://example.com/a) the *first* part; see `cargo build` and the notes. " * 6
        + "\n\n- one item, with [a link](https://example.com/b)\n- another, **bold**\n\n"
    )
    body = section * (170_000 // len(section))
    text, body_format, problems = _parse(body)
    assert (body_format, problems) == (BodyFormat.MARKDOWN, [])
    entry = Entry(
        id="urn:x", title="T", published=datetime(2021, 2, 1, tzinfo=timezone.utc), source="x.md",
        body=text, body_format=body_format,
    )  # fmt: skip
    started = time.perf_counter()
    html = entry_html(entry)
    assert html.count("<h2>") == len(body) // len(section) and time.perf_counter() - started < 2


def test_ordinary_markdown_is_still_markdown() -> None:
    paragraph = "Some **bold**, a [link](https://example.com/x) and `code`. " * 4 + "\n\n"
    body = paragraph * (MAX_BODY_CHARS // len(paragraph) // 3)  # a long read of 65,000 characters
    text, body_format, problems = _parse(body)
    assert (body_format, problems) == (BodyFormat.MARKDOWN, [])


@pytest.mark.parametrize(("front", "source", "line"), [(FRONT, "big.md", 6), ("Big title\n", "big.txt", 2)])
def test_a_body_over_the_limit_is_cut(front: str, source: str, line: int) -> None:
    body = "word " * (MAX_BODY_CHARS // 2)
    text, _, problems = _parse(body, front, source)
    assert len(text) <= MAX_BODY_CHARS and text.endswith("word …")
    assert problems[0] == (
        f"{source}:{line}: the body has {len(body.strip()):,} characters, over the limit of "
        f"{MAX_BODY_CHARS:,}; the feeds carry its beginning"
    )


def test_content_html_is_bounded_whatever_the_body_renders_to() -> None:
    # An autolink renders 8 times longer: far past the bound (a body this big that was loaded
    # would be plain text already; render bounds what it is given all the same).
    entry = Entry(
        id="urn:x", title="T", published=datetime(2021, 2, 1, tzinfo=timezone.utc), source="x.md",
        body="<a@b.example> " * 20_000 + "\n\nThe end.", body_format=BodyFormat.MARKDOWN,
    )  # fmt: skip
    content = entry_html(entry)
    assert len(content) <= MAX_CONTENT_CHARS
    assert content.startswith("<p>&lt;a@b.example&gt; &lt;a@b.example&gt;") and content.endswith(" …</p>\n")


def test_front_matter_over_the_limit_is_refused_unread() -> None:
    front = f"---\ntitle: Big\nexcerpt: {'x' * MAX_FRONT_MATTER_CHARS}\n---\n"
    with pytest.raises(ContentError) as raised:
        parse_article(front.encode(), "big.md", 0)
    assert str(raised.value) == (
        f"big.md:1: the front matter has {MAX_FRONT_MATTER_CHARS + 22:,} characters, over the limit of "
        f"{MAX_FRONT_MATTER_CHARS:,}; shorten it (fewer related items?)"
    )


def test_only_the_first_topics_are_used() -> None:
    names = "".join(f"  - Topic {n}\n" for n in range(MAX_TOPICS + 20))
    article, problems = parse_article(f"---\ntitle: Many\ntopics:\n{names}---\n".encode(), "many.md", 0)
    assert article.topics == tuple(f"Topic {n}" for n in range(MAX_TOPICS))
    assert [str(p) for p in problems] == [
        f"many.md:3: topics has {MAX_TOPICS + 20} names, over the limit of {MAX_TOPICS}; the first {MAX_TOPICS} are used"
    ]


@pytest.mark.parametrize(
    ("text", "source", "line", "length"),
    [
        ("A " * 600_000 + "\n\nThe body.\n", "huge.txt", 1, 1_200_000),
        (FRONT.replace("title: Big", "title: " + "word " * 400) + "Body.", "long.md", 2, 1_999),
    ],
)
def test_a_title_over_the_limit_is_cut(text: str, source: str, line: int, length: int) -> None:
    article, problems = parse_article(text.encode(), source, 0)
    assert len(article.title) <= MAX_TITLE_CHARS and article.title.endswith("…")
    assert article.title[:-1].rstrip() == article.title[:-1] and " " in article.title  # at a word break
    assert [str(p) for p in problems] == [
        f"{source}:{line}: the title has {length:,} characters, over the limit of {MAX_TITLE_CHARS:,}; it is cut"
    ]


def test_a_related_items_title_over_the_limit_is_cut() -> None:
    """A related item is an entry of its own: its title has the same limit."""
    related = "related:\n  - title: Fine\n    webUrl: https://o.example.com/1\n"
    related += f"  - title: {'word ' * 400}\n    webUrl: https://o.example.com/2\n"
    front = FRONT.replace("topics: [AI]\n", "topics: [AI]\n" + related)
    article, problems = parse_article((front + "Body.").encode(), "rel.md", 0)
    assert [item.title for item in article.related][0] == "Fine"
    cut = article.related[1].title
    assert len(cut) <= MAX_TITLE_CHARS and cut.endswith("…")
    assert [str(p) for p in problems] == [
        f"rel.md:8: related item 2: the title has 1,999 characters, over the limit of {MAX_TITLE_CHARS:,}; it is cut"
    ]


def test_an_entry_too_big_to_fit_alone_leaves_the_others_in_the_feed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One entry over the budget by itself was the newest of a feed, and every entry was left out."""
    monkeypatch.setattr(feeds.source.parse, "MAX_EXCERPT_CHARS", 100_000)  # an excerpt over it
    content = tmp_path / "content"
    content.mkdir()
    for day in range(1, 6):
        front = FRONT.replace("2021-02-01", f"2021-02-{day:02d}").replace("title: Big", f"title: Story {day}")
        (content / f"{day}.md").write_text(front + f"Body {day}.")
    huge = FRONT.replace("2021-02-01", "2021-02-09").replace("title: Big", "title: Huge")
    (content / "huge.md").write_text(huge.replace("topics: [AI]", "excerpt: " + "long " * 3000) + "Body.")
    result = build_site(make_settings(content_dir=content, output_dir=tmp_path / "out", max_bytes=12_000))
    for path in ("all.atom", "all.rss", "all.json", "all.html", "topics/ai.atom"):
        body = result.documents[path].decode()
        assert len(body) <= 12_000, path
        assert all(f"Story {day}" in body for day in range(1, 6)), path
        assert "Huge" not in body, path
    assert "all.atom: 1 of its 6 entries left out to stay within max_bytes (12000 bytes)" in "\n".join(
        result.warnings
    )


def test_an_entry_links_a_bounded_number_of_its_related_items(tmp_path: Path) -> None:
    related = "".join(f"  - title: R{n}\n    webUrl: https://other.example.com/{n}\n" for n in range(250))
    content = tmp_path / "content"
    content.mkdir()
    (content / "a.md").write_text(
        FRONT.replace("topics: [AI]\n", f"topics: [AI]\nrelated:\n{related}") + "Body."
    )
    result = build_site(make_settings(content_dir=content, output_dir=tmp_path / "out", max_items=300))
    # Each related item is an entry of its own, of the first 100: 8,000 of them with 20 long topic
    # names wrote 4 GB of archives (an outside probe).
    assert result.entries == 101
    assert any(
        "related has 250 items, over the limit of 100; the first 100 are used" in w for w in result.warnings
    )
    atom = result.documents["all.atom"].decode()
    assert atom.count('rel="related"') == MAX_RELATED_LINKS
    assert atom.count("&lt;li&gt;") == MAX_RELATED_LINKS


def test_an_entry_is_rendered_once_whatever_its_number_of_topics(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It was rendered once per channel: an article with 1,000 topics, 1,001 times."""
    content = tmp_path / "content"
    content.mkdir()
    topics = ", ".join(f"t{n}" for n in range(40))
    (content / "a.md").write_text(FRONT.replace("[AI]", f"[{topics}]") + "Body.")
    calls: list[str] = []

    def counted(entry: Entry) -> str:
        calls.append(entry.id)
        return entry_html(entry)

    monkeypatch.setattr(site_module, "entry_html", counted)
    build_site(make_settings(content_dir=content, output_dir=tmp_path / "out"))
    assert len(calls) == 1


#: The inputs of the report, each just under the default limit of 5 MB.
WORST = {
    "divs.md": "<div>" * 80_000,
    "links.md": "[a" * 2_000_000,
    "table.md": "| a | b | c | d |\n|---|---|---|---|\n" + "| x | y | z | w |\n" * 230_000,
    "emphasis.md": "*a_" * 1_300_000,
}


@pytest.mark.slow
def test_the_worst_articles_build_in_seconds(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    for name, body in WORST.items():
        (content / name).write_text(FRONT.replace("Big", name) + body)
    command = [sys.executable, "-m", "feeds", "build", "--content", "content", "--output", "public"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    # Each is cut; all but the divs, which render in a few hundredths of a second, as plain text.
    assert done.stderr.count("the feeds carry its beginning") == 4
    shown = sorted(line.split(":")[1].strip() for line in done.stderr.splitlines() if "as plain text" in line)
    assert shown == ["content/emphasis.md", "content/links.md", "content/table.md"]
    sizes = [path.stat().st_size for path in (tmp_path / "public").rglob("*") if path.is_file()]
    assert max(sizes) < 4_000_000  # all four in one feed; one took 46 MB before
    # Feeds over the default max_bytes (1 MB) leave out their oldest entries, and say so.
    feeds = [path for path in (tmp_path / "public").rglob("*") if path.suffix in (".atom", ".rss", ".json")]
    assert all(path.stat().st_size <= 1_000_000 for path in feeds)
    assert "left out to stay within max_bytes (1000000 bytes)" in done.stderr
    assert sum(sizes) < 30_000_000


def test_a_long_excerpt_is_cut_with_a_warning(tmp_path: Path) -> None:
    """An excerpt had no limit: one of 500,000 characters made its entry larger than every feed's
    max_bytes, and the newest article was left out of all of them (an outside probe)."""
    content = tmp_path / "content"
    content.mkdir()
    (content / "old.md").write_text(FRONT.replace("title: Big", "title: Old") + "Body.")
    long = FRONT.replace("2021-02-01", "2021-02-09").replace(
        "topics: [AI]", "topics: [AI]\nexcerpt: " + "日本 " * 100_000
    )
    (content / "long.md").write_text(long + "Body.")
    result = build_site(make_settings(content_dir=content, output_dir=tmp_path / "out"))
    assert "long.md:5: the excerpt has 299,999 characters, over the limit of 5,000; it is cut" in "\n".join(
        result.warnings
    )
    entries = feedparser.parse(result.documents["all.atom"]).entries
    assert [e.title for e in entries] == ["Big", "Old"] and len(entries[0].summary) <= 5_000


def test_a_files_warnings_are_listed_up_to_a_bound() -> None:
    """55,000 images without a URL made as many warnings, each of which looked for its line in the
    whole front matter (two minutes; an outside probe): past MAX_FILE_WARNINGS they are counted."""
    text = FRONT.removesuffix("---\n") + "images:\n" + "- url: x\n" * 60 + "---\nBody.\n"
    article, problems = parse_article(text.encode(), "a.md", 0)
    messages = [str(p) for p in problems]
    assert len(messages) == feeds.source.limits.MAX_FILE_WARNINGS + 1
    assert messages[0] == "a.md:5: images item 1: 'x' is not an absolute http(s) URL; left out"
    assert messages[-1] == "a.md: and 10 more warnings"
    assert article.images == ()


def test_related_items_warnings_are_listed_up_to_the_bound_too() -> None:
    text = FRONT.removesuffix("---\n") + "related:\n" + "- {title: t}\n" * 60 + "---\nBody.\n"
    article, problems = parse_article(text.encode(), "a.md", 0)
    messages = [str(p) for p in problems]
    assert len(messages) == feeds.source.limits.MAX_FILE_WARNINGS + 1 and article.related == ()
    assert (
        messages[0] == "a.md:6: related item 1: has no absolute http(s) webUrl; left out"
        and messages[-1] == "a.md: and 10 more warnings"
    )


@pytest.mark.parametrize("provider", ['"{name}"', "{{name: '{name}', domain: example.com}}"])
def test_a_long_outlet_name_is_cut_with_a_warning(provider: str) -> None:
    """A related item's outlet of 160,000 characters pushed its entry out of every feed (an
    outside probe): an outlet's name has a topic's limit."""
    front = FRONT.replace("topics: [AI]", "topics: [AI]\nprovider: " + provider.format(name="Outlet " * 100))
    article, problems = parse_article((front + "Body.\n").encode(), "a.md", 0)
    assert article.provider is not None and len(article.provider.name) <= 200
    assert any("has 699 characters, over the limit of 200; it is cut" in str(p) for p in problems)


def test_a_bad_outlet_domain_is_quoted_short() -> None:
    front = FRONT.replace("topics: [AI]", "topics: [AI]\nprovider: {name: N, domain: '" + "x y" * 1000 + "'}")
    _, problems = parse_article((front + "Body.\n").encode(), "a.md", 0)
    [problem] = [str(p) for p in problems]
    assert "is not a host name; left out" in problem and len(problem) < 200


def test_feeds_check_counts_the_warnings_past_those_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It counted lines: 101 warnings of one file were "54 warnings" (an outside probe)."""
    content = tmp_path / "content"
    content.mkdir()
    text = FRONT.removesuffix("---\n") + "images:\n" + "- url: x\n" * 101 + "---\nBody.\n"
    (content / "a.md").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "--content", str(content)])
    assert "and 51 more warnings" in result.stderr and ", 101 warnings," in result.stdout


def test_only_the_first_keys_that_are_no_field_are_checked_for_misspellings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each key that is no field was compared with every field's name: 30,000 such keys (420 KB)
    took 10 s to read (an outside probe). The first 100 are checked, in the file's order."""
    from feeds.source import conventions

    calls: list[str] = []
    typos = conventions._typos
    monkeypatch.setattr(conventions, "_typos", lambda one, other: calls.append(one) or typos(one, other))
    head = "---\ntitle: t\npublishedDateTime: 2026-01-01T00:00:00Z\nexcerpt: e\n"
    keys = "".join(f"note{i}: x\n" for i in range(conventions.MISSPELLINGS_CHECKED - 1))
    checked = head + keys + "qualtiy: 5\n" + "".join(f"more{i}: x\n" for i in range(30_000)) + "---\nb\n"
    _, problems = feeds.source.parse.parse_article(checked.encode(), "a.md", 0)
    assert [str(p).split(": ", 1)[1] for p in problems] == [
        "qualtiy is not a field feeds reads; did you mean quality? (not read)"
    ]
    assert len(set(calls)) == conventions.MISSPELLINGS_CHECKED
    late = head + keys + "more: x\nqualtiy: 5\n---\nb\n"
    _, problems = feeds.source.parse.parse_article(late.encode(), "a.md", 0)
    assert problems == []  # the 101st key is not checked
