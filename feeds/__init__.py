"""feeds: publish a folder of articles as per-topic Atom, RSS and JSON feeds.

The pipeline is source → plan → render → write (or serve). ``SiteBuilder`` runs it incrementally
through a cache and writes the site (``publish``); ``build_site`` is one build from nothing;
``create_app`` serves the same documents.
"""

from __future__ import annotations

from feeds._version import __version__
from feeds.build import BuildResult
from feeds.build import Publication
from feeds.build import SiteBuilder
from feeds.build import build_site
from feeds.config import Settings
from feeds.config import load_settings
from feeds.errors import ConfigError
from feeds.errors import ContentError
from feeds.errors import ExistingFileError
from feeds.errors import FeedsError
from feeds.errors import OutputError
from feeds.model import Article
from feeds.model import Channel
from feeds.model import Entry
from feeds.model import Format
from feeds.model import Site
from feeds.output.write import write_site
from feeds.render.site import render_site
from feeds.starter import init_site
from feeds.starter import write_article


def __getattr__(name: str) -> object:
    # The web app imports Flask, which the command line's builds do not need: load it on demand.
    if name == "create_app":
        from feeds.serve.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Article",
    "BuildResult",
    "Channel",
    "ConfigError",
    "ContentError",
    "Entry",
    "ExistingFileError",
    "FeedsError",
    "Format",
    "OutputError",
    "Settings",
    "Site",
    "Publication",
    "SiteBuilder",
    "build_site",
    "create_app",
    "init_site",
    "load_settings",
    "render_site",
    "write_article",
    "write_site",
    "__version__",
]
