"""HTML for entry content: Markdown or plain text in, sanitised HTML out."""

from __future__ import annotations

import html
import re
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from feeds.markup import TAG_ATTRIBUTES
from feeds.markup import end_tags
from feeds.markup import stays_markup
from feeds.model import BodyFormat
from feeds.model import Entry
from feeds.text import html_text
from feeds.text import legacy_references
from feeds.urls import may_mislead
from feeds.urls import misleading_link

#: Markdown's nesting, in levels: CommonMark's preset stops at 20, and what is nested deeper is
#: dropped, with everything after it (a list nested 10 deep lost its last item and the paragraphs
#: below; an outside probe). 50 holds lists 23 deep and quotes 47 deep; a body that reaches it is
#: shown as plain text. Links nested as deep cost 0.7 s at most within ``MAX_MARKUP_MICROSECONDS``.
MAX_NESTING = 50
_markdown = MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING}).enable(
    ["table", "strikethrough"]
)


def _inline_html_as_text(state: StateCore) -> None:
    """Inline HTML that is no markup (``stays_markup``) is text: escaped, not swallowing the rest."""
    if "<" not in state.src:
        return
    closing = end_tags(state.src)
    for token in state.tokens:
        if token.type == "html_block":  # "<template>" on a line of its own: a paragraph of text
            first = _FIRST_TAG.match(token.content)
            if first is not None and not stays_markup(first[1], closing):
                token.content = f"<p>{html.escape(token.content.strip(), quote=False)}</p>\n"
        for child in token.children or ():
            if child.type == "html_inline" and not stays_markup(child.content, closing):
                child.type = "text"


_FIRST_TAG = re.compile(r"\s*(<[^<>\n]*>?)")


def _legacy_references(state: StateCore) -> None:
    """Numeric references read as HTML reads them (``text.legacy_references``): in the text, where
    CommonMark makes "\ufffd" of ``&#146;`` and ``&#0;``, and in raw HTML; never in code."""
    if "&#" not in state.src:
        return
    pending = list(state.tokens)
    while pending:
        token = pending.pop()
        if token.type in ("html_block", "html_inline"):
            token.content = legacy_references(token.content)
        elif token.type == "text_special" and token.info == "entity" and token.markup.startswith("&#"):
            read = legacy_references(token.markup)
            token.content = token.content if read == token.markup else read
        for name in ("href", "src", "title"):  # links and images: the reference left as written
            value = token.attrs.get(name)
            if isinstance(value, str) and "&#" in value:
                read = legacy_references(value)
                token.attrs[name] = read if name == "title" else _markdown.normalizeLink(read)
        pending.extend(token.children or ())  # an image's alt text is its children's


_markdown.core.ruler.before("text_join", "legacy_references", _legacy_references)
_markdown.core.ruler.push("inline_html_as_text", _inline_html_as_text)
#: An entry's content HTML is at most about this long: one whose body renders longer (links gain
#: attributes, a table's cells tags) carries its body as plain text instead, cut to fit. The body
#: itself is bounded when it is loaded (``source.limits``); this bounds what it can grow to.
MAX_CONTENT_CHARS = 500_000
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_CLEAN_CONTENT = {"script", "style"}
_URL_SCHEMES = {"http", "https"}
#: An author's own text direction (``<p dir="rtl">`` in Arabic, Hebrew or Persian) is kept on the
#: elements that hold text, with the values HTML knows; nh3 drops ``dir`` everywhere but ``bdo``.
_DIRECTION = {"dir": {"ltr", "rtl", "auto"}}
_TEXT_DIRECTIONS = {
    tag: _DIRECTION
    for tag in (
        "p", "div", "span", "blockquote", "pre", "q", "cite", "bdi", "em", "strong", "a", "abbr",
        "ul", "ol", "li", "dl", "dt", "dd", "table", "caption", "thead", "tbody", "tr", "td", "th",
        "figure", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6",
    )
}  # fmt: skip


