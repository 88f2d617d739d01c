"""A link goes where it reads: hosts that are no host name or IPv4 address (which browsers open
as another host, or as an address), user names and direction controls never reach a feed, in an
article's fields or in its body (found by an outside probe of hostile input)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import feedparser
import pytest

from feeds.build.pipeline import build_site
from feeds.plan.entries import convert
from feeds.render.entry_html import entry_html
from feeds.render.entry_html import sanitize
from feeds.source.parse import parse_article
from feeds.text import plain_text
from feeds.urls import http_url
from feeds.urls import misleading_link
from feeds.urls import url_problem
from tests.conftest import make_article
from tests.conftest import make_settings

NO_HOSTS = [
    "https://evil.com\\.example.com/story",  # a browser opens evil.com
    "https://ex|ample.com/x",
    "https://ex^amp`le.com/y",
    "https://ex%00ample.com/",
    "https://a..b.example/",
    "https://-x.example/",
    "https://x-.example/",
    "https://1.2.3.4.5/",
    "https://999.1.1.1/",
    "https://0x7f.1/",  # 127.0.0.1 to a browser
    "https://010.1.1.1/",  # octal to some readers
    "https://2130706433/",
    "https://例え.jp\\.example.com/",
]
HOSTS = [
    "https://example.com/a",
    "https://example.com./a",
    "https://1.2.3.4/a",
    "https://intranet/a",
    "https://my_site.blogspot.com/a",
    "https://example.3com/a",
    "https://xn--r8jz45g.jp/a",
    "https://EXAMPLE.com:8080/a",
]


@pytest.mark.parametrize("url", NO_HOSTS)
def test_a_url_whose_host_is_none_is_refused_and_says_why(url: str) -> None:
    assert http_url(url) is None
    assert "no host name or IPv4 address" in url_problem(url) or "absolute http(s)" in url_problem(url)
    assert misleading_link(url)


@pytest.mark.parametrize("url", HOSTS)
def test_host_names_and_ipv4_addresses_are_kept(url: str) -> None:
    assert http_url(url) == url and not misleading_link(url)


def test_an_international_host_goes_out_in_punycode() -> None:
    assert http_url("https://例え.jp/x") == "https://xn--r8jz45g.jp/x"


def test_such_a_web_url_is_left_out_with_its_reason() -> None:
    text = "---\ntitle: T\ndate: 2021-01-01\nwebUrl: 'https://evil.com\\.example.com/story'\n---\nB\n"
    article, warnings = parse_article(text.encode(), "a.md", 0.0)
    assert article.url is None
    assert [str(w) for w in warnings] == [
        "a.md:4: webUrl 'https://evil.com\\\\.example.com/story' has a host that is no host name or IPv4"
        " address (a browser would go elsewhere); left out"
    ]


def test_a_related_item_with_such_a_url_is_left_out_with_its_reason() -> None:
    text = (
        "---\ntitle: T\ndate: 2021-01-01\nrelated:\n"
        "  - {title: R, webUrl: 'https://ex|ample.com/y'}\n  - {title: S, webUrl: 'https://s.example/1'}\n---\nB\n"
    )
    article, warnings = parse_article(text.encode(), "a.md", 0.0)
    assert [item.url for item in article.related] == ["https://s.example/1"]
    assert "related item 1: webUrl 'https://ex|ample.com/y' has a host that is no host name" in str(
        warnings[0]
    )


def test_a_providers_domain_goes_out_as_a_uri(tmp_path: Path) -> None:
    """``例え.jp`` went out as ``https://例え.jp/`` in atom:author/uri and JSON Feed's authors,
    ``[::1]`` as an IPv6 address no link may have."""
    for stem, domain in (("a", "例え.jp"), ("b", "[::1]"), ("c", "ex|ample.com")):
        (tmp_path / f"{stem}.md").write_text(
            f"---\ntitle: {stem}\ndate: 2021-01-0{ord(stem) - 96}\nwebUrl: https://x.example/{stem}\n"
            f"provider: {{name: Outlet {stem}, domain: '{domain}'}}\n---\nB\n",
            encoding="utf-8",
        )
    result = build_site(dataclasses.replace(make_settings(), content_dir=tmp_path))
    feed = feedparser.parse(result.documents["all.atom"])
    authors = {entry.title: entry.get("author_detail", {}).get("href") for entry in feed.entries}
    assert authors == {"a": "https://xn--r8jz45g.jp/", "b": None, "c": None}
    assert b"\xe4\xbe\x8b" not in result.documents["all.json"].split(b'"authors"')[1][:200]


@pytest.mark.parametrize(
    "link",
    [
        "https://admin:hunter2@staging.example.com/",
        "https://www.bank.example@evil.example/login",
        "https://example.com/\u202egpj.exe",
        "https://evil.com\\.example.com/",
        "//user@evil.example/",
        # The scheme in capitals, and the ways browsers read as "//" (an outside probe).
        "HTTPS://bank.example@evil.example/1",
        "Https://bank.example:pw@evil.example/2",
        "https:\\\\bank.example@evil.example/3",
        "https:/\\bank.example@evil.example/4",
        "https:bank.example@evil.example/5",
        "HTTPS://evil.example\\.bank.example/6",
        "HTTPS://0x7f.1/8",
        "https://evil.example/%E2%80%AEfdp.exe",
    ],
)
def test_a_body_link_that_reads_otherwise_than_it_goes_is_dropped(link: str) -> None:
    html = sanitize(
        f'<p><a href="{link}">here</a> <img src="{link}x.png" alt="i"> and '
        '<a href="https://fine.example/?a=1&amp;b=2">there</a> <a href="rel">r</a></p>',
        "https://base.example/",
    )
    assert "hunter2" not in html and "evil" not in html and "\u202e" not in html and "0x7f" not in html
    assert '<a rel="noopener noreferrer">here</a>' in html
    assert 'href="https://fine.example/?a=1&amp;b=2"' in html and 'href="https://base.example/rel"' in html


def test_a_body_without_such_links_is_cleaned_once_as_before() -> None:
    html = '<p><a href="https://例え.jp/">jp</a> <a href="http://1.2.3.4:8080/x">ip</a></p>'
    assert sanitize(html, None) == (
        '<p><a href="https://例え.jp/" rel="noopener noreferrer">jp</a> '
        '<a href="http://1.2.3.4:8080/x" rel="noopener noreferrer">ip</a></p>'
    )


@pytest.mark.parametrize("element", ["noscript", "xmp", "noembed", "noframes", "iframe"])
def test_text_inside_raw_text_elements_is_not_escaped_twice(element: str) -> None:
    """``<noscript><p title="…</noscript>`` in a title showed readers ``&lt;p``: html5ever reads
    such an element's content unescaped and wrote it escaped again."""
    title = f'Quote <{element}><p title="</{element}><img src=x onerror=alert(1)>"> rest'
    assert "&lt;" not in plain_text(title) and "onerror" not in plain_text(title)
    assert plain_text(f"A <{element}>x &amp; y</{element}> b") in ("A b", "A x & y b")


