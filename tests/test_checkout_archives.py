"""A fresh checkout of a site with archives: once the bytes are compared, the few files that
really changed (and those dated by their file's time) are replanned from the memo, the archive
months they touch included, and the site is the one a build from nothing makes."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from feeds.build import SiteBuilder
from feeds.config import load_settings
from feeds.model import ArchiveMode
from feeds.plan.replan import MAX_CHANGES
from tests.test_checkout import checkout
from tests.test_checkout import cold_documents
from tests.test_checkout import dated_by_their_time_in
from tests.test_checkout import reads  # noqa: F401  (a fixture)
from tests.yaml_cases import generated_corpus


def test_a_checkout_of_many_files_with_archives_replans_from_the_memo(
    project: Path,
    reads: list[str],  # noqa: F811
    tmp_path: Path,
) -> None:
    content = tmp_path / "many"
    generated_corpus(content, 150, seed=3)
    settings = load_settings(
        project / "config" / "feeds.yaml", content_dir=content, output_dir=tmp_path / "public"
    )
    settings = dataclasses.replace(settings, archives=ArchiveMode.MONTHLY)
    SiteBuilder(settings).publish()
    checkout(checkout(content, tmp_path / "saved"), content)
    edited = next(p for p in sorted(content.rglob("*.md")))
    edited.write_bytes(edited.read_bytes().replace(b'\ntitle: "', b'\ntitle: "Edited ', 1))
    reads.clear()
    result = SiteBuilder(settings).build()
    assert len(result.refreshed) + len(reads) == 150 > MAX_CHANGES
    dated = dated_by_their_time_in(content)
    assert dated  # they move to the checkout's month: months are touched, not only entries
    assert sorted(reads) == sorted([*dated, edited.relative_to(content).as_posix()])
    assert result.replanned
    assert result.archives > 0
    assert dict(result.documents) == cold_documents(settings, tmp_path / "cold")
