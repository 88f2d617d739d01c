"""Pages of their own for articles without a URL: where each one's page goes.

Such an article would be an entry that nobody can open, so the site gives it a page,
``entries/<slug>.html``, whose address becomes its link in every feed. The slug comes from its title
(``summary.PAGE``). Titles that give one slug are told apart in path order, the order that also
settles duplicates: the first file keeps the plain slug, the next ones get ``-2``, ``-3``… (passing
over any slug that another title gives), so adding a file named after the existing ones leaves
their addresses alone. Pure: values in, values out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

#: The folder of the output that holds the entries' pages.
ENTRIES: Final = "entries"


def entry_page_path(slug: str) -> str:
    """Output path of an entry's page, e.g. ``entries/minneapolis-bans-facial-recognition.html``."""
    return f"{ENTRIES}/{slug}.html"


def page_paths(bases: Iterable[tuple[str, str | None]]) -> dict[str, str]:
    """Source → page path, in source order, for (source, slug of its title) pairs; a source whose
    slug is None (an article with a URL) has no page."""
    claims: dict[str, list[str]] = {}
    for source, base in bases:
        if base is not None:
            claims.setdefault(base, []).append(source)
    slugs: dict[str, str] = {}
    for base, sources in claims.items():
        sources.sort()
        slugs[sources[0]] = base
        number = 1
        for source in sources[1:]:
            number += 1
            # "base-n" can be another title's own slug; it is never another base's "-n" (the
            # part before the last "-n" tells the base).
            while f"{base}-{number}" in claims:
                number += 1
            slugs[source] = f"{base}-{number}"
    return {source: entry_page_path(slugs[source]) for source in sorted(slugs)}
