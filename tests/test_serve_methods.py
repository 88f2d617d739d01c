"""Methods the server does not serve: every one gets 405 with an Allow header, whatever its target."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("CONNECT", ""),  # "CONNECT example.org:443": an authority, so no path at all (Granian: "")
        ("CONNECT", "/all.atom"),
        ("TRACE", "/all.atom"),
        ("PROPFIND", "/"),
        ("BREW", "/no-such-document"),
        ("POST", "/healthz"),
        ("DELETE", "/topics/ai.atom"),
        ("get", "/all.atom"),  # methods are case-sensitive: this was served as GET (a probe)
        ("head", "/all.atom"),  # and this got the whole body
        ("Get", "/no-such-document"),
    ],
)
def test_other_methods_get_405_with_allow(client: FlaskClient, method: str, path: str) -> None:
    response = client.open("/", method=method, environ_overrides={"PATH_INFO": path})
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.get_data(as_text=True).startswith("405 Method Not Allowed")
