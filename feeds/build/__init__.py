"""The build: load → plan → render, incremental through a cache. ``SiteBuilder`` and
``LiveBuilder`` are the API; the command line and the web app use nothing else of it."""

from feeds.build.builder import LiveBuilder
from feeds.build.builder import SiteBuilder
from feeds.build.cache import cache_of
from feeds.build.collector import paused_gc
from feeds.build.explain import Explanation
from feeds.build.explain import explain_topics
from feeds.build.pipeline import build_site
from feeds.build.pipeline import check_content
from feeds.build.pipeline import check_folders
from feeds.build.pipeline import content_fingerprint
from feeds.build.record_files import SHARDS
from feeds.build.record_files import FileRecord
from feeds.build.record_files import shard_of
from feeds.build.result import BuildResult
from feeds.build.result import Publication
from feeds.build.result import topic_table
from feeds.build.workers import remove_temp_folder

__all__ = [
    "SHARDS",
    "BuildResult",
    "Explanation",
    "FileRecord",
    "LiveBuilder",
    "Publication",
    "SiteBuilder",
    "build_site",
    "cache_of",
    "check_content",
    "check_folders",
    "content_fingerprint",
    "explain_topics",
    "paused_gc",
    "remove_temp_folder",
    "shard_of",
    "topic_table",
]
