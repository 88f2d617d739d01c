"""Topic names as articles write them → topics, with the config's renames and merged slugs."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from feeds.config import Settings
from feeds.config import TopicSettings
from feeds.config_checks import renaming_keys
from feeds.model import Topic
from feeds.names import composed
from feeds.names import slugify
from feeds.source.scan import file_path


def renamed_keys(settings: Settings) -> dict[str, str]:
    """The config's ``topics`` keys that rename, by their slug (the first of one slug)."""
    return renaming_keys(settings.topics)


def own_settings(settings: Settings, name: str) -> TopicSettings | None:
    """The config's ``topics.<name>`` of a topic name, either written in the other Unicode form:
    ``Café`` with ``e`` and an accent took no options from ``topics.Café`` (an outside probe)."""
    own = settings.topics.get(name)
    if own is None and not name.isascii():
        own = settings.topics.get(composed(name)) or settings.topics.get(unicodedata.normalize("NFD", name))
    return own


def rename_of(settings: Settings, name: str, renamed: dict[str, str]) -> tuple[str, str] | None:
    """(the config key, the new name) of the rename that applies to a topic name as written: its
    own key's, or one of its slug (``ai`` takes ``topics.AI.rename``, as it is merged into AI);
    ``renamed``: ``renamed_keys(settings)``."""
    own = own_settings(settings, name)
    if own is not None and own.rename:
        return name, own.rename
    key = renamed.get(slugify(name)) if renamed else None
    new = settings.topics[key].rename if key is not None else None
    return (key, new) if key is not None and new else None


class TopicIndex:
    """Names as written → Topic, applying config renames and merging names that share a slug."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.by_slug: dict[str, Topic] = {}
        self.by_name: dict[str, Topic] = {}
        self.warnings: list[str] = []
        self._renamed = renamed_keys(settings)
        # A keyword topic is named as the config writes it, whatever an article writing its slug
        # otherwise says: the file first in path order named it, and the config's options for it
        # (matched by that name) then went unused without a word (an outside probe).
        self._configured: dict[str, str] = {}
        for key, own in settings.topics.items():
            if own.keywords and not own.rename:
                self._configured.setdefault(slugify(key), key)

    def resolve(self, name: str, source: Callable[[], str]) -> Topic:
        """The topic of a name; ``source()`` names the file to blame when the name is merged."""
        topic = self.by_name.get(name)
        if topic is None:
            rename = rename_of(self.settings, name, self._renamed)
            final = rename[1] if rename is not None else name
            slug = slugify(final)
            topic = self.by_slug.get(slug)
            if topic is None:
                topic = self._new(self._configured.get(slug, final), slug)
                self.by_slug[slug] = topic
            if topic.name != final and slug not in self._configured:  # the config's name is no merge
                # Named by its path, as every other warning names its file.
                path = file_path(self.settings.content_dir, source())
                self.warnings.append(
                    f"{path}: topic {final!r} has the same slug {slug!r} as {topic.name!r}"
                    f"{_same_letters(final, topic.name)}; merged into {topic.name!r}"
                )
            self.by_name[name] = topic
        return topic

    def _new(self, name: str, slug: str) -> Topic:
        options = own_settings(self.settings, name)
        return Topic(
            slug=slug,
            name=name,
            title=(options.title if options and options.title else f"{self.settings.site.title}: {name}"),
            description=(
                options.description if options and options.description else f"Latest articles about {name}"
            ),
        )


def _same_letters(name: str, other: str) -> str:
    """A note for two names that look alike but are written with other code points (``é`` as one
    character or as ``e`` and an accent), which the warning would otherwise show as equal."""
    if unicodedata.normalize("NFC", name) == unicodedata.normalize("NFC", other):
        return " (the same letters, in another Unicode form)"
    return ""
