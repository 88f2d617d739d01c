"""A file saved while a build reads it (an editor, a `git pull`): the build is made again from a new
scan. It used to fail ("changed while the build was running; run it again"): `feeds build` exited 1
and the server reported itself degraded, now and then, for as long as someone kept saving."""

from __future__ import annotations

import logging
from collections.abc import Callable
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

import feeds.build.changes
import feeds.build.documents
import feeds.serve.app
from feeds.build.builder import SiteBuilder
from feeds.errors import ContentChanged
from feeds.model import ArchiveMode
from feeds.model import Article
from feeds.plan.planner import REF_FILE
from feeds.plan.planner import EntryRef
from feeds.serve.app import create_app
from feeds.source.summary import SOURCE
from tests.helpers import ARTICLE
from tests.helpers import edit
from tests.helpers import live_site
from tests.test_archives import settings_for
from tests.test_archives import write_corpus
from tests.test_archives_in_place import cold
from tests.test_archives_in_place import site_files


def saving_while_read(
    monkeypatch: pytest.MonkeyPatch, save: Callable[[list[str]], None], times: int
) -> list[int]:
    """Make ``save`` happen just before each of the first ``times`` times a build reads again the
    files its documents show (``save`` gets their sources); the returned list counts the reads."""
    real = feeds.build.documents.reread
    reads: list[int] = []

    def reread(refs: Sequence[EntryRef], have: dict[str, Article], *args: Any, **kwargs: Any) -> Any:
        reads.append(1)
        if len(reads) <= times:
            save([ref[REF_FILE][SOURCE] for ref in refs if ref[REF_FILE][SOURCE] not in have])
        return real(refs, have, *args, **kwargs)

    monkeypatch.setattr(feeds.build.documents, "reread", reread)
    return reads


@pytest.mark.parametrize("archives", [ArchiveMode.MONTHLY, ArchiveMode.OFF])
def test_a_file_saved_during_a_build_is_built_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, archives: ArchiveMode
) -> None:
    write_corpus(tmp_path / "content")
    settings = settings_for(tmp_path, archives=archives)
    SiteBuilder(settings).publish()
    edit(tmp_path / "content" / "007.md", "Story 7\n", "Story 7, edited\n")  # what the build is for
    shown = tmp_path / "content" / "023.md"  # the newest story: every feed shows it, unchanged

    saving_while_read(monkeypatch, lambda _: edit(shown, "Story 23\n", "Story 23, saved meanwhile\n"), 1)
    publication = SiteBuilder(settings).publish()

    assert publication.written
    assert f"{shown}: changed while the build was running; built again" in publication.warnings
    assert b"Story 23, saved meanwhile" in site_files(settings.output_dir)["all.atom"]
    assert site_files(settings.output_dir) == cold(settings, tmp_path)


def test_a_file_that_keeps_changing_fails_the_build_and_the_site_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_corpus(tmp_path / "content")
    settings = settings_for(tmp_path, archives=ArchiveMode.OFF)
    SiteBuilder(settings).publish()
    before = site_files(settings.output_dir)
    edit(tmp_path / "content" / "007.md", "Story 7\n", "Story 7, edited\n")

    def save(sources: list[str]) -> None:  # one of the files the build reads again, each time
        edit(tmp_path / "content" / sources[0], "\n", "\n\n")

    reads = saving_while_read(monkeypatch, save, times=100)
    with pytest.raises(
        ContentChanged, match="changed while the build was running, as files did in each of 3"
    ):
        SiteBuilder(settings).publish()
    assert len(reads) == ContentChanged.ATTEMPTS
    assert site_files(settings.output_dir) == before


