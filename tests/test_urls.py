"""URLs that urllib refuses to take apart (a bad port, an unclosed IPv6 bracket) are not http(s)
URLs: a field holding one is left out with a warning, and never stops the whole build."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from feeds.build.pipeline import build_site
from feeds.config import settings_from_mapping
from feeds.errors import ConfigError
from feeds.output.check import check_documents
from feeds.source.parse import parse_article
from feeds.urls import canonical_url
from feeds.urls import http_url
from feeds.urls import url_problem
from tests.conftest import make_settings

BROKEN = [
    "http://[::1/x",  # urllib: "Invalid IPv6 URL"
    "https://a]b/x",
    "http://[::1]x/",  # something after the bracket that is not a port
    "https://example.com:99999/x",  # urllib: "Port out of range 0-65535"
    "https://example.com:65536/",
    "https://example.com:abc/x",  # urllib: "Port could not be cast to integer value"
    "https://example.com:-1/x",
]


@pytest.mark.parametrize("url", BROKEN)
def test_a_url_urllib_cannot_take_apart_is_not_an_http_url(url: str) -> None:
    assert http_url(url) is None


@pytest.mark.parametrize(
    "url", ["https://example.com:65535/x", "http://[::1]:8080/x", "https://[2001:db8::1]/x"]
)
def test_ports_in_range_and_ipv6_hosts_are_kept(url: str) -> None:
    assert http_url(url) == url


def test_the_canonical_form_of_an_ipv6_url_keeps_its_brackets() -> None:
    assert canonical_url("http://[::1]:8080/x#f") == "http://[::1]:8080/x"
    assert canonical_url("https://[2001:DB8::1]:443/a") == "https://[2001:db8::1]/a"


def _article(url: str) -> bytes:
    return (
        "---\n"
        "title: Odd URLs\n"
        "date: 2021-03-07\n"
        f'webUrl: "{url}"\n'
        f"provider: {{name: N, domain: '{url.split('/')[2]}'}}\n"
        f'images: [{{url: "{url}/a.jpg", width: 10, height: 10}}]\n'
        "related:\n"
        f'  - {{title: Broken, webUrl: "{url}"}}\n'
        '  - {title: Fine, webUrl: "https://example.com/fine"}\n'
        "---\nBody.\n"
    ).encode()


@pytest.mark.parametrize("url", ["http://[::1/x", "https://example.com:99999/x"])
def test_an_article_with_such_urls_is_built_with_warnings(url: str) -> None:
    article, warnings = parse_article(_article(url), "odd.md", 0.0)
    assert article.url is None
    assert article.images == ()
    assert [item.title for item in article.related] == ["Fine"]
    assert len(warnings) >= 2


def test_one_such_article_does_not_stop_the_build(tmp_path: Path) -> None:
    (tmp_path / "odd.md").write_bytes(_article("https://example.com:99999/x"))
    (tmp_path / "fine.md").write_text("---\ntitle: Fine\ndate: 2021-03-08\n---\nx\n")
    result = build_site(dataclasses.replace(make_settings(), content_dir=tmp_path))
    assert b"Fine" in result.documents["all.atom"]
    assert b"Odd URLs" in result.documents["all.atom"]


@pytest.mark.parametrize("site", [{"base_url": "https://[::1/"}, {"base_url": "https://example.org:99999/"}])
def test_a_config_with_such_a_url_is_a_config_error(site: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="site.base_url"):
        settings_from_mapping({"site": site})


def test_a_websub_hub_with_such_a_url_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="websub.hubs"):
        settings_from_mapping({"websub": {"hubs": ["https://[::1/"]}})


def test_a_host_with_its_final_dot_is_the_same_host() -> None:
    """The W3C validator calls "https://example.com./x" a non-canonical id (found by running it
    over an outside probe's articles)."""
    assert canonical_url("https://example.com./x") == "https://example.com/x"


@pytest.mark.parametrize(
    ("url", "uri"),
    [
        (
            "https://shop.example/list?filter[color]=red&page=2",
            "https://shop.example/list?filter%5Bcolor%5D=red&page=2",
        ),
        ("https://e.example/a|b^c{d}e`f\\g", "https://e.example/a%7Cb%5Ec%7Bd%7De%60f%5Cg"),
        ("https://e.example/p#one#two", "https://e.example/p#one%23two"),
        ("http://[::1]:8080/x[1]", "http://[::1]:8080/x%5B1%5D"),  # the host's brackets stay
        ("https://EXAMPLE.com/x?f[a]=1", "https://EXAMPLE.com/x?f%5Ba%5D=1"),
        ("https://bücher.example/a[1]", "https://xn--bcher-kva.example/a%5B1%5D"),
    ],
)
def test_characters_no_uri_holds_are_escaped(url: str, uri: str) -> None:
    """The W3C validator calls "?filter[color]=red" (WordPress's way to filter a shop) in a link,
    guid or enclosure an error (InvalidUriChar), found by an outside probe."""
    assert http_url(url) == uri
    assert http_url(uri) == uri


def test_a_link_with_such_characters_goes_out_escaped_and_checks(tmp_path: Path) -> None:
    (tmp_path / "shop.md").write_text(
        "---\ntitle: Shop\ndate: 2021-03-08\nwebUrl: 'https://shop.example/list?filter[color]=red&page=2'\n"
        "images: [{url: 'https://shop.example/i[1].jpg', width: 10, height: 10}]\n---\nx\n"
    )
    result = build_site(dataclasses.replace(make_settings(), content_dir=tmp_path))
    for path in ("all.atom", "all.rss", "all.json"):
        document = result.documents[path]
        assert b"filter%5Bcolor%5D=red" in document, path
        assert b"[" not in document.replace(b"<![CDATA[", b"").replace(b"]]>", b"") or path.endswith(
            "json"
        ), path
    assert check_documents(dict(result.documents)) == []


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://example.com./a.jpg", "https://example.com/a.jpg"),  # the same host
        ("https://Example.COM.:8443/a.jpg", "https://example.com:8443/a.jpg"),
        ("https://ex_ample.com/a.jpg", None),
        ("http://localhost/a.jpg", None),
        ("http://intranet:8080/a.jpg", None),
        ("https://192.0.2.1/a.jpg", "https://192.0.2.1/a.jpg"),
        ("https://cdn.example.org/a.jpg", "https://cdn.example.org/a.jpg"),
    ],
)
def test_an_image_needs_a_host_an_enclosure_may_have(url: str, kept: str | None) -> None:
    """RSS carries an image as an enclosure, whose URL the W3C validator wants with a domain name
    of at least one dot ("url must be a full URL"): these were errors (an outside probe)."""
    article, warnings = parse_article(
        f"---\ntitle: T\ndate: 2021-03-07\nimages: [{{url: '{url}', width: 10, height: 10}}]\n---\nB\n".encode(),
        "i.md",
        0.0,
    )
    assert [image.url for image in article.images] == ([kept] if kept else [])  # type: ignore[attr-defined]
    if kept is None:
        assert [str(w) for w in warnings] == [
            f"i.md:4: images item 1: {url!r} has no domain name for a host; left out"
        ]


