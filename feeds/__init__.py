"""feeds: publish a folder of articles as per-topic Atom, RSS and JSON feeds.

The pipeline is load → convert → render → write (or serve); ``build_site`` runs the first three,
``create_app`` serves the result.
"""

from __future__ import annotations

from feeds._version import __version__
from feeds.build.pipeline import BuildResult
from feeds.build.pipeline import build_site
from feeds.config import Settings
from feeds.config import load_settings
from feeds.errors import ConfigError
from feeds.errors import ContentError
from feeds.errors import FeedsError
from feeds.errors import OutputError
from feeds.model import Article
from feeds.model import Channel
from feeds.model import Entry
from feeds.model import Format
from feeds.model import Site
from feeds.output.write import write_site
from feeds.plan.entries import convert
from feeds.render.site import render_site
from feeds.source.parse import load_articles


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
    "FeedsError",
    "Format",
    "OutputError",
    "Settings",
    "Site",
    "build_site",
    "convert",
    "create_app",
    "load_articles",
    "load_settings",
    "render_site",
    "write_site",
    "__version__",
]
