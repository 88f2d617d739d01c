"""feeds: publish a folder of articles as per-topic Atom, RSS and JSON feeds.

The pipeline is load → convert → render → write (or serve); ``build_site`` runs the first three,
``create_app`` serves the result.
"""

from __future__ import annotations

from ._version import __version__
from .build import BuildResult
from .build import build_site
from .config import Settings
from .config import load_settings
from .convert import convert
from .errors import ConfigError
from .errors import ContentError
from .errors import FeedsError
from .errors import OutputError
from .load import load_articles
from .model import Article
from .model import Channel
from .model import Entry
from .model import Format
from .model import Site
from .render import render_site
from .write import write_site


def __getattr__(name: str) -> object:
    # The web app imports Flask, which the command line's builds do not need: load it on demand.
    if name == "create_app":
        from .web import create_app

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