#: nh3's tags but those the W3C feed validator calls a security risk in a feed: ``bdo`` (which
#: turns text around, for spoofing) and ``rtc`` (their text stays).
_TAGS = nh3.ALLOWED_TAGS - {"bdo", "rtc"}
#: An entry's page loads nothing from elsewhere (``pages.PAGE_POLICY``): no images in it.
_PAGE_TAGS = _TAGS - {"img"}
#: nh3's attributes without ``cite`` (of blockquote, q, del, ins), an address nh3 does not check
#: against ``url_schemes``: ``cite="javascript:..."`` went out as written.
_ATTRIBUTES = {tag: names - {"cite"} for tag, names in nh3.ALLOWED_ATTRIBUTES.items() if tag in _TAGS}


def sanitize(fragment: str, base_url: str | None, tags: set[str] | None = None) -> str:
    """Keep harmless markup only: no scripts, handlers, styles or frames; http(s) links only.

    Relative links are made absolute against ``base_url`` (the article's own URL), or dropped
    when there is none, since a feed reader has no base to resolve them against. ``tags``
    narrows the set of tags kept (``_TAGS``).
    """
    relative: Any = ("rewrite_with_base", base_url) if base_url else "deny"
    try:
        return _cleaned(fragment, tags, relative)
    except ValueError:  # a base nh3's URL parser refuses ("http://999.999.999.999/"): no base
        return _cleaned(fragment, tags, "deny")


def _cleaned(fragment: str, tags: set[str] | None, relative: Any, honest: bool = False) -> str:
    cleaned: str = nh3.clean(
        fragment,
        tags=_TAGS if tags is None else tags,
        attributes=_ATTRIBUTES,
        clean_content_tags=_CLEAN_CONTENT,
        url_schemes=_URL_SCHEMES,
        url_relative=relative,
        tag_attribute_values=_TEXT_DIRECTIONS,
        attribute_filter=_honest_address if honest else None,
    )
    if (
        not honest
        and may_mislead(cleaned)
        and any(misleading_link(html.unescape(match[1])) for match in _ADDRESS.finditer(cleaned))
    ):
        # Rare: cleaned again, dropping such addresses (a filter on every attribute of every
        # body would cost each of them a call into Python).
        return _cleaned(fragment, tags, relative, honest=True)
    return cleaned


#: An address in the sanitiser's output (it writes attributes in double quotes, escaped).
_ADDRESS = re.compile(r'\s(?:href|src)="((?i:https?:)[^"]*|[/\\][/\\][^"]*)"')


def _honest_address(element: str, attribute: str, value: str) -> str | None:
    """An ``href`` or ``src`` that goes where it reads, else None: the attribute is dropped."""
    return None if attribute in ("href", "src") and misleading_link(value) else value


def body_html(body: str, body_format: BodyFormat) -> str:
    """Unsanitised HTML of an article body."""
    if body_format is BodyFormat.MARKDOWN:
        env: dict[str, object] = {}
        tokens = _markdown.parse(body, env)
        if tokens and max(token.level for token in tokens) >= MAX_NESTING - 1:
            # At the limit the parser drops what is nested deeper and can drop all that follows
            # (a list 25 deep lost the rest of the body): as plain text, every word stays.
            return plain_html(body)
        rendered: str = _markdown.renderer.render(tokens, _markdown.options, env)
        return rendered
    return plain_html(body)


def plain_html(text: str, limit: int | None = None) -> str:
    """Paragraphs of plain text as sanitised HTML; with ``limit``, cut so that the HTML (measured
    with ``html.escape``) is at most that long."""
    out = []
    size = 0
    for paragraph in _paragraphs(text):
        if limit is not None:
            length = len(html.escape(paragraph)) + len("<p></p>\n")
            if size + length > limit:
                # Escaping makes a character at most 6 long (&quot;), so this much of it fits.
                room = (limit - size - len("<p> …</p>\n")) // 6
                if room > 0:
                    out.append(f"<p>{_as_sanitised(paragraph[:room])} …</p>\n")
                break
            size += length
        out.append(f"<p>{_as_sanitised(paragraph)}</p>\n")
    return "".join(out)


