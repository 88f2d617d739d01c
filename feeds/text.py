"""Small pure helpers for strings: XML-safe text, URLs, slugs."""

from __future__ import annotations

import functools
import html
import re
import unicodedata

import nh3

from feeds.markup import END_TAG
from feeds.markup import RAW_TEXT
from feeds.markup import live
from feeds.markup import markup_or_text
from feeds.markup import tags_sub

# XML 1.0 allows only \t \n \r, U+0020-U+D7FF, U+E000-U+FFFD and U+10000-U+10FFFF
# (https://www.w3.org/TR/xml/#charsets); we also drop C1 controls and Unicode's other
# non-characters (U+FDD0-U+FDEF, the last two code points of every plane), which are legal but
# never meant in prose and trip feed validators (XML 1.0, section 2.2, asks authors to avoid them).
# Written as what is refused: the class of what is allowed took 10 ms to compile, at every start.
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17)
)
NOT_XML_CHAR = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]")
#: Characters that show nothing and are no space: a byte order mark, a zero-width space, a word
#: joiner, direction marks (Unicode's format characters that text holds by mistake).
FORMAT_CHARACTER = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")
_LOOKS_LIKE_MARKUP = re.compile(r"<[A-Za-z/!][^<>]*>|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+);")


def xml_safe(value: str) -> str:
    """Remove characters XML cannot carry (control characters, lone surrogates); a C1 control
    that Windows-1252 has a character for becomes that character."""
    if value.isprintable():  # the common case, tested in C: no printable character is refused
        return value
    return NOT_XML_CHAR.sub("", value.translate(_C1_AS_WINDOWS_1252))


#: U+0080-U+009F → its byte's character in Windows-1252 (old WordPress databases hold "Don\x92t",
#: which removing broke to "Dont"; &#146; gives ’ as HTML reads it), where it has one.
_C1_AS_WINDOWS_1252 = {
    c: bytes([c]).decode("cp1252") for c in range(0x80, 0xA0) if c not in b"\x81\x8d\x8f\x90\x9d"
}


# Every byte except the C0 controls XML refuses and DEL; the C1 controls (U+0080-U+009F) and the
# non-characters are found by their UTF-8 forms: U+FFFE and U+FFFF, U+FDD0-U+FDEF, and the last
# two code points of planes 1 to 16 (F0-F4, then 8F, 9F, AF or BF, then BF BE or BF BF).
_XML_SAFE_BYTES = bytes(b for b in range(256) if b in b"\t\n\r" or (b >= 0x20 and b != 0x7F))
_C1_CONTROL_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")
#: Starting with one class lets the search skip ahead to a lead byte (3 times quicker).
_NONCHARACTER_UTF8 = re.compile(
    rb"[\xef\xf0-\xf4](?:(?<=\xef)(?:\xbf[\xbe\xbf]|\xb7[\x90-\xaf])|(?<!\xef)[\x8f\x9f\xaf\xbf]\xbf[\xbe\xbf])"
)


def xml_safe_utf8(data: bytes) -> bool:
    """Whether UTF-8 ``data`` decodes to text ``xml_safe`` leaves as it is (tested in C, on bytes)."""
    return (
        not data.translate(None, _XML_SAFE_BYTES)
        and _C1_CONTROL_UTF8.search(data) is None
        # Every non-character's UTF-8 form holds the byte BF or B7, which most text has not: a look
        # for each (memchr) spares most files the pattern's search, 30 times slower.
        and not ((b"\xbf" in data or b"\xb7" in data) and _NONCHARACTER_UTF8.search(data) is not None)
    )


def plain_text(value: str) -> str:
    """Text for a title or an excerpt: markup removed, entities decoded, spaces collapsed. Text
    with nothing tag- or entity-like is left alone ("x < y" stays); text that shows nothing is "".
    """
    if value.isprintable():  # XML-safe, and no line breaks, tabs or other spaces than " " to fold
        if (
            "<" not in value
            and "&" not in value
            and "  " not in value
            and not value.startswith(" ")
            and not value.endswith(" ")
            and (value.isascii() or _visible(value))  # "\u3164" is printable and shows nothing
        ):
            return value  # the common case, tested in C
    else:
        value = xml_safe(value)
    if "<" in value:
        last_end_tags = {match[1].lower(): match.start() for match in END_TAG.finditer(value)}
        value = tags_sub(functools.partial(markup_or_text, last_end_tags), value)
    if ("<" in value or "&" in value) and _LOOKS_LIKE_MARKUP.search(value):
        value = _stripped(_LONE_AMPERSAND.sub("&amp;", value))
    return _finished(value)


