"""Settings: defaults ← ``config/feeds.yaml`` ← command-line options, validated in one place."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from enum import Enum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from feeds.channel_config import ChannelSettings
from feeds.channel_config import read_channels
from feeds.channel_config import read_entry_content
from feeds.channel_config import read_max_bytes
from feeds.channel_config import read_words
from feeds.config_checks import MAX_ITEMS
from feeds.config_checks import ConfigLoader
from feeds.config_checks import ConfigReader
from feeds.config_checks import check_renames
from feeds.config_checks import config_text
from feeds.config_checks import key_line
from feeds.errors import ConfigError
from feeds.model import DEFAULT_MAX_BYTES
from feeds.model import ArchiveMode
from feeds.model import EntryContent
from feeds.model import Format
from feeds.model import RelatedMode
from feeds.source.front_matter import yaml_error
from feeds.text import quoted_value
from feeds.urls import link_url

DEFAULT_CONFIG = Path("config/feeds.yaml")
_NOT_A_FILE = "is not a file (a link that leads nowhere, a pipe, a folder); give one with --config"


@dataclass(frozen=True)
class SiteSettings:
    """Who publishes the feeds and where they live."""

    title: str = "Feeds"  #: title of the ``all`` feed and the index page
    description: str = "Every article, newest first"  #: subtitle of the ``all`` feed
    base_url: str = "http://localhost:8000/"  #: absolute URL of the output folder, ends in "/"
    language: str = "en"  #: BCP 47 tag for every feed
    author: str = ""  #: feed-level author name; empty means the site title
    icon: str | None = None  #: absolute URL of a large square icon; default: feeds' own, in the site
    favicon: str | None = None  #: absolute URL of a small square icon; default: ``icon``, else feeds' own
    logo: str | None = None  #: absolute URL of a wide logo


@dataclass(frozen=True)
class TopicSettings:
    """Per-topic overrides, keyed by the topic's name as articles write it."""

    rename: str | None = None  #: publish this topic under another name (merging them)
    title: str | None = None  #: feed title; default "<site title>: <topic>"
    description: str | None = None  #: feed subtitle
    keywords: tuple[str, ...] = ()  #: articles that hold one of these words get the topic too
    entry_content: EntryContent | None = None  #: default: the site's
    max_bytes: int | None = None  #: default: the site's


class WatchMode(str, Enum):
    """How a running server notices changes (config ``serve.watch``)."""

    EVENTS = "events"  #: look as soon as the file system reports a change (else poll)
    POLL = "poll"  #: look every ``reload_interval``


@dataclass(frozen=True)
class ServeSettings:
    """How the web app serves the site (``feeds serve``, ``flask --app feeds run``)."""

    max_age: int = 300  #: seconds, for ``Cache-Control: public, max-age=``
    #: seconds of ``max-age`` for the archive of a closed month (all but those of a channel's newest month)
    archive_max_age: int = 86400
    reload_interval: float = 2.0  #: seconds between looks for changed content; 0 turns watching off
    watch: WatchMode = WatchMode.EVENTS
    #: open connections per server process; further ones wait in the backlog (``feeds serve``)
    max_connections: int = 1024
    backlog: int = 1024  #: connections the system holds for the server to accept (``feeds serve``)
    #: seconds a connection has to send a request's headers, kept-alive ones between requests too;
    #: then it is closed (``feeds serve``)
    header_timeout: float = 10.0
    filter_workers: int = 1  #: filtered feeds rendered at once, per process
    filter_queue: int = 4  #: requests for new filtered feeds that may wait; beyond, 503
    filter_cache_mb: float = 32.0  #: filtered feeds kept per process, in MB (bodies and gzipped copies)


#: Where ``feeds serve`` answers WebSub subscription requests, under ``site.base_url``.
HUB_PATH = "websub"
#: The shortest and the longest lease the built-in hub grants (``websub.lease_seconds`` too).
LEASE_RANGE = (3600, 2_592_000)


@dataclass(frozen=True)
class WebSubSettings:
    """WebSub (W3C Recommendation, 23 January 2018): hubs to advertise and notify, our own hub."""

    hubs: tuple[str, ...] = ()  #: outside hubs, absolute http(s) URLs, in the config's order
    builtin: bool = False  #: ``feeds serve`` runs a hub at ``<base_url>websub``, advertised first
    lease_seconds: int = 864_000  #: the built-in hub's lease when a subscriber asks for none
    allow_private_callbacks: bool = False  #: let callbacks reach loopback, private, link-local hosts


