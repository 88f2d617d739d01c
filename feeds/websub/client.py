"""HTTP for WebSub: one request, bounded in time and size, that never follows a redirect.

Built on ``http.client`` rather than ``urllib.request`` for two reasons. The address a callback's
host name resolves to is checked when the socket connects, on the very address it connects to,
so a name that resolves to a public address when checked and to a private one when used (DNS
rebinding) gets nowhere. And a redirect is an answer like any other: WebSub §7 says subscribers
must not use them, and following one could lead the hub into the server's own network.
"""

from __future__ import annotations

import contextlib
import functools
import heapq
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from feeds._version import __version__
from feeds.urls import http_url

#: Seconds a whole request may take, connection to last byte read.
TIMEOUT = 10.0
#: The most of an answer's body that is read (a challenge echo is far shorter).
MAX_ANSWER = 4096
#: The longest callback or topic URL accepted.
MAX_URL = 2000


_AGENT = {"User-Agent": f"feeds/{__version__} (WebSub)"}


class RequestError(OSError):
    """A request that got no HTTP answer: refused address, DNS, connection, TLS or timeout."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes  #: at most ``max_body`` bytes of it


def request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    allow_private: bool = True,
    timeout: float = TIMEOUT,
    max_body: int = MAX_ANSWER,
) -> Answer:
    """Send one request; raises RequestError when no answer came back (any status is an answer).

    With ``allow_private=False`` the connection is refused when every address of the host is
    loopback, private, link-local or otherwise not global (see ``public_address``).
    """
    try:
        parts = urlsplit(url)
    except ValueError as e:
        raise RequestError(f"{url}: {e}") from e
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise RequestError(f"{url}: not an http(s) URL")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as e:
        raise RequestError(f"{url}: {e}") from e
    connection: http.client.HTTPConnection
    if scheme == "https":
        connection = _GuardedHTTPS(parts.hostname, port, timeout=timeout, context=_tls())
    else:
        connection = _GuardedHTTP(parts.hostname, port, timeout=timeout)
    connection.allow_private = allow_private
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    response: http.client.HTTPResponse | None = None
    with _WATCHDOG.limit(connection, time.monotonic() + timeout) as limit:
        try:
            connection.request(method, target, body=body, headers={**_AGENT, **(headers or {})})
            response = connection.getresponse()
            data = response.read(max_body)
        except RequestError:
            raise
        except (OSError, http.client.HTTPException, ValueError) as e:
            if limit.expired:
                raise RequestError(f"{parts.hostname}: no whole answer within {timeout:g} s") from e
            raise RequestError(f"{parts.hostname}: {type(e).__name__}: {e}") from e
        finally:
            # The answer first: one that says it closes the connection is no longer the
            # connection's, and left to the collector its socket stays open till then.
            if response is not None:
                response.close()
            connection.close()
        if limit.expired:  # cut off: what was read may look whole but is not
            raise RequestError(f"{parts.hostname}: no whole answer within {timeout:g} s")
        return Answer(response.status, data)


def public_address(address: str) -> bool:
    """Whether an IP address is one the hub may call back without ``allow_private_callbacks``.

    Only globally routable unicast addresses are: never loopback, private (RFC 1918, unique local),
    link-local, shared (RFC 6598), multicast, reserved or unspecified, nor an IPv4 one of those
    written as IPv6.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in _SITE_LOCAL:  # deprecated (RFC 3879), yet routed within some networks
            return False
        embedded = embedded_ipv4(ip)
        if embedded is not None:
            ip = embedded
    return ip.is_global and not ip.is_multicast


