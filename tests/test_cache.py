"""The build cache saves work and nothing else: the same bytes as a cold build, after any change."""

from __future__ import annotations

import dataclasses
import os
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import feeds.build.cache
import feeds.build.cache_files
import feeds.build.read
import feeds.build.records
from feeds.build import SiteBuilder
from feeds.build.cache import BuildState
from feeds.build.cache import cache_context
from feeds.build.cache import cache_folder
from feeds.build.cache import read_state
from feeds.build.cache import write_state
from feeds.build.cache_files import package_version
from feeds.build.documents import INDEX_SECTION
from feeds.build.pipeline import build_every_entry
from feeds.build.pipeline import build_site
from feeds.build.result import BuildResult
from feeds.cli import cli
from feeds.config import Settings
from feeds.config import TopicSettings
from feeds.config import load_settings
from feeds.model import ArchiveMode
from feeds.model import RelatedMode
from tests.helpers import ARTICLE
from tests.helpers import ROOT
from tests.helpers import touch


@pytest.fixture
def settings(project: Path) -> Settings:
    """The sample project's settings, writing into its own public/."""
    return load_settings(project / "config" / "feeds.yaml", output_dir=project / "public")


def rebuild(settings: Settings, state: BuildState) -> BuildResult:
    """A build from the state on disk, checked against a cold build of the same content."""
    folder = cache_folder(settings.output_dir)
    write_state(folder, cache_context(settings), state)
    warm = build_site(settings, read_state(folder, cache_context(settings)))
    cold = build_site(settings)
    assert warm.documents == cold.documents
    assert [str(e) for e in warm.errors] == [str(e) for e in cold.errors]
    assert warm.warnings == cold.warnings
    assert warm.site.skipped == cold.site.skipped
    return warm


def test_nothing_changed_means_nothing_read_or_rendered(settings: Settings) -> None:
    first = build_site(settings)
    assert first.parsed == 16
    again = rebuild(settings, first.state)
    assert again.parsed == 0
    assert again.rendered == 0


def test_edits_additions_deletions_and_renames(settings: Settings) -> None:
    content = settings.content_dir
    state = build_site(settings).state

    article = content / ARTICLE
    article.write_text(
        article.read_text(encoding="utf-8").replace("title: ", "title: Edited ", 1), encoding="utf-8"
    )
    touch(article)
    result = rebuild(settings, state)
    assert result.parsed == 1
    assert 0 < result.rendered < len(result.state.documents)  # only the feeds that show it
    assert b"Edited " in result.documents["topics/ai.atom"]

    shutil.copy(article, content / "099_new.md")
    text = (content / "099_new.md").read_text(encoding="utf-8")
    (content / "099_new.md").write_text(
        text.replace("webUrl:", "webUrl: https://example.org/new\nold_webUrl:", 1).replace(
            "topics:", "topics:\n  - Brand New", 1
        ),
        encoding="utf-8",
    )
    result = rebuild(settings, result.state)
    assert "topics/brand-new.atom" in result.documents

    (content / "sub").mkdir()
    (content / "099_new.md").rename(content / "sub" / "099_new.md")  # same bytes, same inode
    result = rebuild(settings, result.state)

    (content / "sub" / "099_new.md").unlink()
    result = rebuild(settings, result.state)
    assert "topics/brand-new.atom" not in result.documents

    (content / ARTICLE).unlink()
    result = rebuild(settings, result.state)
    assert b"Edited " not in result.documents["all.atom"]


MINNEAPOLIS = "minneapolis-bans-its-police-department-from-using-facial-recognition-software"


