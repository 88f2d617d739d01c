"""Starting articles: ``feeds new``."""

from __future__ import annotations

from feeds.starter.article import article_name
from feeds.starter.article import article_text
from feeds.starter.article import write_article

__all__ = ["article_name", "article_text", "write_article"]
