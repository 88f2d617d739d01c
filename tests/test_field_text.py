"""Fields as an outside probe wrote them: addresses kept as written (the text cleaner decoded
"&region" into "®ion"), a related item's originalUrl used when its webUrl is unusable (as an
article's is), and stripped markup that ended a line or block leaving a space between words."""

from __future__ import annotations

import html
import json
import re
from datetime import datetime
from datetime import timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import pytest
from hypothesis import example
from hypothesis import given
from hypothesis import strategies as st

from feeds.build import build_site
from feeds.errors import ContentError
from feeds.model import BodyFormat
from feeds.model import Entry
from feeds.render.entry_html import before_more
from feeds.render.entry_html import body_html
from feeds.render.entry_html import entry_html
from feeds.render.entry_html import sanitize
from feeds.render.entry_html import summary_text
from feeds.source.parse import parse_article
from feeds.text import plain_text
from tests.conftest import make_settings

FRONT = "---\ntitle: T\npublishedDateTime: 2021-02-01T10:00:00Z\n{extra}---\nBody.\n"


def parse(extra: str) -> tuple[object, list[str]]:
    article, problems = parse_article(FRONT.format(extra=extra).encode(), "a.md", 0)
    return article, [str(p) for p in problems]


def test_an_address_is_kept_as_written() -> None:
    url = "https://news.example.com/story?id=5&region=us&amp;page=2&section=world"
    related = f'related:\n  - title: R\n    webUrl: "{url}&not=1"\n'
    article, problems = parse(f'webUrl: "{url}"\n{related}')
    assert article.url == url  # type: ignore[attr-defined]
    assert article.related[0].url == url + "&not=1"  # type: ignore[attr-defined]
    assert problems == []


@pytest.mark.parametrize("web", ['""', '"/amp/story"', "null", '"javascript:alert(1)"'])
def test_a_related_items_original_url_stands_in_for_an_unusable_web_url(web: str) -> None:
    related = f"related:\n  - title: R\n    webUrl: {web}\n    originalUrl: https://o.example.com/s\n"
    article, problems = parse(related)
    assert [item.url for item in article.related] == ["https://o.example.com/s"]  # type: ignore[attr-defined]
    assert problems == []


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("Budget vote<br>Council approves plan", "Budget vote Council approves plan"),
        ("<p>The council met.</p><p>It approved the plan.</p>", "The council met. It approved the plan."),
        ("<li>one</li><LI>two</LI>", "one two"),
        ("un<b>believ</b>able", "unbelievable"),
        ("x < y and <3", "x < y and <3"),
        ("<p>Intro<li>one", "Intro one"),  # end tags HTML lets a writer leave out
    ],
)
def test_markup_that_ends_a_line_or_block_leaves_a_space(written: str, read: str) -> None:
    assert plain_text(written) == read


@pytest.mark.parametrize(
    ("written", "read"),
    [
        # Angle brackets that are not markup are text: stripping them lost the rest of the title.
        # An element that runs or loads something is never kept as a tag-like text, which a
        # reader taking an RSS title for HTML would run; the rest of the title stays.
        (
            "Why <script> tags block rendering, and List<String> in Java",
            "Why tags block rendering, and List<String> in Java",
        ),
        ("<script>alert(1)//", "alert(1)//"),
        ("<svg onload=alert(1)>Hi", "Hi"),
        ("<blink onclick=x>bar", "bar"),  # anything with an attribute
        ("Email <john@example.com> says a<b and b>c",) * 2,
        ("The <template> tag",) * 2,
        ("Vector<int> vs std::array<int, 3>",) * 2,
        ("Why the <style> element matters", "Why the element matters"),
        ("x<y and y>z",) * 2,
        # Markup still is: known elements, closed, and the content of a closed script dropped.
        ("<b>Breaking:</b> Cats &amp; dogs <script>alert(1)</script>", "Breaking: Cats & dogs"),
        ("<B>Loud</B> news <!-- a comment -->", "Loud news"),
        ('See <a href="https://e.example/">the report</a> &lt;b&gt;', "See the report <b>"),
    ],
)
def test_angle_brackets_are_markup_only_around_known_elements(written: str, read: str) -> None:
    assert plain_text(written) == read


