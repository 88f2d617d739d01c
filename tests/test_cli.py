from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from datetime import datetime
from datetime import timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from feeds.cli import cli
from feeds.progress import ProgressBar
from feeds.progress import progress_bar
from tests.helpers import ROOT

GOOD = "---\ntitle: Good one\npublishedDateTime: 2021-02-01T10:00:00Z\ntopics: [AI]\nwebUrl: https://n.example.com/g\n---\nBody.\n"
BROKEN = "---\ntitle: Broken\ntopics: [AI\n---\n"


def run(project: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["build", "--config", str(project / "config" / "feeds.yaml"), *args])
    return result.exit_code, result.stdout, result.stderr


def test_build_writes_sample_site_and_prints_one_summary(project: Path) -> None:
    code, out, err = run(project)
    assert code == 0, err
    assert re.fullmatch(
        r"Read 16 files: 16 articles, 0 errors\. 23 entries in 10 topics; wrote 33 feeds, 11 pages, 80 archive documents, "
        r"2 entry pages, 3 OPML lists and "
        r"index\.html to .*public\. Left out: 2 drafts, 1 low-quality, 1 duplicate\. "
        r"Parsed every file \(no cache to use: a first build, a cache of another version, or a new timezone, "
        r"keyword topics or channels' providers or words\)\. \d+\.\d\d s\.\n",
        out,
    )
    golden = ROOT / "tests" / "golden"
    for path in golden.rglob("*"):
        if path.is_file():
            assert (project / "public" / path.relative_to(golden)).read_bytes() == path.read_bytes()


def test_the_summary_says_what_came_from_the_cache(project: Path) -> None:
    """A CI job whose restored cache was ignored (another Python or feeds) could not tell from the
    output (an outside probe)."""
    assert (
        " Parsed every file (no cache to use: a first build, a cache of another version, or a new timezone, keyword topics or channels' providers or words). "
        in run(project)[1]
    )
    article = next((project / "content").rglob("*.md"))
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    assert " Parsed 1 changed file; the others came from the cache. " in run(project)[1]
    config = project / "config" / "feeds.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("max_items: 50", "max_items: 5"), encoding="utf-8"
    )
    assert " Every file came from the cache. " in run(project)[1]
    assert "cache" not in run(project, "--no-cache")[1]
    # Undated articles are dated in the timezone, so the records are made again, and it says why.
    config.write_text(
        config.read_text(encoding="utf-8").replace("timezone: UTC ", "timezone: Asia/Tokyo "),
        encoding="utf-8",
    )
    assert (
        " Parsed every file (no cache to use: a first build, a cache of another version, or a new timezone,"
        in (run(project)[1])
    )


def test_a_first_build_with_a_file_refused_for_its_size_says_no_cache_was_used(project: Path) -> None:
    """It said "Parsed 15 changed files; the others came from the cache." of an empty cache, the
    "other" being the file refused unread (an outside probe)."""
    config = project / "config" / "feeds.yaml"
    config.write_text(
        re.sub(r"(?m)^max_file_mb: \S+", "max_file_mb: 0.01", config.read_text(encoding="utf-8")),
        encoding="utf-8",
    )
    (project / "content" / "big.md").write_text(GOOD + "x" * 20_000, encoding="utf-8")
    code, out, err = run(project)
    assert code == 1 and "big.md" in err
    assert " Parsed every file (no cache to use: " in out
    article = next((project / "content").rglob("*.md"))
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    assert " Parsed 1 changed file; the others came from the cache. " in run(project)[1]


