"""Front matter nested too deep for the YAML readers, and a reader process that crashes.

A block sequence nested 12,000 deep on one line (24 KB) overflowed yaml-rs's stack: the build died
with SIGSEGV, or with ``BrokenProcessPool`` when workers read. Such a file is now refused as a
``path:line`` error before any parser sees it; and a worker that crashes anyway costs only the file
it was reading.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from feeds.build import read as read_module
from feeds.build import workers as workers_module
from feeds.build.pipeline import build_site
from feeds.build.record_files import SHARDS
from feeds.build.record_files import FileRecord
from feeds.build.record_files import PartsFolder
from feeds.build.record_files import read_shards
from feeds.errors import ContentError
from feeds.source.front_matter import MAX_INDENT
from feeds.source.parse import parse_article
from feeds.source.scan import scan_content
from tests.conftest import make_settings

#: 24 KB that crashed yaml-rs: one block sequence nested 12,000 deep on line 3 of the file.
DEEP = "---\ntitle: Deep\nx:\n" + "- " * 12000 + "x\n---\nBody.\n"
GOOD = "---\ntitle: Good {n}\npublishedDateTime: 2021-02-01T10:00:00Z\ntopics: [AI]\n---\nBody.\n"


def _content(root: Path, good: int) -> Path:
    content = root / "content"
    content.mkdir()
    for n in range(good):
        (content / f"good{n:04d}.md").write_text(GOOD.format(n=n))
    (content / "deep.md").write_text(DEEP)
    return content


def _run(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Python code in a process of its own: before the fix, this input killed the process."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=cwd, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("front", "line"),
    [
        ("x:\n" + "- " * 12000 + "x\n", 4),  # compact block sequences: the crash
        ("x:\n" + "".join(" " * n + f"k{n}:\n" for n in range(1, 200)), 4 + MAX_INDENT),  # indentation
        ("x:\n" + "? " * 5000 + "x\n", 4),  # complex keys
        ("x:\n- y\n- " + "- ? : " * 3000 + "x\n", 5),  # a mix, after a shallow line
    ],
)
def test_block_nesting_beyond_the_limit_is_a_path_line_error(tmp_path: Path, front: str, line: int) -> None:
    source = tmp_path / "deep.md"
    source.write_text(f"---\ntitle: Deep\n{front}---\nBody.\n")
    done = _run(
        f"""
        from datetime import timezone
        from feeds.errors import ContentError
        from feeds.source.parse import parse_article
        try:
            parse_article(open({str(source)!r}, "rb").read(), "deep.md", 0, timezone.utc)
        except ContentError as e:
            print(e)
        """,
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"deep.md:{line}: front matter is nested too deep"), done.stdout


def test_nesting_up_to_the_limit_still_reads() -> None:
    front = "x:\n" + "- " * (MAX_INDENT // 2) + "y\n"  # "y" at column MAX_INDENT
    article, _ = parse_article(f"---\ntitle: Fine\n{front}---\n".encode(), "fine.md", 0)
    assert article.title == "Fine"
    with pytest.raises(ContentError, match="nested too deep"):
        parse_article(f"---\ntitle: Deep\nx:\n{'- ' * (MAX_INDENT // 2 + 1)}y\n---\n".encode(), "d.md", 0)


def test_a_deep_file_is_skipped_by_the_command(tmp_path: Path) -> None:
    content = _content(tmp_path, good=2)
    done = subprocess.run(
        [sys.executable, "-m", "feeds", "build", "--content", str(content), "--output", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert f"error: {content / 'deep.md'}:4: front matter is nested too deep" in done.stderr
    assert "Read 3 files: 2 articles, 1 error." in done.stdout
    assert (tmp_path / "out" / "all.atom").read_text().count("<entry>") == 2


def test_a_deep_file_is_skipped_by_the_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = _content(tmp_path, good=5)
    monkeypatch.setattr(read_module, "PARALLEL_MIN_FILES", 2)
    result = build_site(make_settings(content_dir=content, output_dir=tmp_path / "out"), jobs=2)
    assert [str(e) for e in result.errors] == [
        f"{content / 'deep.md'}:4: front matter is nested too deep: a line starts past column "
        f"{MAX_INDENT} (indentation and '- ', '? ', ': ' markers); nest less"
    ]
    assert result.articles == 5


def test_a_deep_file_is_skipped_by_the_server(tmp_path: Path) -> None:
    content = _content(tmp_path, good=2)
    done = _run(
        f"""
        from pathlib import Path
        from feeds.build import LiveBuilder
        from feeds.source.scan import scan_content
        from tests.conftest import make_settings
        settings = make_settings(content_dir=Path({str(content)!r}), output_dir=Path({str(tmp_path / "out")!r}))
        result = LiveBuilder().build(settings, scan_content(settings.content_dir))
        print(result.articles, *result.errors, sep=chr(10))
        """,
        Path(__file__).parents[1],
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"2\n{content / 'deep.md'}:4: front matter is nested too deep")


def _crash_on(name: str, real: object) -> object:
    def read_one(file: object, *args: object) -> object:
        if file.source == name:  # type: ignore[attr-defined]
            os.kill(os.getpid(), signal.SIGSEGV)
        return real(file, *args)  # type: ignore[operator]

    return read_one


def test_a_worker_that_crashes_costs_only_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader crash we do not know of yet: the worker reading one file dies of SIGSEGV."""
    content = tmp_path / "content"
    content.mkdir()
    for n in range(1200):
        (content / f"good{n:04d}.md").write_text(GOOD.format(n=n))
    (content / "good0700.md").write_text(GOOD.format(n="crash"))
    monkeypatch.setattr(read_module, "PARALLEL_MIN_FILES", 2)
    # Workers forked from this process, so that they crash on the file this test names.
    monkeypatch.setattr(workers_module, "_worker_context", lambda: multiprocessing.get_context("fork"))
    monkeypatch.setattr(read_module, "_read_one", _crash_on("good0700.md", read_module._read_one))
    result = build_site(make_settings(content_dir=content, output_dir=tmp_path / "out"), jobs=2)
    assert [str(e) for e in result.errors] == [
        f"{content / 'good0700.md'}: the process reading this file crashed (a bug in a parser, or "
        "no memory left); skipped"
    ]
    assert result.articles == 1199


def test_a_crashed_file_is_stored_with_the_parts_of_its_shard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers that store the records they read: the file that crashed one is stored too, with its
    error, so that the next build does not read it again."""
    content = tmp_path / "content"
    content.mkdir()
    for n in range(20):
        (content / f"good{n:04d}.md").write_text(GOOD.format(n=n))
    monkeypatch.setattr(read_module, "PARALLEL_MIN_FILES", 2)
    monkeypatch.setattr(read_module, "_CHUNK", 4)
    monkeypatch.setattr(workers_module, "_worker_context", lambda: multiprocessing.get_context("fork"))
    monkeypatch.setattr(read_module, "_read_one", _crash_on("good0013.md", read_module._read_one))
    settings = make_settings(content_dir=content, output_dir=tmp_path / "out")
    records: dict[str, FileRecord] = {}
    parts = PartsFolder(tmp_path / "parts", "UTC")
    parts.path.mkdir()
    read_module.read_files(scan_content(content), settings, records, 2, None, parts)
    stored, _ = read_shards(parts.path, "UTC", range(SHARDS))
    assert stored == records and len(stored) == 20
    assert stored["good0013.md"].error == (None, read_module.CRASHED)
    assert sum(record.error is None for record in stored.values()) == 19