@pytest.mark.parametrize(
    "url",
    NO_HOSTS
    + HOSTS
    + ["https://例え.jp/x", "https://a.example/@user", "http://1.2.3.4:80/", "HTTPS://ok.example/a"]
    + [
        "HTTP://u@evil.example/",
        "https:\\\\evil.example/",
        "https:evil.example/",
        "https://a.example/%e2%80%ae",
    ],
)
def test_a_body_keeps_a_links_address_exactly_when_it_goes_where_it_reads(url: str) -> None:
    """One search of the output picks the bodies whose links need checking one by one: it must
    miss none that misleads."""
    html = sanitize(f'<p><a href="{url}">x</a></p>', None)
    assert ("href=" in html) == (not misleading_link(url)), html


def test_a_markdown_links_direction_controls_are_seen_percent_encoded() -> None:
    """The Markdown reader percent-encodes an address's characters before the sanitiser sees them:
    "[report.pdf](https://evil.example/\u202efdp.exe)" went out as ".../%E2%80%AEfdp.exe", read
    as "exe.pdf" by readers that decode it (an outside probe)."""
    settings = make_settings()
    body = "[report.pdf](https://evil.example/\u202efdp.exe) and [fine](https://fine.example/%E2%82%AC)"
    html = entry_html(convert([make_article(1, body=body)], settings).channels[0].entries[0])
    assert "evil.example" not in html and 'href="https://fine.example/%E2%82%AC"' in html


@pytest.mark.parametrize(
    "title",
    ['&lt;img title="x>" src=x onerror=alert(1)&gt; Title', '<b title="x>" onclick=alert(3)>Title'],
)
def test_a_quoted_greater_than_sign_does_not_end_a_tag_in_a_title(title: str) -> None:
    """``<img title="x>" src=x onerror=alert(1)>``: the tag was taken to end at the quoted ">",
    and the rest, with its handler, went into RSS titles, live to readers that show them as HTML
    (an outside probe)."""
    assert plain_text(title) == "Title"
