"""Bounds on what one article may cost, checked when it is loaded, so that a warning or an error
can name the file and line (front matter nesting, which must be checked before any YAML reader
sees the text, is bounded in ``front_matter``).

* Front matter over ``MAX_FRONT_MATTER_CHARS`` is refused unread: YAML costs up to 2 µs and 60
  bytes of memory per character (PyYAML; yaml-rs a fifth of that); so is front matter with more
  than ``MAX_ALIASES`` aliases (merge keys cost the product of two mappings' sizes).
* Only the first ``MAX_TOPICS`` topics are used. An article is in the feeds of each of its topics,
  and each of those lists all of them, so its output grows with the square of their number:
  1,000 topics on a 14 KB file made 250 MB of feeds in 41 s; 3,000, 4.4 GB in 6.5 minutes.
* Only the first ``MAX_RELATED`` related items are read, for the same reason.
* A title is cut at ``MAX_TITLE_CHARS``, an excerpt at ``MAX_EXCERPT_CHARS``.
* A body is cut at ``MAX_BODY_CHARS``, and a Markdown body with more than ``MAX_MARKUP`` Markdown
  characters is shown as plain text (escaped, in paragraphs: linear and cheap). markdown-it-py
  takes about half a microsecond per character of prose, but up to about 50 for each character
  that opens or closes a construct (list items, ``![a``): ``[a`` × 2 million took 100 s, a 4 MB
  table 39 s and 2.5 GB. nh3 (html5ever) is quadratic in unclosed elements: 80,000 ``<div>``
  took 41 s. Within both limits a body renders in about a second at worst, and
  ``render.entry_html`` bounds what the rendering can grow to.

``docs/reliability.md`` lists every limit, with what a user sees when one is reached.
"""

from __future__ import annotations

import re
import unicodedata

from feeds.names import short_hash
from feeds.source.front_matter import MAX_DIGITS
from feeds.source.front_matter import MAX_INDENT
from feeds.source.front_matter import alias_lines
from feeds.source.front_matter import too_deep
from feeds.source.key_lines import ALIAS
from feeds.text import cut_after_word

#: Longer front matter is refused unread; 500,000 characters hold over 1,000 related items with
#: their excerpts.
MAX_FRONT_MATTER_CHARS = 500_000
#: Topics of one article beyond this many are left out, with a warning.
MAX_TOPICS = 20
#: Related items of one article beyond this many are left out, with a warning: each is an entry in
#: every channel of the article's topics and, with archives, in each channel's archives in every
#: format; 8,000 of them with 20 long topic names wrote 4 GB.
MAX_RELATED = 100
_LONG_NUMBER = re.compile(rf"[0-9]{{{MAX_DIGITS + 1},}}")

#: A longer title is cut (at a word break, with "…"): a title is in every feed, page and list its
#: entry is in, and in the index; one of a million characters (a plain-text file's first line)
#: made pages of megabytes and, over every feed's ``max_bytes``, left the feeds without entries.
MAX_TITLE_CHARS = 1_000
#: A longer excerpt is cut (at a word break, with "…"): an excerpt of 500,000 characters made its
#: entry larger than a feed's ``max_bytes``, which then left the newest article out of every feed.
MAX_EXCERPT_CHARS = 5_000
#: A file's warnings past this many are counted, not listed (55,000 images without a URL made as
#: many lines).
MAX_FILE_WARNINGS = 50
#: A longer topic name is cut (at a word break, with "…"): a topic's page, feeds and index part
#: show it, and one of 60,000 characters made its page over every budget, which stopped the build.
MAX_TOPIC_CHARS = 200
#: A longer body is cut here (at a paragraph or word break); a long read is 100,000 characters.
MAX_BODY_CHARS = 200_000
#: What a character costs Markdown's rendering at worst, in µs, where it costs more than text
#: does (about 1 µs): markdown-it-py on bodies of 100,000 characters of one construct each
#: (2026-12-06): "![a" 109 µs, "[a" 44, a list item's line 34, a heading's 22, a line break 12,
#: "*a" 12, "~~a" 10, "_a" 8, "<b>" 6, "&amp;" 4, "`a" 3.
MARKUP_COST = {
    "!": 55,
    "[": 55,
    "\n": 35,
    "*": 12,
    "_": 12,
    "~": 12,
    "|": 12,
    "#": 12,
    "<": 6,
    ">": 6,
    "&": 6,
    "`": 6,
}
#: A Markdown body whose markup would cost more (a second) is shown as plain text. Prose costs a
#: small part of it: a post of 173,000 characters (the Rust blog's monthly goals update) counts
#: 0.18 s and renders in 8 ms. A count of every Markdown character over 20,000 showed such posts
#: as their Markdown source (an outside probe).
MAX_MARKUP_MICROSECONDS = 1_000_000


#: Front matter with more aliases (``*name``) is refused unread: PyYAML merges a mapping into
#: another (``<<: [*m, *m, ...]``) at a cost of the product of their sizes: 8,000 merges of a
#: mapping of 8,000 keys, in a file under the size limit, took 8 minutes, and 99 of one of 44,000
#: keys 9.9 s and 320 MB; 32 take about 3 s at most.
MAX_ALIASES = 32


