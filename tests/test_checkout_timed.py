"""After a checkout, an article dated by its file's time is read again without its bytes being
compared first: its record's digest covers that time, so a new time can never match it."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

import feeds.build.read
from feeds.build import SiteBuilder
from feeds.config import Settings
from tests.test_checkout import checkout
from tests.test_checkout import dated_by_their_time_in
from tests.test_checkout import settings  # noqa: F401  (a fixture)


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sources whose bytes this process compares with their records (a few files: in process)."""
    seen: list[str] = []
    real = feeds.build.read._same_batch

    def batch(work: tuple[str, Sequence[tuple[str, int, int, int]], Sequence[str | None]]) -> list[bool]:
        seen.extend(fields[0] for fields in work[1])
        return real(work)

    monkeypatch.setattr(feeds.build.read, "_same_batch", batch)
    return seen


def test_a_new_time_is_not_compared_for_an_article_dated_by_it(
    settings: Settings,  # noqa: F811
    compared: list[str],
    tmp_path: Path,
) -> None:
    content = settings.content_dir
    dated = dated_by_their_time_in(content)
    assert dated
    SiteBuilder(settings).publish()
    checkout(checkout(content, tmp_path / "saved"), content)
    result = SiteBuilder(settings).build()
    assert compared and not set(compared) & set(dated)
    assert set(dated) <= set(result.changed)  # read again, with their new date


def test_the_same_time_is_compared(settings: Settings, compared: list[str], tmp_path: Path) -> None:  # noqa: F811
    """A checkout whose times were set back (``git restore-mtime``): new inodes only, and the
    articles dated by their time keep their records once their bytes are compared."""
    content = settings.content_dir
    dated = dated_by_their_time_in(content)
    SiteBuilder(settings).publish()
    saved = tmp_path / "saved"
    shutil.copytree(content, saved)  # copy2: the times kept
    content.rename(tmp_path / "old")  # kept, so that the copy cannot be given its inodes again
    shutil.copytree(saved, content)
    result = SiteBuilder(settings).build()
    assert set(dated) <= set(compared)
    assert not set(dated) & set(result.changed)
