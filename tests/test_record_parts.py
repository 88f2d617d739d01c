"""A build that reads every file in worker processes stores the file records from the workers, as
parts of their shards (``record_files.write_parts``): the same records as a build that stores them
whole, and later builds rewrite a shard whole."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path
from typing import Any

import pytest

import feeds.build.builder
import feeds.build.read
from feeds.build import SiteBuilder
from feeds.build.cache import cache_context
from feeds.build.cache import cache_folder
from feeds.build.cache import read_state
from feeds.build.cache_tag import is_cache_folder
from feeds.build.record_files import FileRecord
from feeds.build.record_files import move_record_files
from feeds.build.record_files import read_search_texts
from feeds.build.record_files import record_files
from feeds.build.record_files import shard_of
from feeds.build.records import RecordWriter
from feeds.config import Settings
from feeds.config import load_settings
from feeds.errors import OutputError

SearchTexts = dict[str, tuple[str, bytes]]


@pytest.fixture
def settings(project: Path) -> Settings:
    return load_settings(project / "config" / "feeds.yaml", output_dir=project / "public")


def in_workers(monkeypatch: pytest.MonkeyPatch, chunk: int = 5) -> None:
    """Read in worker processes from now on, ``chunk`` files a batch."""
    monkeypatch.setattr(feeds.build.read, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(feeds.build.read, "_CHUNK", chunk)


def in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds.build.read, "PARALLEL_MIN_FILES", 10**9)


def record_names(settings: Settings) -> list[str]:
    return sorted(
        p.name for p in cache_folder(settings.output_dir).iterdir() if p.name.startswith(("files", "search"))
    )


def stored(settings: Settings) -> tuple[dict[str, FileRecord], SearchTexts]:
    """The records and the filters' text that the cache holds."""
    folder, context = cache_folder(settings.output_dir), cache_context(settings)
    state = read_state(folder, context)
    texts: SearchTexts = {}
    for _, shard in read_search_texts(folder, context, state.files, state.shards):
        texts.update(shard)
    return state.files, texts