def front_matter_problem(front: str) -> tuple[int, str] | None:
    """(0-based line, message) of what puts front matter over a limit, if anything does."""
    if len(front) > MAX_FRONT_MATTER_CHARS:
        return 0, (
            f"the front matter has {len(front):,} characters, over the limit of "
            f"{MAX_FRONT_MATTER_CHARS:,}; shorten it (fewer related items?)"
        )
    if len(front) > MAX_DIGITS:  # shorter front matter cannot hold a longer number
        number = _LONG_NUMBER.search(front)
        if number is not None:
            return front.count("\n", 0, number.start()), (
                f"a number of {len(number[0]):,} digits, over the limit of {MAX_DIGITS:,} that"
                " Python reads; shorten it"
            )
    if "*" in front and len(ALIAS.findall(front)) > MAX_ALIASES:  # or "*" in text: ask libyaml
        aliases = alias_lines(front)
        if len(aliases) > MAX_ALIASES:
            return aliases[MAX_ALIASES], (
                f"the front matter uses {len(aliases):,} aliases (*name), over the limit of {MAX_ALIASES};"
                " write the values out"
            )
    deep = too_deep(front)
    if deep is not None:
        return deep, (
            f"front matter is nested too deep: a line starts past column {MAX_INDENT} "
            "(indentation and '- ', '? ', ': ' markers); nest less"
        )
    return None


def bounded(text: str, limit: int, what: str, written: int = 0) -> tuple[str, str | None]:
    """``text`` within ``limit`` characters (cut at a word break, with "…"), and what was done to it,
    for a warning: ``what`` names it ("the title", "topics item 3"); ``written``: the length of
    what it was made from, when that was longer."""
    if len(text) <= limit:
        return text, None
    problem = f"{what} has {max(len(text), written):,} characters, over the limit of {limit:,}; it is cut"
    return cut_after_word(text, limit), problem


def bounded_topic(name: str, what: str) -> tuple[str, str | None]:
    """A topic's name within ``MAX_TOPIC_CHARS``, as ``bounded``, and ending in a short hash of
    the whole when cut: two long names alike in their first 200 characters were one topic,
    without a word. The hash is of the name in one case and Unicode form, as topics whose names
    differ only so are one."""
    if len(name) <= MAX_TOPIC_CHARS:
        return name, None
    digest = short_hash(unicodedata.normalize("NFC", name).casefold())
    problem = (
        f"{what} has {len(name):,} characters, over the limit of {MAX_TOPIC_CHARS:,}; it is cut, "
        f"and ends in {digest}, a short hash of the whole name"
    )
    return f"{cut_after_word(name, MAX_TOPIC_CHARS - 9)} {digest}", problem


def too_many_topics(count: int) -> str:
    return f"topics has {count:,} names, over the limit of {MAX_TOPICS}; the first {MAX_TOPICS} are used"


_LEADING_SPACE = re.compile(r"\s*")


def bounded_body(body: str, markdown: bool) -> tuple[str, bool, list[str]]:
    """``body`` within ``MAX_BODY_CHARS``, without blank lines around it; whether it may be
    rendered as Markdown (when it was Markdown); what was done to it, for warnings. Markdown keeps
    its first line's indentation: four spaces start a code block (it was a paragraph)."""
    text = body.strip()
    # With the spaces before its first line, unless HTML (an export's, indented as a whole).
    if markdown and text and text[0] != body[0] and text[0] != "<":
        head = body[: _LEADING_SPACE.match(body).end()]  # type: ignore[union-attr]  # (it always matches)
        text = head[len(head.rstrip(" \t")) :] + text
    body = text
    problems = []
    if len(body) > MAX_BODY_CHARS:
        problems.append(
            f"the body has {len(body):,} characters, over the limit of {MAX_BODY_CHARS:,}; "
            "the feeds carry its beginning"
        )
        body = _cut(body, MAX_BODY_CHARS)
    if markdown and len(body) > MAX_MARKUP_MICROSECONDS // max(MARKUP_COST.values()):
        cost = sum(body.count(character) * each for character, each in MARKUP_COST.items())
        if cost > MAX_MARKUP_MICROSECONDS:
            problems.append(
                f"the body's Markdown ([, *, line breaks...) would take up to {cost / 1e6:.1f} s to render,"
                f" over the limit of {MAX_MARKUP_MICROSECONDS / 1e6:.0f} s; it is shown as plain text"
            )
            markdown = False
    return body, markdown, problems


def _cut(text: str, limit: int) -> str:
    """The start of ``text``, at most ``limit`` characters, ending at a paragraph break or a space
    in its last quarter if there is one, then "…"."""
    head = text[: limit - 2]
    for mark in ("\n\n", " "):
        end = head.rfind(mark, limit * 3 // 4)
        if end > 0:
            return head[:end].rstrip() + " …"
    return head + "…"
