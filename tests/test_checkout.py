"""The build cache across a fresh checkout: new modification times and inodes, the same bytes.

A file whose size matches its record is compared by the digest of its bytes before it is read
again, unless its time is content too (an article without a date is dated by it). And the cache can
live where a CI job keeps folders between runs (``--cache``, ``cache:``).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import feeds.build.builder
import feeds.build.read
import feeds.build.record_files
from feeds.build import SiteBuilder
from feeds.build.builder import cache_of as cache_of_settings
from feeds.build.cache import cache_folder
from feeds.build.cache import read_state
from feeds.build.read import TIMED
from feeds.build.record_files import FileRecord
from feeds.build.record_files import read_search_texts
from feeds.build.record_files import shard_of
from feeds.cli import cli
from feeds.config import Settings
from feeds.config import load_settings
from feeds.errors import ConfigError
from feeds.model import ArchiveMode
from feeds.plan.replan import MAX_CHANGES
from feeds.source.parse import file_digest
from feeds.source.scan import ContentFile
from feeds.source.scan import scan_content
from tests.helpers import PINNED_MTIME
from tests.yaml_cases import generated_corpus

#: The time a checkout gives every file: a day after the sample's pinned time.
CHECKOUT_MTIME = PINNED_MTIME + 86400
UNDATED = (
    "---\ntitle: An article without a date\nwebUrl: https://example.org/undated\ntopics: [AI]\n---\nBody.\n"
)


def checkout(source: Path, target: Path) -> Path:
    """A copy of a content folder as a fresh checkout makes it: the same bytes, new inodes, and
    every file with the checkout's time."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, copy_function=shutil.copyfile)
    for path in target.rglob("*"):
        os.utime(path, (CHECKOUT_MTIME, CHECKOUT_MTIME))
    return target


