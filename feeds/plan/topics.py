"""Topic names as articles write them → topics, with the config's renames and merged slugs."""

from __future__ import annotations

from collections.abc import Callable

from feeds.config import Settings
from feeds.model import Topic
from feeds.text import slugify


class TopicIndex:
    """Names as written → Topic, applying config renames and merging names that share a slug."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.by_slug: dict[str, Topic] = {}
        self.by_name: dict[str, Topic] = {}
        self.warnings: list[str] = []

    def resolve(self, name: str, source: Callable[[], str]) -> Topic:
        """The topic of a name; ``source()`` names the file to blame when the name is merged."""
        topic = self.by_name.get(name)
        if topic is None:
            options = self.settings.topics.get(name)
            final = options.rename if options is not None and options.rename else name
            slug = slugify(final)
            topic = self.by_slug.get(slug)
            if topic is None:
                topic = self._new(final, slug)
                self.by_slug[slug] = topic
            elif topic.name != final:
                self.warnings.append(
                    f"{source()}: topic {final!r} has the same slug {slug!r} as {topic.name!r}; "
                    f"merged into {topic.name!r}"
                )
            self.by_name[name] = topic
        return topic

    def _new(self, name: str, slug: str) -> Topic:
        options = self.settings.topics.get(name)
        return Topic(
            slug=slug,
            name=name,
            title=(options.title if options and options.title else f"{self.settings.site.title}: {name}"),
            description=(
                options.description if options and options.description else f"Latest articles about {name}"
            ),
        )