@pytest.mark.parametrize(
    ("written", "field", "read", "line"),
    [
        ("title: 12:30", "title", "750", 1),  # YAML 1.1 reads base 60
        ("title: 2024", "title", "2024", None),  # a number as written: nothing to say
        ("title: 007 Returns", "title", "007 Returns", None),  # text
        ("title: T\nexcerpt: 0x1F", "excerpt", "31", 2),
        ("title: T\ncategory: 1.10", "category", "1.1", 2),
        ("title: T\ntopics: [AI, 007]", "topics", ("AI", "7"), 2),
    ],
)
def test_a_text_field_that_yaml_reads_as_another_number_is_warned_of(
    written: str, field: str, read: object, line: int | None
) -> None:
    text = f"---\n{written}\npublishedDateTime: 2021-02-01T10:00:00Z\n---\nBody.\n"
    article, problems = parse_article(text.encode(), "a.md", 0)
    assert getattr(article, field) == read
    what = "topics item 2" if field == "topics" else field
    number = read[-1] if isinstance(read, tuple) else read
    expected = f"a.md:{(line or 0) + 1}: {what}: YAML reads it as the number {number}; quote it to keep it"
    assert [str(p) for p in problems] == ([expected] if line else [])


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("https://user:s3cret@example.com/dir/page", "has a user name or password, which would be published"),
        ("https://user@example.com/page", "has a user name or password, which would be published"),
        ("https://example.com/\u202efdp.exe", "has bidirectional control characters"),
    ],
)
def test_an_address_that_would_publish_a_password_or_mislead_is_left_out(written: str, problem: str) -> None:
    """The password went into every link of the feeds (the id had it stripped); an override of the
    reading direction made an address read otherwise than it went (RFC 3987 §4.1)."""
    article, problems = parse(f'webUrl: "{written}"\n')
    assert article.url is None  # type: ignore[attr-defined]
    assert len(problems) == 1 and problem in problems[0]


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("https://example.com/%ZZ", "https://example.com/%25ZZ"),
        ("https://shop.example.com/sale?off=50%", "https://shop.example.com/sale?off=50%25"),
        ("https://example.com/caf%C3%A9", "https://example.com/caf%C3%A9"),
    ],
)
def test_a_percent_that_starts_no_escape_is_escaped(written: str, read: str) -> None:
    article, problems = parse(f'webUrl: "{written}"\n')
    assert article.url == read  # type: ignore[attr-defined]
    assert problems == []


@pytest.mark.parametrize(
    "title",
    ['"\\u200b"', '"\\u00a0\\u2003\\u200b\\u3000"', '"\\u3164"', '"<b>\\u200b</b>"', '"\\ufe0f\\u034f"'],
)
def test_a_title_that_shows_nothing_is_missing(title: str) -> None:
    text = f"---\ntitle: {title}\npublishedDateTime: 2021-02-01T10:00:00Z\n---\nBody.\n"
    with pytest.raises(ContentError, match="title is missing or empty"):
        parse_article(text.encode(), "a.md", 0)


def test_a_plain_text_title_is_the_first_line_that_shows_something() -> None:
    article, problems = parse_article("\u200b\n\u2060\nReal title | \u200b\nThe body.\n".encode(), "a.txt", 0)
    assert (article.title, article.provider, article.body) == ("Real title", None, "The body.")  # type: ignore[attr-defined]
    assert problems == []


