"""Why an article has its topics (``feeds topics --explain FILE``): its front matter, a keyword,
a rename, another file that lists the same story, and which custom channels take it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from feeds.build.cache import cache_context
from feeds.build.cache import cache_of
from feeds.build.cache import read_state
from feeds.build.pipeline import build_every_entry
from feeds.build.record_files import FileRecord
from feeds.config import Settings
from feeds.errors import ContentError
from feeds.errors import FeedsError
from feeds.model import Topic
from feeds.plan.planner import REF_KEY
from feeds.plan.planner import REF_TOPICS
from feeds.plan.topics import rename_of
from feeds.plan.topics import renamed_keys
from feeds.source.match import match_spec
from feeds.source.match import matcher_of
from feeds.source.parse import load_file
from feeds.source.summary import FILE_QUALITY
from feeds.source.summary import IS_DRAFT
from feeds.source.summary import ITEM
from feeds.source.summary import KEY
from feeds.source.summary import SOURCE
from feeds.source.summary import STUBS
from feeds.source.summary import TOPICS
from feeds.source.summary import FileIndex


@dataclass(frozen=True)
class TopicReasons:
    """One topic of an article's entry, and every reason it has it."""

    topic: Topic
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Explanation:
    """What a build makes of one article file."""

    source: str  #: path relative to the content folder
    left_out: str | None  #: why it is in no feed (a draft, its quality, an error); None if it is
    topics: tuple[TopicReasons, ...]
    channels: tuple[str, ...]  #: the custom channels that take its entry
    skipped: bool = False  #: whether the file was skipped for an error

    def lines(self, path: Path) -> list[str]:
        """What ``feeds topics --explain`` prints: a line for the file, one per topic, one for the
        custom channels."""
        if self.left_out is not None:
            return [f"{path}: {self.left_out}"]
        count = len(self.topics)
        lines = [f"{path}: {count} topic{'' if count == 1 else 's'}"]
        for item in self.topics:
            reasons = "; ".join(item.reasons) or "no reason found"
            lines.append(f"  {item.topic.name} ({item.topic.slug}): {reasons}")
        if self.channels:
            lines.append(f"  channels: {', '.join(self.channels)}")
        return lines


def explain_topics(settings: Settings, path: Path) -> Explanation:
    """Build from the cache (reading what changed) and explain the topics of the article at
    ``path``, a file in the content folder. Raises FeedsError for a path outside it."""
    source = _source(settings, path)
    state = read_state(cache_of(settings), cache_context(settings))
    result = build_every_entry(settings, state)
    plan = result.plan
    record = result.state.files.get(source)
    if record is None:  # over max_file_mb (refused unread, and kept out of the cache), or no article
        whole = settings.content_dir / source
        refused = next(
            (e for e in result.errors if isinstance(e, ContentError) and Path(e.path) == whole), None
        )
        if refused is not None:
            return Explanation(
                source, f"skipped: {ContentError(path, None, refused.message)}", (), (), skipped=True
            )
    if plan is None or record is None:
        if any(part.startswith(".") for part in source.split("/")):
            raise FeedsError(
                f"{path}: hidden (a name in its path starts with a dot), which a build does not read"
            )
        raise FeedsError(f"{path}: not an article file of {settings.content_dir} (*.md, *.markdown, *.txt)")
    index = record.indexed
    if index is None:
        line, message = record.error or (None, "skipped")
        return Explanation(source, f"skipped: {ContentError(path, line, message)}", (), (), skipped=True)
    if index[IS_DRAFT] and not settings.include_drafts:
        return Explanation(
            source, "a draft (published: false, or another tool's mark of one): in no feed", (), ()
        )
    floor = settings.min_quality
    if floor is not None and index[FILE_QUALITY] is not None and index[FILE_QUALITY] < floor:
        return Explanation(source, f"quality {index[FILE_QUALITY]:g} is below min_quality {floor:g}", (), ())
    key = index[STUBS][0][KEY]
    ref = next((ref for ref in plan.channels[0].refs if ref[REF_KEY] == key), None)
    if ref is None:
        return Explanation(source, "its entry is in no feed", (), ())
    article, _, _ = load_file(settings.content_dir / source, source, settings.tz)
    matcher = matcher_of(match_spec(settings))
    keywords = matcher.keyword_hits(article) if matcher is not None else {}
    others = [other for other in _kept(result.state.files, settings) if other[SOURCE] != source]
    topics = []
    for topic in ref[REF_TOPICS]:
        reasons = [
            f'front matter "{name}"{_renamed(settings, name, topic)}'
            for name in article.topics
            if plan.names.get(name) == topic.slug
        ]
        reasons += [
            f'keyword "{word}" (topics.{name}.keywords){_renamed(settings, name, topic)}'
            for name, word in keywords.items()
            if plan.names.get(name) == topic.slug and name not in article.topics
        ]
        for other in others:
            items = [stub[ITEM] for stub in other[STUBS] if stub[KEY] == key]
            names = [name for name in other[TOPICS] if plan.names.get(name) == topic.slug]
            if items and names:
                how = f"related item {items[0]} of" if items[0] else "the same story (same id) as"
                reasons.append(f'{how} {other[SOURCE]}, which has "{names[0]}"')
        topics.append(TopicReasons(topic, tuple(reasons)))
    channels = tuple(
        channel.custom.name
        for channel in plan.channels
        if channel.custom is not None and any(ref[REF_KEY] == key for ref in channel.refs)
    )
    return Explanation(source, None, tuple(topics), channels)


def _source(settings: Settings, path: Path) -> str:
    if not path.is_file():
        raise FeedsError(f"{path}: no such file")
    try:
        return path.resolve().relative_to(settings.content_dir.resolve()).as_posix()
    except ValueError:
        if path.absolute().is_relative_to(settings.content_dir.absolute()):  # a link, as the build says
            raise FeedsError(f"{path}: leads outside the content folder, which a build skips") from None
        raise FeedsError(f"{path}: not in the content folder {settings.content_dir}") from None


def _kept(files: Mapping[str, FileRecord], settings: Settings) -> list[FileIndex]:
    """The indexes of the files a build plans from (no drafts, none below ``min_quality``)."""
    floor = settings.min_quality
    kept = []
    for record in files.values():
        index = record.indexed
        if index is None or (index[IS_DRAFT] and not settings.include_drafts):
            continue
        if floor is not None and index[FILE_QUALITY] is not None and index[FILE_QUALITY] < floor:
            continue
        kept.append(index)
    return kept


def _renamed(settings: Settings, name: str, topic: Topic) -> str:
    """How a name became its topic: a rename in the config, a merge of names with one slug."""
    rename = rename_of(settings, name, renamed_keys(settings))
    if rename is not None:
        key, new = rename
        note = f', renamed "{new}" by topics.{key}.rename'
        return note if new == topic.name else f'{note}, merged into "{topic.name}" (same slug)'
    return "" if name == topic.name else f', merged into "{topic.name}" (same slug)'
