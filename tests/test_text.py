from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime
from datetime import timezone
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

import pytest
from hypothesis import example
from hypothesis import given
from hypothesis import strategies as st

from feeds.model import BodyFormat
from feeds.model import Entry
from feeds.model import Image
from feeds.model import Link
from feeds.names import _RESERVED_SLUGS
from feeds.names import slugify
from feeds.render.entry_html import body_html
from feeds.render.entry_html import entry_html
from feeds.render.entry_html import sanitize
from feeds.text import NOT_XML_CHAR
from feeds.text import closed_bidi
from feeds.text import columns
from feeds.text import plain_text
from feeds.text import shown
from feeds.text import shows_nothing
from feeds.text import xml_safe
from feeds.text import xml_safe_utf8
from feeds.urls import canonical_url
from feeds.urls import http_url


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Computer Vision", "computer-vision"),
        ("AI", "ai"),
        ("Énergie", "energie"),
        ("Café Culture", "cafe-culture"),
        ("C++ & Rust", "c-rust"),
        ("東京", "東京"),
        ("Ελλάδα", "ελλαδα"),
        ("한국", "한국"),
        ("हिन्दी समाचार", "हिन्दी-समाचार"),  # vowel signs and the virama are part of the letters
        ("でんき", "でんき"),  # the voicing mark makes another kana
        ("Йога", "йога"),
        ("مرحبا بالعالم", "مرحبا-بالعالم"),
        ("  spaced__out  ", "spaced-out"),
        ("con", "con-topic"),
        ("..", "topic-" + __import__("hashlib").sha1(b"..").hexdigest()[:8]),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_slugify_names_the_kind_it_falls_back_to() -> None:
    assert slugify("con", "entry") == "con-entry"
    assert slugify("!!", "entry") == "entry-" + __import__("hashlib").sha1(b"!!").hexdigest()[:8]


def _slug_by_category(name: str, kind: str) -> str:
    """The slug as the rule for any script makes it: each character that is not a letter, number
    or mark becomes "-", runs of "-" one, at most 80 characters; then the fallbacks."""
    slug = "".join(c if unicodedata.category(c)[0] in "LNM" else "-" for c in name.lower())
    slug = re.sub("-{2,}", "-", slug).strip("-")[:80].rstrip("-")
    if not slug:
        return f"{kind}-" + hashlib.sha1(name.encode()).hexdigest()[:8]
    return f"{slug}-{kind}" if slug in _RESERVED_SLUGS else slug


@given(st.text(st.characters(max_codepoint=127), max_size=120))
@example("a--b__c  d")
@example("-\x00\x7f0-9")
@example("--CON--")
def test_an_ascii_name_gets_the_slug_the_general_rule_gives(name: str) -> None:
    """ASCII names take a shorter way to their slug; it must be the one the rule for any script
    gives."""
    assert slugify(name, "entry") == _slug_by_category(name, "entry")


def test_slug_fits_a_file_name_in_any_script() -> None:
    """80 letters of a script that takes 4 bytes each would be 320 bytes: too long for a file name."""
    slug = slugify("\U00020000" * 100, "entry")
    assert slug == "\U00020000" * 50
    slug = slugify("\U00020000" * 100)
    assert len(slug.encode("utf-8")) <= 200 and slug.startswith("\U00020000" * 47 + "-")


@pytest.mark.parametrize(
    ("first", "second"),
    [("word " * 30 + "alpha", "word " * 30 + "beta"), ("東京" * 40 + "大阪", "東京" * 40 + "京都")],
)
def test_long_topic_names_alike_at_first_keep_slugs_apart(first: str, second: str) -> None:
    """Slugs cut at 80 letters merged two topics alike in their first 80 (an outside probe): a
    cut slug ends in a hash of the whole; names one slug apart in case only still share it."""
    assert slugify(first) != slugify(second)
    assert slugify(first) == slugify(first.upper()) and len(slugify(first)) <= 80
    assert slugify("x" * 80) == "x" * 80  # not cut: as before