@pytest.mark.parametrize("body", ["<script>alert(1)</script>", "<!-- a comment -->", "<p>\u200b</p>"])
def test_a_body_that_sanitising_empties_is_blank_content_too(body: str) -> None:
    """An empty body gave the title as content, one of only a script gave empty content, which
    feed validators flag."""
    text = f"---\ntitle: Script only\npublishedDateTime: 2021-02-01T10:00:00Z\n---\n{body}\n"
    article, _ = parse_article(text.encode(), "a.md", 0)
    entry = Entry(
        id="urn:x", title=article.title, published=article.published, source="a.md",  # type: ignore[attr-defined]
        body=article.body, body_format=article.body_format, summary=article.title,  # type: ignore[attr-defined]
    )  # fmt: skip
    assert entry_html(entry) == "<p>Script only</p>\n"


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("Invoice \u202e fdp.exe", "Invoice \u202e fdp.exe\u202c"),  # closed at the end
        ("a \u2067b \u202ec", "a \u2067b \u202ec\u202c\u2069"),  # inner first
        ("a \u202eb\u202c c", "a \u202eb\u202c c"),  # closed already
        ("a \u2067b \u202ec\u2069 d", "a \u2067b \u202ec\u2069 d"),  # the isolate's end closes both
    ],
)
def test_a_direction_override_a_text_opens_is_closed_within_it(written: str, read: str) -> None:
    """An unclosed right-to-left override in a title reversed the outlet and the date a page
    showed after it (found by an outside probe)."""
    assert plain_text(written) == read


def test_a_direction_override_stays_closed_when_a_long_title_is_cut() -> None:
    """The override was closed at the title's end, then the end was cut off (an outside probe)."""
    text = "---\ntitle: " + "A" * 995 + "\u202e" + "B" * 100 + "\n---\nx\n"
    article, problems = parse_article(text.encode(), "a.md", 0)
    assert article.title.endswith("\u202eBBB…\u202c")  # type: ignore[attr-defined]
    assert "it is cut" in str(problems[0])


def test_a_plain_text_title_and_its_outlet_each_close_their_own_overrides() -> None:
    """The whole first line was closed before the outlet's name was split off: the title stayed
    open and the name got the title's closer too (an outside probe)."""
    article, _ = parse_article("Plain \u202erlo title – Prov\u202ex\n\nBody\n".encode(), "p.txt", 0)
    assert article.title == "Plain \u202erlo title\u202c"  # type: ignore[attr-defined]
    assert article.provider.name == "Prov\u202ex\u202c"  # type: ignore[attr-defined]


def test_a_topic_that_has_no_text_is_warned_of() -> None:
    article, problems = parse('topics: ["<script>x</script>", "", AI]\n')
    assert article.topics == ("AI",)  # type: ignore[attr-defined]
    assert problems == [
        "a.md:4: topics item 1 has no text (once markup is stripped); left out",
        "a.md:4: topics item 2 has no text (once markup is stripped); left out",
    ]


def test_a_category_that_is_one_of_the_topics_is_one_tag(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "a.md").write_text(FRONT.format(extra="topics: [AI, Space]\ncategory: AI\n"), encoding="utf-8")
    result = build_site(make_settings(content_dir=content, output_dir=tmp_path / "out"))
    assert [item["tags"] for item in json.loads(result.documents["all.json"])["items"]] == [["AI", "Space"]]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (
            "2016-12-31T23:59:60Z",
            "'2016-12-31T23:59:60Z' is a leap second, which feeds cannot carry; write :59",
        ),
        ("2023-02-29", "'2023-02-29' is no date in the calendar (or no time of day)"),
        ("yesterday", "cannot read 'yesterday' as a date; use ISO 8601"),
    ],
)
def test_a_date_that_cannot_be_read_says_why(written: str, message: str) -> None:
    """A leap second and 29 February of a common year were told to "use ISO 8601", which they do."""
    text = f'---\ntitle: T\npublishedDateTime: "{written}"\n---\nBody.\n'
    with pytest.raises(ContentError, match=f"^a.md:3: publishedDateTime: {re.escape(message)}"):
        parse_article(text.encode(), "a.md", 0)


