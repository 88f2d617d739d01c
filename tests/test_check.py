"""`feeds check` must catch what a validator would reject: one broken document per case."""

from __future__ import annotations

import pytest

from feeds.output.check import check_documents

ATOM_OK = b"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>https://e.example.org/all.atom</id><title>T</title>
<updated>2021-02-16T03:47:00+00:00</updated><author><name>A</name></author>
<link href="https://e.example.org/all.atom" rel="self"/>
<entry><id>https://e.example.org/1</id><title>E</title><updated>2021-02-16T03:47:00Z</updated></entry></feed>"""
RSS_OK = b"""<?xml version='1.0' encoding='UTF-8'?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>T</title>
<link>https://e.example.org/</link><description>D</description>
<atom:link href="https://e.example.org/all.rss" rel="self"/>
<lastBuildDate>Tue, 16 Feb 2021 03:47:00 +0000</lastBuildDate>
<item><title>E</title><guid isPermaLink="true">https://e.example.org/1</guid></item></channel></rss>"""
JSON_OK = b'{"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": [{"id": "1", "content_html": "<p>x</p>"}]}'


def test_valid_documents_pass() -> None:
    assert check_documents({"all.atom": ATOM_OK, "all.rss": RSS_OK, "all.json": JSON_OK}) == []


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("all.atom", ATOM_OK.replace(b"</feed>", b""), "not well-formed XML"),
        ("all.atom", ATOM_OK.replace(b"<id>https://e.example.org/all.atom</id>", b""), "feed has no <id>"),
        ("all.atom", ATOM_OK.replace(b"<id>https://e.example.org/1</id>", b""), "entry 1 has no <id>"),
        ("all.atom", ATOM_OK.replace(b'rel="self"', b'rel="alternate"'), "no link rel=self"),
        ("all.atom", ATOM_OK.replace(b"2021-02-16T03:47:00Z", b"16 Feb 2021"), "is not RFC 3339"),
        (
            "all.atom",
            ATOM_OK.replace(b'href="https://e.example.org/all.atom"', b'href="/all.atom"'),
            "not an absolute http(s) URL",
        ),
        (
            "all.atom",
            ATOM_OK.replace(
                b'href="https://e.example.org/all.atom"', b'href="https://e.example.org/all.atom?f[a]=1"'
            ),
            "not an absolute http(s) URL written as a URI",
        ),
        (
            "all.atom",
            ATOM_OK.replace(
                b"<title>E</title>", b"<title>E</title><icon>https://e.example.org/i{c}on.png</icon>"
            ),
            "<icon> 'https://e.example.org/i{c}on.png' is not an absolute http(s) URL written as a URI",
        ),
        (
            "all.atom",
            ATOM_OK.replace(b"<title>E</title>", b"<media:title>E</media:title>"),
            "not well-formed XML",
        ),
        ("all.rss", RSS_OK.replace(b"<description>D</description>", b""), "channel has no <description>"),
        ("all.rss", RSS_OK.replace(b"Tue, 16 Feb 2021 03:47:00 +0000", b"2021-02-16"), "is not RFC 822"),
        (
            "all.rss",
            RSS_OK.replace(b">https://e.example.org/1<", b">urn:x:1<"),
            "guid is a permalink but not",
        ),
        ("all.rss", RSS_OK.replace(b"<atom:link", b"<atom:lnk"), "no atom:link rel=self"),
        (
            "all.rss",
            RSS_OK.replace(
                b"<description>D</description>",
                b"<description>D</description><image><url>https://e.example.org/lo[g]o.png</url></image>",
            ),
            "<url> 'https://e.example.org/lo[g]o.png' is not an absolute http(s) URL written as a URI",
        ),
        ("all.json", JSON_OK.replace(b"1.1", b"1"), "version is not"),
        ("all.json", JSON_OK.replace(b'"id": "1", ', b""), "item 1 has no id"),
        ("all.json", JSON_OK[:-1], "not valid JSON"),
        ("feeds.opml", b"<opml version='2.0'><head/><body><outline/></body></opml>", "no text attribute"),
    ],
)
def test_broken_documents_are_reported(name: str, data: bytes, problem: str) -> None:
    problems = check_documents({name: data})
    assert problems, "no problem found"
    assert any(p.startswith(f"{name}: ") and problem in p for p in problems), problems
