"""Starting a site and its articles: ``feeds init`` and ``feeds new``."""

from __future__ import annotations

from feeds.starter.article import article_name
from feeds.starter.article import article_text
from feeds.starter.article import write_article
from feeds.starter.article import written_title
from feeds.starter.site import init_site
from feeds.starter.site import starter_files

__all__ = ["article_name", "article_text", "init_site", "starter_files", "write_article", "written_title"]
