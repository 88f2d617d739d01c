"""The web app's 404 answer costs the same on a site of thousands of topics as on a small one:
made once per site version, gzipped for clients that take it, listing a bounded number of topics
(an outside probe: 443 KB rendered per request on a site of 2,432 topics)."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree

import feeds.serve.not_found
from feeds.render.pages import NOT_FOUND_TOPICS
from feeds.serve.app import create_app
from tests.helpers import live_site

TOPICS = 3000
#: Topics per article (front matter takes 20 at most).
PER_ARTICLE = 20
#: The page with ``NOT_FOUND_TOPICS`` topics in three formats is about 10 KB.
MOST_BYTES = 20_000


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """A site of ``TOPICS`` topics; topic ``t0000`` has the most entries, then ``t2999``."""
    folder = tmp_path_factory.mktemp("many_topics")
    content = folder / "content"
    content.mkdir()
    for first in range(0, TOPICS, PER_ARTICLE):
        names = ", ".join(f"t{n:04}" for n in range(first, first + PER_ARTICLE))
        (content / f"{first:04}.md").write_text(
            f"---\ntitle: Article {first}\ndate: 2024-01-01\ntopics: [{names}]\n---\nBody.\n",
            encoding="utf-8",
        )
    for number in range(3):
        (content / f"big{number}.md").write_text(
            f"---\ntitle: Big {number}\ndate: 2024-01-02\ntopics: [t0000, t2999]\n---\nBody.\n",
            encoding="utf-8",
        )
    (content / "bigger.md").write_text(
        "---\ntitle: Bigger\ndate: 2024-01-03\ntopics: [t0000]\n---\nBody.\n", encoding="utf-8"
    )
    config = folder / "config" / "feeds.yaml"
    config.parent.mkdir()
    config.write_text(
        "site:\n  title: Many\n  base_url: https://example.org/\ncontent: ../content\noutput: ../public\n"
        "archives: off\nserve:\n  reload_interval: 0\n",
        encoding="utf-8",
    )
    app = create_app(config)
    yield app
    live_site(app).stop()


@pytest.fixture
def big_client(big_site: Flask) -> FlaskClient:
    return big_site.test_client()


def test_the_404_page_of_a_site_of_thousands_of_topics_is_small(big_client: FlaskClient) -> None:
    response = big_client.get("/no-such-page")
    assert response.status_code == 404
    assert len(response.data) < MOST_BYTES
    page = etree.HTML(response.data)
    listed = [(item.findtext("bdi") or item.text or "").strip().rstrip(":") for item in page.iter("li")]
    assert len(listed) == NOT_FOUND_TOPICS
    assert listed[0] == "t0000" and listed[-1] == "t2999"  # the biggest, in the site's order
    assert "./" in page.xpath("//p/a/@href")  # the index page, which lists them all
    assert f"of {TOPICS}" in response.get_data(as_text=True)


def test_the_404_page_is_made_once_per_site_version_and_gzipped(
    big_client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    renders: list[str] = []
    real = feeds.serve.not_found.not_found_bytes

    def counted(*args: object) -> bytes:
        renders.append(str(args[2]))
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(feeds.serve.not_found, "not_found_bytes", counted)
    paths = ["/x", "/random-1", "/topics/t0000,nope.atom", "/topics/unknown.atom", "/a/b/c/d"]
    first = {path: big_client.get(path) for path in paths}
    assert all(response.status_code == 404 for response in first.values())
    assert big_client.post("/websub").status_code == 404  # the hub is off
    # At most one render per way to the root ("./", "../", "../../../"), none for the same again.
    assert len(renders) <= 3 and len(set(renders)) == len(renders)
    made = len(renders)
    assert first["/x"].data == first["/random-1"].data == big_client.get("/y").data
    assert first["/x"].headers["Cache-Control"] == "no-store"
    assert first["/x"].headers["Vary"] == "Accept-Encoding"
    packed = big_client.get("/z", headers={"Accept-Encoding": "gzip"})
    assert packed.status_code == 404 and packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == first["/x"].data
    assert len(packed.data) < len(first["/x"].data) / 3
    assert big_client.get("/z", headers={"Accept-Encoding": "gzip;q=0"}).data == first["/x"].data
    assert len(renders) == made


def test_a_rebuild_makes_the_404_page_again(project: Path, app: Flask, client: FlaskClient) -> None:
    before = client.get("/nothing-here").data
    (project / "content" / "zz_new.md").write_text(
        "---\ntitle: New\ndate: 2021-02-01\ntopics: [Brand New Topic]\n---\nBody.\n", encoding="utf-8"
    )
    assert live_site(app).refresh()
    after = client.get("/nothing-here").data
    assert b"Brand New Topic" in after and b"Brand New Topic" not in before


def test_the_404_page_has_its_main_and_paints_its_own_canvas(client: FlaskClient) -> None:
    """A checker in dark mode saw its text on white (it set a color scheme, no background), and it
    had no <main> landmark (an accessibility probe)."""
    page = etree.HTML(client.get("/nothing-here").data)
    assert page.find(".//main/h1").text == "Not found"
    assert "background: Canvas; color: CanvasText" in page.findtext(".//style")