def test_entry_pages_follow_edits_of_their_articles(settings: Settings) -> None:
    """An article without a URL has a page. When another file earlier in path order is retitled
    to the same title, it takes the plain slug: the feeds that link to the first page change with
    it, though none of their entries or totals did (the other article is older than they show).
    Editing a title moves its page."""
    settings = dataclasses.replace(settings, max_items=2)
    content = settings.content_dir
    older = '---\ntitle: "{}"\npublishedDateTime: 1999-01-01T00:00:00Z\n---\nOld.\n'
    (content / "0.md").write_text(older.format("An old story"), encoding="utf-8")
    first = build_site(settings)
    assert f"entries/{MINNEAPOLIS}.html" in first.documents
    assert "entries/an-old-story.html" in first.documents
    (content / "0.md").write_text(older.format(MINNEAPOLIS.replace("-", " ")), encoding="utf-8")
    touch(content / "0.md")
    result = rebuild(settings, first.state)
    assert result.site.pages["0.md"] == f"entries/{MINNEAPOLIS}.html"
    assert result.site.pages["000_172e09f9723532bd.txt"] == f"entries/{MINNEAPOLIS}-2.html"
    assert f"entries/{MINNEAPOLIS}-2.html".encode() in result.documents["all.atom"]
    assert b"Old." in result.documents[f"entries/{MINNEAPOLIS}.html"]
    assert "entries/an-old-story.html" not in result.documents

    plain = content / "000_172e09f9723532bd.txt"
    body = plain.read_text(encoding="utf-8").partition("\n")[2]
    plain.write_text(f"Minneapolis bans facial recognition – TechCrunch\n{body}", encoding="utf-8")
    touch(plain)
    result = rebuild(settings, result.state)
    assert result.site.pages[plain.name] == "entries/minneapolis-bans-facial-recognition.html"
    assert f"entries/{MINNEAPOLIS}-2.html" not in result.documents
    assert result.rendered < len(result.state.documents)

    (content / "0.md").unlink()
    result = rebuild(settings, result.state)
    assert f"entries/{MINNEAPOLIS}.html" not in result.documents


def test_writing_only_the_changed_shards_keeps_every_record(settings: Settings) -> None:
    """After each edit, addition, rename and deletion a build rewrites only the shards of what
    changed (found from what each shard held), and the cache then holds exactly the new state."""
    content, folder, zone = settings.content_dir, cache_folder(settings.output_dir), cache_context(settings)
    result = build_site(settings)
    write_state(folder, zone, result.state)
    steps = [
        lambda: (content / ARTICLE).write_text("Plain title\n\nbody\n", encoding="utf-8"),
        lambda: shutil.copy(content / ARTICLE, content / "new.md"),
        lambda: (content / "new.md").rename(content / "renamed.md"),
        lambda: (content / "renamed.md").unlink(),
        lambda: (content / ARTICLE).unlink(),
    ]
    for step in steps:
        step()
        state = read_state(folder, zone)
        assert len(state.shards) == feeds.build.record_files.SHARDS
        result = build_site(settings, state)
        assert 0 < len(result.changed) + len(result.removed) <= 2
        before = {shard: (folder / f"files-{shard:02d}").stat().st_mtime_ns for shard in range(32)}
        write_state(folder, zone, result.state, (*result.changed, *result.removed))
        after = {shard: (folder / f"files-{shard:02d}").stat().st_mtime_ns for shard in range(32)}
        assert sum(before[shard] != after[shard] for shard in before) <= 2
        stored = read_state(folder, zone).files
        assert {s: r[:6] for s, r in stored.items()} == {s: r[:6] for s, r in result.state.files.items()}


def test_an_entry_below_the_cut_still_updates_the_pages_count(settings: Settings) -> None:
    """Feeds show only the newest max_items, but a page also says how many entries there are."""
    settings = dataclasses.replace(settings, max_items=2)
    state = build_site(settings).state
    before = build_site(settings).documents["topics/ai.html"]
    (settings.content_dir / "000_very_old.md").write_text(
        '---\ntitle: "A very old story"\npublishedDateTime: 1999-01-01T00:00:00Z\n'
        'webUrl: "https://example.com/very-old"\ntopics: [AI]\n---\nBody.\n',
        encoding="utf-8",
    )
    result = rebuild(settings, state)
    assert result.documents["topics/ai.atom"] == build_site(settings).documents["topics/ai.atom"]
    assert b"5 entries" in before
    assert b"6 entries" in result.documents["topics/ai.html"]


def test_a_file_that_breaks_and_is_mended(settings: Settings) -> None:
    state = build_site(settings).state
    article = settings.content_dir / ARTICLE
    good = article.read_text(encoding="utf-8")
    article.write_text(good.replace("title:", "title: [unclosed", 1), encoding="utf-8")
    touch(article)
    broken = rebuild(settings, state)
    assert len(broken.errors) == 1
    again = rebuild(settings, broken.state)  # the error comes from the cache now
    assert again.parsed == 0
    assert [str(e) for e in again.errors] == [str(e) for e in broken.errors]
    article.write_text(good, encoding="utf-8")
    touch(article)
    assert rebuild(settings, again.state).errors == ()