@pytest.fixture
def settings(project: Path) -> Settings:
    """The sample project (and one front-matter article without a date), its cache in cache/."""
    (project / "content" / "undated.md").write_text(UNDATED, encoding="utf-8")
    os.utime(project / "content" / "undated.md", (PINNED_MTIME, PINNED_MTIME))
    # Without archives, which plan every entry and so never replan from the memo.
    return dataclasses.replace(
        load_settings(project / "config" / "feeds.yaml", output_dir=project / "public"),
        cache_dir=project / "cache",
        archives=ArchiveMode.OFF,
    )


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sources of the files this process parses (builds of a few files read in-process)."""
    parsed: list[str] = []
    real = feeds.build.read._read_one

    def counting(file: ContentFile, *args: object) -> object:
        parsed.append(file.source)
        return real(file, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(feeds.build.read, "_read_one", counting)
    return parsed


def cold_documents(settings: Settings, where: Path) -> dict[str, bytes]:
    """A build of the same content from nothing, with a cache of its own."""
    cold = dataclasses.replace(settings, cache_dir=where / "cache", output_dir=where / "public")
    return SiteBuilder(cold, use_cache=False).build().documents


def dated_by_their_time(settings: Settings) -> list[str]:
    """The plain-text articles (no front matter) and the front-matter article without a date."""
    return sorted([*dated_by_their_time_in(settings.content_dir), "undated.md"])


def dated_by_their_time_in(root: Path) -> list[str]:
    """The plain-text articles of a content folder (no front matter)."""
    return [f.source for f in scan_content(root) if not (root / f.source).read_bytes().startswith(b"---")]


def test_a_fresh_checkout_is_built_from_the_cache(
    settings: Settings, reads: list[str], tmp_path: Path
) -> None:
    """Only the articles dated by their file's time are parsed again; the output is a cold build's."""
    SiteBuilder(settings).publish()
    clone = dataclasses.replace(settings, content_dir=checkout(settings.content_dir, tmp_path / "clone"))
    reads.clear()
    done = SiteBuilder(clone).publish()
    assert done.result is not None and not done.up_to_date
    assert sorted(reads) == dated_by_their_time(clone)
    assert sorted(done.result.refreshed) == sorted(
        f.source for f in scan_content(clone.content_dir) if f.source not in reads
    )
    assert done.result.documents == cold_documents(clone, tmp_path / "cold")
    # The undated article now has the checkout's time, as in a cold build.
    assert b"<updated>2021-03-16T12:00:00+00:00</updated>" in done.result.documents["all.atom"]
    # The records now hold for the new versions: the next build has nothing to do.
    reads.clear()
    assert SiteBuilder(clone).publish().up_to_date
    assert reads == []


def test_a_checkout_in_the_same_place_replans_from_the_memo(
    settings: Settings, reads: list[str], tmp_path: Path
) -> None:
    SiteBuilder(settings).publish()
    checkout(checkout(settings.content_dir, tmp_path / "saved"), settings.content_dir)
    reads.clear()
    result = SiteBuilder(settings).build()
    assert result.replanned
    assert sorted(reads) == dated_by_their_time(settings)
    assert len(result.refreshed) == len(scan_content(settings.content_dir)) - len(reads)
    assert result.documents == cold_documents(settings, tmp_path / "cold")


def test_other_bytes_of_the_same_size_are_read_again(
    settings: Settings, reads: list[str], tmp_path: Path
) -> None:
    SiteBuilder(settings).publish()
    article = next(f for f in sorted(settings.content_dir.glob("*.md")) if "title: " in f.read_text("utf-8"))
    text = article.read_text(encoding="utf-8")
    title = text.split("title: ", 1)[1].split("\n", 1)[0]
    changed = title[:-4] + "ABCD" if not title.endswith("ABCD") else title[:-4] + "WXYZ"
    article.write_text(text.replace(title, changed, 1), encoding="utf-8")
    assert len(article.read_bytes()) == len(text.encode())
    os.utime(article, (CHECKOUT_MTIME, CHECKOUT_MTIME))
    reads.clear()
    result = SiteBuilder(settings).build()
    assert reads == [article.name]
    assert result.refreshed == ()
    assert result.documents == cold_documents(settings, tmp_path / "cold")


def test_records_say_when_their_file_time_is_content(settings: Settings) -> None:
    result = SiteBuilder(settings).build()
    records = result.state.files
    by_time = dated_by_their_time(settings)
    assert "undated.md" in by_time
    for source in by_time:  # the digest of the bytes and the time, marked as such
        record = records[source]
        assert record.content == TIMED + file_digest(
            (settings.content_dir / source).read_bytes(), record.mtime_ns
        )
    dated = [r for s, r in records.items() if s not in by_time]
    assert dated and all(r.content is not None and r.indexed and r.content == r.indexed[1] for r in dated)


def test_a_checkout_that_keeps_file_times_reads_nothing_again(
    settings: Settings, reads: list[str], tmp_path: Path
) -> None:
    """New inodes, the same bytes and times (a checkout whose file times are set back to those of
    their commits, say): articles dated by their file's time keep their records too."""
    SiteBuilder(settings).publish()
    clone = tmp_path / "clone"
    shutil.copytree(settings.content_dir, clone)  # copy2: the same times
    moved = dataclasses.replace(settings, content_dir=clone)
    reads.clear()
    result = SiteBuilder(moved).build()
    assert reads == []
    assert sorted(result.refreshed) == sorted(f.source for f in scan_content(clone))
    assert result.documents == cold_documents(moved, tmp_path / "cold")
    # A new time for one of them: that one only is read again, and re-dated.
    plain = dated_by_their_time_in(clone)[0]
    os.utime(clone / plain, (CHECKOUT_MTIME, CHECKOUT_MTIME))
    reads.clear()
    result = SiteBuilder(moved).build()
    assert reads == [plain]
    assert result.documents == cold_documents(moved, tmp_path / "cold2")


