"""The whole pipeline in one call: load → convert → render, shared by the CLI and the web app."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .config import Settings
from .convert import EntryRef
from .convert import build_entry
from .convert import materialize
from .convert import plan_site
from .errors import ConfigError
from .errors import ContentError
from .index import index_article
from .load import load_articles
from .load import load_file
from .model import Article
from .model import Entry
from .model import Site
from .render import Documents
from .render import render_site


@dataclass(frozen=True)
class BuildResult:
    """A rendered site and what happened on the way."""

    documents: Documents  #: output path → bytes
    site: Site
    files: int  #: content files found
    articles: int  #: articles read without error
    errors: tuple[ContentError, ...]  #: files skipped
    warnings: tuple[str, ...]  #: ``path:line: message``, parts of files left out, merged topics

    @property
    def entries(self) -> int:
        return self.site.everything.total

    @property
    def feeds(self) -> int:
        return sum(1 for name in self.documents if name.endswith((".atom", ".rss", ".json")))


def build_site(settings: Settings) -> BuildResult:
    """Read the content folder and render every document; bad files are reported, not raised."""
    if not settings.content_dir.is_dir():
        raise ConfigError(settings.config_path, "content", f"{settings.content_dir} is not a folder")
    loaded = load_articles(settings.content_dir, settings.tz)
    plan = plan_site([index_article(a, loaded.digests[a.source]) for a in loaded.articles], settings)
    site = materialize(plan, {a.source: a for a in loaded.articles}, settings)
    return BuildResult(
        documents=render_site(site, settings),
        site=site,
        files=loaded.files,
        articles=len(loaded.articles),
        errors=loaded.errors,
        warnings=tuple(str(w) for w in loaded.warnings) + site.warnings,
    )


def build_entries(settings: Settings, refs: Sequence[EntryRef]) -> tuple[Entry, ...]:
    """Full entries for references of a built site, read again from their files.

    An entry whose file changed or went away since the build is left out; the rebuild that the
    change triggers accounts for it.
    """
    current: dict[str, Article] = {}
    for source, digest in {ref.file.source: ref.file.digest for ref in refs}.items():
        try:
            article, _, now = load_file(settings.content_dir / source, source, settings.tz)
        except ContentError:
            continue
        if now == digest:
            current[source] = article
    return tuple(
        build_entry(ref, current[ref.file.source], settings) for ref in refs if ref.file.source in current
    )