def test_a_summary_made_from_a_body_has_no_tags_as_text() -> None:
    """The summary of a body (archives and summary feeds) is the text of its HTML: an image, a
    figure or details that a title would keep as text (not being closed) are markup there."""
    entry = Entry(
        id="urn:x", title="Cover first", published=datetime(2021, 6, 1, tzinfo=timezone.utc), source="a.md",
        body="![Cover](https://example.com/cover.jpg)\n\nThe <figure>fig</figure> text.\n\n<details>D",
        body_format=BodyFormat.MARKDOWN,
    )  # fmt: skip
    assert summary_text(entry) == "The fig text. <details>D"  # never closed: text, as in a title


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ('<img src="https://e.example/x.png"> Cover story', "Cover story"),  # an element with no end tag
        ("<figure>A</figure> and <details>B</details>", "A and B"),
    ],
)
def test_elements_of_html_that_are_closed_or_need_no_end_are_markup(written: str, read: str) -> None:
    assert plain_text(written) == read


def test_unclosed_tags_all_stay_text() -> None:
    """Whether a tag is closed later is looked up in one pass, not searched for from each tag."""
    assert plain_text("<b>x " * 2_000 + "</i>") == "<b>x " * 1_999 + "<b>x"


def test_a_channel_description_with_an_angle_bracket_reads_as_written_in_rss(tmp_path: Path) -> None:
    """Readers take an RSS channel's description for HTML: "about List<String>" lost its
    "<String>", and a topic named like a tag could be one (found by an outside probe)."""
    content = tmp_path / "content"
    content.mkdir()
    (content / "a.md").write_text(FRONT.format(extra="topics: [List<String>]\n"), encoding="utf-8")
    result = build_site(make_settings(content_dir=content, output_dir=tmp_path / "out", archives="monthly"))
    topic = [path for path in result.documents if path.startswith("topics/") and path.endswith(".rss")]
    for path in [
        *topic,
        *(p for p in result.documents if p.startswith("archives/topics/") and p.endswith(".rss")),
    ]:
        feed = feedparser.parse(result.documents[path])
        assert feed.feed.subtitle_detail.type == "text/html"  # as most readers take it
        assert html.unescape(feed.feed.subtitle) == "Latest articles about List<String>", path


@pytest.mark.parametrize(
    ("written", "read"),
    [
        # The W3C validator calls an IRI an error in an id or an RSS link: they go out as URIs, and
        # one story written both ways is one id.
        ("https://bücher.example/straße", "https://xn--bcher-kva.example/stra%C3%9Fe"),
        ("https://xn--bcher-kva.example/stra%C3%9Fe", "https://xn--bcher-kva.example/stra%C3%9Fe"),
        (
            "https://example.com/ar/مقال?q=١#ف",
            "https://example.com/ar/%D9%85%D9%82%D8%A7%D9%84?q=%D9%A1#%D9%81",
        ),
    ],
)
def test_an_address_in_other_scripts_goes_out_as_a_uri(written: str, read: str) -> None:
    article, problems = parse(f'webUrl: "{written}"\n')
    assert article.url == read  # type: ignore[attr-defined]
    assert problems == []


def test_an_ipv6_host_is_no_link_a_validator_takes() -> None:
    article, problems = parse('webUrl: "http://[2001:db8::1]:8080/story"\n')
    assert article.url is None  # type: ignore[attr-defined]
    assert problems == [
        "a.md:4: webUrl 'http://[2001:db8::1]:8080/story' has an IPv6 address for a host, which feed"
        " validators refuse in a link; left out"
    ]


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("&lt;script&gt;alert(1)&lt;/script&gt; Title", "alert(1) Title"),
        ("&lt;img src=x onerror=alert(1)&gt; hi", "hi"),
        ("List&lt;String&gt;", "List<String>"),
    ],
)
def test_a_tag_written_with_entities_is_no_live_tag_either(written: str, read: str) -> None:
    assert plain_text(written) == read


