"""Bounds on what one article's body may cost to render, checked when it is loaded.

markdown-it-py takes about half a microsecond per character of ordinary prose, but up to about 50
per character that can open or close a construct (``[`` after ``!``, list markers, autolinks...):
``[a`` repeated a million times took 100 s, and a 4 MB table 39 s and 2.5 GB. nh3 (html5ever) is
quadratic in unclosed elements: 80,000 ``<div>`` took 41 s. A body is therefore cut at
``MAX_BODY_CHARS``, and a Markdown body with more than ``MAX_MARKUP`` such characters is shown as
plain text (escaped, in paragraphs: linear and cheap) instead; each with a warning. Rendering a
body within both limits takes about a second at worst (``docs/reliability.md`` has the figures),
and ``entry_html`` bounds what the rendering can grow to.
"""

from __future__ import annotations

#: A longer body is cut here (at a paragraph or word break); a long read is 100,000 characters.
MAX_BODY_CHARS = 200_000
#: A Markdown body with more characters of ``MARKUP`` is shown as plain text. Prose has one in
#: fifty to one in ten (full stops, quotes, line breaks, a link's brackets).
MAX_MARKUP = 20_000
#: What Markdown constructs (and HTML in Markdown) start, end or are made of, and the quotes of
#: link titles and attributes: at worst about 50 µs each (list items, "![a"), so 20,000 take
#: about a second.
MARKUP = "\n.[]()!*_`~<>&\\|#-+=:@\"'"


def bounded_body(body: str, markdown: bool) -> tuple[str, bool, list[str]]:
    """``body`` within ``MAX_BODY_CHARS``; whether it may be rendered as Markdown (when it was
    Markdown); what was done to it, for warnings."""
    problems = []
    if len(body) > MAX_BODY_CHARS:
        problems.append(
            f"the body has {len(body):,} characters, over the limit of {MAX_BODY_CHARS:,}; "
            "the feeds carry its beginning"
        )
        body = _cut(body, MAX_BODY_CHARS)
    if markdown and len(body) > MAX_MARKUP:
        markup = sum(map(body.count, MARKUP))
        if markup > MAX_MARKUP:
            problems.append(
                f"the body has {markup:,} Markdown characters ([, *, <, |, line breaks...), over the "
                f"limit of {MAX_MARKUP:,}; it is shown as plain text"
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
