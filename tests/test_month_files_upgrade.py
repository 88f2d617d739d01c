"""A new version of the program over an old cache: the archive months' files the old version left
are not taken for the new version's, so the first edit after an upgrade is replanned too."""

from __future__ import annotations

from pathlib import Path

import pytest

import feeds.build.cache_files
from tests.test_archives import settings_for
from tests.test_archives import write_corpus
from tests.test_archives_replan import content
from tests.test_archives_replan import publish
from tests.test_archives_replan import same_as_cold


def test_the_first_edit_after_a_new_program_version_is_replanned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_corpus(tmp_path / "content")
    settings = settings_for(tmp_path)
    assert not publish(settings)  # the old version's build
    monkeypatch.setattr(feeds.build.cache_files, "program_version", lambda: "the next version")
    assert not publish(settings)  # the new version cannot use the old cache: it plans everything
    path = content(settings, 7)
    path.write_text(path.read_text().replace("Story 7\n", "Story 7, edited\n"), encoding="utf-8")
    assert publish(settings)
    same_as_cold(settings)
