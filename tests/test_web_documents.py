"""The web app's answers through Flask's test client: the build's bytes, HTTP caching, negotiation, errors."""

from __future__ import annotations

import gzip
import unicodedata
from email.utils import format_datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote

import feedparser
import pytest
from flask import Flask
from flask.testing import FlaskClient

import feeds.build.read
import feeds.serve.live
import feeds.serve.responses
import feeds.serve.snapshot
import feeds.serve.watch
from feeds.output.write import write_site
from feeds.serve.app import create_app
from feeds.serve.responses import respond
from tests.helpers import BROWSERS
from tests.helpers import PINNED_MTIME
from tests.helpers import live_site
from tests.helpers import write_config


def test_factory(app: Flask) -> None:
    assert isinstance(app, Flask)
    assert live_site(app).snapshot is not None


def test_factory_reads_config_from_environment(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FEEDS_CONFIG", str(project / "config" / "feeds.yaml"))
    app = create_app()
    assert live_site(app).settings.content_dir == project / "content"


def test_flask_cli_finds_the_factory(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``flask --app feeds run`` loads the app through ``feeds.create_app``."""
    from flask.cli import ScriptInfo

    monkeypatch.setenv("FEEDS_CONFIG", str(project / "config" / "feeds.yaml"))
    app = ScriptInfo(app_import_path="feeds").load_app()
    assert app.extensions["feeds"].snapshot is not None


def test_every_built_file_is_served_byte_for_byte(project: Path, client: FlaskClient) -> None:
    built = live_site(client.application).snapshot
    assert built is not None
    output = project / "public"
    write_site(built.result.documents, output)
    files = [p for p in output.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert len(files) == len(built.result.documents) > 30
    for path in files:
        url = "/" + path.relative_to(output).as_posix()
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.data == path.read_bytes(), url
    assert client.get("/").data == (output / "index.html").read_bytes()


@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("/all.atom", "application/atom+xml; charset=utf-8"),
        ("/topics/ai.rss", "application/rss+xml; charset=utf-8"),
        ("/topics/ai.json", "application/feed+json; charset=utf-8"),
        ("/feeds.opml", "text/x-opml; charset=utf-8"),
        ("/", "text/html; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
        (
            "/entries/minneapolis-bans-its-police-department-from-using-facial-recognition-software.html",
            "text/html; charset=utf-8",
        ),
        ("/favicon.png", "image/png"),
    ],
)
def test_content_types_and_cache_headers(client: FlaskClient, url: str, content_type: str) -> None:
    response = client.get(url)
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Cache-Control"] == "public, max-age=300"
    # Atom and RSS are pages to browsers (see test_browsers_get_a_feed_as_its_page).
    negotiated = url.endswith((".atom", ".rss"))
    assert response.headers["Vary"] == ("Accept, Accept-Encoding" if negotiated else "Accept-Encoding")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["ETag"].startswith('"')  # strong
    parsedate_to_datetime(response.headers["Last-Modified"])


def test_html_pages_have_a_content_security_policy(client: FlaskClient) -> None:
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "Content-Security-Policy" not in client.get("/all.atom").headers


def test_max_age_comes_from_config(project: Path) -> None:
    app = create_app(write_config(project, max_age=60))
    assert app.test_client().get("/all.rss").headers["Cache-Control"] == "public, max-age=60"


def test_last_modified_is_the_newest_entry_date(client: FlaskClient) -> None:
    response = client.get("/topics/ai.atom")
    updated = feedparser.parse(response.data).feed.updated_parsed
    assert parsedate_to_datetime(response.headers["Last-Modified"]).timetuple()[:6] == updated[:6]


def test_if_none_match_gives_304(client: FlaskClient) -> None:
    first = client.get("/topics/ai.atom")
    etag = first.headers["ETag"]
    again = client.get("/topics/ai.atom", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == "public, max-age=300"
    for header in (f'"x", {etag}', f"W/{etag}", "*"):
        assert client.get("/topics/ai.atom", headers={"If-None-Match": header}).status_code == 304
    assert client.get("/topics/ai.atom", headers={"If-None-Match": '"other"'}).status_code == 200
    # Another document's tag is not this one's.
    assert client.get("/topics/ai.rss", headers={"If-None-Match": etag}).status_code == 200


def test_if_modified_since_gives_304(client: FlaskClient) -> None:
    modified = client.get("/all.json").headers["Last-Modified"]
    assert client.get("/all.json", headers={"If-Modified-Since": modified}).status_code == 304
    earlier = format_datetime(parsedate_to_datetime(modified).replace(year=2000), usegmt=True)
    assert client.get("/all.json", headers={"If-Modified-Since": earlier}).status_code == 200
    assert client.get("/all.json", headers={"If-Modified-Since": "yesterday"}).status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110 §13.1.3).
    both = {"If-Modified-Since": modified, "If-None-Match": '"stale"'}
    assert client.get("/all.json", headers=both).status_code == 200


def test_head_has_the_headers_of_get_and_no_body(client: FlaskClient) -> None:
    get = client.get("/topics/ai.rss")
    head = client.head("/topics/ai.rss")
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["Content-Length"] == str(len(get.data))
    assert head.headers["ETag"] == get.headers["ETag"]


def test_gzip_when_accepted(client: FlaskClient) -> None:
    plain = client.get("/all.atom")
    packed = client.get("/all.atom", headers={"Accept-Encoding": "br, gzip;q=0.8"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert packed.headers["Content-Length"] == str(len(packed.data)) != str(len(plain.data))
    assert packed.headers["ETag"] != plain.headers["ETag"]
    assert packed.headers["Vary"] == "Accept, Accept-Encoding"
    refused = client.get("/all.atom", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers
    assert refused.data == plain.data
    # Either coding's tag validates the version the client has, where it may take that coding.
    tag = packed.headers["ETag"]
    assert (
        client.get("/all.atom", headers={"If-None-Match": tag, "Accept-Encoding": "gzip"}).status_code == 304
    )
    assert client.get("/all.atom", headers={"If-None-Match": plain.headers["ETag"]}).status_code == 304


def test_gzip_is_compressed_once_per_version(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = gzip.compress
    monkeypatch.setattr(
        feeds.serve.responses.gzip, "compress", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    for _ in range(5):
        client.get("/all.atom", headers={"Accept-Encoding": "gzip"})
        client.get("/all.atom?limit=3", headers={"Accept-Encoding": "gzip"})
    assert len(calls) == 1  # only the filtered feed, the first time it is asked for


def test_front_door_and_flask_view_agree(client: FlaskClient) -> None:
    """The hot path answers plain requests; a query string goes through Flask: same answer."""
    for headers in ({}, {"Accept-Encoding": "gzip"}):
        direct = client.get("/topics/ai.json", headers=headers)
        routed = client.get("/topics/ai.json?utm_source=reader", headers=headers)
        assert routed.data == direct.data
        assert dict(routed.headers) == dict(direct.headers)


#: What browsers send when a link is followed or an address typed (Chrome, Firefox, Safari).

#: What feed readers and tools send: feedparser's, curl's and libcurl's, a reader's own, none.

READERS = [
    "application/atom+xml,application/rdf+xml,application/rss+xml,application/x-netcdf,application/xml;"
    "q=0.9,text/xml;q=0.2,*/*;q=0.1",
    "*/*",
    "",
    "application/rss+xml, application/atom+xml;q=0.9, text/html;q=0.5",
    "text/html, application/xml",  # a tie goes to the feed
    "text/html;q=oops, */*",
]


@pytest.mark.parametrize("accept", BROWSERS)
def test_browsers_get_an_atom_or_rss_feed_as_its_page(client: FlaskClient, accept: str) -> None:
    page = client.get("/topics/ai.html")
    for url in ("/topics/ai.atom", "/topics/ai.rss"):
        for extra in ({}, {"Accept-Encoding": "gzip"}):
            response = client.get(url, headers={"Accept": accept, **extra})
            assert response.status_code == 200
            assert response.headers["Content-Type"] == "text/html; charset=utf-8"
            data = gzip.decompress(response.data) if extra else response.data
            assert data == page.data
            assert response.headers["Vary"] == "Accept, Accept-Encoding"
            # Kept out of shared caches, so none that ignores Vary hands it to a feed reader.
            assert response.headers["Cache-Control"] == "private, max-age=300"
            assert "script-src 'sha256-" in response.headers["Content-Security-Policy"]
            again = client.get(
                url, headers={"Accept": accept, "If-None-Match": response.headers["ETag"], **extra}
            )
            assert again.status_code == 304
    # JSON Feed is readable as it is; browsers show JSON.
    assert (
        client.get("/topics/ai.json", headers={"Accept": accept}).data == client.get("/topics/ai.json").data
    )


@pytest.mark.parametrize("accept", READERS)
def test_feed_readers_get_the_feed(client: FlaskClient, accept: str) -> None:
    response = client.get("/topics/ai.atom", headers={"Accept": accept})
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert feedparser.parse(response.data).feed.title == "Artificial intelligence"


def test_front_door_and_flask_agree_on_pages_for_browsers(client: FlaskClient) -> None:
    headers = {"Accept": BROWSERS[0]}
    direct = client.get("/all.rss", headers=headers)
    routed = client.get("/all.rss?utm_medium=web", headers=headers)
    assert direct.headers["Content-Type"].startswith("text/html")
    assert routed.data == direct.data
    assert dict(routed.headers) == dict(direct.headers)


def test_healthz(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    report = response.get_json()
    assert report["status"] == "ok"
    assert report["last_error"] is None
    assert report["files"] == 16
    assert report["articles"] == 16
    assert report["topics"] == 10
    assert report["entries"] == 23
    assert report["last_build"].endswith("Z")


# -- live content ----------------------------------------------------------------------------------


def test_unknown_topic_lists_the_topics(client: FlaskClient) -> None:
    response = client.get("/topics/no-such-topic.atom")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    page = response.get_data(as_text=True)
    # Relative links, so that a site under a sub-path behind a proxy stays there (an outside probe)
    assert '<a href="../topics/ai.atom">Atom</a>' in page and '<a href="../">' in page
    assert "Café Culture" in page
    deep = client.get("/a" * 20 + "/x.atom").get_data(as_text=True)  # a way to the root as long
    assert '<a href="/topics/ai.atom">Atom</a>' in deep and "../" not in deep


@pytest.mark.parametrize(
    "url",
    [
        "/topics/../config/feeds.yaml",
        "/topics/%2e%2e/config/feeds.yaml",
        "/topics/%2E%2E%2Fconfig%2Ffeeds.yaml",
        "/..%2f..%2fetc%2fpasswd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "//etc/passwd",
        "/etc/passwd",
        "/topics/ai.atom/..",
        "/topics/..%5c..%5cconfig%5cfeeds.yaml",
        "/content/010-ai-act.md",
        "/.feeds-output",
        "/topics/",
        "/topics",
    ],
)
def test_no_path_leaves_the_site(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert b"project:" not in response.data  # no config file text


def test_other_methods_get_405(client: FlaskClient) -> None:
    response = client.post("/all.atom")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert response.get_data(as_text=True).startswith("405 Method Not Allowed")


def test_respond_is_pure(client: FlaskClient) -> None:
    """The same document and request headers give the same answer, without Flask."""
    live = live_site(client.application)
    assert live.snapshot is not None
    doc = live.snapshot.documents["/all.atom"]
    environ = {"REQUEST_METHOD": "GET", "HTTP_ACCEPT_ENCODING": "gzip"}
    status, headers, body = respond(doc, environ)
    assert status == "200 OK"
    assert gzip.decompress(b"".join(body)) == doc.body
    assert respond(doc, {**environ, "HTTP_IF_NONE_MATCH": dict(headers)["ETag"]})[0] == "304 Not Modified"


def test_pinned_times_are_used(project: Path) -> None:
    """Guard for the fixture: the plain-text seeds are dated by their pinned file time."""
    assert (project / "content" / "000_172e09f9723532bd.txt").stat().st_mtime == PINNED_MTIME


@pytest.mark.parametrize(
    ("method", "url", "headers", "statuses"),
    [
        ("GET", "/all.atom?%zz", {}, {200}),
        ("GET", "/all.atom?limit=%ff", {}, {400}),
        ("GET", "/all.atom?=&&=&limit", {}, {400}),
        ("GET", "/all.atom?q=%00", {}, {400}),
        ("GET", "/all.atom?limit=1;2", {}, {400}),
        ("GET", "/all.atom?limit=-1", {}, {400}),
        ("GET", "/all.atom?limit=" + "9" * 5000, {}, {400}),
        ("GET", "/all.atom?q=" + "word " * 3000, {}, {400}),
        ("GET", "/all.atom?unknown=1&other", {}, {200}),
        ("GET", "/" + "a" * 10_000, {}, {404}),
        ("GET", "/topics/" + "%2e%2e%2f" * 50 + "etc/passwd", {}, {404}),
        ("GET", "/all.atom", {"If-None-Match": "garbage, ,,W/"}, {200}),
        ("GET", "/all.atom", {"If-None-Match": "*"}, {304}),
        ("GET", "/all.atom", {"If-Modified-Since": "Tue, 99 Foo 20211 99:99:99 GMT"}, {200}),
        ("GET", "/all.atom", {"Accept-Encoding": "gzip;q=abc, *;q=-1"}, {200}),
        ("HEAD", "/all.atom?limit=abc", {}, {400}),
        ("OPTIONS", "/all.atom", {}, {200}),
        ("PUT", "/all.atom", {}, {405}),
        ("DELETE", "/topics/ai.atom", {}, {405}),
        ("PATCH", "/", {}, {405}),
        ("POST", "/healthz", {}, {405}),
    ],
)  # fmt: skip
def test_odd_requests_get_a_status_not_a_traceback(
    client: FlaskClient, method: str, url: str, headers: dict[str, str], statuses: set[int]
) -> None:
    response = client.open(url, method=method, headers=headers)
    assert response.status_code in statuses
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    text = response.get_data(as_text=True)
    assert "Traceback" not in text
    if response.status_code >= 400:
        assert len(text) < 5000  # a short message (or the short 404 page)


def test_a_folder_address_answers_its_index_page_as_static_servers_do(project: Path) -> None:
    """A topic or an entry titled "index" writes topics/index.html or entries/index.html, which
    nginx and `python -m http.server` answer at /topics/ and /entries/: so does the server."""
    (project / "content" / "zz_index.txt").write_text("index\n\nA page titled index.\n", encoding="utf-8")
    (project / "content" / "zz_topic.md").write_text(
        "---\ntitle: In a topic named index\ndate: 2021-02-01\ntopics: [Index]\n---\nBody.\n",
        encoding="utf-8",
    )
    app = create_app(project / "config" / "feeds.yaml")
    try:
        client = app.test_client()
        for folder in ("/topics/", "/entries/"):
            page = client.get(folder + "index.html")
            assert page.status_code == 200
            assert client.get(folder).data == page.data
            # Without the slash, a redirect to it (its relative links resolve against the folder).
            moved = client.get(folder.rstrip("/") + "?q=index")
            assert (moved.status_code, moved.headers["Location"]) == (301, "." + folder + "?q=index")
        assert client.get("/archives/").status_code == 404  # no index.html there
        # Filters apply at the folder's address as at the page's own.
        assert client.get("/topics/?q=zzzz").data == client.get("/topics/index.html?q=zzzz").data
        assert client.get("/topics/?q=zzzz").data != client.get("/topics/").data
    finally:
        live_site(app).stop()


def test_a_path_with_its_accents_apart_is_sent_to_the_composed_one(
    project: Path, client: FlaskClient
) -> None:
    """The site's paths are NFC; the same name typed or copied on macOS comes decomposed (NFD),
    and was 404 (an outside probe)."""
    (project / "content" / "095-yoga.md").write_text(
        "---\ntitle: Yoga\ndate: 2021-01-01\ntopics: [йога]\n---\nx\n", encoding="utf-8"
    )
    assert live_site(client.application).refresh()
    path = "topics/йога.atom"
    decomposed = unicodedata.normalize("NFD", path)
    assert decomposed != path and client.get("/" + quote(path)).status_code == 200
    answer = client.get("/" + quote(decomposed) + "?limit=2")
    assert answer.status_code == 301
    assert answer.headers["Location"] == "../" + quote(path) + "?limit=2"
    assert client.get("/" + quote(decomposed.replace(".atom", "-x.atom"))).status_code == 404


def test_a_union_or_exclude_with_its_accents_apart_is_sent_to_the_composed_one(
    project: Path, client: FlaskClient
) -> None:
    """A union or an ``exclude`` naming a slug decomposed (NFD) was 404, where a single topic's
    address gets a 301 to its composed form (an outside probe)."""
    (project / "content" / "095-yoga.md").write_text(
        "---\ntitle: Yoga\ndate: 2021-01-01\ntopics: [йога, AI]\n---\nx\n", encoding="utf-8"
    )
    assert live_site(client.application).refresh()
    composed, decomposed = quote("йога"), quote(unicodedata.normalize("NFD", "йога"))
    assert composed != decomposed and client.get(f"/topics/ai,{composed}.atom").status_code == 200
    answer = client.get(f"/topics/ai,{decomposed}.atom")
    assert (answer.status_code, answer.headers["Location"]) == (301, f"./ai,{composed}.atom")
    answer = client.get(f"/topics/ai.atom?exclude={decomposed}")
    assert (answer.status_code, answer.headers["Location"]) == (301, f"./ai.atom?exclude={composed}")