@pytest.mark.parametrize(
    ("written", "read"),
    [
        # A tag that is never ended is no markup, but one that would run or load something is
        # dropped all the same (found by a second outside probe): no ">" let it through.
        ("Click <img src=x onerror=alert(1)// here", "Click"),
        ("<IMG SRC=x ONERROR=alert(1)//", ""),
        ("&#x3C;img src=x onerror=alert(1)//", ""),
        ("Hi <details open ontoggle=alert(1)//", "Hi"),
        # Types and components are text: a name written in mixed case, attributes without
        # values, an "=" that is no live attribute.
        ("List<Input> and Vec<Frame>",) * 2,
        ("TypeScript Array<Object> vs object[]",) * 2,
        ("Returning impl Iterator<Item = u32>",) * 2,
        ("template<typename T = int> explained",) * 2,
        ("Probability 0<p and q>1",) * 2,
        # An "&" that starts no entity ended by ";" is text, whatever else the title holds.
        ("Use ?a=1&param=2 <b>now</b>", "Use ?a=1&param=2 now"),
        ("&copy 2024 Acme &amp; Co", "&copy 2024 Acme & Co"),
    ],
)
def test_what_a_second_probe_found_in_titles(written: str, read: str) -> None:
    assert plain_text(written) == read


def test_no_break_spaces_are_kept() -> None:
    """French typography and "10 km" kept together: they were folded into plain spaces."""
    assert (
        plain_text("Bonjour\u202f! «\u00a0test\u00a0» 10\u00a0km ")
        == "Bonjour\u202f! «\u00a0test\u00a0» 10\u00a0km"
    )


@pytest.mark.parametrize(
    ("fields", "warned"),
    [("title: +75\nquality: 75\n", "75"), ('title: 0x1F\nexcerpt: "31 ways"\n', "31")],
)
def test_a_number_written_otherwise_is_warned_of_even_if_written_elsewhere(fields: str, warned: str) -> None:
    """The number was looked for in the whole front matter; found in another field, no warning."""
    article, problems = parse_article(f"---\n{fields}date: 2021-01-01\n---\nb\n".encode(), "a.md", 0)
    assert problems[0].message == f"title: YAML reads it as the number {warned}; quote it to keep it"


@pytest.mark.parametrize(
    ("body", "html_out"),
    [
        # Inline HTML that is no markup is text: a <template> in prose took the rest of the article.
        (
            "The <template> element.\n\nSecond paragraph.",
            "<p>The &lt;template&gt; element.</p>\n<p>Second paragraph.</p>\n",
        ),
        (
            "Style the <textarea> element.\n\nNext.",
            "<p>Style the &lt;textarea&gt; element.</p>\n<p>Next.</p>\n",
        ),
        ("Array<Object> is loose.", "<p>Array&lt;Object&gt; is loose.</p>\n"),
        ("Why <script> tags block", "<p>Why &lt;script&gt; tags block</p>\n"),
        ("Some <b>bold</b> and a <br> break.", "<p>Some <b>bold</b> and a <br> break.</p>\n"),  # markup
    ],
)
def test_inline_html_in_a_body_that_is_no_markup_is_text(body: str, html_out: str) -> None:
    assert sanitize(body_html(body, BodyFormat.MARKDOWN), None) == html_out


def test_an_address_with_a_space_says_so() -> None:
    article, problems = parse('webUrl: "https://example.com:8080/a b"\n')
    assert article.url is None  # type: ignore[attr-defined]
    assert "has a space or a character no URL holds" in problems[0]


@pytest.mark.parametrize(
    ("written", "read"),
    [
        # A tag's name runs to a space, "/" or ">": custom elements with handlers were kept as text.
        ("Tp0 <x-y tabindex=1 autofocus onfocus=alert(1)>", "Tp0"),
        ("<svg:a onclick=alert(1)>x", "x"),
        ('<unknown-tag style="position:fixed">', ""),
        ("&lt;x-y onclick=alert(1)&gt;", ""),
        ("The <textarea> element", "The element"),  # it would turn the rest of a page into text
        ("std::vector<std::string> and Vec<T>",) * 2,
    ],
)
def test_what_the_probe_of_the_fixes_found_in_titles(written: str, read: str) -> None:
    assert plain_text(written) == read


