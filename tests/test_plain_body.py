"""A plain-text body's HTML is made sanitised (``entry_html._as_sanitised``), not sent through the
sanitiser: the content, the page and the summary must be what the sanitiser made of them."""

from __future__ import annotations

import html
import re
from datetime import datetime
from datetime import timezone

from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from feeds import text as text_module
from feeds.model import BodyFormat
from feeds.model import Entry
from feeds.model import Image
from feeds.model import Link
from feeds.render import entry_html as module
from feeds.render.entry_html import entry_html
from feeds.render.entry_html import page_html
from feeds.render.entry_html import sanitize
from feeds.render.entry_html import summary_text
from feeds.text import closed_bidi
from feeds.text import html_text


def _escaped_paragraphs(text: str, limit: int | None = None) -> str:
    """The body's HTML as it was made before: escaped paragraphs, for the sanitiser to read."""
    out, size = [], 0
    for paragraph in filter(None, (p.strip() for p in re.split(r"\n\s*\n", text))):
        made = f"<p>{html.escape(paragraph)}</p>\n"
        if limit is not None and size + len(made) > limit:
            room = (limit - size - len("<p> …</p>\n")) // 6
            if room > 0:
                out.append(f"<p>{html.escape(paragraph[:room])} …</p>\n")
            break
        out.append(made)
        size += len(made)
    return "".join(out)


def _sanitised_whole(entry: Entry, images: bool, limit: int | None = None) -> str:
    """The content as the sanitiser made it of everything at once (before the plain body's own)."""
    parts = []
    if images and entry.image is not None:
        parts.append(f'<p><img src="{html.escape(entry.image.url)}" alt=""></p>\n')
    parts.append(_escaped_paragraphs(entry.body, limit))
    if entry.via is not None:
        parts.append(
            f'<p>Related to: <a href="{html.escape(entry.via.url)}">{html.escape(entry.via.title)}</a></p>\n'
        )
    if entry.related:
        items = "".join(
            f'<li><a href="{html.escape(r.url)}">{html.escape(r.title)}</a></li>\n' for r in entry.related
        )
        level = 3 if images else 2  # a section of the entry's page
        parts.append(f"<h{level}>More coverage</h{level}>\n<ul>\n{items}</ul>\n")
    return sanitize("".join(parts), entry.url, None if images else module._PAGE_TAGS)


# Text of every kind, with what the sanitiser treats apart: line ends, NUL, no-break spaces,
# markup-like and entity-like text, blank lines that part paragraphs.
_PIECES = st.sampled_from(
    ["\r\n", "\r", "\n\n", "\n \n", "\0", "\xa0", "&", "&amp;", "&#146;", "&nbsp;", "<", ">", "<b>x</b>",
     "<script>1</script>", '"', "'", " ", "\t", "\x0c", "\x85", "\u2028", "\u202e", "\ufeff", "é", "東京", "😀"]
)  # fmt: skip
_TEXT = st.lists(st.one_of(_PIECES, st.text(st.characters(codec="utf-8"), max_size=8)), max_size=20).map(
    "".join
)
_URL = st.sampled_from(["https://example.com/a?b=1&c=2", "http://example.org/x", "https://example.net/<y>"])


@st.composite
def _entries(draw: st.DrawFn) -> Entry:
    body = draw(_TEXT)
    related = draw(st.lists(st.builds(Link, url=_URL, title=_TEXT.filter(str.strip)), max_size=2))
    return Entry(
        id="urn:x", title=draw(_TEXT.filter(str.strip)), published=datetime(2021, 1, 1, tzinfo=timezone.utc),
        source="a.txt", url=draw(st.none() | _URL), body=body, body_format=BodyFormat.TEXT,
        summary=draw(st.just("") | _TEXT), image=draw(st.none() | st.builds(Image, url=_URL)),
        related=tuple(related), via=draw(st.none() | st.builds(Link, url=_URL, title=_TEXT.filter(str.strip))),
    )  # fmt: skip


def _blank_checked(entry: Entry, content: str) -> str:
    """As ``_content`` ends: content that shows nothing gives way to the summary or the title."""
    if len(content) < 200 and "<img" not in content and not html_text(content):
        return f"<p>{html.escape(entry.summary or entry.title)}</p>\n"
    return content


@settings(max_examples=400, deadline=None)
@given(_entries())
@example(
    Entry(
        id="u",
        title="T",
        published=datetime(2021, 1, 1, tzinfo=timezone.utc),
        source="a",
        body="a\r\n\r\nb\0\xa0<&>",
    )
)
def test_plain_bodies_are_what_the_sanitiser_made_of_them(entry: Entry) -> None:
    if not entry.body.strip():
        return  # no body: nothing of it is made
    assert entry_html(entry) == _blank_checked(entry, _sanitised_whole(entry, images=True))
    assert page_html(entry) == _blank_checked(entry, _sanitised_whole(entry, images=False))


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_a_plain_body_cut_to_fit_is_what_the_sanitiser_made_of_it(body: str) -> None:
    limit = 120
    assert module.plain_html(body, limit) == sanitize(_escaped_paragraphs(body, limit), None)


@settings(max_examples=400, deadline=None)
@given(_TEXT)
@example("x <script>alert(1)</script> y\r\n\r\n&lt;b&gt;\0 z")
def test_a_plain_bodys_summary_is_the_text_of_its_sanitised_html(body: str) -> None:
    entry = Entry(
        id="u", title="T", published=datetime(2021, 1, 1, tzinfo=timezone.utc), source="a", body=body
    )
    if not body.strip():
        return
    text = html_text(sanitize(_escaped_paragraphs(body), None))
    if len(text) > module.SUMMARY_LENGTH:
        text = text[: module.SUMMARY_LENGTH - 1].rsplit(" ", 1)[0].rstrip(" ,;:.") + "…"
    assert summary_text(entry) == (text or entry.title)


_SPACES = "".join(chr(c) for c in range(0x3000 + 1) if chr(c).isspace())


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from(_SPACES + "aé東\u200b\u202e") | st.characters(codec="utf-8"), max_size=30))
@example("a\u00a0 b\u2007\u3000c\u202f \x1c\x85 d")
def test_spaces_fold_as_the_pattern_folds_them(value: str) -> None:
    """Text without no-break spaces is folded by str.split(), which must find the runs of white
    space that the pattern (which keeps no-break spaces) finds."""
    folded = text_module._FOLDED_SPACES.sub(" ", value).strip()
    expected = "" if not text_module._visible(folded) else closed_bidi(folded)
    assert text_module._finished(value) == (" ".join(value.split()) if value.isascii() else expected)