@dataclass(frozen=True)
class Settings:
    """Everything a build needs to know besides the articles."""

    site: SiteSettings = field(default_factory=SiteSettings)
    content_dir: Path = Path("content")  #: absolute after loading from a file
    output_dir: Path = Path("public")
    timezone: str = "UTC"  #: zone for dates written without one
    formats: tuple[Format, ...] = (Format.ATOM, Format.RSS, Format.JSON)
    max_items: int = 50  #: entries per feed
    max_file_mb: float = 5.0  #: larger content files are refused without being read
    min_quality: float | None = None  #: leave out articles scored below this
    related: RelatedMode = RelatedMode.ENTRIES
    topics: Mapping[str, TopicSettings] = field(default_factory=dict)
    channels: tuple[ChannelSettings, ...] = ()  #: custom channels, by slug
    entry_content: EntryContent = EntryContent.FULL  #: what entries carry, unless a feed says
    max_bytes: int = DEFAULT_MAX_BYTES  #: most bytes of a channel's document; 0 means no limit
    archives: ArchiveMode = ArchiveMode.OFF  #: archive documents per month (RFC 5005), or none
    archive_content: EntryContent = EntryContent.SUMMARY  #: what archived entries carry
    serve: ServeSettings = field(default_factory=ServeSettings)
    websub: WebSubSettings = field(default_factory=WebSubSettings)
    include_drafts: bool = False  #: ``--drafts``
    config_path: Path | None = None  #: the file these came from, for messages
    #: where the build cache lives (``cache:``, ``--cache``); None: ``.feeds-cache/<output name>``
    #: beside the output folder. Never changes what a build makes, so it is not compared.
    cache_dir: Path | None = field(default=None, repr=False, compare=False)
    #: keys given on the command line (``content``, ``output``, ``cache``), for messages
    given: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def error(self, key: str, message: str) -> ConfigError:
        """A ConfigError about ``key``, blaming ``--key`` when the command line gave it, else the
        config file (or the defaults, with a hint when no config file was found)."""
        if key in self.given:
            return ConfigError(None, f"--{key}", message)
        if self.config_path is None:
            message += f" (no config file: {DEFAULT_CONFIG} is not in {Path.cwd()}; give one with --config)"
        return ConfigError(self.config_path, key, message)

    def author_name(self) -> str:
        return self.site.author or self.site.title

    def url(self, path: str = "") -> str:
        """Absolute URL of an output path such as ``topics/ai.atom``."""
        return self.site.base_url + path

    @property
    def hub_url(self) -> str | None:
        """The built-in hub's URL, when it is on."""
        return self.url(HUB_PATH) if self.websub.builtin else None

    @property
    def hub_urls(self) -> tuple[str, ...]:
        """Every hub the feeds name: the built-in one first, then the outside ones."""
        own = self.hub_url
        return (own, *self.websub.hubs) if own else self.websub.hubs


def load_settings(
    path: Path | None = None,
    *,
    content_dir: Path | None = None,
    output_dir: Path | None = None,
    include_drafts: bool = False,
    cache_dir: Path | None = None,
) -> Settings:
    """Read and validate a config file, then apply command-line overrides.

    With no ``path``, ``config/feeds.yaml`` is used when it exists, else the defaults.
    Raises ConfigError naming the file and key.
    """
    if path is None and os.path.lexists(DEFAULT_CONFIG):
        path = DEFAULT_CONFIG
        if not path.is_file():  # a pipe would block the read; a dangling link meant a config
            raise ConfigError(path, None, _NOT_A_FILE)
    raw: Any = {}
    if path is not None:
        text = config_text(path)
        try:
            raw = yaml.load(text, Loader=ConfigLoader) or {}  # noqa: S506 - a SafeLoader
        except yaml.MarkedYAMLError as e:
            line, message = yaml_error(e, text)
            raise ConfigError(path, None, f"invalid YAML: {message}", line) from None
        except (yaml.YAMLError, ValueError) as e:  # ValueError: a number of over 4,300 digits
            raise ConfigError(path, None, f"invalid YAML: {e}") from None
    try:
        settings = settings_from_mapping(raw, path)
    except ConfigError as e:
        if path is not None and e.line is None and e.key:
            e.line = key_line(text, e.key)
        raise
    overrides: dict[str, Any] = {"include_drafts": include_drafts}
    if content_dir is not None:
        overrides["content_dir"] = content_dir
    if output_dir is not None:
        overrides["output_dir"] = output_dir
    if cache_dir is not None:
        overrides["cache_dir"] = cache_dir
    given = frozenset(key.removesuffix("_dir") for key in overrides if key != "include_drafts")
    return dataclasses.replace(settings, **overrides, given=given)