#: An "&" that starts no entity ended by ";": HTML reads "&param=2" as "¶m=2" and "&copy 2024"
#: as "© 2024", which a writer of "?a=1&param=2" did not mean.
_LONE_AMPERSAND = re.compile(r"&(?!#[0-9]+;|#[xX][0-9A-Fa-f]+;|[A-Za-z][A-Za-z0-9]*;)")


def html_text(fragment: str, literal: bool = False) -> str:
    """The text of HTML this program made (sanitised content): every tag stripped, entities
    decoded, spaces collapsed. ``literal``: the same for ``fragment`` escaped, read as text."""
    return _finished(_stripped(fragment, literal))


def legacy_references(text: str) -> str:
    """``text`` with its numeric character references read as HTML reads them where the Markdown
    reader and the sanitiser would make "\ufffd" of them: ``&#146;`` as Windows-1252's "’" (as
    old WordPress posts write it; CommonMark makes the replacement character of it), and one of a
    character no XML carries (``&#0;``, ``&#xD800;``, ``&#1;``, ``&#xFFFE;``) removed."""
    return _NUMERIC_REFERENCE.sub(_reference, text) if "&#" in text else text


_NUMERIC_REFERENCE = re.compile(r"&#(?:([0-9]{1,8})|[xX]([0-9A-Fa-f]{1,8}));")


def _reference(match: re.Match[str]) -> str:
    code = int(match[1]) if match[1] else int(match[2], 16)
    if 0x80 <= code <= 0x9F:  # Windows-1252's characters, where it has one
        char = html.unescape(match[0])
        return "" if NOT_XML_CHAR.match(char) else char
    return "" if code > 0x10FFFF or NOT_XML_CHAR.match(chr(code)) else match[0]


def _stripped(value: str, literal: bool = False) -> str:
    if not literal:
        value = _BREAKING_TAG.sub(" ", legacy_references(value))  # "vote<br>Council": words stay apart
        value = html.unescape(nh3.clean(value, tags=set(), clean_content_tags=RAW_TEXT))
    value = xml_safe(value)
    # Entities may have written a tag ("&lt;script&gt;"): as text it would be one again to a reader
    # that takes an RSS title for HTML, and feed validators warn of HTML there.
    return tags_sub(_inert, value) if "<" in value else value


def _inert(match: re.Match[str]) -> str:
    """A tag-like text that would do something as HTML, dropped; anything else kept."""
    whole, name = match[0], match[2]
    return "" if name is not None and live(name.lower(), whole) else whole


def _finished(value: str) -> str:
    if value.isascii():
        return " ".join(value.split())
    # No-break spaces are the writer's: "10\u00a0km", French "«\u202ftest\u202f»".
    kept = "\u00a0" in value or "\u2007" in value or "\u202f" in value
    value = _FOLDED_SPACES.sub(" ", value).strip() if kept else " ".join(value.split())
    if not _visible(value):  # "\u200b", a lone direction mark: no text
        return ""
    return closed_bidi(value)


#: Runs of white space but no-break spaces (U+00A0, U+2007, U+202F); without them, str.split() is faster.
_FOLDED_SPACES = re.compile(r"[^\S\u00a0\u2007\u202f]+")
_BIDI_OPENER = re.compile("[\u202a\u202b\u202d\u202e\u2066-\u2068]")


def closed_bidi(text: str) -> str:
    """``text`` with every direction embedding, override or isolate it opens closed at its end:
    an unclosed right-to-left override in a title would reverse what a page or a reader shows
    after it (the date, the outlet), whatever the title's own text (Unicode UAX #9)."""
    return _closed_bidi(text) if _BIDI_OPENER.search(text) else text


def _closed_bidi(text: str) -> str:
    open_: list[str] = []
    isolates: list[int] = []  # where in ``open_`` each open isolate is: a look for the last one
    for char in text:  # of a list per closer was quadratic (70,000 of each took 53 s)
        if char in "\u202a\u202b\u202d\u202e":
            open_.append("\u202c")  # closed by POP DIRECTIONAL FORMATTING
        elif char in "\u2066\u2067\u2068":
            isolates.append(len(open_))
            open_.append("\u2069")  # closed by POP DIRECTIONAL ISOLATE
        elif char == "\u202c" and open_ and open_[-1] == "\u202c":
            open_.pop()
        elif char == "\u2069" and isolates:  # also closes what was opened inside it
            del open_[isolates.pop() :]
    return text + "".join(reversed(open_))


