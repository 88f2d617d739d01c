"""Conditional requests as RFC 9110 §13 has them, found wanting by an outside probe: If-Match and
If-Unmodified-Since were ignored, If-Modified-Since took any date email.utils could read, and a 304
named the other coding's tag."""

from __future__ import annotations

from datetime import datetime
from datetime import timezone
from email.utils import format_datetime
from email.utils import parsedate_to_datetime

import pytest
from flask.testing import FlaskClient

from feeds.serve.conditions import http_date

PATH = "/all.atom"  # big enough to be gzipped


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("Sun, 06 Nov 1994 08:49:37 GMT", datetime(1994, 11, 6, 8, 49, 37, tzinfo=timezone.utc)),
        ("Sunday, 06-Nov-94 08:49:37 GMT", datetime(1994, 11, 6, 8, 49, 37, tzinfo=timezone.utc)),
        ("Sun Nov  6 08:49:37 1994", datetime(1994, 11, 6, 8, 49, 37, tzinfo=timezone.utc)),
        ("Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT", None),  # a list
        ("06 Nov 1994 08:49:37 GMT", None),  # no weekday
        ("Sun, 06 Nov 1994 08:49 GMT", None),  # no seconds
        ("Sun, 06 Nov 1994 08:49:37", None),  # no zone
        ("Sun, 06 Nov 1994 08:49:37 +0100", None),
        ("Sun, 31 Feb 1994 08:49:37 GMT", None),  # no such day
        ("yesterday", None),
    ],
)
def test_only_http_dates_are_dates(written: str, read: datetime | None) -> None:
    assert http_date(written) == read


def test_an_if_modified_since_that_is_no_http_date_is_ignored(client: FlaskClient) -> None:
    modified = client.get(PATH).headers["Last-Modified"]
    assert client.get(PATH, headers={"If-Modified-Since": modified}).status_code == 304
    for odd in (f"{modified}, {modified}", modified.split(", ", 1)[1], modified.removesuffix(" GMT")):
        assert client.get(PATH, headers={"If-Modified-Since": odd}).status_code == 200, odd


def test_if_match_and_if_unmodified_since_are_preconditions(client: FlaskClient) -> None:
    first = client.get(PATH)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get(PATH, headers={"If-Match": etag}).status_code == 200
    assert client.get(PATH, headers={"If-Match": "*"}).status_code == 200
    failed = client.get(PATH, headers={"If-Match": '"nope"'})
    assert failed.status_code == 412
    assert failed.data == b""
    # This request's answer, not the document's: a shared cache kept it for every client (a probe).
    assert failed.headers.getlist("Cache-Control") == ["no-store"]
    assert client.get(PATH, headers={"If-Match": f"W/{etag}"}).status_code == 412  # strong comparison
    assert client.get(PATH, headers={"If-Unmodified-Since": modified}).status_code == 200
    earlier = format_datetime(parsedate_to_datetime(modified).replace(year=2000), usegmt=True)
    assert client.get(PATH, headers={"If-Unmodified-Since": earlier}).status_code == 412
    # If-Match wins over If-Unmodified-Since (§13.1.4); a query string takes the app's path.
    assert client.get(PATH, headers={"If-Match": etag, "If-Unmodified-Since": earlier}).status_code == 200
    filtered = client.get(f"{PATH}?limit=2", headers={"If-Match": '"nope"'})
    assert filtered.status_code == 412 and filtered.headers.getlist("Cache-Control") == ["no-store"]


def test_if_match_compares_with_the_coding_the_answer_carries(client: FlaskClient) -> None:
    """The gzipped copy's tag matched a request that takes no gzip, and the plain copy's one that
    does (an outside probe; RFC 9110 §13.1.1 compares with the selected representation)."""
    plain = client.get(PATH).headers["ETag"]
    packed = client.get(PATH, headers={"Accept-Encoding": "gzip"}).headers["ETag"]
    assert client.get(PATH, headers={"If-Match": packed}).status_code == 412
    assert client.get(PATH, headers={"If-Match": plain, "Accept-Encoding": "gzip"}).status_code == 412
    assert client.get(PATH, headers={"If-Match": packed, "Accept-Encoding": "gzip"}).status_code == 200
    assert client.get(PATH, headers={"If-Match": f"{packed}, {plain}"}).status_code == 200


def test_a_304_names_the_version_the_client_holds(client: FlaskClient) -> None:
    plain = client.get(PATH).headers["ETag"]
    packed = client.get(PATH, headers={"Accept-Encoding": "gzip"}).headers["ETag"]
    assert plain != packed
    held_plain = client.get(PATH, headers={"Accept-Encoding": "gzip", "If-None-Match": plain})
    assert (held_plain.status_code, held_plain.headers["ETag"]) == (304, plain)
    # The gzipped copy is no copy for a request that takes no gzip: a cache holding both was told
    # to serve it to a client that cannot read it (an outside probe). It gets the plain bytes.
    held_packed = client.get(PATH, headers={"If-None-Match": packed})
    assert (held_packed.status_code, held_packed.headers["ETag"]) == (200, plain)
    assert b"<feed" in held_packed.data
    held_both = client.get(PATH, headers={"If-None-Match": f"{packed}, {plain}"})
    assert (held_both.status_code, held_both.headers["ETag"]) == (304, plain)
    both_packed = client.get(PATH, headers={"Accept-Encoding": "gzip", "If-None-Match": packed})
    assert (both_packed.status_code, both_packed.headers["ETag"]) == (304, packed)
    # Holding both, the client is told of the one a 200 would carry (RFC 9110 §15.4.5).
    both = client.get(PATH, headers={"Accept-Encoding": "gzip", "If-None-Match": f"{plain}, {packed}"})
    assert (both.status_code, both.headers["ETag"]) == (304, packed)
