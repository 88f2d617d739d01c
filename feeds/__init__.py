"""feeds: publish a folder of articles as per-topic Atom, RSS and JSON feeds.

The pipeline is source → plan → render → write (or serve). ``SiteBuilder`` runs it incrementally
through a cache and writes the site (``publish``); ``build_site`` is one build from nothing;
``create_app`` serves the same documents.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from feeds._version import __version__

if TYPE_CHECKING:  # for type checkers; at run time each is imported when first asked for
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
    from feeds.serve.app import create_app
    from feeds.starter import init_site
    from feeds.starter import write_article

#: Each public name → the module that defines it, imported on first use: the `feeds` command
#: must answer Ctrl-C from its first moment (it printed a traceback while these loaded), and the
#: web app's Flask is needed by no build.
_HOMES = {
    "BuildResult": "feeds.build",
    "Publication": "feeds.build",
    "SiteBuilder": "feeds.build",
    "build_site": "feeds.build",
    "Settings": "feeds.config",
    "load_settings": "feeds.config",
    "ConfigError": "feeds.errors",
    "ContentError": "feeds.errors",
    "ExistingFileError": "feeds.errors",
    "FeedsError": "feeds.errors",
    "OutputError": "feeds.errors",
    "Article": "feeds.model",
    "Channel": "feeds.model",
    "Entry": "feeds.model",
    "Format": "feeds.model",
    "Site": "feeds.model",
    "write_site": "feeds.output.write",
    "render_site": "feeds.render.site",
    "init_site": "feeds.starter",
    "write_article": "feeds.starter",
    "create_app": "feeds.serve.app",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # looked up here from now on
    return value


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
