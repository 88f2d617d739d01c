"""A build killed while it stores the cache, after the file records and before the memo: the next
build must not take the newer records for those the memo was planned with (found by
tests/test_kill.py's random kills: the next site showed an edited article's old title)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import feeds.build.cache
from feeds.build.builder import SiteBuilder
from feeds.config import Settings
from feeds.config import load_settings
from feeds.model import ArchiveMode
from tests.helpers import ARTICLE
from tests.helpers import ROOT
from tests.helpers import pinned_copy


class Killed(BaseException):
    """Stands for a SIGKILL: nothing after it runs."""


def _files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != ".feeds-output"
    }


@pytest.fixture(params=[ArchiveMode.MONTHLY, ArchiveMode.OFF], ids=["archives", "no archives"])
def settings(tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    content = pinned_copy(ROOT / "content", tmp_path / "content")
    loaded = load_settings(
        ROOT / "config" / "feeds.yaml", content_dir=content, output_dir=tmp_path / "public"
    )
    return dataclasses.replace(loaded, archives=request.param)


def test_the_build_after_one_killed_after_its_records_is_a_cold_builds(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    SiteBuilder(settings).publish()
    article = settings.content_dir / ARTICLE
    article.write_text(
        article.read_text(encoding="utf-8").replace("title: ", "title: Edited ", 1), encoding="utf-8"
    )

    def killed(*args: object) -> None:
        raise Killed  # the records are stored; the documents, the summary and the memo are not

    with monkeypatch.context() as patch:
        patch.setattr(feeds.build.cache, "_write_documents", killed)
        with pytest.raises(Killed):
            SiteBuilder(settings).publish()

    SiteBuilder(settings).publish()
    cold = dataclasses.replace(settings, output_dir=tmp_path / "cold" / "public")
    SiteBuilder(cold, use_cache=False).publish()
    assert b"Edited " in (settings.output_dir / "all.atom").read_bytes()
    assert _files(settings.output_dir) == _files(cold.output_dir)
