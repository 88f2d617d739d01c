"""Names made from text: the slugs of topics' and entries' paths, and the ids of articles
without a URL, stable across file systems and Unicode forms."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid

_MAX_SLUG = 80
#: Room for a suffix and an extension within the usual limit of 255 bytes for a file name.
_MAX_SLUG_BYTES = 200
# Path segments that would mean something else on a file system or a web server.
_RESERVED_SLUGS = {
    "all",  # the index page's anchor for every entry
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}
_ID_NAMESPACE = uuid.UUID("6f1d1c2e-4b1a-5d0e-9c57-0f33d1a2b6c4")


def composed(name: str) -> str:
    """``name`` in Unicode's composed form (NFC), which ids take: macOS and what copies from it
    write ``é`` in file names as two code points (NFD)."""
    return name if name.isascii() else unicodedata.normalize("NFC", name)


def path_id(source: str) -> str:
    """Stable id for something without a URL: a name-based UUID (UUID-5) of its content path.

    Made as ``uuid.uuid5`` makes it, from the path's UTF-8 bytes in Unicode's composed form (NFC):
    macOS and what copies from it write ``é`` in names as two code points (NFD), Linux keeps what
    it is given, and one article must keep its id on either. A file name that is not UTF-8 (whose
    bytes Python keeps as lone surrogates) does not raise: ``uuid5`` encodes strictly."""
    name = composed(source).encode("utf-8", "surrogatepass")
    digest = hashlib.sha1(_ID_NAMESPACE.bytes + name, usedforsecurity=False).digest()
    return f"urn:uuid:{uuid.UUID(bytes=digest[:16], version=5)}"


def slugify(name: str, kind: str = "topic") -> str:
    """URL path segment for a topic name or an entry's title: ``Computer Vision`` → ``computer-vision``.

    Accents on Latin and Greek letters are folded (é → e, ά → α); other scripts are kept whole,
    with their vowel signs and marks (हिन्दी, で, й), since there a mark makes another letter.
    A name with no letters or digits gets ``<kind>-`` and a short hash so it still has a stable
    slug, and a name that a file system reserves gets a ``-<kind>`` suffix. A slug is at most 80
    characters and 200 bytes of UTF-8, so that it fits a file name in any script; a topic's or a
    channel's slug cut to fit ends in a short hash of the whole, so that long names stay apart.
    """
    if name.isascii():
        return _finish_slug(name.lower(), name, kind)
    kept: list[str] = []
    folds = False  # whether the marks that follow sit on a Latin or Greek letter
    for char in unicodedata.normalize("NFKD", name):
        if unicodedata.combining(char):
            if folds:
                continue
        else:
            folds = unicodedata.name(char, "").startswith(("LATIN", "GREEK"))
        kept.append(char)
    return _finish_slug(unicodedata.normalize("NFC", "".join(kept)).lower(), name, kind)


#: Runs of what a slug makes one "-" of, in ASCII text (a "-" included).
_NOT_ASCII_ALNUM = re.compile("[^A-Za-z0-9]+")


def _finish_slug(text: str, name: str, kind: str) -> str:
    if text.isascii():  # letters and digits are ASCII's only letters, numbers and marks
        whole = _NOT_ASCII_ALNUM.sub("-", text).strip("-")
    elif not any(unicodedata.category(c)[0] in "LN" for c in text):
        whole = ""  # marks alone ("\ufe0f", "\u0301") are no name: they show nothing or a lone accent
    else:
        whole = "".join(c if unicodedata.category(c)[0] in "LNM" else "-" for c in text)
        whole = re.sub("-{2,}", "-", whole).strip("-")
    slug = whole[:_MAX_SLUG]
    while len(slug.encode("utf-8", "surrogatepass")) > _MAX_SLUG_BYTES:
        slug = slug[:-1]  # file names are limited in bytes: 80 letters of some scripts are 320
    slug = slug.rstrip("-")
    if not slug:
        return f"{kind}-{short_hash(name)}"
    if slug != whole and kind != "entry":
        # Two long names alike in their first 80 letters were one topic: a cut slug ends in a
        # hash of the whole (of the slug, so that names one slug apart in case or form still merge).
        # Entry pages keep their cut slugs (and their addresses): titles alike get -2, -3 there.
        while len(slug) > _MAX_SLUG - 9 or len(slug.encode("utf-8", "surrogatepass")) > _MAX_SLUG_BYTES - 9:
            slug = slug[:-1]
        slug = f"{slug.rstrip('-')}-{short_hash(whole)}"
    if slug in _RESERVED_SLUGS:
        return f"{slug}-{kind}"
    if kind != "entry" and slug.endswith(f"-{kind}") and slug[: -len(kind) - 1] in _RESERVED_SLUGS:
        # "All Topic" would take the slug "all" gets, and the two topics be one (an outside probe).
        return f"{slug}-{short_hash(whole)}"
    return slug


def short_hash(text: str) -> str:
    """Eight hex digits of ``text``'s SHA-1: what keeps apart slugs (and cut topic names) that
    would otherwise be one."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