def _paragraphs(text: str) -> list[str]:
    """The paragraphs of plain text: what blank lines part, stripped; none empty."""
    return [paragraph for paragraph in map(str.strip, _PARAGRAPH_BREAK.split(text)) if paragraph]


def _as_text(text: str) -> str:
    """``text`` with line ends and NULs as HTML reads them: one "\\n", and none."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\0", "") if "\0" in text else text


def _as_sanitised(text: str) -> str:
    """``text`` as the sanitiser writes the text of ``<p>{html.escape(text)}</p>``, without it:
    a plain-text body's paragraphs are text only, and sanitising them took 270 µs of each
    plain-text article's page (1.6 KB), more than the rest of the page. html5ever reads line
    ends as one "\\n" and drops NUL, and escapes ``&``, ``<``, ``>`` and no-break spaces in text
    (the property tests in tests/test_plain_body.py compare the two)."""
    text = _as_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\xa0", "&nbsp;") if "\xa0" in text else text


def entry_html(entry: Entry) -> str:
    """The full, sanitised content of an entry.

    Lead image first, then the body (or the excerpt when there is none), then the parent story
    for a related item, then the "More coverage" list for an article with related items. A body
    whose HTML would make the content longer than ``MAX_CONTENT_CHARS`` is shown as plain text.
    """
    return _bounded(entry, images=True)


def page_html(entry: Entry) -> str:
    """The content of an entry for its page in the site: as in the feeds, without images."""
    return _bounded(entry, images=False)


def _bounded(entry: Entry, images: bool) -> str:
    content = _content(entry, images, entry.body_format)
    if len(content) > MAX_CONTENT_CHARS and entry.body.strip():
        content = _content(entry, images, None)
    return content


def _content(entry: Entry, images: bool, body_format: BodyFormat | None) -> str:
    """The content with the body in ``body_format``, or as plain text cut to fit (None)."""
    before = []
    if images and entry.image is not None:
        size = "".join(
            f' {name}="{value}"'
            for name, value in (("width", entry.image.width), ("height", entry.image.height))
            if value
        )
        alt = html.escape(entry.image.alt)
        before.append(f'<p><img src="{html.escape(entry.image.url)}" alt="{alt}"{size}></p>\n')
    body = ""
    has_body = bool(entry.body.strip())
    plain = has_body and body_format is not BodyFormat.MARKDOWN
    if plain:  # sanitised as it is made: only the markup around it goes through the sanitiser
        body = plain_html(entry.body, MAX_CONTENT_CHARS // 2 if body_format is None else None)
    elif has_body:
        body = body_html(entry.body, BodyFormat.MARKDOWN)
        if not images:  # on the entry's page: under the page's <h1>, and loading no image
            body = _images_as_text(_headings_below_h1(body))
    elif entry.summary:
        body = f"<p>{html.escape(entry.summary)}</p>\n"
    after = []
    if entry.via is not None:
        after.append(f"<p>Related to: {_link(entry.via.url, entry.via.title)}</p>\n")
    if entry.related:
        items = "".join(
            f"<li>{_link(link.url, link.title)}"
            + (f" ({html.escape(link.provider)})" if link.provider else "")
            + "</li>\n"
            for link in entry.related
        )
        level = 3 if images else 2  # on the entry's page, a section of the page
        after.append(f"<h{level}>More coverage</h{level}>\n<ul>\n{items}</ul>\n")
    if not (before or body or after):  # feed validators flag blank content; the title is all there is
        body = f"<p>{html.escape(entry.title)}</p>\n"
    tags = None if images else _PAGE_TAGS
    if plain:  # each side's markup is whole (every element it opens, it closes)
        content = _sanitized(before, entry.url, tags) + body + _sanitized(after, entry.url, tags)
    else:
        content = sanitize("".join((*before, body, *after)), entry.url, tags)
    # A body that sanitising empties (only a script, a comment) is blank content too. What has
    # any text or an image is longer than this; only shorter results need a closer look.
    if len(content) < _BLANK_AT_MOST and "<img" not in content and not html_text(content):
        content = f"<p>{html.escape(entry.summary or entry.title)}</p>\n"
    return content


_HEADING = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)
_IMAGE = re.compile(rf"<img(?=[\s/>]){TAG_ATTRIBUTES}>?", re.IGNORECASE)
_ALT = re.compile(r"""\salt\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