@pytest.mark.parametrize(
    "url", ["http://999.999.999.999/story", "http://256.1.1.1/", "http://0x100000000/", "http://xn--zz.org/"]
)
def test_an_article_url_the_sanitiser_cannot_take_for_a_base_drops_relative_links(
    tmp_path: Path, url: str
) -> None:
    """nh3 raised ValueError ("invalid IPv4 address") for such a base: the build ended with a
    traceback, and feeds serve would not start (an outside probe)."""
    (tmp_path / "odd.md").write_text(
        f"---\ntitle: Odd host\ndate: 2021-03-07\nwebUrl: '{url}'\n---\nSee [more](/relative-path).\n"
    )
    result = build_site(dataclasses.replace(make_settings(), content_dir=tmp_path))
    assert b"more" in result.documents["all.atom"] and b"relative-path" not in result.documents["all.atom"]


@pytest.mark.parametrize(
    "host",
    [
        "é." * 2500 + "com",
        "a." * 126 + "com",
        ".".join(["é" * 50] * 5) + ".de",
    ],
)
def test_a_host_longer_than_dns_holds_is_no_url(host: str) -> None:
    """One of 5,000 characters in an international name took seconds to put in punycode, again
    for each document its entry was in: a file of 80 KB took 102 s (an outside probe)."""
    assert http_url(f"https://{host}/a") is None
    assert "more than DNS holds" in url_problem(f"https://{host}/a") or "not an absolute" in url_problem(
        f"https://{host}/a"
    )
    assert http_url("https://" + "a." * 125 + "com/a") is not None  # 253 characters: the most
    assert http_url("https://" + "a." * 125 + "com./a") is not None  # and the root's final dot


def test_an_images_warning_says_why_its_url_is_refused() -> None:
    """It said "is not an absolute http(s) URL" of a host longer than DNS holds (an outside probe)."""
    front = "---\ntitle: T\ndate: 2021-01-01\nimages: ['https://" + "a." * 130 + "com/x.png']\n---\nB\n"
    _, problems = parse_article(front.encode(), "a.md", 0)
    assert [str(p) for p in problems][0].endswith(
        "has a host name of over 253 characters, more than DNS holds; left out"
    )