def test_worker_processes_compare_the_bytes(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many files are compared in the read workers, with the same answers as in this process."""
    records = SiteBuilder(settings).build().state.files
    clone = checkout(settings.content_dir, tmp_path / "clone")
    changed = clone / "010_1f3b4be2c661303f.md"
    changed.write_bytes(changed.read_bytes().replace(b"title: ", b"title:_", 1))
    candidates = [(file, records[file.source]) for file in scan_content(clone)]
    monkeypatch.setattr(feeds.build.read, "PARALLEL_MIN_FILES", 1)
    answers = [feeds.build.read.same_bytes(candidates, clone, jobs) for jobs in (2, 1)]
    assert answers[0] == answers[1]
    kept, differ = answers[0]
    assert sorted(f.source for f in differ) == sorted([changed.name, *dated_by_their_time(settings)])
    assert all(isinstance(record, FileRecord) for record in kept.values())
    assert all(kept[s].mtime_ns == int(CHECKOUT_MTIME * 1e9) for s in kept)


# Where the cache lives.


def test_the_cache_folder_follows_the_config_and_the_command_line(project: Path) -> None:
    config = project / "config" / "feeds.yaml"
    assert load_settings(config).cache_dir is None  # beside the output folder
    config.write_text(config.read_text(encoding="utf-8") + "cache: ../.ci-cache/feeds\n", encoding="utf-8")
    assert load_settings(config).cache_dir == project / ".ci-cache" / "feeds"
    assert load_settings(config, cache_dir=Path("/elsewhere")).cache_dir == Path("/elsewhere")
    config.write_text(config.read_text(encoding="utf-8") + "cache: ''\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="cache"):
        load_settings(config)


def test_feeds_build_cache_dir(project: Path) -> None:
    config = str(project / "config" / "feeds.yaml")
    cache = project / "ci" / "cache"
    first = CliRunner().invoke(cli, ["build", "--config", config, "--cache", str(cache)])
    assert first.exit_code == 0, first.output
    assert (
        (cache / "CACHEDIR.TAG")
        .read_text(encoding="ascii")
        .startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )
    assert (cache / "summary").is_file() and (cache / "files-00").is_file()
    assert not cache_folder(project / "public").exists()
    again = CliRunner().invoke(cli, ["build", "--config", config, "--cache", str(cache)])
    assert again.exit_code == 0 and "Up to date." in again.output


def test_a_folder_of_other_files_is_not_taken_for_a_cache(project: Path) -> None:
    mine = project / "notes"
    mine.mkdir()
    (mine / "summary").write_text("my own notes", encoding="utf-8")
    config = str(project / "config" / "feeds.yaml")
    result = CliRunner().invoke(cli, ["build", "--config", config, "--cache", str(mine)])
    assert result.exit_code == 2
    assert f"{mine}: holds other files and no CACHEDIR.TAG of feeds" in result.output
    assert [p.name for p in mine.iterdir()] == ["summary"]
    assert (mine / "summary").read_text(encoding="utf-8") == "my own notes"
    assert not (project / "public").exists()


def test_the_default_caches_folder_named_as_the_cache_says_which_folder_to_give(project: Path) -> None:
    """A CI job that restores .feeds-cache and passes --cache .feeds-cache (the help said the cache
    was there) was told only that the folder held other files (an outside probe)."""
    config = str(project / "config" / "feeds.yaml")
    assert CliRunner().invoke(cli, ["build", "--config", config]).exit_code == 0
    parent = cache_folder(project / "public").parent
    result = CliRunner().invoke(cli, ["build", "--config", config, "--cache", str(parent)])
    assert result.exit_code == 2
    assert (
        f"{parent}: holds other files and no CACHEDIR.TAG of feeds; it holds the cache of output 'public'"
        f" in {parent / 'public'}: give that folder" in " ".join(result.output.split())
    )
    again = CliRunner().invoke(cli, ["build", "--config", config, "--cache", str(parent / "public")])
    assert again.exit_code == 0 and "Up to date." in again.output


def test_the_default_cache_folder_is_marked_too(project: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "--config", str(project / "config" / "feeds.yaml")])
    assert result.exit_code == 0, result.output
    assert (cache_folder(project / "public") / "CACHEDIR.TAG").is_file()


def test_refreshed_records_are_stored_as_they_were(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kept record's index is the stored one, already compacted: only the files read again are
    compacted (about a second of the record writer's work after a checkout of 100,000 files)."""
    SiteBuilder(settings).publish()
    clone = dataclasses.replace(settings, content_dir=checkout(settings.content_dir, tmp_path / "clone"))
    compacted: list[str] = []
    real = feeds.build.record_files.compact_index

    def counting(source: str, *args: object) -> object:
        compacted.append(source)
        return real(source, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(feeds.build.record_files, "compact_index", counting)
    done = SiteBuilder(clone).publish()
    assert done.result is not None and done.result.refreshed
    assert sorted(compacted) == dated_by_their_time(clone)
    monkeypatch.setattr(feeds.build.record_files, "compact_index", real)
    assert SiteBuilder(clone).publish().up_to_date


def test_the_read_workers_start_early_when_many_files_have_new_versions(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a checkout the fork server starts while the cache is read, not when the first file
    is compared; after an edit it does not start at all."""
    SiteBuilder(settings).publish()
    started: list[bool] = []
    monkeypatch.setattr(feeds.build.builder, "start_read_workers", lambda: started.append(True))
    monkeypatch.setattr(feeds.build.builder, "PARALLEL_MIN_FILES", 5)
    article = next(iter(sorted(settings.content_dir.glob("*.md"))))
    os.utime(article, (CHECKOUT_MTIME, CHECKOUT_MTIME))
    SiteBuilder(settings).publish()
    assert started == []
    checkout(checkout(settings.content_dir, tmp_path / "saved"), settings.content_dir)
    SiteBuilder(settings).publish()
    assert started == [True]


@pytest.mark.parametrize("archives", [ArchiveMode.OFF, ArchiveMode.MONTHLY])
def test_a_checkout_of_many_files_replans_from_the_memo(
    project: Path, reads: list[str], tmp_path: Path, archives: ArchiveMode
) -> None:
    """More files than a replan takes have new versions, but only the few that really changed (and
    the ones dated by their time) are parsed, and the build still replans from the memo; with
    archives, the months those files leave and join too (the re-dated ones move to the
    checkout's month)."""
    content = tmp_path / "many"
    generated_corpus(content, 150, seed=3)
    settings = load_settings(
        project / "config" / "feeds.yaml", content_dir=content, output_dir=tmp_path / "public"
    )
    settings = dataclasses.replace(settings, archives=archives)
    SiteBuilder(settings).publish()
    checkout(checkout(content, tmp_path / "saved"), content)
    edited = next(p for p in sorted(content.rglob("*.md")))
    edited.write_bytes(edited.read_bytes().replace(b'\ntitle: "', b'\ntitle: "Edited ', 1))
    reads.clear()
    result = SiteBuilder(settings).build()
    assert len(result.refreshed) + len(reads) == 150 > MAX_CHANGES
    dated = dated_by_their_time_in(content)
    assert dated
    assert sorted(reads) == sorted([*dated, edited.relative_to(content).as_posix()])
    assert result.replanned
    assert (result.archives > 0) == (archives is ArchiveMode.MONTHLY)
    assert dict(result.documents) == cold_documents(settings, tmp_path / "cold")


def test_the_search_text_survives_a_checkout_unwritten(settings: Settings, tmp_path: Path) -> None:
    """The web app's search text is stored apart from the records; a checkout changes none of it,
    so its files are left as they are, and still give every file's text."""
    SiteBuilder(settings).publish()
    folder = cache_of_settings(settings)
    before = {path.name: path.stat().st_mtime_ns for path in folder.glob("search-*")}
    stored = read_state(folder, "UTC")
    texts_before = dict(
        pair
        for _, texts in read_search_texts(folder, "UTC", stored.files, stored.shards)
        for pair in texts.items()
    )
    checkout(checkout(settings.content_dir, tmp_path / "saved"), settings.content_dir)
    result = SiteBuilder(settings).build()
    assert result.refreshed
    state = read_state(folder, "UTC")
    texts_after = dict(
        pair
        for _, texts in read_search_texts(folder, "UTC", state.files, state.shards)
        for pair in texts.items()
    )
    assert texts_after == texts_before and len(texts_after) == len(state.files)
    changed = {name for name, mtime in before.items() if (folder / name).stat().st_mtime_ns != mtime}
    dated_shards = {f"search-{shard_of(source):02d}" for source in dated_by_their_time(settings)}
    assert changed <= dated_shards  # only shards holding files that were read again
