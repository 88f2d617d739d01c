"""OPML 2.0 subscription lists (http://opml.org/spec2.opml): every channel, once, in one format.

Feed readers import every outline of an OPML file, so a list that held each feed in three formats
would subscribe a reader to each topic three times (newsboat does exactly that, and then fails on
every JSON Feed). So ``feeds.opml`` holds the first configured format, and with more than one
format each of the others has a list of its own (``feeds-rss.opml``).
"""

from __future__ import annotations

from email.utils import format_datetime

from lxml import etree

from feeds.config import Settings
from feeds.model import Format
from feeds.model import Site
from feeds.render.context import FeedContext

OPML = "feeds.opml"


def opml_paths(settings: Settings) -> dict[str, Format]:
    """Every OPML list to write, by output path: ``feeds.opml`` in the first format, then one for
    each other format."""
    first, *others = settings.formats
    return {OPML: first, **{f"feeds-{fmt.value}.opml": fmt for fmt in others}}


def opml_bytes(site: Site, contexts: list[FeedContext], fmt: Format) -> bytes:
    """``all``, then every topic, each as an ``<outline>`` of its feed in ``fmt``."""
    settings = contexts[0].settings
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    title = settings.site.title if len(settings.formats) == 1 else f"{settings.site.title} ({fmt.label})"
    etree.SubElement(head, "title").text = _no_tags(title)
    updated = site.everything.updated
    if updated is not None:
        etree.SubElement(head, "dateModified").text = format_datetime(updated, usegmt=True)
    etree.SubElement(head, "ownerName").text = _no_tags(settings.author_name())
    # No <docs>: OPML 2.0 makes it optional, and the W3C Feed Validation Service reports it as an
    # undefined head element (an error).
    body = etree.SubElement(root, "body")
    for ctx in contexts:
        etree.SubElement(
            body,
            "outline",
            type="rss",
            text=_no_tags(ctx.channel.title),
            title=_no_tags(ctx.channel.title),
            description=_no_tags(ctx.channel.description),
            xmlUrl=ctx.self_url(fmt),
            htmlUrl=ctx.html_url,
            language=settings.site.language,
        )
    data: bytes = etree.tostring(root, pretty_print=True, encoding="UTF-8", xml_declaration=True)
    return data


def _no_tags(text: str) -> str:
    """``text`` with its angle brackets written as HTML's references: OPML readers (and the W3C
    validator) may take these fields for HTML, where a topic named ``<img src=x onerror=…>`` by an
    article was live markup (an outside probe). Other text, "&" included, goes as written."""
    return text.replace("<", "&lt;").replace(">", "&gt;")
