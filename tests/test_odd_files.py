"""Files that are barely articles: one that is only ``---`` opens front matter it never closes
(it is not a plain-text article titled "---"), and a UTF-16 or UTF-32 file is named as such."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from feeds.errors import ContentError
from feeds.model import BodyFormat
from feeds.source.parse import parse_article
from feeds.source.scan import scan_content


def _error(data: bytes) -> ContentError:
    with pytest.raises(ContentError) as info:
        parse_article(data, "odd.md", 0.0)
    return info.value


@pytest.mark.parametrize("data", [b"---", b"--- ", b"---\t", b"\xef\xbb\xbf---", b"---\r"])
def test_a_file_of_only_the_opening_line_is_front_matter_never_closed(data: bytes) -> None:
    error = _error(data)
    assert (error.line, error.message) == (
        1,
        "front matter opened with '---' is never closed by a second '---' line",
    )


@pytest.mark.parametrize("first", ["---- Breaking ----", "---title", "---js"])
def test_a_title_that_starts_with_dashes_is_still_plain_text(first: str) -> None:
    article, _ = parse_article(f"{first}\n\nBody.\n".encode(), "plain.txt", 0.0)
    assert (article.title, article.body_format) == (first, BodyFormat.TEXT)


TEXT = "---\ntitle: Wide\n---\nBody.\n"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (TEXT.encode("utf-16"), "UTF-16"),  # with the byte order mark of the machine's order
        (("\ufeff" + TEXT).encode("utf-16-be"), "UTF-16"),
        (("\ufeff" + TEXT).encode("utf-16-le"), "UTF-16"),
        (TEXT.encode("utf-32"), "UTF-32"),
        (("\ufeff" + TEXT).encode("utf-32-be"), "UTF-32"),
    ],
)
def test_a_utf16_or_utf32_file_is_named_as_such(data: bytes, name: str) -> None:
    error = _error(data)
    assert error.message == f"{name} text, not UTF-8; save the file as UTF-8"
    assert error.line == 1  # path:line, as every error of a file (it had none)


def test_other_bytes_with_nul_are_still_binary() -> None:
    assert _error(b"\x89PNG\r\n\x1a\n\x00\x00").message.startswith("binary file")


def test_an_articles_name_on_a_fifo_or_a_link_to_nothing_is_a_warning(tmp_path: Path) -> None:
    """Both were skipped without a word (found by an outside probe)."""
    (tmp_path / "a.md").write_text("Real\nBody.\n", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    (tmp_path / "notes.bin").symlink_to(tmp_path / "nowhere.bin")  # not an article's name: nothing
    found = scan_content(tmp_path)
    assert [f.source for f in found] == ["a.md"]
    assert found.warnings == (
        f"{tmp_path / 'dangling.md'}: links to nothing; skipped",
        f"{tmp_path / 'pipe.md'}: is not a file; skipped",
    )


def test_a_link_that_leads_outside_the_content_folder_is_skipped_with_a_warning(tmp_path: Path) -> None:
    """Articles and folders put in by a link to elsewhere were left out without a word (an
    outside probe); they are still never read."""
    content, elsewhere = tmp_path / "content", tmp_path / "elsewhere"
    content.mkdir()
    (elsewhere / "sub" / "deeper").mkdir(parents=True)
    (elsewhere / "sub" / "deeper" / "c.txt").write_text("Deep\nBody.\n", encoding="utf-8")
    (elsewhere / "b.md").write_text("Outside\nBody.\n", encoding="utf-8")
    (elsewhere / "notes.bin").write_text("x", encoding="utf-8")
    (content / "a.md").write_text("Real\nBody.\n", encoding="utf-8")
    (content / "b.md").symlink_to(elsewhere / "b.md")
    (content / "more").symlink_to(elsewhere / "sub")
    (content / "notes.bin").symlink_to(elsewhere / "notes.bin")  # not an article's name: nothing
    (tmp_path / "imgs" / "x").mkdir(parents=True)
    (tmp_path / "imgs" / "x" / "a.png").write_bytes(b"png")
    (content / "images").symlink_to(tmp_path / "imgs")  # nothing feeds would read: no word
    found = scan_content(content)
    assert [f.source for f in found] == ["a.md"]
    assert found.warnings == (
        f"{content / 'b.md'}: leads outside the content folder; skipped",
        f"{content / 'more'}: leads outside the content folder; skipped",
    )


def test_another_tools_post_with_front_matter_is_named(tmp_path: Path) -> None:
    """jekyll-import writes WordPress posts as .html: a folder of them built an empty site
    without a word (an outside probe). Other files, and .html without front matter, stay quiet."""
    (tmp_path / "a.md").write_text("Real\nBody.\n", encoding="utf-8")
    (tmp_path / "2010-01-01-hello.html").write_text("---\ntitle: Hello\n---\n<p>Hi</p>\n", encoding="utf-8")
    (tmp_path / "b.mdx").write_bytes(b"\xef\xbb\xbf---\ntitle: B\n---\nx\n")
    (tmp_path / "page.html").write_text("<p>An include</p>\n", encoding="utf-8")
    (tmp_path / "c.yaml").write_text("---\nkey: value\n", encoding="utf-8")
    (tmp_path / "layout.html").write_text(
        "---\nlayout: default\n---\n<main>{{ content }}</main>\n", encoding="utf-8"
    )
    (tmp_path / "faq.rst").write_text(
        "---\nFAQ\n---\n\nText.\n", encoding="utf-8"
    )  # an RST title, no front matter
    os.mkfifo(tmp_path / "pipe.html")  # never opened: it would block
    found = scan_content(tmp_path)
    assert [f.source for f in found] == ["a.md"]
    tail = "has front matter, but only .md (.markdown, .mdown, .mkd, .mkdn) and .txt files are articles"
    assert [w.split(": ", 1) for w in found.warnings] == [
        [str(tmp_path / "2010-01-01-hello.html"), f"{tail}; skipped (rename it to read it)"],
        [str(tmp_path / "b.mdx"), f"{tail}; skipped (rename it to read it)"],
    ]


@pytest.mark.parametrize(
    "opening",
    ["\ufeff\ufeff---", "\u200b---", "\u2060---", "---\u200b", "\u200e---\ufeff", "\u00ad\u200d---"],
)
def test_characters_that_show_nothing_around_the_opening_line_open_front_matter(opening: str) -> None:
    """A second byte order mark or a zero-width space before ``---`` made a plain-text article
    titled "---" whose body published the front matter, ``secured`` too (an outside probe)."""
    text = f"{opening}\ntitle: Hidden\nsecured: internal-token\n---\nBody\n"
    article, warnings = parse_article(text.encode(), "odd.md", 0.0)
    assert (article.title, article.body.strip(), warnings) == ("Hidden", "Body", [])


@pytest.mark.parametrize("start", [" \u200b---", "\u200b\n---", "\n\ufeff---\u200b"])
def test_front_matter_after_invisible_lines_or_spaces_is_an_error_not_a_body(start: str) -> None:
    error = _error(f"{start}\ntitle: Hidden\nsecured: internal-token\n---\nBody\n".encode())
    assert "front matter must open on the file's first line" in error.message


def test_an_articles_name_on_links_in_a_loop_is_a_warning(tmp_path: Path) -> None:
    """``self.md -> self.md`` and ``a.md <-> b.md`` were skipped without a word, where a link to
    nothing is named (an outside probe)."""
    (tmp_path / "fine.md").write_text("Real\nBody.\n", encoding="utf-8")
    (tmp_path / "self.md").symlink_to("self.md")
    (tmp_path / "a.md").symlink_to("b.md")
    (tmp_path / "b.md").symlink_to("a.md")
    found = scan_content(tmp_path)
    assert [f.source for f in found] == ["fine.md"]
    assert found.warnings == tuple(
        f"{tmp_path / name}: links in a loop, to itself at last; skipped"
        for name in ("a.md", "b.md", "self.md")
    )
