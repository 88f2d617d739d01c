"""A subscription request whose callback urllib cannot take apart ("http://[::1/") is refused with
a status and a line, as every malformed request is, not answered with a 500 and a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from feeds.serve.app import create_app
from feeds.websub.client import RequestError
from feeds.websub.client import request
from feeds.websub.client import url_refusal
from tests.helpers import ROOT
from tests.helpers import pinned_copy
from tests.websub_peers import write_config

BROKEN = ["http://[::1/cb", "http://a]b/cb", "http://[zz]/cb", "http://[::1]x/cb"]


@pytest.mark.parametrize("url", BROKEN)
@pytest.mark.parametrize("allow_private", [False, True])
def test_such_a_callback_is_refused(url: str, allow_private: bool) -> None:
    assert url_refusal(url, allow_private) == "must be an absolute http(s) URL"


@pytest.mark.parametrize("url", BROKEN[:3])
def test_a_request_to_such_a_url_is_a_request_error(url: str) -> None:
    with pytest.raises(RequestError):
        request("GET", url, timeout=1)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    pinned_copy(ROOT / "content", tmp_path / "content")
    write_config(tmp_path, {"builtin": True})
    app = create_app(tmp_path / "config" / "feeds.yaml")
    yield app
    app.extensions["feeds"].stop()


@pytest.mark.parametrize("mode", ["subscribe", "unsubscribe"])
def test_the_hub_answers_403(app: Flask, mode: str) -> None:
    form = {"hub.mode": mode, "hub.topic": "https://feeds.example.org/all.atom", "hub.callback": BROKEN[0]}
    response = app.test_client().post("/websub", data=form)
    assert response.status_code == 403
    assert response.text.startswith("403 Forbidden: hub.callback must be an absolute http(s) URL")
