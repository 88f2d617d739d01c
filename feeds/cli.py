"""The ``feeds`` command line: thin commands over the core in ``build.py``."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import time
from collections.abc import Callable
from collections.abc import Sequence
from datetime import datetime
from datetime import timezone
from pathlib import Path
from typing import Any
from typing import TypeVar

import click

from feeds._version import __version__
from feeds.build.cache import BuildState
from feeds.build.cache import RecordWriter
from feeds.build.cache import cache_folder
from feeds.build.cache import paused_gc
from feeds.build.cache import read_state
from feeds.build.cache import read_summary
from feeds.build.cache import write_state
from feeds.build.pipeline import BuildResult
from feeds.build.pipeline import RecordsRead
from feeds.build.pipeline import build_site
from feeds.build.pipeline import content_fingerprint
from feeds.build.pipeline import start_read_workers
from feeds.config import Settings
from feeds.config import load_settings
from feeds.errors import ConfigError
from feeds.errors import FeedsError
from feeds.output.check import check_documents
from feeds.output.check import dated_ahead
from feeds.output.check import future_warnings
from feeds.output.write import output_listing
from feeds.output.write import output_matches
from feeds.output.write import write_site
from feeds.source.scan import ContentFile
from feeds.source.scan import scan_content

F = TypeVar("F", bound=Callable[..., Any])


class _ConfigProblem(click.ClickException):
    """A configuration error: exit status 2, like a usage error, and nothing is written."""

    exit_code = 2


def settings_options(function: F) -> F:
    """``--config``, ``--content`` and ``--drafts``, turned into one ``settings`` argument."""

    @click.option(
        "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
        help="Configuration file. Default: config/feeds.yaml when it exists.",
    )  # fmt: skip
    @click.option(
        "--content", "content_dir", type=click.Path(file_okay=False, path_type=Path),
        help="Folder of articles (overrides the config's `content`).",
    )  # fmt: skip
    @click.option("--drafts", is_flag=True, help="Include articles marked `published: false`.")
    @functools.wraps(function)
    def wrapper(config_path: Path | None, content_dir: Path | None, drafts: bool, **kwargs: Any) -> Any:
        output_dir = kwargs.pop("output_dir", None)
        if config_path is not None and not config_path.is_file():
            raise _ConfigProblem(f"{config_path}: no such config file")
        try:
            settings = load_settings(
                config_path, content_dir=content_dir, output_dir=output_dir, include_drafts=drafts
            )
        except ConfigError as e:
            raise _ConfigProblem(str(e)) from e
        return function(settings=settings, **kwargs)

    return wrapper  # type: ignore[return-value]


#: Set by ``main``: the process ends right after the command, so big results may be left alive.
_quick_exit: list[object] = []


def _leave_for_exit(*values: object) -> None:
    """Keep ``values`` alive until ``main`` ends the process, which then skips freeing them."""
    if _quick_exit:
        _quick_exit.extend(values)


def main() -> None:
    """The ``feeds`` command: ``cli``, then a quick exit.

    A big build leaves hundreds of megabytes of small objects; freeing them one by one at exit
    takes longer than some rebuilds (0.2 s at 100,000 articles). Everything is written and flushed
    by then, so the process ends without that clean-up.
    """
    _quick_exit.append(True)
    try:
        cli(prog_name="feeds")
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if isinstance(e.code, str):
            print(e.code, file=sys.stderr)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError):  # a closed pipe (feeds topics | head) is not an error
            stream.flush()
    os._exit(code)


@click.group()
@click.version_option(__version__, prog_name="feeds")
def cli() -> None:
    """Publish a folder of articles as per-topic Atom, RSS and JSON feeds."""


@cli.command()
@click.option(
    "--output", "output_dir", type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (overrides the config's `output`). Replaced as a whole, atomically.",
)  # fmt: skip
@click.option("--strict", is_flag=True, help="Write nothing if any article file has an error.")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors: no warnings, progress or summary.")
@click.option(
    "--no-cache", is_flag=True,
    help="Read every file and render every feed again (the cache is still refreshed).",
)  # fmt: skip
@settings_options
def build(settings: Settings, strict: bool, quiet: bool, no_cache: bool) -> None:
    """Build every feed, its page, the OPML lists and the index page into the output folder.

    Unchanged files and feeds are taken from a cache beside the output folder
    (.feeds-cache/); the output is the same with or without it.

    Exit status: 0 when all is well; 1 when some files were skipped (the rest is written, unless
    --strict); 2 for a usage or configuration error (nothing is written).

    Example:

        feeds build --config config/feeds.yaml --output public
    """
    with paused_gc():  # a build makes millions of small objects and no cycles to collect
        _build_and_write(settings, strict, quiet, no_cache)


def _build_and_write(settings: Settings, strict: bool, quiet: bool, no_cache: bool) -> None:
    started = time.perf_counter()
    cache = cache_folder(settings.output_dir)
    context = settings.timezone
    last = {} if no_cache else read_summary(cache, context)
    if not last and settings.content_dir.is_dir():
        # No cache to start from: every file will be read. The workers' fork server starts on
        # another CPU during the scan; below PARALLEL_MIN_FILES files it goes unused.
        start_read_workers()
    found = scan_content(settings.content_dir) if settings.content_dir.is_dir() else None
    fingerprint = content_fingerprint(settings, found) if found is not None else ""
    if found is not None and not no_cache:
        if last.get("fingerprint") == fingerprint and output_matches(
            settings.output_dir, last.get("output", {})
        ):
            # Nothing a build reads has changed, and the output is what the last build wrote.
            _report(
                last["errors"], [*last["warnings"], *future_warnings(last.get("ahead", []), _now())], quiet
            )
            if not quiet:
                click.echo(f"{last['summary']} Up to date. {time.perf_counter() - started:.2f} s.")
            raise SystemExit(1 if last["errors"] else 0)
    # File records stay on disk until the build knows it needs them: after a few changes it
    # replans from the last build's memo and reads only their shards.
    state = BuildState() if no_cache else read_state(cache, context, records=False)
    records = RecordWriter(cache, context, everything=no_cache)
    try:
        result = _build(settings, state, quiet, found, memo=True, records_read=records)
        written = not (strict and result.errors)
        if written:
            try:
                write_site(result.documents, settings.output_dir)
            except FeedsError as e:
                raise click.ClickException(str(e)) from e
    finally:
        records_stored = records.wait()
    summary = _summary(result, settings, written)
    # Dates that the articles state, which feed validators call implausible: only the clock, read
    # here and never in a build, tells them from late ones.
    now = _now()
    ahead = dated_ahead(result.site.everything.refs, settings.content_dir, now)
    _report([], future_warnings(ahead, now), quiet)
    result.state.summary.update(
        fingerprint=fingerprint,
        summary=summary,
        errors=[str(e) for e in result.errors],
        warnings=list(result.warnings),
        ahead=ahead,
        output=output_listing(settings.output_dir) if written else {},
    )
    touched = None if no_cache else (*result.changed, *result.removed)
    write_state(cache, context, result.state, touched, records=not records_stored)
    _leave_for_exit(result, state)
    if not quiet:
        click.echo(f"{summary} {time.perf_counter() - started:.2f} s.")
    if result.errors:
        raise SystemExit(1)


@cli.command()
@settings_options
def check(settings: Settings) -> None:
    """Lint the content and config, and check every document a build would write.

    Writes nothing. Exit status 1 when any file or document has a problem.

    Example:

        feeds check --content content
    """
    result = _build(settings, read_state(cache_folder(settings.output_dir), settings.timezone))
    problems = check_documents(result.documents)
    for problem in problems:
        click.echo(f"{problem}", err=True)
    click.echo(
        f"Checked {result.files} files and {len(result.documents)} documents: "
        f"{len(result.errors)} file errors, {len(result.warnings)} warnings, "
        f"{len(problems)} document problems."
    )
    if problems or result.errors:
        raise SystemExit(1)


@cli.command()
@settings_options
def topics(settings: Settings) -> None:
    """List the topics: slug, entries, name.

    Example:

        feeds topics
    """
    result = _build(settings, read_state(cache_folder(settings.output_dir), settings.timezone))
    rows = [(c.topic.slug, c.total, c.topic.name) for c in result.site.topics if c.topic]
    width = max((len(slug) for slug, _, _ in rows), default=4)
    click.echo(f"{'slug':<{width}}  entries  name")
    for slug, total, name in rows:
        click.echo(f"{slug:<{width}}  {total:>7}  {name}")


@cli.command()
@click.option(
    "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
    help="Configuration file. Default: config/feeds.yaml when it exists.",
)  # fmt: skip
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers", default=1, show_default=True, type=click.IntRange(1, 64),
    help="Server processes; each holds the site and watches the content folder.",
)  # fmt: skip
@click.option("--access-log", is_flag=True, help="Log every request.")
def serve(config_path: Path | None, host: str, port: int, workers: int, access_log: bool) -> None:
    """Serve the site over HTTP with Granian, rebuilding it when content or config change.

    The same documents as `feeds build`, at the same paths, from memory. Stop with Ctrl-C.

    Example:

        feeds serve --config config/feeds.yaml --port 8000
    """
    from granian import Granian
    from granian.constants import Interfaces

    from feeds.serve.app import CONFIG_VARIABLE

    if config_path is not None and not config_path.is_file():
        raise _ConfigProblem(f"{config_path}: no such config file")
    try:
        settings = load_settings(config_path)
    except ConfigError as e:
        raise _ConfigProblem(str(e)) from e
    if not settings.content_dir.is_dir():
        where = settings.config_path or "<defaults>"
        raise _ConfigProblem(f"{where}: content: {settings.content_dir} is not a folder")
    if settings.config_path is not None:
        # The server's worker processes import feeds.wsgi, which reads the config from here.
        os.environ[CONFIG_VARIABLE] = str(settings.config_path.resolve())
    click.echo(f"Serving {settings.content_dir} at http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    Granian(
        "feeds.wsgi:app",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        websockets=False,
        log_access=access_log,
        # Answers come from memory and never wait on I/O, so a few Python threads are plenty:
        # 4, 16 and Granian's default of 512 measured the same here, and more than 2 x cores + 1
        # earns a warning from Granian.
        blocking_threads=2 * (os.cpu_count() or 1) + 1,
    ).serve()


def _build(
    settings: Settings,
    state: BuildState | None = None,
    quiet: bool = False,
    found: list[ContentFile] | None = None,
    memo: bool = False,
    records_read: RecordsRead | None = None,
) -> BuildResult:
    bar = None if quiet or not sys.stderr.isatty() else _ProgressBar()
    try:
        result = build_site(
            settings, state, progress=bar, found=found, every_entry=False, memo=memo,
            records_read=records_read,
        )  # fmt: skip
    except ConfigError as e:
        raise _ConfigProblem(str(e)) from e
    except FeedsError as e:
        raise click.ClickException(str(e)) from e
    finally:
        if bar:
            bar.close()
    _report([str(e) for e in result.errors], result.warnings, quiet)
    return result


def _now() -> datetime:
    """The clock, read at the command line's edge only: a build never reads it."""
    return datetime.now(timezone.utc)