#: Characters that show nothing: format characters (zero-width spaces and joiners, direction
#: marks), spaces, letters that are blank by design (Hangul fillers, the blank braille cell), and
#: marks Unicode lets a font ignore (variation selectors, the grapheme joiner, Khmer's and
#: Mongolian's inherent vowels and selectors).
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
_BLANK_LETTERS = frozenset(
    "\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5"
    + "".join(map(chr, [*range(0x180B, 0x1810), *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)]))
)


def shows_nothing(text: str) -> bool:
    """Whether ``text`` is made only of spaces and characters that show nothing ("\u200b")."""
    return not _visible(text)


def _visible(text: str) -> bool:
    return any(
        unicodedata.category(char) not in _INVISIBLE_CATEGORIES and char not in _BLANK_LETTERS
        for char in text
    )


#: Tags that end a line or a block, which stripping must leave a space for (inline ones, such as
#: <b> in "un<b>believ</b>able", it must not).
_BREAKING_TAG = re.compile(
    r"<(?:br|hr|/?(?:p|div|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|section|article|dd|dt|pre))\b[^<>]*>",
    re.IGNORECASE,
)


def shown(message: str) -> str:
    """``message`` safe to print on a terminal or a log line: each character that is not printable
    (control characters such as ESC, line breaks, direction overrides) written as its escape,
    ``\\x1b``, ``\\n``, ``\\u202e``. A file name holding them could otherwise colour a terminal, split
    one message into two lines, or make the rest of a line read backwards."""
    if message.isprintable():
        return message
    return "".join(char if char.isprintable() or char == " " else _escaped(char) for char in message)


def _escaped(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


# After NFKD, the combining marks that sit on a Latin or Greek letter (a lookbehind of one character,
# then every mark that follows it): the accents that ``fold`` ignores, as ``slugify`` does.
_LATIN_GREEK_MARKS = re.compile(
    "(?<=[A-Za-z\u00c0-\u02af\u0370-\u03ff\u1d00-\u1dbf\u1e00-\u1fff\u2c60-\u2c7f\ua720-\ua7ff])"
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+"
)


def fold(text: str) -> str:
    """Text as keywords and channel words are compared: case and accents on Latin and Greek
    letters ignored, compatibility forms unified (full-width letters, ligatures), and every run of
    spaces and line breaks one space. ``Café  Crème`` → ``cafe creme``; other scripts keep their
    marks, as in ``slugify``."""
    if text.isascii():  # the common case, in C
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    return " ".join(unicodedata.normalize("NFC", _LATIN_GREEK_MARKS.sub("", decomposed)).split())


def has_word_character(text: str) -> bool:
    """Whether there is a letter or digit in ``text``."""
    return any(char.isalnum() for char in text)


def columns(text: str) -> int:
    """How many columns ``text`` takes on a terminal: wide characters (東京) take two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def plural(count: int, noun: str) -> str:
    """``1 file``, ``2 files``; ``1 entry``, ``2 entries``."""
    many = f"{noun[:-1]}ies" if noun.endswith("y") else f"{noun}s"
    return f"{count} {noun if count == 1 else many}"


def quoted_value(value: object, limit: int = 60) -> str:
    """A value read from YAML as a message quotes it: a scalar's repr, cut to about ``limit``
    characters, and a collection's kind only. repr() of a list that aliases make of itself a
    million times over ("a0: &a0 [x, x], a1: &a1 [*a0, *a0], ...") took gigabytes."""
    if isinstance(value, str):
        return repr(value if len(value) <= limit else value[:limit] + "…")
    if isinstance(value, (bool, float)) or (isinstance(value, int) and value.bit_length() <= 4 * limit):
        return repr(value)
    return kind_of(value)


def kind_of(value: object) -> str:
    """What a value read from YAML is, in words: "text", "a list", "a mapping", "a number"..."""
    return "text" if type(value) is str else _KINDS.get(type(value), type(value).__name__)


_KINDS = {dict: "a mapping", list: "a list", bool: "true/false", int: "a number", float: "a number"}


def cut_after_word(text: str, limit: int) -> str:
    """``text``, or its first ``limit`` characters or so, cut after a word, with "…"."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ", limit // 2)
    # What the cut text opens, its end (cut off) closed: closed again.
    return closed_bidi((head[:space] if space > 0 else head).rstrip() + "…")