def test_the_server_builds_again_instead_of_reporting_a_failure(
    project: Path, client: FlaskClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    live = live_site(client.application)
    edit(project / "content" / ARTICLE, "title:", "title: Updated -")
    shown = project / "content" / "000_172e09f9723532bd.txt"  # the newest entry of every feed
    saving_while_read(
        monkeypatch, lambda _: edit(shown, "Minneapolis bans", "Saved meanwhile: Minneapolis bans"), 1
    )

    with caplog.at_level(logging.INFO, logger="feeds"):
        assert live.refresh() is True
    assert "changed while the build was running; building again" in caplog.text
    health = client.get("/healthz").get_json()
    assert (health["status"], health["last_error"]) == ("ok", None)
    body = client.get("/all.atom").get_data()
    assert b"Updated -" in body and b"Saved meanwhile: Minneapolis bans" in body


def test_while_files_keep_changing_the_server_waits_and_stays_healthy(
    project: Path, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Content in flux is no failure: the server keeps the last whole site, says nothing is wrong,
    and builds once the saving stops (here: the next refresh)."""
    live = live_site(client.application)
    edit(project / "content" / ARTICLE, "title:", "title: Updated -")

    def save(sources: list[str]) -> None:
        edit(project / "content" / sources[0], "\n", "\n\n")

    saving_while_read(monkeypatch, save, times=ContentChanged.ATTEMPTS)
    assert live.refresh() is False
    health = client.get("/healthz").get_json()
    assert (health["status"], health["last_error"]) == ("ok", None)
    assert b"Updated -" not in client.get("/all.atom").get_data()
    assert live.refresh() is True  # the saving stopped
    assert b"Updated -" in client.get("/all.atom").get_data()


@pytest.mark.parametrize("save", ["delete", "truncate"])
def test_a_file_that_changes_between_the_scan_and_its_read_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, save: str
) -> None:
    """Deleted (a checkout, an editor's delete-and-write) or emptied halfway through a save after
    the scan saw it: its error ("No such file", "empty file") was about a moment, not the file,
    yet it was left out of the site and the build exited 1."""
    write_corpus(tmp_path / "content")
    settings = settings_for(tmp_path, archives=ArchiveMode.OFF)
    victim = tmp_path / "content" / "023.md"
    real = feeds.build.changes.read_files
    reads: list[int] = []

    def read_files(*args: Any, **kwargs: Any) -> Any:
        reads.append(1)
        if len(reads) > 1:
            return real(*args, **kwargs)
        text = victim.read_bytes()
        if save == "delete":
            victim.unlink()
        else:
            victim.write_bytes(b"")
        try:
            return real(*args, **kwargs)
        finally:  # the editor's write, or the checkout's, done after the read
            victim.write_bytes(text.replace(b"Story 23", b"Story 23, saved"))

    monkeypatch.setattr(feeds.build.changes, "read_files", read_files)
    publication = SiteBuilder(settings).publish()
    assert publication.errors == ()
    assert f"{victim}: changed while the build was running; built again" in publication.warnings
    assert len(reads) == 2
    assert b"Story 23, saved" in site_files(settings.output_dir)["all.atom"]
    assert site_files(settings.output_dir) == cold(settings, tmp_path)


def test_the_server_starts_once_the_content_settles(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files changing through every build of the server's first: it has no site yet, so it waits
    and builds again. It used to stop with "cannot build the site: None"."""
    victim = project / "content" / ARTICLE
    real = feeds.build.changes.read_files
    reads: list[int] = []

    def read_files(*args: Any, **kwargs: Any) -> Any:
        reads.append(1)
        if len(reads) > ContentChanged.ATTEMPTS:
            return real(*args, **kwargs)
        text = victim.read_bytes()
        victim.unlink()
        try:
            return real(*args, **kwargs)
        finally:
            victim.write_bytes(text)
            edit(victim, "title:", "title:")  # a new time: another version

    monkeypatch.setattr(feeds.build.changes, "read_files", read_files)
    monkeypatch.setattr(feeds.serve.app, "_SETTLE_SECONDS", 0)
    app = create_app(project / "config" / "feeds.yaml")
    try:
        assert len(reads) == ContentChanged.ATTEMPTS + 1
        health = app.test_client().get("/healthz").get_json()
        assert (health["status"], health["skipped_files"]) == ("ok", 0)
    finally:
        live_site(app).stop()
