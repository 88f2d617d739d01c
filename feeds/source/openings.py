"""What a file's first line opens when it is not "---": front matter that feeds does not read,
which would otherwise make an article of that line ("+++", "{", "---js") and publish the fields below
it as its body."""

from __future__ import annotations

import re

from feeds.text import FORMAT_CHARACTER

#: Pelican's metadata, with no "---" around it: "Title: ..." then a blank line or more "Key: value"
#: lines (an empty one too, "Tags:"), or two lines of its keys without a title (the file's name
#: may carry it). A plain-text title "Title: Markets rally" over its body's first line stays one.
_PELICAN_KEYS = r"(?:title|date|modified|tags|category|slug|authors?|summary|status|lang|translation)"
_PELICAN = re.compile(
    r"title[ \t]*:[ \t]*\S[^\n]*(?:\n[ \t]*(?:\n|\Z)|\Z|\n[A-Za-z][\w -]*:(?:[ \t]|$))"
    rf"|{_PELICAN_KEYS}[ \t]*:[^\n]*\n{_PELICAN_KEYS}[ \t]*:",
    re.IGNORECASE | re.MULTILINE,
)
#: ``---js``, ``---json``: front matter in another language, as gray-matter and Eleventy mark it,
#: when a line of ``---`` closes it (a plain-text title ``---title`` over its body stays one).
_FENCE_LANGUAGE = re.compile(r"---[ \t]*([A-Za-z][A-Za-z0-9]*)")
_CLOSING = re.compile(r"\n---[ \t]*(?:\n|\Z)")


_DASHES = re.compile(r"-{3,}")
#: Spaces, line ends and characters that show nothing ("\u200b\n---" is front matter to a writer).
_SHOWING_NOTHING = re.compile(rf"(?:\s|{FORMAT_CHARACTER.pattern})*")


def other_front_matter(text: str) -> str | None:
    """Why ``text``, which does not open with "---", starts with front matter feeds does not read
    (which would otherwise make an article of its first line, "+++" or "{"); else None."""
    start = _SHOWING_NOTHING.match(text).end()  # type: ignore[union-attr]  # it matches ""
    first = FORMAT_CHARACTER.sub("", text[start:].split("\n", 1)[0]).strip()
    if _DASHES.fullmatch(first):  # after blank lines, or "----": every field would be published
        return (
            "front matter must open on the file's first line with exactly ---; remove what comes"
            " before this line"
            if first == "---"
            else f"a first line of {first!r} opens no front matter; write ---"
        )
    if (language := _FENCE_LANGUAGE.fullmatch(first)) and _CLOSING.search(text, start):
        if language[1].lower() in ("yaml", "yml", "json"):
            return f"front matter marked {first!r} is not read as such; write --- alone (YAML, and so JSON)"
        return (
            f"front matter in {language[1]} ({first!r}, as Eleventy writes it) is not read; use YAML in ---"
        )
    if first == "+++":
        return "front matter in TOML (between +++ lines, as Hugo writes it) is not read; use YAML in ---"
    if first in ("{", "{\r") or first.startswith('{"'):
        return "front matter in JSON is not read on its own; put it between --- lines (JSON is YAML)"
    if _PELICAN.match(text.lstrip()):
        return "metadata lines (Title: ...), as Pelican writes them, are not read; put them between --- lines"
    return None
