"""``feeds init``: the starter files, the refusal to overwrite, and a new site that builds clean."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import timezone
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

import feeds.starter.site
from feeds.cli import cli
from feeds.config import load_settings
from feeds.model import BodyFormat
from feeds.source.parse import load_file
from feeds.starter import init_site
from feeds.starter import starter_files
from tests.helpers import ROOT

STARTER = sorted(starter_files())


def init(folder: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["init", str(folder), *args])
    return result.exit_code, result.stdout, result.stderr


def files_in(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() or path.is_symlink()
    }


def test_init_writes_the_starter_and_prints_the_next_two_commands(tmp_path: Path) -> None:
    code, out, err = init(tmp_path / "site")
    assert code == 0, err
    assert files_in(tmp_path / "site") == starter_files()
    assert STARTER == [
        ".gitignore",
        "config/feeds.yaml",
        "content/2026-01-05-a-cafe-lets-a-model-plan-its-roasts.md",
        "content/2026-01-07-a-draft-stays-out-of-the-feeds.md",
        "content/plain-text-article.txt",
    ]
    assert out.splitlines() == [
        f"Started a site in {tmp_path / 'site'}: .gitignore, config/feeds.yaml and 3 example articles in content/.",
        f"Next, in {tmp_path / 'site'}:",
        '  feeds new "My first article" --topic News',
        "  feeds build",
    ]


def test_init_without_a_folder_starts_the_site_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["init"])
    assert result.exit_code == 0, result.output
    assert files_in(tmp_path) == starter_files()
    assert result.stdout.startswith("Started a site: ")
    assert "Next:\n" in result.stdout


def test_the_starter_articles_show_each_kind(tmp_path: Path) -> None:
    init_site(tmp_path)
    by_kind = {}
    for path in sorted((tmp_path / "content").iterdir()):
        article, warnings, _ = load_file(path, path.name, timezone.utc)
        assert warnings == []
        by_kind[path.suffix[1:] + (" draft" if article.is_draft else "")] = article
    assert sorted(by_kind) == ["md", "md draft", "txt"]
    full = by_kind["md"]
    assert full.topics and len(full.related) == 2 and full.url and full.provider
    assert by_kind["txt"].body_format is BodyFormat.TEXT
    assert by_kind["txt"].title == "Plain-text articles need no front matter"


def test_a_new_site_builds_with_no_options_and_its_feeds_are_valid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["init"]).exit_code == 0
    new = runner.invoke(cli, ["new", "Hello", "--topic", "News"])
    assert new.exit_code == 0, new.output
    build = runner.invoke(cli, ["build"])
    assert build.exit_code == 0, build.output
    assert build.stderr == ""  # no warnings
    assert re.match(
        r"Read 4 files: 4 articles, 0 errors\. 5 entries in 3 topics; .* Left out: 1 draft, ", build.stdout
    )
    check = runner.invoke(cli, ["check"])
    assert check.exit_code == 0, check.output
    assert check.stdout.endswith("0 file errors, 0 warnings, 0 document problems.\n")
    for name in ["all.atom", "all.rss", "topics/news.atom", "topics/cafe-culture.rss"]:
        parsed = feedparser.parse((tmp_path / "public" / name).read_bytes())
        assert not parsed.bozo, (name, parsed.bozo_exception)
        assert parsed.entries
    titles = {e.title for e in feedparser.parse((tmp_path / "public" / "all.atom").read_bytes()).entries}
    assert {"Hello", "A café lets a model plan its roasts"} <= titles
    assert "A draft stays out of the feeds" not in titles


@pytest.mark.parametrize("existing", STARTER)
def test_init_refuses_any_existing_file_and_writes_nothing(tmp_path: Path, existing: str) -> None:
    site = tmp_path / "site"
    (site / existing).parent.mkdir(parents=True, exist_ok=True)
    (site / existing).write_text("mine\n")
    code, out, err = init(site)
    assert code == 2
    assert f"{site / existing}: already exists" in err
    assert out == ""
    assert files_in(site) == {existing: b"mine\n"}


@pytest.mark.parametrize("in_the_way", ["config", "content"])
def test_init_refuses_a_file_where_a_folder_goes(tmp_path: Path, in_the_way: str) -> None:
    (tmp_path / in_the_way).write_text("mine\n")
    code, _, err = init(tmp_path)
    assert code == 2
    assert f"{tmp_path / in_the_way}: is a file, not a folder, so nothing was written" in err
    assert files_in(tmp_path) == {in_the_way: b"mine\n"}


def test_init_names_a_file_on_the_way_to_the_new_sites_folder(tmp_path: Path) -> None:
    """`feeds init afile/sub` said afile 'already exists, and feeds never overwrites a file'
    (an outside probe)."""
    (tmp_path / "afile").write_text("mine\n")
    code, _, err = init(tmp_path / "afile" / "sub")
    assert code == 2
    assert f"{tmp_path / 'afile'}: is a file, not a folder, so nothing was written" in err
    assert files_in(tmp_path) == {"afile": b"mine\n"}


def test_init_refuses_a_dangling_symbolic_link(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").symlink_to(tmp_path / "elsewhere")
    code, _, err = init(tmp_path)
    assert code == 2
    assert ".gitignore: already exists" in err
    assert not (tmp_path / "elsewhere").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".gitignore"]


def test_a_file_that_appears_during_init_undoes_what_was_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The check comes first; a file made between the check and the write is still never replaced.
    monkeypatch.setattr(feeds.starter.site, "_refuse_existing", lambda folder, target: None)
    # (The config, written after the .gitignore: a content/ holding a file gets no examples.)
    site = tmp_path / "site"
    last = site / "config" / "feeds.yaml"
    last.parent.mkdir(parents=True)
    last.write_text("mine\n")
    code, _, err = init(site)
    assert code == 2
    assert f"{last}: already exists" in err
    assert files_in(site) == {"config/feeds.yaml": b"mine\n"}
    assert sorted(p.name for p in site.iterdir()) == ["config"]  # .gitignore was written, then removed


def test_the_gitignore_covers_all_a_build_writes(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("needs git")
    init_site(tmp_path)
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}

    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", *args], cwd=tmp_path, capture_output=True, text=True, env=env)

    assert git("init", "-q").returncode == 0
    runner = CliRunner()
    result = runner.invoke(cli, ["build", "--config", str(tmp_path / "config" / "feeds.yaml")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "public" / "all.atom").is_file()
    untracked = git("status", "--porcelain", "--untracked-files=all").stdout.splitlines()
    assert sorted(line.removeprefix("?? ") for line in untracked) == STARTER
    # Made only while a build swaps the new output in (feeds/output/write.py).
    for name in [".public.new/all.atom", ".public.old/all.atom", ".public.lock"]:
        assert git("check-ignore", "-q", name).returncode == 0, name


def test_the_starter_config_has_the_sample_configs_keys_and_comments() -> None:
    sample = (ROOT / "config" / "feeds.yaml").read_text(encoding="utf-8").splitlines()
    starter = starter_files()["config/feeds.yaml"].decode("utf-8").splitlines()
    assert [_shape(line) for line in starter] == [_shape(line) for line in sample]
    # Only the site's own values differ, and the starter is a valid config of its own.
    differ = {_shape(a)[1] for a, b in zip(starter, sample, strict=True) if a != b}
    assert differ == {"title:", "description:", "base_url:", "author:"}


def test_the_starter_config_is_valid_and_points_at_the_starter_folders(tmp_path: Path) -> None:
    init_site(tmp_path)
    settings = load_settings(tmp_path / "config" / "feeds.yaml")
    assert settings.content_dir == tmp_path / "content"
    assert settings.output_dir == tmp_path / "public"


def _shape(line: str) -> tuple[str, str, str]:
    """A config line without its value: (indentation, key, comment); a comment line is all comment."""
    indent = line[: len(line) - len(line.lstrip())]
    rest = line.lstrip()
    if not rest or rest.startswith("#"):
        return indent, "", rest
    key, _, value = rest.partition(":")
    quote = None
    for at, char in enumerate(value):  # the comment starts at the first " #" outside quotes
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#" and value[at - 1 : at] in (" ", ""):
            return indent, key + ":", value[at:]
    return indent, key + ":", ""


def test_init_refuses_an_empty_folder_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``feeds init "$SITE"`` with SITE unset started a site in the current folder (a probe)."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["init", ""])
    assert result.exit_code == 2 and "is empty (an unset variable?)" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_init_beside_articles_adds_no_examples_to_them(tmp_path: Path) -> None:
    """The three examples were written among the user's articles and published with them (a probe)."""
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "mine.md").write_text("---\ntitle: Mine\n---\nBody.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["init", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "no examples: content/ holds files" in result.stdout
    assert sorted(p.name for p in (tmp_path / "content").iterdir()) == ["mine.md"]
    assert (tmp_path / "config" / "feeds.yaml").is_file() and (tmp_path / ".gitignore").is_file()