def settings_from_mapping(raw: Any, path: Path | None = None) -> Settings:
    """Validate a parsed config mapping; paths are resolved against the config file's folder."""
    reader = ConfigReader(path)
    data = reader.mapping(raw, "")
    sections = {"site": SiteSettings, "serve": ServeSettings, "websub": WebSubSettings}
    nested = [f"{section}.{f.name}" for section, kind in sections.items() for f in dataclasses.fields(kind)]
    reader.known(data, "", _TOP_KEYS, nested)
    base = path.parent.resolve() if path is not None else Path.cwd()
    defaults = Settings()

    site_raw = reader.mapping(data.get("site", {}), "site")
    reader.known(site_raw, "site", {f.name for f in dataclasses.fields(SiteSettings)})
    site = SiteSettings(
        title=reader.feed_text(site_raw, "site", "title", SiteSettings.title, required=True),
        description=reader.feed_text(
            site_raw, "site", "description", SiteSettings.description, required=True
        ),
        base_url=reader.base_url(site_raw.get("base_url", SiteSettings.base_url)),
        language=reader.language(site_raw, "site", "language", SiteSettings.language),
        author=reader.feed_text(site_raw, "site", "author", ""),
        icon=reader.optional_url(site_raw, "site", "icon"),
        favicon=reader.optional_url(site_raw, "site", "favicon"),
        logo=reader.optional_url(site_raw, "site", "logo"),
    )

    serve_raw = reader.mapping(data.get("serve") or {}, "serve")
    reader.known(serve_raw, "serve", {f.name for f in dataclasses.fields(ServeSettings)})
    interval = reader.number(serve_raw, "reload_interval", "serve", minimum=0)
    defaults_serve = ServeSettings()

    def serve_integer(name: str, minimum: int, maximum: int) -> int:
        default = getattr(defaults_serve, name)
        return reader.integer(serve_raw, name, default, minimum=minimum, prefix="serve", maximum=maximum)

    def serve_number(name: str, minimum: float, maximum: float) -> float:
        value = reader.number(serve_raw, name, "serve", minimum=minimum, maximum=maximum)
        return float(getattr(defaults_serve, name)) if value is None else value

    serve = ServeSettings(
        max_age=reader.integer(serve_raw, "max_age", ServeSettings.max_age, minimum=0, prefix="serve"),
        archive_max_age=serve_integer("archive_max_age", 0, 31_536_000),
        reload_interval=ServeSettings.reload_interval if interval is None else interval,
        watch=reader.choice(serve_raw, "watch", WatchMode, ServeSettings.watch, prefix="serve"),
        # Ranges: Granian's (a backlog of at least 128, header timeouts of 1 ms to 60 s), and
        # for the filters, what one process can sensibly do.
        max_connections=serve_integer("max_connections", 1, 1_000_000),
        backlog=serve_integer("backlog", 128, 65_535),
        header_timeout=serve_number("header_timeout", 1, 60),
        filter_workers=serve_integer("filter_workers", 1, 16),
        filter_queue=serve_integer("filter_queue", 0, 1000),
        filter_cache_mb=serve_number("filter_cache_mb", 0, 100_000),
    )

    websub = _websub(reader, data.get("websub") or {})

    timezone = reader.time_zone(data, defaults.timezone)

    budget = read_max_bytes(reader, data)
    return Settings(
        site=site,
        content_dir=_under(base, _folder(reader, data, "content", "content")),
        output_dir=_under(base, _folder(reader, data, "output", "public")),
        timezone=timezone,
        formats=reader.formats(data.get("formats", [f.value for f in defaults.formats])),
        max_items=reader.integer(data, "max_items", defaults.max_items, minimum=1, maximum=MAX_ITEMS),
        max_file_mb=_positive(reader, data, "max_file_mb", defaults.max_file_mb),
        min_quality=reader.number(data, "min_quality"),
        related=reader.choice(data, "related", RelatedMode, defaults.related),
        topics=_topics(reader, data.get("topics", {})),
        channels=read_channels(reader, data.get("channels")),
        entry_content=read_entry_content(reader, data) or EntryContent.FULL,
        max_bytes=DEFAULT_MAX_BYTES if budget is None else budget,
        archives=reader.choice(data, "archives", ArchiveMode, defaults.archives),
        archive_content=reader.choice(data, "archive_content", EntryContent, defaults.archive_content),
        serve=serve,
        websub=websub,
        config_path=path,
        cache_dir=_cache_dir(reader, data, base),
    )


