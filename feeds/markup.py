"""HTML tags in text: which are markup, which are text, and which would do something as HTML."""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Collection

#: A tag (maybe never ended by ">": "<img src=x onerror=alert(1)//"), a comment, or a "<"
#: that starts neither. A tag's name runs, as HTML reads it, to a space, "/" or ">" ("<x-y",
#: "<svg:a" are tags too). A ">" in a quoted attribute value does not end the tag: taken for its
#: end, it left ``<img title="x>" src=x onerror=alert(1)>`` in an RSS title, live to a reader
#: that shows titles as HTML (an outside probe).
TAG_ATTRIBUTES = r"""(?:[^<>="']|=[ \t\n\r\f]*(?:"[^"]*"?|'[^']*'?)|[="'])*"""
_TAG = rf"(/?)([A-Za-z][^\s/<>]*)(?=[\s/>]|$){TAG_ATTRIBUTES}>?"
_TAG_OR_BRACKET = re.compile(rf"<(?:!--.*?-->|{_TAG})?", re.DOTALL)
#: The same without comments, for past the last "-->": there a comment never ends, and looking
#: for its end from every "<!--" was quadratic (30,000 of them in a title took 32 s).
_TAG_OR_BRACKET_UNCLOSED = re.compile(rf"<(?:{_TAG})?")


def tags_sub(replace: Callable[[re.Match[str]], str], value: str) -> str:
    """``_TAG_OR_BRACKET.sub(replace, value)``, in time linear in the number of "<!--"."""
    comments_end = value.rfind("-->") + 3 if "-->" in value else 0
    if "<!--" not in value[comments_end:]:
        return _TAG_OR_BRACKET.sub(replace, value)
    parts: list[str] = []
    done = 0
    for pattern, start, end in (
        (_TAG_OR_BRACKET, 0, comments_end),
        (_TAG_OR_BRACKET_UNCLOSED, comments_end, len(value)),
    ):
        for match in pattern.finditer(value, start, end):
            parts += (value[done : match.start()], replace(match))
            done = match.end()
    parts.append(value[done:])
    return "".join(parts)


#: Attributes as markup has them, each with a value: "<p and q>" in "0<p and q>1" is text.
_ATTRIBUTES = re.compile(r"""(?:\s+[^\s=/>"']+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))*\s*/?""")
#: Attributes that run or load something.
_LIVE_ATTRIBUTE = re.compile(
    r"[\s/\"']+(?:on[a-z]+|src|href|data|action|formaction|srcdoc|style|background|poster|codebase"
    r"|http-equiv|xlink:href)\s*=",
    re.IGNORECASE,
)
#: Elements that do something as HTML even without an attribute: they run or restyle what follows,
#: switch the parser into another mode, or turn the rest of a page into their text. Not those that
#: only show as a control or a table (``<select>``, ``<input>``, ``<table>``): titles of articles
#: about them name them ("Styling <select> elements"), and they run nothing.
_LIVE_ELEMENTS = frozenset(
    "script style svg math iframe noembed noframes noscript plaintext textarea title xmp".split()
)
#: Elements whose content HTML reads as raw text (entities not decoded): dropped with it, or the
#: sanitiser escaped it again ("&lt;p" was shown to readers as written).
RAW_TEXT = {"script", "style", "iframe", "noembed", "noframes", "noscript", "xmp"}
END_TAG = re.compile(r"</([A-Za-z][^\s/<>]*)")
#: HTML's elements (with a few obsolete ones that feeds still carry); any other name in angle
#: brackets is text: "List<String>", "Vector<int>", "<john@example.com>".
_HTML_ELEMENTS = frozenset(
    """a abbr acronym address area article aside audio b base bdi bdo big blink blockquote body br
    button canvas caption center cite code col colgroup data datalist dd del details dfn dialog div
    dl dt em embed fieldset figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head
    header hgroup hr html i iframe img input ins kbd label legend li link main map mark marquee menu
    meta meter nav nobr noframes noscript object ol optgroup option output p param picture plaintext
    pre progress q rb rp rt rtc ruby s samp script search section select slot small source span strike
    strong style sub summary sup svg math table tbody td template textarea tfoot th thead time title
    tr track tt u ul var video wbr xmp""".split()
)
#: Elements that have no end tag, or whose end tag HTML lets a writer leave out.
_UNCLOSED_ELEMENTS = frozenset(
    """area base br col embed frame hr img input link meta param source track wbr
    p li dt dd tr td th thead tbody tfoot option optgroup rb rp rt colgroup caption html head body""".split()
)


def markup_or_text(last_end_tags: dict[str, int], match: re.Match[str]) -> str:
    """A tag of an HTML element stays markup if it is an end tag, has no end tag (or may leave
    it out), or its end tag follows; anything else is text ("a<b and b>c": no "</b>", so no
    bold). So an unclosed "<script>" in "Why <script> tags block rendering" or "<template>" in
    "The <template> tag" does not swallow the rest of the title."""
    whole = match[0]
    name = match[2]
    if whole.startswith("<!--"):
        return whole
    if name is not None:
        ended = whole.endswith(">")
        attributes = whole[len(name) + len(match[1]) + 1 : -1 if ended else None]
        closed = bool(match[1]) or last_end_tags.get(name.lower(), -1) > match.start()
        if ended and _ATTRIBUTES.fullmatch(attributes) and _is_markup_tag(name, closed):
            return whole
        name = name.lower()
        if live(name, whole):
            # Kept as text, it would be a live tag to a reader that shows an RSS title or a
            # channel's description as HTML ("<script>alert(1)//", "<img src=x onerror=..."): dropped.
            return ""
    return "&lt;" + whole[1:]


def stays_markup(tag: str, end_tags: Collection[str]) -> bool:
    """Whether the start tag ``tag`` (``<template>``) of a Markdown body's inline HTML is markup:
    an HTML element written in lower or upper case whose end tag the body has (``end_tags``, lower
    case) or needs none. Else it is text, for the rest of the body not to vanish into it (a
    ``<template>`` or ``Array<Object>`` in prose took the whole article with it)."""
    match = _TAG_OR_BRACKET.match(tag)
    if match is None or match[2] is None or match[1] or not tag.endswith(">"):
        return True  # an end tag, a comment: as it is
    return _is_markup_tag(match[2], match[2].lower() in end_tags)


def _is_markup_tag(written: str, closed: bool) -> bool:
    """Whether a tag named ``written`` is markup: an HTML element written in lower or upper case
    (``<Input>``, ``<Link>``: a type, a component), that is ``closed`` (an end tag, or one that
    follows) or needs no end tag."""
    name = written.lower()
    return (
        (written.islower() or written.isupper())
        and name in _HTML_ELEMENTS
        and (closed or name in _UNCLOSED_ELEMENTS)
    )


def end_tags(text: str) -> set[str]:
    """The names of the end tags in ``text``, in lower case."""
    return {match[1].lower() for match in END_TAG.finditer(text)}


def live(name: str, tag: str) -> bool:
    """Whether a tag-like text would run or load something as HTML."""
    return name in _LIVE_ELEMENTS or _LIVE_ATTRIBUTE.search(tag) is not None
