"""The site's icons: those the config names, or else feeds' own, which the build writes into the site.

JSON Feed 1.1 says publishers should give both a feed's ``icon`` (square, about 512 px) and its
``favicon`` (square, small), and Atom's ``<icon>`` is a small square image too (RFC 4287 §4.2.5).
A site that names none gets ours (the feed symbol in the pages' accent colour): fixed package data,
so the same for every build. A configured icon serves as the favicon as well: a large square image
scales down, a favicon does not scale up.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Final

from feeds.config import Settings
from feeds.render.context import image_type

ICON: Final = "icon.png"  #: output path of our icon, 512 × 512
FAVICON: Final = "favicon.png"  #: output path of our favicon, 64 × 64
_ASSETS = files("feeds.render.templates")
_OURS = {ICON: _ASSETS.joinpath(ICON).read_bytes(), FAVICON: _ASSETS.joinpath(FAVICON).read_bytes()}


def icon_url(settings: Settings) -> str:
    """The feeds' large square icon: ``site.icon``, else ours."""
    return settings.site.icon or settings.url(ICON)


def favicon_url(settings: Settings) -> str:
    """The feeds' small square icon: ``site.favicon``, else ``site.icon``, else ours."""
    return settings.site.favicon or settings.site.icon or settings.url(FAVICON)


#: What RSS 2.0's channel <image> may be: "the URL of a GIF, JPEG or PNG image".
_RSS_IMAGE_TYPES = frozenset({"image/gif", "image/jpeg", "image/png"})


def rss_image_url(settings: Settings) -> str | None:
    """RSS's channel image: the logo (at most 144 px wide), else the favicon, the first of them
    that is a GIF, JPEG or PNG image by its name (an SVG logo went in as it was); None when
    neither is."""
    for url in (settings.site.logo, favicon_url(settings)):
        if url and image_type(url) in _RSS_IMAGE_TYPES:
            return url
    return None


def icon_documents(settings: Settings) -> dict[str, bytes]:
    """Our icons that the site uses, by output path: none when the config names its own."""
    used = {icon_url(settings), favicon_url(settings)}
    return {path: data for path, data in _OURS.items() if settings.url(path) in used}
