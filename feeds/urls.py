"""Absolute http(s) URLs: which may go into a feed, written as URIs, and their canonical form."""

from __future__ import annotations

import functools
import ipaddress
import re
from urllib.parse import SplitResult
from urllib.parse import parse_qsl
from urllib.parse import quote
from urllib.parse import urlencode
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

from feeds.text import NOT_XML_CHAR

# Absolute http(s) URLs made only of characters that need no checking or normalising; anything
# else (upper-case schemes, user info, spaces, empty queries...) takes the careful path.
_SIMPLE_URL = re.compile(
    r"https?://(?P<host>[A-Za-z0-9.-]{1,253})(?::(?P<port>[0-9]{1,5}))?(?:/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?"
    r"(?:\?[A-Za-z0-9._~!$&'()*+,;=:@%/?-]+)?(?:#[A-Za-z0-9._~!$&'()*+,;=:@%/?-]+)?"
)
_MAX_PORT = 65535
#: The longest host name DNS holds (RFC 1035 §2.3.4: 255 bytes with its length octets). A longer
#: international one took seconds to convert to punycode, again for each document it was in.
MAX_HOST = 253
# The host and port of a bracketed (IPv6) authority: nothing may follow the "]" but a port.
_BRACKETED_HOST = re.compile(r"\[[^\]]*\](?::[0-9]*)?")


# Lower-case http(s) URLs with a path and no port, user, query or fragment are their own canonical form.
_CANONICAL_ALREADY = re.compile(r"https?://[a-z0-9-]+(?:\.[a-z0-9-]+)*/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*")


#: A "%" that does not start an escape of two hexadecimal digits (RFC 3986 §2.1).
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
#: Bidirectional formatting characters, which an IRI must not contain (RFC 3987 §4.1): they make
#: an address read otherwise than it goes ("https://example.com/\u202efdp.exe").
_BIDI_CONTROL = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def http_url(value: str) -> str | None:
    """The URL if it is an absolute http(s) URL that can go into a feed as it is, else None.

    Not one with a user name or password in it (they would be published), or with bidirectional
    formatting characters; a "%" that starts no escape ("?off=50%") is escaped as "%25"."""
    if "%" in value and _BAD_PERCENT.search(value):
        value = _BAD_PERCENT.sub("%25", value)
    simple = _SIMPLE_URL.fullmatch(value)
    if simple:
        if not _is_host(simple["host"]):
            return None
        return value if simple["port"] is None or int(simple["port"]) <= _MAX_PORT else None
    value = value.strip()
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number up to 65535
    except ValueError:  # "http://[::1/x", "https://host:99999/": urllib refuses them
        return None
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.hostname
        or _too_long(parts.hostname, idna=False)
    ):
        return None
    host_port = parts.netloc.rpartition("@")[2]
    if host_port.startswith("[") and not (_BRACKETED_HOST.fullmatch(host_port) and _ipv6(host_port)):
        return None
    if any(c in value for c in '\x00\n\r\t <>"') or NOT_XML_CHAR.search(value):
        return None
    if "@" in parts.netloc or _BIDI_CONTROL.search(value):
        return None
    if not host_port.startswith("[") and parts.hostname.isascii() and not _is_host(parts.hostname):
        return None
    if not value.isascii():
        return _as_uri(parts)
    if _NOT_URI_CHAR.search(value) or "#" in parts.fragment:
        return _as_uri(parts, parts.netloc)
    return urlunsplit(parts)


#: A host name as DNS and browsers take it: dot-separated labels of letters, digits, "-" and "_"
#: (found in real names), none empty, none starting or ending with "-", of up to 63 characters.
_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
_HOST_NAME = re.compile(rf"(?:{_LABEL}\.)*{_LABEL}\.?")
#: A last label that browsers read as a number (the WHATWG URL standard's "ends in a number"),
#: which makes the whole host an IPv4 address: "0x7f.1" is 127.0.0.1.
_NUMBER_LABEL = re.compile(r"[0-9]+|0[xX][0-9A-Fa-f]*")
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = re.compile(rf"(?:{_OCTET}\.){{3}}{_OCTET}\.?")


def _is_host(host: str) -> bool:
    """Whether an ASCII host is a name or an IPv4 address that every reader takes as it reads:
    not "evil.com\\.example.com" (a browser opens evil.com), "a..b", "-x.com", "999.1.1.1" or
    "0x7f.1" (127.0.0.1 to a browser), which went out in ids and links as written."""
    if not _HOST_NAME.fullmatch(host):
        return False
    last = host.removesuffix(".").rpartition(".")[2]
    return not _NUMBER_LABEL.fullmatch(last) or _IPV4.fullmatch(host) is not None