@pytest.mark.parametrize("name", ["\ufe0f", "\u034f", "\u0301\u0301", "\U000e0100"])
def test_marks_alone_are_no_name_for_a_slug(name: str) -> None:
    """Variation selectors and lone accents made slugs that show nothing (an outside probe)."""
    assert slugify(name) == "topic-" + hashlib.sha1(name.encode()).hexdigest()[:8]


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://WWW.Example.com/a?utm_source=x&id=2#frag", "https://www.example.com/a?id=2"),
        ("HTTP://example.com:80", "http://example.com/"),
        ("https://example.com:8443/p?UTM_Medium=y", "https://example.com:8443/p"),
        ("https://example.com/Case/Path", "https://example.com/Case/Path"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://example.com/x", "https://example.com/x"),
        ("javascript:alert(1)", None),
        ("ftp://example.com/f", None),
        ("/relative/path", None),
        ("https://", None),
        ("http://[zz]/cb", None),  # not an IPv6 address: 3.11.4 and later refuse it in urlsplit, 3.10 did not
        ("https://example.com/a b", None),
    ],
)
def test_http_url(value: str, expected: str | None) -> None:
    assert http_url(value) == expected


def test_xml_safe_removes_control_characters_and_surrogates() -> None:
    assert xml_safe("a\x00b\x01c\x0bd\x1fe\x7ff\x81g\ud800h\ufffei\tj\nk") == "abcdefghi\tj\nk"
    # A C1 control is a Windows-1252 character read as Latin-1 (old WordPress exports: an outside
    # probe found "Don\x92t" published as "Dont"): it becomes that character, where it has one.
    assert xml_safe("Don\x92t \x93now\x94 \x96 \x85\x80\x9d") == "Don’t “now” – …€"


def test_no_printable_character_is_one_xml_refuses() -> None:
    # xml_safe's shortcut: text that isprintable() needs no cleaning.
    printable = "".join(c for c in map(chr, range(0x110000)) if c.isprintable())
    assert NOT_XML_CHAR.search(printable) is None


def test_refused_characters_are_xml_1_0s_the_c1_controls_and_the_noncharacters() -> None:
    def allowed(code: int) -> bool:  # https://www.w3.org/TR/xml/#charsets, less U+0080-U+009F
        in_xml = (
            code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or code >= 0x10000
        )
        # Unicode's non-characters (chapter 23.7): the W3C validator warns of each.
        noncharacter = 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE
        return in_xml and not 0x7F <= code <= 0x9F and not noncharacter

    refused = [code for code in range(0x110000) if NOT_XML_CHAR.match(chr(code))]
    assert refused == [code for code in range(0x110000) if not allowed(code)]


# Text near the edges: C0 and C1 controls, DEL, non-characters, and the characters around them.
_EDGY = st.text(
    st.sampled_from(
        "a \t\n\r\x00\x08\x0b\x1f\x7f\x80\x85\x9f\xa0\xc2é€\ufdd0\ufffd\ufffe\uffff\U0001f600\U0010ffff"
    )
    | st.characters(codec="utf-8")
)


@given(_EDGY)
@example(" a  b\u00a0c\u2028 ")
@example("a\x85b")
def test_plain_text_without_markup_only_folds_spaces_and_drops_what_xml_refuses(text: str) -> None:
    # Format characters (direction marks, zero-width spaces) have rules of their own: tested apart.
    text = "".join(c for c in text.replace("<", "").replace("&", "") if unicodedata.category(c) != "Cf")
    # No-break spaces are the writer's and stay; other runs of white space are one space.
    folded = re.sub(r"[^\S\u00a0\u2007\u202f]+", " ", xml_safe(text)).strip()
    assert plain_text(text) == ("" if shows_nothing(folded) else folded)


def test_xml_safe_utf8_finds_every_character_xml_safe_drops() -> None:
    for code in [*range(0xD800), *range(0xE000, 0x110000)]:
        char = chr(code)
        assert xml_safe_utf8(char.encode()) == (xml_safe(char) == char), hex(code)


@given(_EDGY)
@example("x\ufffe")
@example("x\U0001fffe")
@example("x\ufdd0")
@example("x\uffff")
@example("x\x85")
@example("x\x7f")
@example("x\x0b")
def test_xml_safe_utf8_tells_when_xml_safe_would_change_nothing(text: str) -> None:
    assert xml_safe_utf8(text.encode()) == (xml_safe(text) == text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("AT&T &amp; friends", "AT&T & friends"),
        ("x < y and y > z", "x < y and y > z"),
        ("<b>Bold</b> claim<script>alert(1)</script>", "Bold claim"),
        ("  many   spaces\n", "many spaces"),
    ],
)
def test_plain_text(value: str, expected: str) -> None:
    assert plain_text(value) == expected