@pytest.mark.parametrize(
    ("body", "html_out"),
    [
        ("Intro.\n\n<template>\n\nSecond.", "<p>Intro.</p>\n<p>&lt;template&gt;</p>\n<p>Second.</p>\n"),
        ("<iframe>\n\nSecond.", "<p>&lt;iframe&gt;</p>\n<p>Second.</p>\n"),
        ('<div class="x">\nblock\n</div>\n\nafter', "<div>\nblock\n</div>\n<p>after</p>\n"),  # markup
    ],
)
def test_a_line_of_html_that_is_no_markup_is_text(body: str, html_out: str) -> None:
    assert sanitize(body_html(body, BodyFormat.MARKDOWN), None) == html_out


@pytest.mark.parametrize(
    ("front", "line"),
    [
        ('{title: T, webUrl: "https://example.com/a", quality: high}', 2),  # a flow mapping
        ('{title: T, webUrl: "https://example.com/a",\n quality: high}', 3),
        ("title: T\n? quality\n: high", 3),  # a complex key
        ("title: T\n'quality' : high", 3),
    ],
)
def test_a_field_error_names_its_line_however_the_key_is_written(front: str, line: int) -> None:
    """A key that no line starts with (a flow mapping, a complex key) gave a message without a line
    (found by an outside probe)."""
    with pytest.raises(ContentError) as raised:
        parse_article(f"---\n{front}\n---\nBody.\n".encode(), "a.md", 0)
    assert str(raised.value) == f"a.md:{line}: quality must be a number, not text"


def test_a_number_reached_through_an_alias_is_looked_for_at_its_anchor() -> None:
    """``provider: *p`` holds no number; the anchor's 1000 is written as YAML reads it, so there is
    nothing to warn of (an outside probe got "YAML reads it as the number 1000; quote it")."""
    text = (
        "---\ntitle: T\nwebUrl: https://example.com/a\nprovider: &p\n  name: 1000\n  domain: example.com\n"
        "related:\n- title: R\n  webUrl: https://example.com/r\n  provider: *p\n---\nBody.\n"
    )
    article, problems = parse_article(text.encode(), "a.md", 0)
    assert (article.provider and article.provider.name, article.related[0].provider) == (
        "1000",
        article.provider,
    )
    assert problems == []


@pytest.mark.parametrize("written", ["2021-02-16", "!!timestamp 2021-02-16", '!!timestamp "2021-02-16"'])
def test_a_date_where_text_belongs_is_its_text_however_it_is_written(written: str) -> None:
    """A tagged date was an error ("title must be text, not date") where the same date written
    plain was its text; PyYAML's dumper writes the tag whenever it quotes a date (an outside probe)."""
    text = f"---\ntitle: {written}\nwebUrl: https://example.com/a\n---\nBody.\n"
    article, problems = parse_article(text.encode(), "a.md", 0)
    assert (article.title, problems) == ("2021-02-16", [])


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("1900-01-01T00:00:00+05:00", "1900-01-01T00:00:00+05:00 (1899-12-31 19:00 UTC) is outside"),
        ("9999-12-31T23:00:00-05:00", "9999-12-31T23:00:00-05:00 is outside"),  # past datetime's range
        ("1899-05-01", "1899-05-01 is outside"),
    ],
)
def test_a_date_past_the_years_says_the_instant_a_zone_moved_it_to(written: str, shown: str) -> None:
    """ "1900-01-01 is outside the years 1900–9999" read as a contradiction (an outside probe)."""
    text = f"---\ntitle: Edge\npublishedDateTime: {written}\n---\nBody.\n"
    with pytest.raises(ContentError, match=re.escape(f"publishedDateTime: {shown} the years 1900–9999")):
        parse_article(text.encode(), "a.md", 0)


