from __future__ import annotations

import dataclasses
import gc
from collections.abc import Iterator
from datetime import datetime
from datetime import timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from feeds.build.result import BuildResult
from feeds.config import Settings
from feeds.config import SiteSettings
from feeds.model import Article
from feeds.model import BodyFormat
from feeds.render.pages import COPY_SCRIPT
from feeds.serve.app import create_app
from tests.helpers import ROOT
from tests.helpers import build_sample
from tests.helpers import pinned_copy
from tests.helpers import write_config

BASE_URL = "https://feeds.example.org/"


@pytest.fixture(autouse=True)
def _unfreeze() -> Iterator[None]:
    """A server's rebuilds freeze what is alive (gc.freeze) for the rest of the process; tests
    make and drop many apps, whose garbage cycles the collector must still find afterwards."""
    yield
    gc.unfreeze()


OWN_SCRIPT = f"<script>{COPY_SCRIPT}</script>".encode()


def without_own_script(data: bytes) -> bytes:
    """A document without our pages' one script (the copy buttons), so no other can hide."""
    return data.replace(OWN_SCRIPT, b"", 1)


def make_settings(**overrides: Any) -> Settings:
    """Settings for tests: a fixed base URL, everything else default unless overridden."""
    site = dataclasses.replace(
        SiteSettings(base_url=BASE_URL, title="Test site"), **overrides.pop("site", {})
    )
    return Settings(site=site, **overrides)


def make_article(number: int = 1, **fields: Any) -> Article:
    """An article with plausible defaults: ``make_article(2, topics=("AI",))``."""
    defaults: dict[str, Any] = {
        "source": f"{number:03d}.md",
        "title": f"Article {number}",
        "published": datetime(2021, 2, number, 12, 0, tzinfo=timezone.utc),
        "url": f"https://news.example.com/{number}",
        "topics": ("AI",),
        "body_format": BodyFormat.MARKDOWN,
    }
    return Article(**{**defaults, **fields})


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The sample site, built once per test session."""
    return build_sample(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="session")
def sample_documents(sample: BuildResult) -> dict[str, bytes]:
    return sample.documents


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    path = tmp_path / "content"
    path.mkdir()
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder with config/feeds.yaml and a pinned copy of the sample content."""
    pinned_copy(ROOT / "content", tmp_path / "content")
    write_config(tmp_path)
    return tmp_path


@pytest.fixture
def app(project: Path) -> Iterator[Flask]:
    app = create_app(project / "config" / "feeds.yaml")
    yield app
    app.extensions["feeds"].stop()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner() -> CliRunner:
    """Runs ``feeds`` commands in-process (click's test runner), as flaskr's ``runner`` does."""
    return CliRunner()
