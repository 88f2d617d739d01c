"""The ``feeds`` command line: options in, one call to the build API (``feeds.build``), a summary out."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Sequence
from datetime import datetime
from datetime import timezone
from pathlib import Path
from typing import Any

import click

from feeds._version import __version__
from feeds.build import BuildResult
from feeds.build import SiteBuilder
from feeds.build import check_content
from feeds.build import check_folders
from feeds.build import explain_topics
from feeds.build import remove_temp_folder
from feeds.build import topic_table
from feeds.cli_options import GivenPath
from feeds.cli_options import config_option
from feeds.cli_options import content_option
from feeds.cli_options import read_settings
from feeds.cli_options import settings_options
from feeds.command import INTERRUPTED
from feeds.config import Settings
from feeds.errors import ExistingFileError
from feeds.errors import FeedsError
from feeds.exits import ConfigProblem
from feeds.exits import Problem
from feeds.exits import Refused
from feeds.exits import core_errors
from feeds.exits import failed_stream
from feeds.exits import require_utf8_file_names
from feeds.output.check import check_documents
from feeds.output.check import dated_ahead
from feeds.output.check import future_warnings
from feeds.progress import progress_bar
from feeds.starter import init_site
from feeds.starter import write_article
from feeds.starter import written_title
from feeds.text import plain_text
from feeds.text import plural
from feeds.text import shown
from feeds.urls import link_url
from feeds.urls import url_problem

#: Set by ``main``: the process ends right after the command, so big results may be left alive.
_quick_exit: list[object] = []


def _leave_for_exit(*values: object) -> None:
    """Keep ``values`` alive until ``main`` ends the process, which then skips freeing them."""
    if _quick_exit:
        _quick_exit.extend(values)


def main() -> None:
    """The ``feeds`` command: ``cli``, then a quick exit. Freeing a big build's small objects one by
    one takes longer than some rebuilds (0.2 s at 100,000 articles); all is written by then."""
    _quick_exit.append(True)
    interrupted: list[bool] = []

    def on_interrupt(number: int, frame: object) -> None:
        interrupted.append(True)
        raise KeyboardInterrupt  # as Python's own handler does: click says "Aborted!"

    def on_terminate(number: int, frame: object) -> None:  # systemd's stop, a CI timeout's
        remove_temp_folder()  # the rest as SIGKILL: the site is replaced whole or not at all
        os._exit(128 + number)

    signal.signal(signal.SIGINT, on_interrupt)
    signal.signal(signal.SIGTERM, on_terminate)
    try:
        cli(prog_name="feeds")
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if isinstance(e.code, str):
            print(e.code, file=sys.stderr)
    except OSError as e:  # a path the system refuses (too long, not permitted): said, not a traceback
        code = 2
        where = f"{e.filename}: " if e.filename is not None else failed_stream(e)
        if not os.path.exists("."):  # the shell's folder was replaced (it was in the output folder)
            where = "the current folder no longer exists (cd into one that does): "
        print(shown(f"Error: {where}{e.strerror or e}"), file=sys.stderr)
    code = INTERRUPTED if interrupted else code  # not "some files were skipped" (1)
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe (feeds topics | head) is not an error; nor is no stream at all (>&-), which
        # Python gives as None: flushing it raised AttributeError after the work was done.
        with contextlib.suppress(OSError, AttributeError):
            stream.flush()
    remove_temp_folder()
    os._exit(code)


@click.group()
@click.version_option(__version__, prog_name="feeds")
def cli() -> None:
    """Publish a folder of articles as per-topic Atom, RSS and JSON feeds."""
    require_utf8_file_names()


@cli.command()
@click.option(
    "--output", "output_dir", type=GivenPath(path_type=Path),  # a file: refused as the config's is
    help="Output folder (overrides the config's `output`). Replaced as a whole, atomically.",
)  # fmt: skip
@click.option("--strict", is_flag=True, help="Write nothing if any article file has an error.")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors: no warnings, progress or summary.")
@click.option(
    "--no-cache", is_flag=True,
    help="Read every file and render every feed again (the cache is still refreshed).",
)  # fmt: skip
@click.option("--no-ping", is_flag=True, help="Do not tell the hubs of `websub.hubs` which feeds changed.")
@click.option(
    "--cache", "cache_dir", type=GivenPath(file_okay=False, path_type=Path),
    help="Folder of the build cache (overrides the config's `cache`), e.g. one a CI job keeps.",
)  # fmt: skip
@settings_options
def build(settings: Settings, strict: bool, quiet: bool, no_cache: bool, no_ping: bool) -> None:
    """Build every feed, its page, the OPML lists and the index page into the output folder.

    Unchanged files and feeds are taken from a cache beside the output folder
    (.feeds-cache/<output folder's name>/, or --cache DIR); the output is the same with or
    without it. Then the WebSub
    hubs of `websub.hubs` are told which feeds changed (a hub that cannot be reached is a warning).

    Exit status: 0 when all is well; 1 when some files were skipped (the rest is written, unless
    --strict); 2 for a usage or configuration error (nothing is written); 3 when the output
    folder cannot be written (another build is writing it, the disk is full...: the previous
    site and the cache are left as they were); 130 when interrupted (Ctrl-C), 143 on SIGTERM.

    Example:

        feeds build --config config/feeds.yaml --output public
    """
    with progress_bar(quiet) as bar, core_errors():
        builder = SiteBuilder(settings, use_cache=not no_cache, progress=bar)
        done = builder.publish(strict=strict, now=_now())
    _report(done.errors, done.warnings, quiet)
    _leave_for_exit(done)
    if not quiet:
        status = " Up to date." if done.up_to_date else _cache_use(done.result, no_cache)
        click.echo(shown(f"{done.summary}{status} {done.seconds:.2f} s."))
    if not no_ping and settings.websub.hubs and done.changed_feeds:
        from feeds.websub.ping import tell_hubs  # the network modules load only when needed

        told = tell_hubs(settings, done.changed_feeds)
        _report([], told.warnings, quiet)
        if not quiet and told.summary:
            click.echo(shown(told.summary))
    if done.errors:
        raise SystemExit(1)


@cli.command()
@settings_options
def check(settings: Settings) -> None:
    """Lint the content and config, and check every document a build would write.

    Writes nothing to the output folder (the build cache is used, and kept up to date). Exit
    status 1 when any file or document has a problem.

    Example:

        feeds check --content content
    """
    with core_errors():
        check_folders(settings)  # what `feeds build` would refuse
    result = _build(settings)
    # As `feeds build` warns of them: entries dated more than a day after the clock.
    now = _now()
    ahead = future_warnings(dated_ahead(result.site.everything.refs, settings.content_dir, now), now)
    _report([], ahead, False)
    problems = check_documents(result.documents)
    for problem in problems:
        click.echo(shown(problem), err=True)
    warnings = result.warning_count + len(ahead)
    click.echo(
        f"Checked {plural(result.files, 'file')} and {plural(len(result.documents), 'document')}: "
        f"{plural(len(result.errors), 'file error')}, {plural(warnings, 'warning')}, "
        f"{plural(len(problems), 'document problem')}."
    )
    if problems or result.errors:
        raise SystemExit(1)


@cli.command()
@click.argument("folder", default=".", type=GivenPath(file_okay=False, path_type=Path))
def init(folder: Path) -> None:
    """Start a site in FOLDER (default: the current folder).

    Writes config/feeds.yaml (every setting, with comments), three example articles in content/
    (none when content/ holds files already) and a .gitignore for what builds write. Never
    overwrites a file: when any of them exists,
    nothing is written (exit status 2).

    Example:

        feeds init my-site
    """
    try:
        written = init_site(folder)
    except ExistingFileError as e:
        raise Refused(str(e)) from e
    except FeedsError as e:
        raise Problem(str(e)) from e
    names = [path.relative_to(folder).as_posix() for path in written]
    articles = sum(name.startswith("content/") for name in names)
    others = ", ".join(name for name in names if not name.startswith("content/"))
    where = "" if folder == Path(".") else shown(f" in {folder}")
    examples = f"{articles} example articles in content/" if articles else "no examples: content/ holds files"
    click.echo(f"Started a site{where}: {others} and {examples}.")
    click.echo(f'Next{where and ","}{where}:\n  feeds new "My first article" --topic News\n  feeds build')


@cli.command()
@click.argument("title")
@click.option("--topic", "topics", multiple=True, help="A topic of the article; repeat for several.")
@click.option("--url", default="", help="The article's own web page: an absolute http(s) URL.")
@click.option("--draft", is_flag=True, help="Mark it `published: false`, so builds leave it out.")
@config_option
@content_option
def new(
    title: str,
    topics: tuple[str, ...],
    url: str,
    draft: bool,
    config_path: Path | None,
    content_dir: Path | None,
) -> None:
    """Write a new article into the content folder and print its path.

    The file is <content>/<YYYY-MM-DD>-<slug>.md, dated now in the config's timezone; its front
    matter has title, publishedDateTime, topics, webUrl and published, and the body is empty.
    Never overwrites a file: a name already taken gets -2, -3 and so on.

    Example:

        feeds new "Hello, world" --topic News --url https://example.org/hello
    """
    if not plain_text(title):
        raise click.BadParameter("has no text", param_hint="TITLE")
    if any(not plain_text(topic) for topic in topics):
        raise click.BadParameter("a topic has no text", param_hint="--topic")
    if url and link_url(url.strip()) is None:  # as a build reads webUrl: what it would leave out
        raise click.BadParameter(f"{url!r} {url_problem(url)}", param_hint="--url")
    settings = read_settings(config_path, content_dir)
    if settings.config_path is None and content_dir is None and not settings.content_dir.is_dir():
        # No site here: a `content/` made in whatever folder the shell was in (an outside probe).
        raise ConfigProblem(str(settings.error("content", f"{settings.content_dir} is not a folder")))
    now = datetime.now(settings.tz)  # the one place `feeds new` reads the clock
    try:
        path = write_article(settings.content_dir, title, now, topics, url, draft)
    except FeedsError as e:
        raise Problem(str(e)) from e
    with contextlib.suppress(ValueError):  # outside the current folder: the full path
        path = path.absolute().relative_to(Path.cwd())
    read_back = plain_text(written_title(title))
    if ("<" in title or "&" in title) and read_back != " ".join(title.split()):
        click.echo(
            shown(f"warning: the title reads as {read_back!r}: a tag that acts in HTML is no title's"),
            err=True,
        )
    click.echo(shown(str(path)))


@cli.command()
@click.option(
    "--explain", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Why FILE has its topics."
)
@settings_options
def topics(settings: Settings, explain: Path | None) -> None:
    """List the topics and custom channels (slug, entries, name); with --explain FILE, why FILE's
    article has each of its topics (front matter, keyword, rename, a file listing the same story).
    Exit status 1 when a file was skipped for an error.

    Example:

        feeds topics --explain content/010_1f3b4be2c661303f.md
    """
    with core_errors():
        if explain:  # lines that name files; exit status 1 for a skipped file, as for the list
            explained = explain_topics(settings, explain)
            click.echo("\n".join(shown(line) for line in explained.lines(explain)))
            raise SystemExit(1 if explained.skipped else 0)
        result = _build(settings)
    click.echo("\n".join(topic_table(result)))
    if result.errors:  # as `feeds build` and `feeds check`: files were skipped
        raise SystemExit(1)


@cli.command()
@config_option
@click.option("--host", default="127.0.0.1", show_default=True, help="IP address (or localhost).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers", default=1, show_default=True, type=click.IntRange(1, 64),
    help="Server processes; each holds the site and watches the content folder.",
)  # fmt: skip
@click.option("--access-log", is_flag=True, help="Log every request.")
# The server's limits (docs/serving.md, "Server limits"); each defaults to its serve: key.
@click.option(
    "--max-connections", type=click.IntRange(1, 1_000_000),
    help="Open connections per process (serve.max_connections).",
)  # fmt: skip
@click.option(
    "--backlog", type=click.IntRange(128, 65_535), help="Connections waiting to be accepted (serve.backlog)."
)
@click.option(
    "--header-timeout", type=click.FloatRange(1, 60),
    help="Seconds to send a request's headers (or the next one's), then the connection is closed "
    "(serve.header_timeout).",
)  # fmt: skip
def serve(config_path: Path | None, host: str, port: int, workers: int, **options: Any) -> None:
    """Serve the site over HTTP with Granian, rebuilding it when content or config change.

    The same documents as `feeds build`, at the same paths, from memory. Stop with Ctrl-C.

    Example:

        feeds serve --config config/feeds.yaml --port 8000
    """
    from feeds.serve.app import CONFIG_VARIABLE
    from feeds.serve.server import given
    from feeds.serve.server import listen_address
    from feeds.serve.server import serve as run_server

    # The config first: a port taken by another server hid what was wrong with it.
    settings = read_settings(config_path, None)
    with core_errors():
        check_content(settings)
    try:
        host = listen_address(host, port)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="'--host'") from e
    except OSError as e:
        raise Problem(f"cannot listen on {host} port {port}: {e.strerror or e}") from e
    if settings.config_path is not None:
        # The server's worker processes import feeds.wsgi, which reads the config from here: the
        # path as given, made absolute, not resolved. A config that is a link (a Kubernetes
        # ConfigMap's) takes its paths from the link's folder, as feeds build does, and a link
        # pointed at another file is a new config.
        os.environ[CONFIG_VARIABLE] = os.path.abspath(settings.config_path)
    access_log = options.pop("access_log")  # the rest are limits, each None unless given
    where = f"[{host}]" if ":" in host else host
    click.echo(shown(f"Serving {settings.content_dir} at http://{where}:{port}/ (Ctrl-C to stop)"), err=True)
    run_server("feeds.wsgi:app", host, port, workers, access_log, given(settings.serve, **options))


def _build(settings: Settings) -> BuildResult:
    """A build from the cache, for the commands that write no site; reports its file problems."""
    with progress_bar(False) as bar, core_errors():
        result = SiteBuilder(settings, progress=bar).build()
    _report([str(e) for e in result.errors], result.warnings, False)
    return result


def _cache_use(result: BuildResult | None, no_cache: bool) -> str:
    """What the build took from its cache: a CI job whose restored cache was of another Python or
    feeds, and ignored, could not tell (an outside probe)."""
    if result is None or no_cache or not result.files:
        return ""
    if result.from_cache == 0 and result.parsed == 0:
        return ""  # every file refused unread: its errors say so
    if result.parsed == 0:
        return " Every file came from the cache."
    if result.from_cache > 0:
        return f" Parsed {plural(result.parsed, 'changed file')}; the others came from the cache."
    # The cache's records depend on what every file is read with (``cache.cache_context``).
    return f" Parsed every file ({_NO_CACHE})."


_NO_CACHE = (
    "no cache to use: a first build, a cache of another version, or a new timezone, keyword topics or"
    " channels' providers or words"
)


def _now() -> datetime:
    """The clock, read at the command line's edge only: a build never reads it."""
    return datetime.now(timezone.utc)


def _report(errors: Sequence[str], warnings: Sequence[str], quiet: bool) -> None:
    for error in errors:
        click.echo(f"error: {shown(error)}", err=True)
    if not quiet:
        for warning in warnings:
            click.echo(f"warning: {shown(warning)}", err=True)