@pytest.mark.parametrize(
    "change",
    [
        {"max_items": 3},
        {"related": RelatedMode.LINKS},
        {"min_quality": 60.0},
        {"include_drafts": True},
        {"timezone": "Europe/Paris"},
        {"topics": {"AI": TopicSettings(rename="Machine Learning")}},
    ],
    ids=lambda change: next(iter(change)),
)
def test_config_changes(settings: Settings, change: dict[str, object]) -> None:
    state = build_site(settings).state
    changed = dataclasses.replace(settings, **change)  # type: ignore[arg-type]
    folder = cache_folder(settings.output_dir)
    write_state(folder, cache_context(settings), state)
    warm = build_site(changed, read_state(folder, cache_context(changed)))
    assert warm.documents == build_site(changed).documents


def test_site_settings_change_every_feed(settings: Settings) -> None:
    state = build_site(settings).state
    renamed = dataclasses.replace(settings, site=dataclasses.replace(settings.site, title="Renamed"))
    result = build_site(renamed, state)
    documents = [path for path in result.state.documents if not path.endswith(INDEX_SECTION)]
    assert result.rendered == len(documents)  # the index page's parts are none of them
    assert result.documents == build_site(renamed).documents


def test_worker_processes_give_the_same_bytes(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds.build.read, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(feeds.build.read, "_CHUNK", 5)
    parallel = build_site(settings, jobs=2)
    monkeypatch.setattr(feeds.build.read, "PARALLEL_MIN_FILES", 10**9)
    single = build_site(settings, jobs=1)
    assert parallel.documents == single.documents
    assert parallel.state.files == single.state.files
    assert [str(e) for e in parallel.errors] == [str(e) for e in single.errors]


def test_stored_indexes_share_equal_values(settings: Settings) -> None:
    """Topic names and scores that many files have load as one object per shard, and an index's
    source is its record's key: less memory for the same values."""
    built = build_site(settings).state
    folder = cache_folder(settings.output_dir)
    write_state(folder, cache_context(settings), built)
    loaded = read_state(folder, cache_context(settings))
    assert {s: r[:6] for s, r in loaded.files.items()} == {s: r[:6] for s, r in built.files.items()}
    seen: dict[tuple[int, type, Any], Any] = {}
    total = 0
    for source, record in loaded.files.items():
        if record.indexed is None:
            continue
        assert record.indexed[0] is source
        shard = feeds.build.record_files.shard_of(source)
        values = [*record.indexed[4], *(stub[3] for stub in record.indexed[5] if stub[3] is not None)]
        total += len(values)
        for value in values:
            assert seen.setdefault((shard, type(value), value), value) is value, value
    assert total > len(seen)  # some values repeat within a shard, so sharing was tested


def test_a_rebuild_reuses_the_references_that_did_not_change(settings: Settings) -> None:
    """The web app passes its last plan; only the edited article's references are new, and the
    result is what a cold build gives."""
    first = build_every_entry(settings)
    article = settings.content_dir / ARTICLE
    article.write_text(
        article.read_text(encoding="utf-8").replace("title: ", "title: Edited ", 1), encoding="utf-8"
    )
    touch(article)
    previous = first.site.everything.refs
    again = build_every_entry(settings, first.state, previous_refs=previous)
    assert again.documents == build_site(settings).documents
    old = {id(ref) for ref in previous}
    new = [ref for ref in again.site.everything.refs if id(ref) not in old]
    assert {ref[2][0] for ref in new} == {ARTICLE}  # REF_FILE, SOURCE: only the edited file's
    assert len(new) < len(previous)


# -- a cache that cannot be trusted --------------------------------------------------------------


def cached(settings: Settings) -> Path:
    folder = cache_folder(settings.output_dir)
    write_state(folder, cache_context(settings), build_site(settings).state)
    return folder


def test_the_cache_lives_beside_the_output(settings: Settings) -> None:
    folder = cached(settings)
    assert folder == settings.output_dir.parent / ".feeds-cache" / "public"
    assert len(read_state(folder, cache_context(settings)).files) == 16


@pytest.mark.parametrize("damage", ["flip a byte", "truncate", "empty", "garbage"])
def test_a_damaged_shard_is_ignored(settings: Settings, damage: str) -> None:
    folder = cached(settings)
    state = read_state(folder, cache_context(settings))
    shard = next(p for p in sorted(folder.glob("files-*")) if p.stat().st_size > 200)
    data = bytearray(shard.read_bytes())
    if damage == "flip a byte":
        data[len(data) // 2] ^= 0x40
    elif damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "empty":
        data = bytearray()
    else:
        data = bytearray(os.urandom(len(data)))
    shard.write_bytes(bytes(data))
    damaged = read_state(folder, cache_context(settings))
    assert 0 < len(damaged.files) < len(state.files)  # that shard's records are gone, no others
    assert build_site(settings, damaged).documents == build_site(settings).documents


def test_a_cache_from_another_program_version_is_ignored(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = cached(settings)
    monkeypatch.setattr(feeds.build.cache_files, "program_version", lambda: "another version")
    assert read_state(folder, cache_context(settings)).files == {}


def test_a_cache_from_another_time_zone_is_ignored(settings: Settings) -> None:
    folder = cached(settings)
    assert read_state(folder, "Europe/Paris").files == {}


def test_a_crash_while_writing_leaves_the_old_cache(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = cached(settings)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    def crash(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(feeds.build.cache_files.os, "replace", crash)
    write_state(folder, cache_context(settings), BuildState())  # fails quietly: the cache is a shortcut
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # no temporary files left


# -- the command line --------------------------------------------------------------------------


def files_of(folder: Path) -> dict[Path, bytes]:
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_cli_rebuilds_only_when_something_changed(settings: Settings, tmp_path: Path) -> None:
    config = ROOT / "config" / "feeds.yaml"
    args = [
        "build",
        "--config",
        str(config),
        "--content",
        str(settings.content_dir),
        "--output",
        str(settings.output_dir),
    ]
    runner = CliRunner()
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    output = files_of(settings.output_dir)
    again = runner.invoke(cli, args)
    assert "Up to date" in again.output
    assert again.output.split(" Up to date")[0] == first.output.split(" Parsed every file")[0]  # same summary

    (settings.output_dir / "all.rss").unlink()  # someone touched the output: build again
    rebuilt = runner.invoke(cli, args)
    assert "Up to date" not in rebuilt.output
    assert files_of(settings.output_dir) == output

    article = settings.content_dir / ARTICLE
    article.write_text(
        article.read_text(encoding="utf-8").replace("title: ", "title: Edited ", 1), encoding="utf-8"
    )
    touch(article)
    assert "Up to date" not in runner.invoke(cli, args).output
    incremental = files_of(settings.output_dir)
    cold_output = tmp_path / "cold"
    cold = runner.invoke(cli, [*args[:-1], str(cold_output), "--no-cache"])
    assert cold.exit_code == 0
    assert files_of(cold_output) == incremental


def test_keeping_only_shown_entries_changes_nothing_written(settings: Settings) -> None:
    """The command line plans with only the references it renders; the bytes are the same."""
    full = build_every_entry(settings)
    shown = build_site(dataclasses.replace(settings, max_items=3))
    assert shown.documents == build_every_entry(dataclasses.replace(settings, max_items=3)).documents
    lean = build_site(settings)
    assert lean.documents == full.documents
    assert [c.total for c in lean.site.channels] == [c.total for c in full.site.channels]
    assert all(len(c.refs) <= settings.max_items for c in lean.site.channels)


def test_files_over_the_size_limit_are_refused_unread(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = settings.content_dir / "huge.md"
    big.write_bytes(b"---\ntitle: Huge\n---\n" + b"x" * 1_500_000)
    small = dataclasses.replace(settings, max_file_mb=1)
    real = feeds.build.read.load_file

    def load_file(path: str | Path, *args: object) -> object:
        assert Path(path).name != "huge.md", "a file over the limit was read"
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(feeds.build.read, "load_file", load_file)
    result = build_site(small)
    assert [str(e) for e in result.errors] == [f"{big}: 1.5 MB is over the limit of 1 MB (max_file_mb)"]
    big.write_bytes(b"x" * 1_000_001)  # no "1 MB is over the limit of 1 MB" (an outside probe)
    assert [str(e) for e in build_site(small).errors] == [
        f"{big}: 1,000,001 bytes is over the limit of 1 MB (max_file_mb)"
    ]
    for limit, size, said in [  # limits with more digits (a follow-up probe: "1e+03 MB")
        (12.34, 12_345_000, "12.35 MB is over the limit of 12.34 MB"),
        (12.34, 12_340_001, "12,340,001 bytes is over the limit of 12.34 MB"),
        (999.9, 1_000_000_000, "1,000 MB is over the limit of 999.9 MB"),
        (0.001, 1_001, "1,001 bytes is over the limit of 0.001 MB"),
        (0.0000001, 1, "1 byte is over the limit of 0.0000001 MB"),  # a second follow-up probe
        (0.123456789, 123_457, "123,457 bytes is over the limit of 0.123456789 MB"),
        (1234.5678, 1_234_580_000, "1,234.58 MB is over the limit of 1,234.5678 MB"),
    ]:
        with big.open("wb") as file:
            file.truncate(size)  # sparse: never read, as it is over the limit
        errors = build_site(dataclasses.replace(settings, max_file_mb=limit)).errors
        assert [str(e) for e in errors if str(e).startswith(str(big))] == [f"{big}: {said} (max_file_mb)"]
    big.write_bytes(b"---\ntitle: Huge\n---\n" + b"x" * 1_500_000)
    assert result.articles == 16  # everything else still builds
    monkeypatch.setattr(feeds.build.read, "load_file", real)
    # A higher limit applies at once, even with the state of the build that refused the file.
    allowed = build_site(dataclasses.replace(settings, max_file_mb=2), result.state)
    assert allowed.errors == ()
    assert allowed.articles == 17


def cli_build(settings: Settings, *options: str) -> str:
    """``feeds build`` of ``settings``' content and output; what it printed."""
    args = ["build", "--content", str(settings.content_dir), "--output", str(settings.output_dir)]
    result = CliRunner().invoke(cli, [*args, "--config", str(ROOT / "config" / "feeds.yaml"), *options])
    assert result.exit_code == 0, result.output
    return result.output


def stored_records(settings: Settings) -> dict[str, bytes]:
    folder = cache_folder(settings.output_dir)
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.name.startswith(("files-", "search-"))}


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The command line's record writer forks for any number of files; the list counts its forks."""
    if threading.active_count() > 1:
        pytest.skip("another test left a thread running: the record writer would not fork")
    monkeypatch.setattr(feeds.build.records.RecordWriter, "MIN_FILES", 1)
    forks: list[int] = []
    fork = os.fork

    def counted() -> int:
        forks.append(1)
        return fork()

    monkeypatch.setattr(feeds.build.records.os, "fork", counted)
    return forks


@pytest.mark.parametrize("options", [(), ("--no-cache",)])
def test_records_stored_by_a_child_process_are_those_stored_in_process(
    settings: Settings, forks: list[int], monkeypatch: pytest.MonkeyPatch, options: tuple[str, ...]
) -> None:
    cli_build(settings, *options)
    assert len(forks) == 1
    by_child = stored_records(settings)
    assert by_child
    shutil.rmtree(cache_folder(settings.output_dir))
    monkeypatch.setattr(feeds.build.records.RecordWriter, "MIN_FILES", 10**9)
    cli_build(settings, *options)
    assert len(forks) == 1
    assert stored_records(settings) == by_child


def test_records_a_child_failed_to_store_are_stored_in_process(
    settings: Settings, forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    parent, write_records = os.getpid(), feeds.build.records.write_records

    def only_in_parent(*args: Any) -> None:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        write_records(*args)

    monkeypatch.setattr(feeds.build.records, "write_records", only_in_parent)
    cli_build(settings)
    assert len(forks) == 1
    state = read_state(cache_folder(settings.output_dir), cache_context(settings))
    assert len(state.files) == 16
    assert "Up to date" in cli_build(settings)


def test_records_are_stored_in_process_when_no_child_can_be_made(
    settings: Settings, forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse() -> int:
        forks.append(1)
        raise BlockingIOError("Resource temporarily unavailable")

    monkeypatch.setattr(feeds.build.records.os, "fork", refuse)
    cli_build(settings)
    assert len(forks) == 1
    assert len(read_state(cache_folder(settings.output_dir), cache_context(settings)).files) == 16


def test_any_packaged_file_that_shapes_output_changes_the_program_version(tmp_path: Path) -> None:
    """Not only code: the pages' script and templates are in the pages, so an edit to them must make
    the cache's version change (the server's CSP hash follows the script)."""
    package = tmp_path / "feeds"
    shutil.copytree(ROOT / "feeds", package, ignore=shutil.ignore_patterns("__pycache__"))
    before = package_version(package)
    script = package / "render" / "templates" / "copy.js"
    script.write_text(script.read_text(encoding="utf-8") + "\n// edited\n", encoding="utf-8")
    assert package_version(package) != before
    template = package / "render" / "templates" / "base.html"
    edited = package_version(package)
    template.write_text(template.read_text(encoding="utf-8").replace("<", "< ", 1), encoding="utf-8")
    assert package_version(package) != edited


def test_a_new_program_version_renders_everything_again(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = cache_folder(settings.output_dir)
    first = SiteBuilder(settings).build()
    assert first.rendered > 0
    assert SiteBuilder(settings).build().rendered == 0  # warm: nothing rendered
    monkeypatch.setattr(feeds.build.cache_files, "program_version", lambda: "a template changed")
    again = SiteBuilder(settings).build()
    assert again.rendered == first.rendered
    assert again.documents == first.documents
    assert folder.is_dir()


@pytest.mark.parametrize("step", ["add", "remove"])
def test_a_topics_new_name_reaches_the_other_channels_feeds(
    settings: Settings, tmp_path: Path, step: str
) -> None:
    """Two names of one slug: the first file in path order names the topic. A file added before
    the others changed the name in the topic's own feeds, while the other topics' feeds kept the
    old one on their entries' categories, build after build (found by an outside probe): feeds
    were signed by their entries' topic slugs, not names."""
    clash = settings.content_dir / "000-clash.md"
    text = "---\ntitle: Clash\npublishedDateTime: 2020-05-05T00:00:00Z\nwebUrl: https://e.example/c\n"
    args = ["build", "--config", str(ROOT / "config" / "feeds.yaml"), "--content", str(settings.content_dir)]
    runner = CliRunner()
    if step == "remove":
        clash.write_text(text + "topics: [CAFÉ culture]\n---\nBody.\n", encoding="utf-8")
    assert runner.invoke(cli, [*args, "--output", str(settings.output_dir)]).exit_code == 0
    if step == "add":
        clash.write_text(text + "topics: [CAFÉ culture]\n---\nBody.\n", encoding="utf-8")
    else:
        clash.unlink()
    assert runner.invoke(cli, [*args, "--output", str(settings.output_dir)]).exit_code == 0
    cold = tmp_path / "cold"
    assert runner.invoke(cli, [*args, "--output", str(cold), "--no-cache"]).exit_code == 0
    assert files_of(settings.output_dir) == files_of(cold)


def test_one_change_among_many_topics_reads_few_files_again(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index page shows each channel's five newest titles, and a build after one change read
    them again for every channel, changed or not: 10,439 files at 4,548 topics (an outside probe).
    Each channel's part of the index is kept with its feeds; an unchanged one needs its newest
    entry only, for its date."""
    content = settings.content_dir
    for old in content.iterdir():
        old.unlink()
    for topic in range(30):
        for n in range(6):
            (content / f"t{topic}-{n}.md").write_text(
                f"---\ntitle: Story {n} of topic {topic}\nwebUrl: https://example.com/{topic}/{n}\n"
                f"publishedDateTime: 2021-03-{n + 1:02d}T{topic % 24:02d}:00:00Z\ntopics: [Topic {topic}]\n---\nBody.\n",
                encoding="utf-8",
            )
    settings = dataclasses.replace(settings, archives=ArchiveMode.OFF)  # a month's archive reads every entry
    state = build_site(settings).state
    folder = cache_folder(settings.output_dir)
    write_state(folder, cache_context(settings), state)
    touched = content / "t7-5.md"
    touched.write_text(touched.read_text(encoding="utf-8").replace("title: Story", "title: Edited story"))
    read: list[str] = []
    real = feeds.build.read.load_file
    monkeypatch.setattr(feeds.build.read, "load_file", lambda *args: read.append(args[1]) or real(*args))
    warm = build_site(settings, read_state(folder, cache_context(settings)))
    monkeypatch.undo()
    assert len(set(read)) < 2 * 30  # about one per topic, not five
    assert b"Edited story" in warm.documents["index.html"]
    assert warm.documents == build_site(settings).documents