_TOP_KEYS = {
    "site", "content", "output", "timezone", "formats",
    "max_items", "min_quality", "related", "topics", "serve", "max_file_mb", "websub",
    "channels", "entry_content", "max_bytes", "cache", "archives", "archive_content",
}  # fmt: skip


#: A topic's own options, which a renamed name's key cannot give (they are read under the new name).
_OWN_OPTIONS = ("title", "description", "entry_content", "max_bytes")


def _topics(reader: ConfigReader, value: Any) -> dict[str, TopicSettings]:
    data = reader.names(value, "topics")
    allowed = {f.name for f in dataclasses.fields(TopicSettings)}
    result = {}
    for name, options in data.items():
        key = f"topics.{name}"
        reader.xml_text(key, str(name))  # a keyword topic's name is published
        options = reader.mapping(options if options is not None else {}, key)
        reader.known(options, key, allowed)
        values: dict[str, Any] = {}
        for option in ("rename", "title", "description"):
            if options.get(option) is not None:
                values[option] = reader.feed_text(options, key, option, "", required=True).strip()
        renamed = values.get("rename", str(name))
        unused = [o for o in _OWN_OPTIONS if options.get(o) is not None]
        if renamed != str(name) and unused:  # the topic's options are read under its new name
            message = (
                f"has no effect, since {name} is published as {quoted_value(renamed)}: "
                f"give it under topics.{renamed}"
            )
            raise reader.fail(f"{key}.{unused[0]}", message)
        result[str(name)] = TopicSettings(
            **values,
            keywords=read_words(reader, options, key, "keywords"),
            entry_content=read_entry_content(reader, options, key),
            max_bytes=read_max_bytes(reader, options, key),
        )
    check_renames(reader, result, _OWN_OPTIONS)
    return result


def _websub(reader: ConfigReader, value: Any) -> WebSubSettings:
    data = reader.mapping(value, "websub")
    reader.known(data, "websub", {f.name for f in dataclasses.fields(WebSubSettings)})
    hubs = data.get("hubs") or []
    if isinstance(hubs, str):
        hubs = [hubs]
    if not isinstance(hubs, list):
        raise reader.fail(
            "websub.hubs", "must be a list of hub URLs, e.g. [https://pubsubhubbub.appspot.com/]"
        )
    urls = [link_url(hub) if isinstance(hub, str) else None for hub in hubs]
    for hub, url in zip(hubs, urls, strict=True):
        if url is None:
            raise reader.fail("websub.hubs", f"{quoted_value(hub)} is not an absolute http(s) URL")
    if len(set(urls)) != len(urls):
        raise reader.fail("websub.hubs", "names a hub twice")
    low, high = LEASE_RANGE
    lease = reader.integer(data, "lease_seconds", WebSubSettings.lease_seconds, minimum=low, prefix="websub")
    if lease > high:
        raise reader.fail("websub.lease_seconds", f"must be at most {high} (30 days)")
    return WebSubSettings(
        hubs=tuple(url for url in urls if url is not None),
        builtin=reader.flag(data, "builtin", False, "websub"),
        lease_seconds=lease,
        allow_private_callbacks=reader.flag(data, "allow_private_callbacks", False, "websub"),
    )


def _positive(reader: ConfigReader, data: Mapping[str, Any], name: str, default: float) -> float:
    value = reader.number(data, name)
    if value is None:
        return default
    if value <= 0:
        raise reader.fail(name, "must be a number above 0")
    return value


def _folder(reader: ConfigReader, data: Mapping[str, Any], name: str, default: str) -> str:
    """A folder's path: not empty (``content: ""`` read every file beside the config)."""
    value = reader.text(data, "", name, default)
    if not value.strip():
        raise reader.fail(name, f"is empty; name a folder (the default is {default})")
    return value


def _cache_dir(reader: ConfigReader, data: Mapping[str, Any], base: Path) -> Path | None:
    if data.get("cache") is None:
        return None
    value = reader.text(data, "", "cache", "").strip()
    if not value:
        raise reader.fail("cache", "must be a folder for the build cache, e.g. .cache/feeds")
    return _under(base, value)


def _under(base: Path, value: str) -> Path:
    # normpath, not resolve(): "../public" reads better in messages, and symlinks stay symlinks.
    return Path(os.path.normpath(base / value))