_SITE_LOCAL = ipaddress.IPv6Network("fec0::/10")
#: IPv6 prefixes whose last 32 bits (or, for 6to4, bits 16-48) are an IPv4 address that a
#: translating gateway connects to: NAT64 (RFC 6052), IPv4-compatible (deprecated), SIIT.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_COMPATIBLE = ipaddress.IPv6Network("::/96")
_SIIT = ipaddress.IPv6Network("::ffff:0:0:0/96")


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one leads to through a gateway, when it does."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]  # the client's address
    if any(ip in network for network in (_NAT64, _NAT64_LOCAL, _COMPATIBLE, _SIIT)):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def url_refusal(url: str, allow_private: bool) -> str | None:
    """Why a callback URL is refused before any network use, or None.

    Host names are checked when the hub connects (``request``); here only what needs no DNS:
    the scheme, the length, and host names that are IP addresses or ``localhost``.
    """
    if len(url) > MAX_URL:
        return f"is longer than {MAX_URL} characters"
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[::1/": urllib cannot take it apart
        return "must be an absolute http(s) URL"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "must be an absolute http(s) URL"
    try:
        parts.port  # noqa: B018 - raises for a port out of range
    except ValueError:
        return "has an invalid port"
    if http_url(url) is None:  # spaces, control characters, "http://[::1]x/"...
        return "must be an absolute http(s) URL"
    host = parts.hostname
    if allow_private:
        return None
    if host == "localhost" or host.endswith(".localhost"):
        return "names this machine (localhost); such callbacks are refused"
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None
    if not public_address(host):
        return f"is on a loopback, private or link-local address ({host}); such callbacks are refused"
    return None


def _connect(host: str, port: int, timeout: float | None, allow_private: bool) -> socket.socket:
    """A socket connected to the first allowed address of ``host`` that answers."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as e:
        raise RequestError(f"{host}: cannot resolve: {e}") from e
    problem = f"{host}: no address"
    for family, kind, proto, _, address in infos:
        if not allow_private and not public_address(str(address[0])):
            problem = f"{host} resolves to {address[0]}, a loopback, private or link-local address"
            continue
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(timeout)
            sock.connect(address)
            return sock
        except OSError as e:
            sock.close()
            problem = f"{host}: cannot connect to {address[0]}: {e}"
    raise RequestError(problem)


class _GuardedHTTP(http.client.HTTPConnection):
    allow_private = True

    def connect(self) -> None:
        self.sock = _connect(self.host, self.port, self.timeout, self.allow_private)


class _GuardedHTTPS(http.client.HTTPSConnection):
    allow_private = True

    def connect(self) -> None:
        sock = _connect(self.host, self.port, self.timeout, self.allow_private)
        self.sock = _tls().wrap_socket(sock, server_hostname=self.host)


@functools.cache
def _tls() -> ssl.SSLContext:
    return ssl.create_default_context()  # certificates and host names checked


class _Watchdog:
    """Ends requests that outlive their deadline, however slowly their peer drips bytes.

    Socket timeouts bound each read, not a whole request; one thread shuts down the socket of
    any request past its deadline, and the blocked read then fails at once.
    """

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._heap: list[tuple[float, int, _Limit]] = []
        self._live: set[int] = set()
        self._count = 0
        self._thread: threading.Thread | None = None

    def limit(self, connection: http.client.HTTPConnection, deadline: float) -> _Limit:
        with self._lock:
            self._count += 1
            token = self._count
            limit = _Limit(self, token, connection)
            heapq.heappush(self._heap, (deadline, token, limit))
            self._live.add(token)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="websub-watchdog", daemon=True)
                self._thread.start()
            self._lock.notify()
        return limit

    def release(self, token: int) -> None:
        with self._lock:
            self._live.discard(token)

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._heap:
                    self._lock.wait()
                deadline, token, limit = self._heap[0]
                now = time.monotonic()
                if token in self._live and deadline > now:
                    self._lock.wait(deadline - now)
                    continue
                heapq.heappop(self._heap)
                overdue = token in self._live
                self._live.discard(token)
                if overdue:
                    limit.expired = True
            sock = limit.connection.sock
            if overdue and sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


@dataclass
class _Limit:
    watchdog: _Watchdog
    token: int
    connection: http.client.HTTPConnection
    expired: bool = False  #: set by the watchdog when it cut the request off

    def __lt__(self, other: _Limit) -> bool:  # never compared: tokens are unique
        return self.token < other.token

    def __enter__(self) -> _Limit:
        return self

    def __exit__(self, *exc: object) -> None:
        self.watchdog.release(self.token)


_WATCHDOG = _Watchdog()


def callback_host(url: str) -> str:
    """The host a callback's subscriptions are counted under: one address however written
    (``127.1``, ``2130706433``, ``0x7f.1``, ``::ffff:127.0.0.1`` and ``127.0.0.1`` alike, as the
    system's resolver and a connection read them), one name with or without its final dot (a name
    is not resolved to be counted: what it leads to can change from one lookup to the next)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if not host.isascii():
        # As the resolver is asked for it (Python's sockets encode a name with IDNA 2003, which
        # turns "127。0。0。1" and full-width digits into 127.0.0.1): the limits counted each
        # spelling of one address as a host of its own.
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii").lower().rstrip(".")
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:  # "::ffff:127.0.0.1" and its kin lead to the IPv4 address they hold
        embedded = embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else None
        return str(embedded or ip)
    try:  # the forms inet_aton(3) reads, which a connection to the name would use
        return socket.inet_ntoa(socket.inet_aton(host))
    except OSError:
        return host