def test_build_warns_about_dates_in_the_future(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Feed validators flag a date more than a day ahead (ImplausibleDate): the date is the
    article's, kept as it is, and the build, which alone reads the clock, says so, also when
    it has nothing to do; a later clock no longer finds it ahead."""
    future = GOOD.replace("2021-02-01T10:00:00Z", "2031-05-01T10:00:00Z").replace("/g\n", "/future\n")
    (project / "content" / "099_future.md").write_text(future, encoding="utf-8")
    warning = "099_future.md: dated 2031-05-01 10:00 UTC, more than a day after now; feed validators"
    monkeypatch.setattr("feeds.cli._now", lambda: datetime(2030, 1, 1, tzinfo=timezone.utc))
    code, out, err = run(project)
    assert code == 0 and warning in err
    assert b"<updated>2031-05-01T10:00:00+00:00</updated>" in (project / "public" / "all.atom").read_bytes()
    code, out, err = run(project)
    assert "Up to date" in out and warning in err
    monkeypatch.setattr("feeds.cli._now", lambda: datetime(2031, 4, 30, 11, 0, tzinfo=timezone.utc))
    code, out, err = run(project)
    assert "Up to date" in out and "dated" not in err  # now less than a day ahead
    # `feeds check` says it too: it does what `feeds build` does but write.
    monkeypatch.setattr("feeds.cli._now", lambda: datetime(2030, 1, 1, tzinfo=timezone.utc))
    result = CliRunner().invoke(cli, ["check", "--config", str(project / "config" / "feeds.yaml")])
    assert warning in result.stderr and ", 1 warning," in result.stdout


def test_drafts_flag_includes_drafts(project: Path) -> None:
    code, out, _ = run(project, "--drafts")
    assert code == 0
    assert "Left out: 0 drafts" in out
    assert "Minneapolis poised to ban" in (project / "public" / "all.atom").read_text()


def test_broken_file_skipped_rest_written_exit_1(project: Path) -> None:
    (project / "content" / "zz_broken.md").write_text(BROKEN)
    code, out, err = run(project)
    assert code == 1
    assert re.search(r"error: .*zz_broken\.md:3: invalid YAML", err)
    assert "1 error." in out
    assert (project / "public" / "all.atom").is_file()


def test_file_names_in_messages_cannot_steer_the_terminal(project: Path) -> None:
    """A name with ESC (colours), a direction override (the rest of the line reads backwards) or a
    line break (a second, forged message) is printed with those characters escaped. click drops
    escape sequences when stderr is not a terminal, which named a file that does not exist."""
    (project / "content" / "zz_broken\x1b[31mred\u202e\nwarning: fake.md").write_text(BROKEN)
    code, _, err = run(project)
    assert code == 1
    assert "error: " in err and "zz_broken\\x1b[31mred\\u202e\\x0awarning: fake.md:3: invalid YAML" in err
    assert not any(char in err for char in "\x1b\u202e")
    assert [line for line in err.splitlines() if line.startswith("warning: fake")] == []


def test_folder_and_config_names_in_messages_cannot_steer_the_terminal(tmp_path: Path) -> None:
    """The summary line names the output folder, config errors the config file, `feeds topics
    --explain` the file it explains: each is printed escaped, as file errors are."""
    odd = tmp_path / "o\x1b[31m\nerror: forged"
    (odd / "content").mkdir(parents=True)
    (odd / "content" / "a.md").write_text(GOOD)
    runner = CliRunner()
    built = runner.invoke(cli, ["build", "--content", str(odd / "content"), "--output", str(odd / "public")])
    assert built.exit_code == 0, built.output
    assert "o\\x1b[31m\\x0aerror: forged/public" in built.stdout and "\x1b" not in built.stdout
    explained = runner.invoke(
        cli, ["topics", "--content", str(odd / "content"), "--explain", str(odd / "content" / "a.md")]
    )
    assert explained.exit_code == 0, explained.output
    assert "\\x1b[31m\\x0aerror: forged" in explained.stdout and "\x1b" not in explained.stdout
    (odd / "feeds.yaml").write_text("site:\n  titel: x\n")
    refused = runner.invoke(cli, ["build", "--config", str(odd / "feeds.yaml")])
    assert refused.exit_code == 2
    assert "\x1b" not in refused.stderr and "\nerror: forged" not in refused.stderr


def test_strict_writes_nothing_on_error(project: Path) -> None:
    run(project)
    before = (project / "public" / "all.atom").read_bytes()
    (project / "content" / "zz_new.md").write_text(GOOD)
    (project / "content" / "zz_broken.md").write_text(BROKEN)
    code, out, _ = run(project, "--strict")
    assert code == 1
    assert "wrote nothing" in out
    assert (project / "public" / "all.atom").read_bytes() == before


def test_strict_says_it_wrote_nothing_when_the_site_is_up_to_date(project: Path) -> None:
    """The summary of the last build without --strict was shown ("wrote 9 feeds ... Up to date."),
    as if a strict build had written the site despite its errors (an outside probe)."""
    (project / "content" / "zz_broken.md").write_text(BROKEN)
    assert run(project)[0] == 1
    before = (project / "public" / "all.atom").read_bytes()
    code, out, _ = run(project, "--strict")
    assert code == 1
    assert "wrote nothing (--strict and 1 file error)" in out and "Up to date" not in out
    assert (project / "public" / "all.atom").read_bytes() == before


def test_a_content_folder_of_broken_files_leaves_the_site_in_place(project: Path) -> None:
    """Every file broken at once (a botched search and replace) wrote a site of no entries (an
    outside probe): nothing is written, as with --strict, and the build says why."""
    run(project)
    before = (project / "public" / "all.atom").read_bytes()
    for path in (project / "content").rglob("*"):
        if path.is_file():
            path.write_text(BROKEN)
    code, out, _ = run(project)
    assert code == 1
    assert f"wrote nothing: every file has an error, and {project / 'public'} is left as it was" in out
    assert (project / "public" / "all.atom").read_bytes() == before
    (project / "content" / "zz_new.md").write_text(GOOD)  # one file mended: published
    code, out, _ = run(project)
    assert (
        code == 1 and "wrote nothing" not in out and (project / "public" / "all.atom").read_bytes() != before
    )


def test_config_error_exit_2_names_file_and_key(project: Path) -> None:
    config = project / "config" / "feeds.yaml"
    config.write_text(config.read_text().replace("max_items: 50", "max_item: 50"))
    code, out, err = run(project)
    assert code == 2
    line = next(
        n for n, text in enumerate(config.read_text().splitlines(), 1) if text.startswith("max_item:")
    )
    assert f"{config}:{line}: max_item: unknown key" in err
    assert not (project / "public").exists()


def test_missing_config_file_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "--config", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "no such config file" in result.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_standard_output_is_named(project: Path) -> None:
    """``feeds build > /dev/full`` said only "No space left on device", which read as the site's
    disk (an outside probe): the site was written, the summary could not be."""
    config = str(project / "config" / "feeds.yaml")
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "feeds", "build", "--config", config],
            stdout=full, stderr=subprocess.PIPE, text=True, timeout=120,
        )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip().endswith("Error: standard output: No space left on device"), done.stderr
    assert (project / "public" / "all.atom").is_file()


def test_config_that_is_no_regular_file_says_so(tmp_path: Path) -> None:
    """A pipe (``--config <(...)``) or ``/dev/null`` exists: "no such config file" misled."""
    pipe = tmp_path / "config.fifo"
    os.mkfifo(pipe)
    for path in (pipe, Path(os.devnull)):
        result = CliRunner().invoke(cli, ["build", "--config", str(path)])
        assert result.exit_code == 2
        assert f"{path}: not a regular file" in result.stderr
        assert "no such config file" not in result.stderr


@pytest.mark.parametrize("config", [None, "site:\n  title: T\n"])
def test_no_content_folder_exit_2_and_nothing_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str | None
) -> None:
    """Not even the lock file beside the output folder (it was left in the folder, or in config/)."""
    monkeypatch.chdir(tmp_path)
    if config is not None:
        (tmp_path / "config").mkdir()
        (tmp_path / "config" / "feeds.yaml").write_text(config, encoding="utf-8")
    result = CliRunner().invoke(cli, ["build"])
    assert result.exit_code == 2 and "is not a folder" in result.output
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == (
        [] if config is None else ["config", "config/feeds.yaml"]
    )


@pytest.mark.parametrize("command", ["build", "check"])
def test_an_output_folder_of_other_files_is_refused_by_build_and_check(project: Path, command: str) -> None:
    """`feeds check` passed a config that `feeds build` refused, and the refused build left a lock
    file beside the folder it would not touch (found by an outside probe)."""
    theirs = project / "elsewhere" / "theirs"
    theirs.mkdir(parents=True)
    (theirs / "notes.txt").write_text("mine")
    config = project / "config" / "feeds.yaml"
    config.write_text(re.sub(r"(?m)^output:.*$", f"output: {theirs}", config.read_text()))
    result = CliRunner().invoke(cli, [command, "--config", str(config)])
    assert result.exit_code == 2
    assert f"{config}: output: {theirs}: exists and was not made by feeds" in result.stderr
    assert sorted(p.name for p in theirs.parent.iterdir()) == ["theirs"]
    # Named by the option that gave it, not by the config file.
    result = CliRunner().invoke(cli, [command, "--config", str(config), "--content", str(project / "nope")])
    assert result.exit_code == 2
    assert f"--content: {project / 'nope'} is not a folder" in result.stderr


@pytest.mark.parametrize("inside", [".", "posts"])
def test_a_content_folder_in_the_output_folder_is_refused_before_it_is_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, inside: str
) -> None:
    """A build replaces its output folder as a whole: one whose articles were in it (the same
    folder, or one inside a site feeds made) deleted them and said nothing (an outside probe)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    assert CliRunner().invoke(cli, ["build", "--content", "empty", "--output", "site"]).exit_code == 0
    content = tmp_path / "site" / inside
    content.mkdir(exist_ok=True)
    (content / "precious.md").write_text(GOOD)
    (tmp_path / "feeds.yaml").write_text(f"content: site/{inside}\noutput: site\n")
    for command in ("build", "check"):
        result = CliRunner().invoke(cli, [command, "--config", "feeds.yaml"])
        assert result.exit_code == 2, result.output
        assert f"{tmp_path}/site or inside it, which every build replaces" in result.stderr
    assert (content / "precious.md").read_text() == GOOD


def test_options_override_content_and_output(project: Path, tmp_path: Path) -> None:
    content = tmp_path / "other"
    content.mkdir()
    (content / "one.md").write_text(GOOD)
    code, out, _ = run(project, "--content", str(content), "--output", str(tmp_path / "site"))
    assert code == 0
    assert "Read 1 file: 1 article," in out
    assert sorted(p.name for p in (tmp_path / "site" / "topics").iterdir()) == [
        "ai.atom",
        "ai.html",
        "ai.json",
        "ai.rss",
    ]


def test_check_passes_sample_and_writes_nothing(project: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--config", str(project / "config" / "feeds.yaml")])
    assert result.exit_code == 0, result.output
    assert "0 file errors, 0 warnings, 0 document problems" in result.stdout
    assert not (project / "public").exists()


def test_check_reports_broken_file(project: Path) -> None:
    (project / "content" / "zz_broken.md").write_text(BROKEN)
    result = CliRunner().invoke(cli, ["check", "--config", str(project / "config" / "feeds.yaml")])
    assert result.exit_code == 1
    assert "zz_broken.md:3" in result.stderr


def test_topics_lists_slugs_and_counts(project: Path) -> None:
    result = CliRunner().invoke(cli, ["topics", "--config", str(project / "config" / "feeds.yaml")])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["slug", "entries", "name"]
    assert "cafe-culture           3  Café Culture" in lines
    assert len(lines) == 11


def test_topics_exits_1_when_a_file_was_skipped(project: Path) -> None:
    """As build and check do; it listed the topics and exited 0 (an outside probe)."""
    (project / "content" / "zz_broken.md").write_text("---\ntitle: [unclosed\n---\nx\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["topics", "--config", str(project / "config" / "feeds.yaml")])
    assert result.exit_code == 1
    assert "zz_broken.md:2" in result.stderr
    assert "cafe-culture           3  Café Culture" in result.stdout.splitlines()


@pytest.mark.parametrize("command", [[], ["build"], ["check"], ["topics"], ["init"], ["new"]])
def test_every_command_has_help(command: list[str]) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output
    if command:
        assert "Example:" in result.output


def test_a_cache_that_cannot_be_written_is_a_warning(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read-only cache folder made every build a full one, without a word (found by an outside
    probe; root ignores permissions, so the refusal is made here)."""
    monkeypatch.setattr("feeds.build.cache.write_value", lambda *args, **kwargs: False)
    code, out, err = run(project)
    assert code == 0 and "Read " in out
    assert "the build cache could not be written; the next build reads every file again" in err
    # What was written (the file records) is removed: on a full disk it kept the space the next
    # build needed to write the site (found by an outside probe).
    assert [p.name for p in (project / ".feeds-cache" / "public").iterdir()] == ["CACHEDIR.TAG"]


def test_a_cache_folder_that_cannot_be_read_says_so(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It was said to hold other files (found by an outside probe; root reads everything, so the
    refusal is made here)."""
    folder = tmp_path / "theirs"
    folder.mkdir()

    def refused(self: Path) -> object:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "iterdir", refused)
    code, _, err = run(project, "--cache", str(folder))
    assert code == 2 and f"{folder}: cannot be read (Permission denied)" in err


def test_serve_refuses_a_content_folder_that_is_not_one(tmp_path: Path) -> None:
    """As build and check do, with the same message (it was a check of its own)."""
    config = tmp_path / "config" / "feeds.yaml"
    config.parent.mkdir()
    config.write_text("content: ../nope\n", encoding="utf-8")
    with socket.socket() as probe:  # a port nothing holds: serve looks at it first
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = CliRunner().invoke(cli, ["serve", "--config", str(config), "--port", str(port)])
    assert result.exit_code == 2
    assert f"{config}: content: {tmp_path / 'nope'} is not a folder" in result.stderr


def test_the_progress_bar_says_what_follows_the_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """A full bar stood for most of a build's time, as if stuck (an outside probe)."""
    shown: list[str] = []
    monkeypatch.setattr("feeds.progress.click.echo", lambda text, **kwargs: shown.append(text))
    bar = ProgressBar()
    bar.started -= ProgressBar.DELAY
    bar(41_000, 100_000)
    bar(100_000, 100_000)
    assert shown[0].startswith("\rReading files [############") and shown[0].endswith("41,000/100,000")
    assert shown[1] == "\rRead 100,000 files; making the feeds and pages\033[K"


@pytest.mark.parametrize("columns", [20, 40, 50, 64, 80])
def test_the_progress_bar_fits_the_terminal(monkeypatch: pytest.MonkeyPatch, columns: int) -> None:
    """A line wider than the terminal wrapped, and every update added a line (an outside probe)."""
    shown: list[str] = []
    monkeypatch.setattr("feeds.progress.click.echo", lambda text, **kwargs: shown.append(text))
    monkeypatch.setenv("COLUMNS", str(columns))
    bar = ProgressBar()
    bar.started -= ProgressBar.DELAY
    bar(41_000, 100_000)
    bar(100_000, 100_000)
    lines = [text.removeprefix("\r").removesuffix("\033[K") for text in shown]
    assert all(len(line) < columns for line in lines), lines
    assert lines[0].endswith("41,000/100,000") or columns < 30
    assert ("[" in lines[0]) == (columns >= 40)


def test_no_progress_bar_on_a_dumb_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """``TERM=dumb`` (Emacs's shell) shows escape codes as text."""
    monkeypatch.setattr("feeds.progress.sys.stderr.isatty", lambda: True, raising=False)
    monkeypatch.setenv("TERM", "xterm")
    with progress_bar(quiet=False) as bar:
        assert bar is not None
    monkeypatch.setenv("TERM", "dumb")
    with progress_bar(quiet=False) as bar:
        assert bar is None


def test_a_locale_that_names_files_in_ascii_is_refused_with_what_to_do(project: Path) -> None:
    """With Python's UTF-8 mode and locale coercion off, a topic in another script ended the
    build with a traceback (UnicodeEncodeError) and `feeds new "Café"` wrote lone surrogates into
    an article no build could read (an outside probe)."""
    env = {**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    config = str(project / "config" / "feeds.yaml")
    done = subprocess.run(
        [sys.executable, "-m", "feeds", "build", "--config", config],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert (
        "file names are ascii in this locale, and feeds writes UTF-8 ones; run it with PYTHONUTF8=1"
        in done.stderr
    )
    assert "Traceback" not in done.stderr
    assert not (project / "public").exists()


def test_ctrl_c_while_the_command_loads_ends_with_130_and_a_word() -> None:
    """A Ctrl-C in the first few tenths of a second, while the libraries loaded, printed a
    traceback of the import under way (two outside probes). Here the import is interrupted."""
    code = (
        "import sys\n"
        "class Interrupted:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'feeds.cli':\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, Interrupted())\n"
        "from feeds.command import main\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (130, "Aborted!\n")


def test_the_entry_point_loads_nothing_of_feeds_before_the_command_runs() -> None:
    """What the Ctrl-C above relies on: the package's parts load on first use."""
    code = "import sys, feeds.command; print(sorted(m for m in sys.modules if m.startswith('feeds')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "['feeds', 'feeds._version', 'feeds.command']"
    code = "import feeds; print(feeds.SiteBuilder.__module__, feeds.create_app.__module__)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["feeds.build.builder", "feeds.serve.app"]


def test_a_build_leaves_no_folder_of_multiprocessing_behind(tmp_path: Path) -> None:
    """The fork server's socket lives in a /tmp/pymp-* folder that Python removes at exit; the
    command's quick exit skipped that, and every cold build left one (an outside probe found
    1,600 of them)."""
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.md").write_text("---\ntitle: A\ndate: 2021-01-01\n---\nx\n", encoding="utf-8")
    (tmp_path / "tmp").mkdir()
    env = {**os.environ, "TMPDIR": str(tmp_path / "tmp")}
    command = [sys.executable, "-m", "feeds", "build", "-q", "--content", str(tmp_path / "content")]
    done = subprocess.run(
        [*command, "--output", str(tmp_path / "public")], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert list((tmp_path / "tmp").iterdir()) == []


def test_another_spelling_of_the_same_folders_keeps_the_build_up_to_date(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--output public`` after the config's ``output: ../public`` (one folder) planned every
    entry again, as after a change of settings (an outside probe: 1.1 s up to date, 5.2 s so)."""
    monkeypatch.chdir(project)
    assert run(project)[0] == 0
    for spelling in (("--output", "public"), ("--content", "content", "--output", "./public")):
        code, out, err = run(project, *spelling)
        assert code == 0, err
        assert "Up to date." in out, spelling


def test_a_closed_standard_output_is_no_traceback(project: Path) -> None:
    """``feeds topics >&-``: Python gives no stream at all, and flushing it at exit raised an
    AttributeError after the work was done (an outside probe)."""
    config = project / "config" / "feeds.yaml"
    command = f"{sys.executable} -m feeds topics --config '{config}' >&-"
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