def _ipv6(host_port: str) -> bool:
    """Whether ``[host]:port`` holds an IPv6 address (or an IPvFuture one, ``[v1.x]``), as
    ``urlsplit`` checks from Python 3.11.4 on: 3.10 took ``http://[zz]/`` apart without a word."""
    host = host_port[1 : host_port.index("]")]
    if host[:1] in ("v", "V"):
        return True
    try:
        ipaddress.IPv6Address(host)
    except ValueError:
        return False
    return True


def link_url(value: str) -> str | None:
    """``http_url``, for a link that goes into a feed: not one whose host is an IPv6 address,
    which the W3C feed validator refuses in every link and id ("Invalid character in a URI")."""
    url = http_url(value)
    return None if url is None or "://[" in url else url


def image_url(value: str) -> str | None:
    """``link_url``, for an image, which RSS carries as an enclosure: only one whose host is a
    domain name with a dot (or an IPv4 address), as the W3C validator wants an enclosure's URL
    ("url must be a full URL": ``localhost``, ``ex_ample.com`` are not); a final dot dropped."""
    url = link_url(value)
    if url is None:
        return None
    # The host by hand (urlsplit took a fifth of a file's reading): link_url's URLs have no user
    # name, and no IPv6 address in brackets.
    start = url.index("://") + 3
    end = _AUTHORITY_END.search(url, start)
    host = url[start : end.start() if end else len(url)]
    if _DOMAIN.fullmatch(host):
        return url
    if host.endswith(".") and _DOMAIN.fullmatch(host[:-1]):  # "example.com." is example.com
        return url[:start] + host[:-1].lower() + url[start + len(host) :]
    return None


_AUTHORITY_END = re.compile(r"[:/?#]")
#: A domain name with at least one dot, or an IPv4 address (the W3C validator's httpURL).
_DOMAIN = re.compile(r"(?:[A-Za-z0-9-]+\.)+[A-Za-z0-9][A-Za-z0-9-]*")


def _as_uri(parts: SplitResult, netloc: str = "") -> str | None:
    """An IRI as the URI it stands for (RFC 3987 §3.1): the host in punycode, other characters
    percent-escaped as UTF-8, and so are the characters that no URI holds outside its host
    ("[", "|", "^", "{"..., as in "?filter[color]=red"). RSS and Atom ids and links want URIs (the
    W3C validator calls anything else an error), and one story written both ways is one id.
    ``netloc``: the host and port to keep as they are (an ASCII URL's)."""
    if not netloc:
        host = parts.hostname or ""
        if not host.isascii():
            try:
                host = host.encode("idna").decode("ascii")
            except UnicodeError:  # "exa mple", a label of over 63 characters
                return None
            if _too_long(host, idna=False) or not _is_host(host):
                return None
        netloc = host if parts.port is None else f"{host}:{parts.port}"
    path, query, fragment = (
        _NOT_IN_URI_PART.sub(_escaped, part) for part in (parts.path, parts.query, parts.fragment)
    )
    return urlunsplit((parts.scheme, netloc, path, query, fragment))


#: What a URI's path, query and fragment may hold (RFC 3986 §3.3-3.5: unreserved, sub-delims, ":",
#: "@", "/", "?", and "%" of an escape); anything else is percent-escaped.
_NOT_IN_URI_PART = re.compile(r"[^A-Za-z0-9._~!$&'()*+,;=:@/?%-]+")
#: An ASCII character that no URI holds outside its host.
_NOT_URI_CHAR = re.compile(r"[\[\]\\^`{|}]")


def _escaped(match: re.Match[str]) -> str:
    return quote(match[0], safe="")


def _too_long(host: str, idna: bool = True) -> bool:
    """Whether a host name (in punycode, with ``idna``) is longer than DNS holds: 253 characters,
    and a final dot (the root's) besides."""
    host = host.removesuffix(".")
    if len(host) > MAX_HOST or host.isascii() or not idna:
        return len(host) > MAX_HOST
    try:
        return len(host.encode("idna")) > MAX_HOST
    except UnicodeError:
        return False