def test_read_workers_store_the_records_a_build_stores_whole(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_workers(monkeypatch)
    done = SiteBuilder(settings, jobs=2).publish()
    assert done.result is not None
    names = record_names(settings)
    assert names and all("." in name for name in names)  # parts only, nothing stored whole
    assert len(names) > 4  # 16 files, 5 a batch, in many shards
    # The build itself never held the filters' text.
    assert all(record.search is None for record in done.result.state.files.values())
    by_workers = stored(settings)
    assert len(by_workers[0]) == 16 and len(by_workers[1]) == 16

    shutil.rmtree(cache_folder(settings.output_dir))
    in_process(monkeypatch)
    SiteBuilder(settings, jobs=1).publish()
    assert all("." not in name for name in record_names(settings))
    assert stored(settings) == by_workers


def test_a_shard_stored_in_parts_is_rewritten_whole_after_an_edit(
    settings: Settings, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_workers(monkeypatch)
    SiteBuilder(settings, jobs=2).publish()
    edited = sorted(settings.content_dir.glob("*.md"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    shard = shard_of(edited.relative_to(settings.content_dir).as_posix())
    in_process(monkeypatch)
    done = SiteBuilder(settings, jobs=1).publish()
    assert done.result is not None and done.result.changed == (edited.name,)
    names = record_names(settings)
    own = [name for name in names if name.startswith((f"files-{shard:02d}", f"search-{shard:02d}"))]
    assert own == [f"files-{shard:02d}", f"search-{shard:02d}"]  # whole, its parts removed
    assert any("." in name for name in names)  # other shards keep theirs
    after_edit = stored(settings)

    shutil.rmtree(cache_folder(settings.output_dir))
    SiteBuilder(settings, jobs=1).publish()
    assert stored(settings) == after_edit
    assert SiteBuilder(settings, jobs=1).publish().up_to_date


def test_a_build_that_reads_every_file_replaces_every_record_file(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records stored whole, then in parts by a build without the cache (``--no-cache``), then in
    other parts: what is left is the last build's, and nothing of a file since removed."""
    in_process(monkeypatch)
    SiteBuilder(settings, jobs=1).publish()
    whole = stored(settings)
    in_workers(monkeypatch, chunk=3)
    SiteBuilder(settings, jobs=2, use_cache=False).publish()
    assert all("." in name for name in record_names(settings))
    assert stored(settings) == whole
    removed = sorted(settings.content_dir.glob("*.md"))[-1]
    removed.unlink()
    in_workers(monkeypatch, chunk=7)
    SiteBuilder(settings, jobs=2, use_cache=False).publish()
    files, texts = stored(settings)
    assert removed.name not in files and removed.name not in texts
    assert files == {source: record for source, record in whole[0].items() if source != removed.name}
    assert max(int(name.rpartition(".")[2]) for name in record_names(settings)) == 2  # 15 files, 7 a batch


def test_moving_record_files_into_the_cache(tmp_path: Path) -> None:
    """Parts of a build that read every file replace every record file; a whole shard replaces
    that shard's parts only; a temporary file that a killed writer left is not moved in."""
    staged, folder = tmp_path / "staged", tmp_path / "cache"

    def fill(where: Path, *names: str) -> None:
        where.mkdir(exist_ok=True)
        for name in names:
            (where / name).write_bytes(b"")

    fill(folder, "files-01", "search-01", "files-02.3", "search-02.3", "documents-01", "memo")
    fill(staged, "files-01.0", "search-01.0", "files-05.0", ".tmp-x1y2")
    move_record_files(staged, folder, every_record=True)
    assert sorted(p.name for p in folder.iterdir()) == [
        "documents-01", "files-01.0", "files-05.0", "memo", "search-01.0",
    ]  # fmt: skip
    fill(staged, "files-01")
    move_record_files(staged, folder)
    assert sorted(p.name for p in folder.iterdir()) == [
        "documents-01", "files-01", "files-05.0", "memo", "search-01.0",
    ]  # fmt: skip
    assert sorted(record_files(folder)) == ["files-01", "files-05", "search-01"]


def test_records_a_killed_build_staged_are_removed_by_the_next_build(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build killed while its workers stored a cold build's records leaves them beside the cache
    (240 MB at 100,000 files); the next build, however small, removes them (``commit``)."""
    in_process(monkeypatch)
    SiteBuilder(settings, jobs=1).publish()
    staged = cache_folder(settings.output_dir) / RecordWriter.STAGED
    staged.mkdir()
    (staged / "files-03.7").write_bytes(b"left by a killed build")
    edited = sorted(settings.content_dir.glob("*.md"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    SiteBuilder(settings, jobs=1).publish()
    assert not staged.exists()


def test_a_cache_folder_is_marked_before_records_are_staged_in_it(tmp_path: Path) -> None:
    """A first build with ``--cache DIR`` killed while its workers stored records left ``DIR``
    holding only the staging folder, which every later build refused as a folder of the user's
    (found by an outside probe)."""
    folder = tmp_path / "named"
    parts = RecordWriter(folder, "UTC").parts_folder()
    assert parts is not None and parts.path.is_dir()
    assert is_cache_folder(folder)


def test_a_site_that_fits_only_without_the_staged_records_is_written(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a disk with room for the site but not for the site and the records staged for the cache,
    the build failed (found by an outside probe); the records make room, and the site is written."""
    in_workers(monkeypatch)
    real = feeds.build.builder.replace_site
    staged = cache_folder(settings.output_dir) / RecordWriter.STAGED
    tries: list[bool] = []

    def full_while_staged(*args: Any, **kwargs: Any) -> Any:
        tries.append(staged.exists())
        if staged.exists():
            try:
                raise OSError(errno.ENOSPC, "No space left on device")
            except OSError as e:
                raise OutputError("cannot write the new site") from e
        return real(*args, **kwargs)

    monkeypatch.setattr(feeds.build.builder, "replace_site", full_while_staged)
    done = SiteBuilder(settings, jobs=2).publish()
    assert tries == [True, False] and done.written
    assert (settings.output_dir / "all.atom").is_file()
    monkeypatch.setattr(feeds.build.builder, "replace_site", real)
    assert SiteBuilder(settings, jobs=2).publish().up_to_date