def _report(errors: Sequence[str], warnings: Sequence[str], quiet: bool) -> None:
    for error in errors:
        click.echo(f"error: {error}", err=True)
    if not quiet:
        for warning in warnings:
            click.echo(f"warning: {warning}", err=True)


class _ProgressBar:
    """``Reading files [#####     ] 41,000/100,000`` on stderr, once a build has taken a moment."""

    DELAY = 0.5  #: seconds before the bar appears, so quick builds print nothing
    WIDTH = 30

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.shown and time.monotonic() - self.started < self.DELAY:
            return
        filled = self.WIDTH * done // max(total, 1)
        bar = "#" * filled + " " * (self.WIDTH - filled)
        click.echo(f"\rReading files [{bar}] {done:,}/{total:,}", err=True, nl=False)
        self.shown = True

    def close(self) -> None:
        if self.shown:
            click.echo("\r\033[K", err=True, nl=False)  # clear the line before the summary


def _summary(result: BuildResult, settings: Settings, written: bool) -> str:
    skipped = result.site.skipped
    pages = len(result.site.channels)
    entry_pages = _plural(len(result.site.pages), "entry page")
    lists = _plural(sum(name.endswith(".opml") for name in result.documents), "OPML list")
    where = (
        f"wrote {result.feeds} feeds, {pages} pages, {entry_pages}, {lists} and index.html "
        f"to {settings.output_dir}"
    )
    if not written:
        where = f"wrote nothing (--strict and {len(result.errors)} file errors)"
    return (
        f"Read {result.files} files: {result.articles} articles, {len(result.errors)} errors. "
        f"{result.entries} entries in {len(result.site.topics)} topics; {where}. "
        f"Left out: {_plural(skipped.drafts, 'draft')}, {skipped.low_quality} low-quality, "
        f"{_plural(skipped.duplicates, 'duplicate')}."
    )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")