def test_sanitize_removes_scripts_handlers_styles_frames_and_bad_links() -> None:
    dirty = (
        '<p style="color:red" onclick="x()">Hi<script>alert(1)</script></p>'
        '<img src="x.png" onerror="alert(1)"><iframe src="https://evil.example"></iframe>'
        '<a href="javascript:alert(1)">js</a><a href="/local">rel</a><a href="mailto:a@b">m</a>'
    )
    clean = sanitize(dirty, "https://news.example.com/story/1")
    for bad in ("script", "onclick", "onerror", "style", "iframe", "javascript", "mailto"):
        assert bad not in clean
    assert '<img src="https://news.example.com/story/x.png">' in clean
    assert 'href="https://news.example.com/local"' in clean
    assert "Hi" in clean


@pytest.mark.parametrize("tag", ["blockquote", "q", "del", "ins"])
def test_sanitize_drops_cite_addresses_which_nh3_does_not_check(tag: str) -> None:
    """``cite="javascript:..."`` went out as written (an outside probe); a reader that follows
    it runs the script."""
    clean = sanitize(f'<{tag} cite="javascript:alert(1)">quoted</{tag}>', "https://e.example/a")
    assert "javascript" not in clean and "cite" not in clean and "quoted" in clean


def test_sanitize_drops_the_tags_feed_validators_call_a_risk_and_keeps_their_text() -> None:
    """The W3C feed validator warns of ``bdo`` (it turns text around) and ``rtc`` (SecurityRisk)."""
    clean = sanitize('<p><bdo dir="rtl">abc</bdo><ruby>漢<rtc>kan</rtc></ruby></p>', None)
    assert clean == "<p>abc<ruby>漢kan</ruby></p>"
    # In a Markdown body too: "<rtc>" was no HTML element there, so it became text.
    clean = sanitize(body_html("Alone <rtc>ALONE</rtc> here.", BodyFormat.MARKDOWN), None)
    assert clean == "<p>Alone ALONE here.</p>\n"


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("It&#146;s ok &#150; yes &#x85;", "It’s ok – yes …"),  # Windows-1252, as old WordPress posts have it
        ("a&#0;b&#xD800;c&#x110000;d&#1;e&#65534;f&#129;g", "abcdefg"),  # no XML carries them
        ("&#38; and &#42;x&#42; and &#65533;", "&amp; and *x* and \ufffd"),  # others as Markdown reads them
        (
            "`&#146;` and <b>&#146;&#0;</b>",
            "<code>&amp;#146;</code> and <b>’</b>",
        ),  # code as written; raw HTML too
    ],
)
def test_numeric_references_read_as_html_reads_them_in_markdown_and_in_text(written: str, read: str) -> None:
    """A Markdown body made U+FFFD of "&#146;" (CommonMark) and the sanitiser of "&#0;": readers
    showed "�" and validators warned (BadCharacters); found by an outside probe."""
    assert sanitize(body_html(written, BodyFormat.MARKDOWN), None) == f"<p>{read}</p>\n"
    if "`" not in written:
        assert plain_text(written) == read.replace("&amp;", "&")


def test_numeric_references_in_links_and_images_are_read_as_html_reads_them() -> None:
    """A link's address kept "&#146;" as written (the link then ended at "&"), and an image's alt
    text got "\ufffd" (a probe of the first try)."""
    body = '[a](https://ex.example/a&#146;b "t&#146;") ![al&#146;t](https://img.example/p&#0;.jpg)'
    assert sanitize(body_html(body, BodyFormat.MARKDOWN), None) == (
        '<p><a href="https://ex.example/a%E2%80%99b" title="t’" rel="noopener noreferrer">a</a>'
        ' <img src="https://img.example/p.jpg" alt="al’t"></p>\n'
    )


def test_relative_links_dropped_without_base() -> None:
    assert "href" not in sanitize('<a href="/x">x</a>', None)


def test_entry_html_parts() -> None:
    entry = Entry(
        id="https://n.example.com/1",
        title="T",
        published=datetime(2021, 1, 1, tzinfo=timezone.utc),
        source="a.md",
        url="https://n.example.com/1",
        body="# Head\n\nSome *text*.",
        body_format=BodyFormat.MARKDOWN,
        image=Image("https://i.example.com/a.jpg", 800, 600),
        related=(Link("https://o.example.com/2", "Other & more", "Outlet"),),
    )
    html = entry_html(entry)
    assert html.startswith('<p><img src="https://i.example.com/a.jpg" alt="" width="800" height="600"></p>')
    assert "<h1>Head</h1>" in html and "<em>text</em>" in html
    assert "<h3>More coverage</h3>" in html
    assert '<a href="https://o.example.com/2" rel="noopener noreferrer">Other &amp; more</a> (Outlet)' in html