def _images_as_text(body: str) -> str:
    """``body`` (HTML) with each image that has a text alternative written as that text: an
    entry's page loads nothing from elsewhere, and the author's description of a chart went with
    its image (an outside probe). The sanitiser still sees the result."""

    def as_text(match: re.Match[str]) -> str:
        alt = _ALT.search(match[0])
        text = html.unescape(alt[1] if alt[1] is not None else alt[2]).strip() if alt else ""
        return f"<span>[Image: {html.escape(text)}]</span>" if text else ""

    return _IMAGE.sub(as_text, body)


def _headings_below_h1(body: str) -> str:
    """``body`` (HTML) with its headings moved down so that the highest is an <h2>: on a page whose
    title is its <h1>, a body's ``# Heading`` made a second one (an outside probe). The sanitiser
    still sees the result."""
    levels = [int(match[2]) for match in _HEADING.finditer(body)]
    shift = 2 - min(levels) if levels else 0
    if shift <= 0:
        return body
    return _HEADING.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + shift, 6)}", body)


def _sanitized(parts: list[str], base_url: str | None, tags: set[str] | None) -> str:
    return sanitize("".join(parts), base_url, tags) if parts else ""


#: Longest content that may show nothing: empty paragraphs and the like.
_BLANK_AT_MOST = 200


#: Longest summary made from a body, in characters.
SUMMARY_LENGTH = 300
#: Where a writer ends an article's summary in its body: WordPress's, Jekyll's and Hugo's
#: "<!--more-->", Hexo's "<!-- more -->", WordPress's "<!--more Read on-->", Docusaurus's
#: "<!--truncate-->".
MORE = re.compile(r"<!--\s*(?:more|truncate)\b")


def before_more(body: str) -> str:
    """The part of ``body`` before its first ``<!--more…-->``, or all of it. The marker's end is
    looked for once: when the first marker has none, no later one has (a pattern that looked
    from each "<!--more" to the end took 71 s over a body of 22,000 of them)."""
    marker = MORE.search(body)
    if marker is None or body.find("-->", marker.end()) < 0:
        return body
    return body[: marker.start()]


def summary_text(entry: Entry) -> str:
    """What a summary feed says of an entry: its summary; for one without, the start of its body
    (up to a ``<!--more-->``, if any) as plain text (cut at a word, at most ``SUMMARY_LENGTH``
    characters); else its title.

    Feed readers and validators expect some text in an entry, and a summary feed carries no
    content (W3C feed validator: "Missing textual content").
    """
    if entry.summary:
        return entry.summary
    body = before_more(entry.body)  # the part before the marker, where a writer put one
    if not body.strip():
        text = ""
    elif entry.body_format is BodyFormat.TEXT:  # as html_text reads its HTML, without reading HTML
        text = html_text(
            "".join(f" {_as_text(paragraph)} \n" for paragraph in _paragraphs(body)), literal=True
        )
    else:
        text = html_text(sanitize(body_html(body, entry.body_format), None))
    if len(text) > SUMMARY_LENGTH:
        text = text[: SUMMARY_LENGTH - 1].rsplit(" ", 1)[0].rstrip(" ,;:.") + "…"
    return text or entry.title


def _link(url: str, title: str) -> str:
    return f'<a href="{html.escape(url)}">{html.escape(title)}</a>'
