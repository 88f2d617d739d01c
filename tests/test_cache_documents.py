"""The cache keeps entries' pages in files of their own, and a build rewrites only the cache files
whose documents changed."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from feeds.build import SiteBuilder
from feeds.build.cache import cache_folder
from feeds.build.cache import document_file
from feeds.config import Settings
from feeds.config import load_settings
from feeds.model import ArchiveMode
from tests.helpers import edit


def _plain(content: Path, number: int) -> Path:
    path = content / f"plain-{number:02d}.txt"
    path.write_text(f"Plain story number {number} – Wire\n\nIts only paragraph.\n", encoding="utf-8")
    return path


def _settings(project: Path) -> Settings:
    for number in range(12):
        _plain(project / "content", number)
    settings = load_settings(project / "config" / "feeds.yaml", output_dir=project / "public")
    # Without archives, whose months an edit changes too (test_archives checks their shards).
    return dataclasses.replace(settings, archives=ArchiveMode.OFF)


def _cache_files(settings: Settings) -> dict[str, int]:
    folder = cache_folder(settings.output_dir)
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.name.startswith("documents")}


def test_documents_are_spread_over_shards_a_channel_kept_together() -> None:
    for stem in ("all", "topics/ai", "channels/partners"):
        assert len({document_file(f"{stem}.{ext}") for ext in ("atom", "rss", "json", "html")}) == 1
    assert len({document_file(f"topics/topic-{n}.atom") for n in range(200)}) > 16
    assert len({document_file(f"entries/story-{n}.html") for n in range(200)}) > 16
    months = {document_file(f"archives/all/2026-05{part}.atom") for part in ("", "-2", "-3")}
    assert len(months) == 1


def test_an_edit_rewrites_only_the_files_of_documents_it_changed(project: Path) -> None:
    settings = _settings(project)
    SiteBuilder(settings).publish()
    before = _cache_files(settings)
    assert len(before) > 2  # the feeds' file and some of the entry pages' shards

    # A front-matter article's title: its feeds change, no entry page does.
    article = next(p for p in sorted((project / "content").glob("*.md")) if "title:" in p.read_text("utf-8"))
    text = article.read_text("utf-8")
    title_line = next(line for line in text.splitlines() if line.startswith("title:"))
    edit(article, title_line, title_line.replace("title:", "title: Edited -", 1))
    site = _site(settings)
    assert SiteBuilder(settings).publish().written
    after = _cache_files(settings)
    rewritten = {name for name in before if after[name] != before[name]}
    assert rewritten and rewritten <= _files_of_changes(site, _site(settings))
    assert len(rewritten) < len(before)

    # One plain-text file: its page's shard changes too.
    page_shard = document_file("entries/plain-story-number-3.html")
    site = _site(settings)
    edit(project / "content" / "plain-03.txt", "Its only paragraph.", "Its only, longer paragraph.")
    assert SiteBuilder(settings).publish().written
    again = _cache_files(settings)
    rewritten = {name for name in after if again[name] != after[name]}
    assert page_shard in rewritten and rewritten <= _files_of_changes(site, _site(settings))


def _site(settings: Settings) -> dict[str, bytes]:
    output = settings.output_dir
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in output.rglob("*") if p.is_file()}


def _files_of_changes(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    """The cache files of the documents whose bytes changed."""
    return {
        document_file(path) for path in before.keys() | after.keys() if before.get(path) != after.get(path)
    }


def test_a_build_from_the_sharded_cache_gives_the_cold_bytes(project: Path, tmp_path: Path) -> None:
    settings = _settings(project)
    SiteBuilder(settings).publish()
    _plain(project / "content", 40)
    warm = SiteBuilder(settings).publish()
    cold = SiteBuilder(settings, use_cache=False).build()
    assert warm.result is not None
    assert warm.result.documents == cold.documents
    assert any(path.startswith("entries/") for path in cold.documents)


def test_unchanged_entry_pages_stay_in_the_output_folder_unread(project: Path) -> None:
    """The cache keeps entries' pages by signature only; a publish links the unchanged ones from
    the site in place (the same files), and one edited by hand is written again."""
    settings = _settings(project)
    SiteBuilder(settings).publish()
    output = settings.output_dir
    pages = sorted(p.relative_to(output).as_posix() for p in (output / "entries").glob("*.html"))
    assert len(pages) >= 12
    inodes = {page: (output / page).stat().st_ino for page in pages}
    edit(project / "content" / "plain-03.txt", "Its only paragraph.", "Its only, longer paragraph.")
    tampered = output / pages[0]
    tampered.write_bytes(tampered.read_bytes().replace(b"</body>", b"<p>by hand</p></body>"))
    done = SiteBuilder(settings).publish()
    assert done.result is not None
    cold = SiteBuilder(settings, use_cache=False).build().documents
    on_disk = {page: (output / page).read_bytes() for page in pages}
    assert on_disk == {page: cold[page] for page in pages}
    rewritten = {page for page in pages if (output / page).stat().st_ino != inodes[page]}
    assert rewritten == {pages[0], "entries/plain-story-number-3.html"}
    assert set(done.result.in_place) >= set(pages) - rewritten