def test_plain_text_body_becomes_escaped_paragraphs() -> None:
    entry = Entry(
        id="x", title="T", published=datetime(2021, 1, 1, tzinfo=timezone.utc), source="a.txt",
        body="First <para>.\n\nSecond\nline.", body_format=BodyFormat.TEXT,
    )  # fmt: skip
    assert entry_html(entry) == "<p>First &lt;para&gt;.</p>\n<p>Second\nline.</p>\n"


def test_entry_with_nothing_but_a_title_has_non_blank_content() -> None:
    entry = Entry(
        id="x", title="Only <a title>", published=datetime(2021, 1, 1, tzinfo=timezone.utc), source="a.md"
    )
    assert entry_html(entry) == "<p>Only &lt;a title&gt;</p>\n"


@pytest.mark.parametrize(
    "url",
    [
        "https://a.com/x", "http://a.b-c.org/p/q.html", "https://x.com/a'b", "https://x.com/%20y",
        "https://x.com/", "https://x.com/a;b=c", "https://x.com/a@b:c", "https://x.com/a(b)*+,!$&",
        "HTTPS://X.com/A", "https://x.com:443/a", "https://x.com/a?utm_source=x&b=1#top", "https://x.com",
    ],
)  # fmt: skip
def test_canonical_url_is_a_fixed_point(url: str) -> None:
    """The shortcut for URLs already in canonical form agrees with the full computation."""
    canonical = canonical_url(url)
    assert canonical_url(canonical) == canonical
    parts = urlsplit(canonical)
    assert urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, "")) == canonical


def test_wide_characters_take_two_columns() -> None:
    """`feeds topics` lined its counts up by characters: a slug in Japanese pushed them right."""
    assert (columns("ai"), columns("東京"), columns("café")) == (2, 4, 4)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("content/a.md:3: invalid YAML", "content/a.md:3: invalid YAML"),
        ("b\x1b[31mred.md", "b\\x1b[31mred.md"),
        ("a\u202eb\nc\td", "a\\u202eb\\x0ac\\x09d"),
        ("東京 é", "東京 é"),
        ("bad\udcff.md", "bad\\udcff.md"),
    ],
)
def test_shown_escapes_what_would_steer_a_terminal(message: str, expected: str) -> None:
    assert shown(message) == expected


def _closed_bidi_by_search(text: str) -> str:
    """The rule of ``closed_bidi`` written plainly (it looked through a list for each closer: 70,000
    of each took 53 s): each isolate's closer closes what was opened since it too."""
    open_: list[str] = []
    for char in text:
        if char in "\u202a\u202b\u202d\u202e":
            open_.append("\u202c")
        elif char in "\u2066\u2067\u2068":
            open_.append("\u2069")
        elif char == "\u202c" and open_ and open_[-1] == "\u202c":
            open_.pop()
        elif char == "\u2069" and "\u2069" in open_:
            del open_[len(open_) - 1 - open_[::-1].index("\u2069") :]
    return text + "".join(reversed(open_))


@given(st.text(st.sampled_from("a \u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), max_size=60))
def test_bidi_closing_follows_the_rule(text: str) -> None:
    assert closed_bidi(text) == _closed_bidi_by_search(text)


@given(
    st.lists(st.sampled_from(["<!--", "-->", "<", ">", "a", " ", "/", "</a>", "<a ", "\n"]), max_size=40).map(
        "".join
    )
)
@example("<!--<!--a")
@example("<a>-->b<!--<b")
def test_tags_are_found_as_one_pattern_finds_them(pieces: str) -> None:
    """Past the last "-->" no comment can end; looking from each "<!--" was quadratic."""
    from feeds.markup import _TAG_OR_BRACKET
    from feeds.markup import tags_sub as _tags_sub

    def mark(match: re.Match[str]) -> str:
        return f"[{match.start()}:{match[0]}]"

    assert _tags_sub(mark, pieces) == _TAG_OR_BRACKET.sub(mark, pieces)


@pytest.mark.parametrize(
    ("reserved", "plain"), [("all", "All Topic"), ("con", "con-topic"), ("LPT1", "lpt1 topic")]
)
def test_a_name_whose_slug_a_reserved_name_takes_keeps_its_own(reserved: str, plain: str) -> None:
    """ "all" takes the slug "all-topic", which was also that of a topic named "All Topic": the two
    became one (an outside probe). The plain name's slug ends in a hash of it instead."""
    assert slugify(reserved) == f"{reserved.lower()}-topic"
    assert slugify(plain) != slugify(reserved)
    assert slugify(plain) == slugify(plain.upper()) == slugify(plain.replace(" ", "-"))
    assert slugify(plain, "entry") == f"{reserved.lower()}-topic"  # entry pages number alike titles
