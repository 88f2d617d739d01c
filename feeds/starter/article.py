"""``feeds new``: a new article file with its front matter filled in and an empty body.

``article_text`` and ``article_name`` are pure (the time is passed in); ``write_article`` only
finds a free name and writes.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import yaml

from feeds.errors import OutputError
from feeds.names import slugify

#: File names stay well under the 255 bytes most file systems allow, in any script: a slug of
#: 80 CJK characters alone would be 240 bytes of UTF-8.
_MAX_SLUG_BYTES = 120


def article_text(
    title: str, now: datetime, topics: Sequence[str] = (), url: str = "", draft: bool = False
) -> str:
    """The new article: YAML front matter between ``---`` lines, then an empty body.

    ``now`` must be timezone-aware; ``publishedDateTime`` is written in its zone, with the offset.
    The front matter is made by PyYAML's emitter, which quotes and escapes whatever needs it
    (":", "#", quotes, a leading "-", words YAML reads as true or numbers).
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    fields = {
        "title": written_title(title),
        "publishedDateTime": now.replace(microsecond=0).isoformat(),
        "topics": list(topics),
        "webUrl": url,  # empty: the article has no page of its own (yet)
        "published": not draft,
    }
    # width: a long title stays on one line instead of being folded over several.
    front = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=2**31 - 1)
    return f"---\n{front}---\n\n"


def written_title(title: str) -> str:
    """``title`` as the front matter holds it: a title is plain text whose tags a build strips and
    whose entities it decodes, so "<" and "&" are written as entities ("Why <b> tags matter" lost
    its word: an outside probe)."""
    return html.escape(title, quote=False)


def article_name(title: str, now: datetime, number: int = 1) -> str:
    """``<YYYY-MM-DD>-<slug>.md`` (``-<number>`` before ``.md`` from 2 on), dated in ``now``'s zone."""
    if any(c.isalnum() for c in title):
        cut = slugify(title, "article").encode("utf-8")[:_MAX_SLUG_BYTES]
        slug = cut.decode("utf-8", "ignore").rstrip("-")
    else:
        slug = "untitled"  # rather than the hash slugify gives a topic named only with symbols
    suffix = f"-{number}" if number > 1 else ""
    return f"{now.date().isoformat()}-{slug}{suffix}.md"


def write_article(
    content_dir: Path,
    title: str,
    now: datetime,
    topics: Sequence[str] = (),
    url: str = "",
    draft: bool = False,
) -> Path:
    """Write a new article into ``content_dir`` (made if missing) and return its path.

    Never overwrites: when the name is taken, ``-2``, ``-3``… are tried. Raises OutputError when
    the file cannot be written.
    """
    data = article_text(title, now, topics, url, draft).encode("utf-8")
    try:
        content_dir.mkdir(parents=True, exist_ok=True)
        number = 1
        while True:
            path = content_dir / article_name(title, now, number)
            try:
                file = open(path, "xb")  # "x": never over a file, even one made since the last try
            except FileExistsError:
                number += 1
                continue
            try:
                with file:
                    file.write(data)
            except OSError:
                path.unlink(missing_ok=True)  # no half-written article left behind
                raise
            return path
    except OSError as e:
        raise OutputError(f"{e.filename or content_dir}: cannot write the article: {e.strerror or e}") from e
