"""OPML 2.0 list of every feed (http://opml.org/spec2.opml), grouped by format."""

from __future__ import annotations

from email.utils import format_datetime

from lxml import etree

from .feedcontext import FeedContext
from .model import Site


def opml_bytes(site: Site, contexts: list[FeedContext]) -> bytes:
    """One ``<outline>`` group per format, holding ``all`` then every topic.

    A reader importing one group subscribes to each feed once, in the format it prefers.
    """
    settings = contexts[0].settings
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = settings.site.title
    updated = site.everything.updated
    if updated is not None:
        etree.SubElement(head, "dateModified").text = format_datetime(updated, usegmt=True)
    etree.SubElement(head, "ownerName").text = settings.author_name()
    etree.SubElement(head, "docs").text = "http://opml.org/spec2.opml"
    body = etree.SubElement(root, "body")
    for fmt in settings.formats:
        group = etree.SubElement(
            body, "outline", text=f"{settings.site.title} ({fmt.label})", title=fmt.label
        )
        for ctx in contexts:
            etree.SubElement(
                group,
                "outline",
                type="rss",
                text=ctx.channel.title,
                title=ctx.channel.title,
                description=ctx.channel.description,
                xmlUrl=ctx.self_url(fmt),
                htmlUrl=ctx.html_url,
                language=settings.site.language,
            )
    data: bytes = etree.tostring(root, pretty_print=True, encoding="UTF-8", xml_declaration=True)
    return data