def misleading_link(url: str) -> bool:
    """Whether a link (of an article's body) reads otherwise than it goes: direction controls in
    it ("https://example.com/\u202egpj.exe"), a user name in it ("https://bank.example@evil.example/",
    a password is published too), or a host that is no name ("evil.com\\.example.com", which a
    browser opens as evil.com), or its host not after "//" ("https:\\\\bank.example@evil.example",
    "https:/evil.example", "https:evil.example", which browsers open as evil.example). Relative
    links and other schemes: False."""
    if _shows_bidi(url):
        return True
    if url[:2] in _SLASHES:
        url = "https:" + url
    scheme, colon, rest = url.partition(":")
    if not colon or scheme.lower() not in ("http", "https"):
        return False
    if rest[:2] != "//" or rest[2:3] == "\\":
        return True
    start = len(scheme) + 3
    end = _WEB_AUTHORITY_END.search(url, start)
    authority = url[start : end.start() if end else len(url)]
    if "@" in authority:
        return True
    if authority.startswith("["):
        return False
    host, colon, port = authority.rpartition(":")
    if not colon or not port.isdigit():
        host = authority
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return True
    return not _is_host(host)


def may_mislead(html: str) -> bool:
    """Whether HTML the sanitiser wrote has an address that ``misleading_link`` might refuse: one
    whose authority is not plainly a host name with a port maybe (its last label starting with a
    letter, as top-level domains do), or direction controls. Most bodies have none, and one search
    of the whole spares checking each link (6 µs a link)."""
    return _UNPLAIN_ADDRESS.search(html) is not None or _shows_bidi(html)


def _shows_bidi(text: str) -> bool:
    """Whether ``text`` has direction controls, as characters or percent-encoded."""
    return _BIDI_CONTROL.search(text) is not None or ("%" in text and _ENCODED_BIDI.search(text) is not None)


_UNPLAIN_ADDRESS = re.compile(
    rf'\s(?:href|src)="(?=(?i:https?:)|[/\\][/\\])'
    rf'(?!(?:https?:)?//(?:{_LABEL}\.)*[A-Za-z](?:[A-Za-z0-9_-]{{0,61}}[A-Za-z0-9_])?\.?(?::[0-9]+)?["/?#])'
)


#: Where the authority of a URL as written ends, a "\\" not among them: a browser ends it there
#: too, and what it opens is then another host than the one shown.
_WEB_AUTHORITY_END = re.compile(r"[/?#]")
#: What a browser reads as "//" at the start of an address.
_SLASHES = frozenset({"//", "\\\\", "/\\", "\\/"})
#: ``_BIDI_CONTROL``'s characters percent-encoded (UTF-8), as a Markdown link's address has them.
_ENCODED_BIDI = re.compile(r"%E2%80%(?:8[EF]|A[A-E])|%E2%81%A[6-9]", re.IGNORECASE)


#: ``url_problem``'s answer when nothing more particular is wrong.
NOT_HTTP_URL = "is not an absolute http(s) URL"


def url_problem(value: str) -> str:
    """Why ``http_url`` refuses ``value``, in words for a warning."""
    if _BIDI_CONTROL.search(value):
        return "has bidirectional control characters, which make it read otherwise than it goes"
    if "://[" in value:
        return "has an IPv6 address for a host, which feed validators refuse in a link"
    if any(char in value.strip() for char in ' <>"\t\n'):
        return 'has a space or a character no URL holds (<, >, "); write it %20, %3C, %3E, %22'
    try:
        parts = urlsplit(value.strip())
        if "@" in parts.netloc:
            return "has a user name or password, which would be published"
        if _too_long(parts.hostname or ""):
            return f"has a host name of over {MAX_HOST} characters, more than DNS holds"
        if parts.hostname and parts.hostname.isascii() and not _is_host(parts.hostname):
            return "has a host that is no host name or IPv4 address (a browser would go elsewhere)"
    except ValueError:
        pass
    return NOT_HTTP_URL


@functools.lru_cache(maxsize=4096)  # a site names few providers, each in many files
def is_host_name(value: str) -> bool:
    """Whether ``value`` is a host (with a port, maybe) and nothing more: ``example.com``, not
    ``example.com/path``, ``user@example.com`` or an IPv6 address (which no link may have)."""
    written = f"https://{value}/"  # the check of link_url, on the host as written (not as a URI)
    return link_url(written) is not None and "@" not in value and urlsplit(written).netloc == value


@functools.lru_cache(maxsize=4096)
def host_url(host: str) -> str | None:
    """The address of a host ``is_host_name`` takes, as a URI: ``https://xn--r8jz45g.jp/`` for
    ``例え.jp`` (an outlet's page, in a feed's author)."""
    return link_url(f"https://{host}/")


def canonical_url(url: str) -> str:
    """The form used to compare and identify stories.

    Lower-case scheme and host, no default port, no fragment, no ``utm_*`` parameters.
    """
    if _CANONICAL_ALREADY.fullmatch(url):  # most URLs: nothing to change, and no need to parse
        return url
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")  # "example.com." is example.com
    if ":" in host:  # an IPv6 address keeps its brackets, or the URL would not parse again
        host = f"[{host}]"
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.lower().startswith("utm_")
    ]
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))
