"""Random changes to a site with archives: every build after them, replanned from the memo's
months or planned from every file, gives the documents of a build from nothing."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from feeds.build.cache import cache_context
from feeds.build.cache import cache_folder
from feeds.build.cache import read_state
from feeds.build.cache import write_state
from feeds.build.pipeline import build_site
from feeds.build.pipeline import build_with_memo
from feeds.config import TopicSettings
from feeds.model import ArchiveMode
from tests.conftest import make_settings
from tests.test_archives import article as archive_article

TOPICS = ["AI", "Space", "Climate"]


def article(number: int, day: int, topics: list[str], related: int = 0, url: bool = True) -> str:
    """Dated over five months; day 0 is midnight on the first of a month, whose undated related
    items sort one float step after it (the month before, but for the archives' slack). Articles
    without a URL share three titles, so that their pages' names collide."""
    title = None if url else f"Story without a link {day % 3}"
    return archive_article(
        number, 1 + day % 5, 1 + day % 28, topics, related, url, hour=day % 10, title=title
    )


class ArchivedSite:
    def __init__(self, root: Path, budget: int) -> None:
        self.content = root / "content"
        self.content.mkdir()
        settings = make_settings(max_items=2, archives=ArchiveMode.MONTHLY, max_bytes=budget)
        self.settings = dataclasses.replace(settings, content_dir=self.content, output_dir=root / "public")
        self.tick = 1_600_000_000
        self.replanned = 0

    def put(self, name: str, text: str) -> None:
        self.tick += 1
        path = self.content / name
        path.write_text(text, encoding="utf-8")
        os.utime(path, ns=(self.tick * 1_000_000_000,) * 2)

    def build(self) -> None:
        folder, zone = cache_folder(self.settings.output_dir), cache_context(self.settings)
        result = build_with_memo(self.settings, read_state(folder, zone, records=False))
        write_state(folder, zone, result.state, (*result.changed, *result.removed))
        assert dict(result.documents) == dict(build_site(self.settings).documents)
        self.replanned += result.replanned


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(
            ["edit", "move", "topics", "related", "delete", "add", "no url", "break", "budget", "title"]
        ),
        st.integers(0, 11),
        st.integers(0, 40),
    ),
    min_size=1,
    max_size=6,
)


@hypothesis_settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=OPERATIONS, budget=st.sampled_from([0, 12000]))
def test_any_changes_with_archives_build_what_a_build_from_nothing_builds(
    tmp_path_factory, operations, budget
) -> None:  # type: ignore[no-untyped-def]
    site = ArchivedSite(tmp_path_factory.mktemp("site"), budget)
    for number in range(10):
        site.put(
            f"{number:02d}.md", article(number, 3 * number + 1, [TOPICS[number % 3]], related=number % 3)
        )
    site.build()
    for operation, number, day in operations:
        name = f"{number:02d}.md"
        exists = (site.content / name).exists()
        topics = [TOPICS[number % 3]]
        if operation == "edit" or (operation == "add" and not exists):
            site.put(name, article(number, 3 * number + 1, topics, related=day % 3))
        elif operation == "move":
            site.put(name, article(number, day, topics, related=number % 3))
        elif operation == "topics":
            site.put(name, article(number, day, [TOPICS[day % 3], TOPICS[(day + 1) % 3]]))
        elif operation == "related":
            site.put(name, article(number, day, topics, related=day % 4))
        elif operation == "delete" and exists:
            (site.content / name).unlink()
        elif operation == "no url":
            site.put(name, article(number, day, topics, related=day % 2, url=False))
        elif operation == "break":
            site.put(name, "---\ntitle: [broken\n---\n")
        elif operation == "budget":  # what splits months into parts, changed between builds
            site.settings = dataclasses.replace(site.settings, max_bytes=[0, 10000, 12000, 20000][day % 4])
        elif operation == "title":  # a longer head leaves less room for entries
            topics = {TOPICS[number % 3]: TopicSettings(title="T" * (day * 5), description="D" * day)}
            site.settings = dataclasses.replace(site.settings, topics=topics)
        site.build()
