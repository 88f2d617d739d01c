"""The whole pipeline in one call: load → convert → render, shared by the CLI and the web app."""

from __future__ import annotations

from dataclasses import dataclass

from .config import Settings
from .convert import convert
from .errors import ConfigError
from .errors import ContentError
from .load import load_articles
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
    site = convert(loaded.articles, settings)
    return BuildResult(
        documents=render_site(site, settings),
        site=site,
        files=loaded.files,
        articles=len(loaded.articles),
        errors=loaded.errors,
        warnings=tuple(str(w) for w in loaded.warnings) + site.warnings,
    )