@pytest.mark.parametrize(
    ("written", "zone", "shown"),
    [
        (
            "1900-01-01T00:00:00Z",
            "America/New_York",
            "(1899-12-31 19:00 in the configured timezone, America/New_York)",
        ),
        (
            "9999-12-31T23:59:59Z",
            "Pacific/Kiritimati",
            "(beyond year 9999 in the configured timezone, Pacific/Kiritimati)",
        ),
    ],
)
def test_a_date_the_configured_zone_moves_past_the_years_says_so(written: str, zone: str, shown: str) -> None:
    """In UTC in the years, and out of them where archives and pages show it: the error said
    "1900-01-01T00:00:00Z is outside the years 1900–9999" without saying why (an outside probe)."""
    text = f"---\ntitle: Edge\npublishedDateTime: {written}\n---\nBody.\n"
    with pytest.raises(
        ContentError, match=re.escape(f"publishedDateTime: {written} {shown} is outside the years")
    ):
        parse_article(text.encode(), "a.md", 0, tz=ZoneInfo(zone))


def test_json_front_matter_with_a_surrogate_pair_says_how_to_write_it() -> None:
    """json.dumps writes 🙂 as "\\ud83d\\ude42", which YAML refuses: the error says what to write."""
    text = '---\n{"title": "Smile \\ud83d\\ude42", "publishedDateTime": "2024-01-01T00:00:00Z"}\n---\nBody.\n'
    with pytest.raises(ContentError, match=re.escape(r"not YAML: write \U0001F642 or the character")):
        parse_article(text.encode(), "a.md", 0)


def _before_more_by_pattern(body: str) -> str:
    """The rule as one pattern says it; it looked from each "<!--more" to the end (quadratic)."""
    return re.split(r"<!--\s*more\b.*?-->", body, maxsplit=1, flags=re.DOTALL)[0]


@given(st.lists(st.sampled_from(["<!--", "more", "-->", " ", "x", "\n", "mores"]), max_size=30).map("".join))
@example("a<!--more<!--more -->b")
@example("a<!--more b")
def test_the_summary_ends_where_the_pattern_says(body: str) -> None:
    assert before_more(body) == _before_more_by_pattern(body)


@pytest.mark.parametrize(
    "body",
    [
        "".join("  " * level + f"- item {level}\n" for level in range(20)) + "\nParagraph after.\n",
        "> " * 40 + "quoted\n\nParagraph after.\n",
    ],
)
def test_markdown_nested_deep_keeps_what_follows(body: str) -> None:
    """CommonMark's preset stops at 20 levels and drops the rest: a list nested 10 deep lost its
    last item and every paragraph after it (an outside probe)."""
    html = body_html(body, BodyFormat.MARKDOWN)
    assert "Paragraph after." in html and ("item 19" in html or "quoted" in html)


@pytest.mark.parametrize("depth", [25, 30, 60])
def test_markdown_nested_to_the_limit_is_plain_text_with_every_word(depth: int) -> None:
    """A list nested 25 deep lost the rest of the body, headings and lists after it included (an
    outside probe): a body that reaches the nesting limit is shown as plain text."""
    body = (
        "".join("  " * level + f"- L{level}\n" for level in range(depth))
        + "\n\n\n# Heading after\n\nAFTER paragraph\n"
    )
    html = body_html(body, BodyFormat.MARKDOWN)
    assert f"L{depth - 1}" in html and "Heading after" in html and "AFTER paragraph" in html


@pytest.mark.parametrize("gap", ["", "\n", "\n  \n"])
def test_a_body_that_starts_with_an_indented_code_block_keeps_it(gap: str) -> None:
    """The body was stripped, its first line's indentation with it: the code block became a
    paragraph (an outside probe)."""
    text = f"---\ntitle: T\ndate: 2021-01-02\n---\n{gap}    code line\n    second\n\nText.\n"
    article, problems = parse_article(text.encode(), "a.md", 0)
    assert problems == []
    html = body_html(article.body, article.body_format)
    assert html.startswith("<pre><code>code line\nsecond\n</code></pre>"), html
