"""Settings: defaults ← ``config/feeds.yaml`` ← command-line options, validated in one place."""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from enum import Enum
from pathlib import Path
from typing import Any
from typing import TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo
from zoneinfo import ZoneInfoNotFoundError

import yaml

from feeds.errors import ConfigError
from feeds.model import Format
from feeds.model import RelatedMode
from feeds.text import http_url

DEFAULT_CONFIG = Path("config/feeds.yaml")


@dataclass(frozen=True)
class SiteSettings:
    """Who publishes the feeds and where they live."""

    title: str = "Feeds"  #: title of the ``all`` feed and the index page
    description: str = "Every article, newest first"  #: subtitle of the ``all`` feed
    base_url: str = "http://localhost:8000/"  #: absolute URL of the output folder, ends in "/"
    language: str = "en"  #: BCP 47 tag for every feed
    author: str = ""  #: feed-level author name; empty means the site title
    icon: str | None = None  #: absolute URL of a square icon
    logo: str | None = None  #: absolute URL of a wide logo


@dataclass(frozen=True)
class TopicSettings:
    """Per-topic overrides, keyed by the topic's name as articles write it."""

    rename: str | None = None  #: publish this topic under another name (merging them)
    title: str | None = None  #: feed title; default "<site title>: <topic>"
    description: str | None = None  #: feed subtitle


class WatchMode(str, Enum):
    """How a running server notices changes (config ``serve.watch``)."""

    EVENTS = "events"  #: look as soon as the file system reports a change (else poll)
    POLL = "poll"  #: look every ``reload_interval``


_Choice = TypeVar("_Choice", RelatedMode, WatchMode)


@dataclass(frozen=True)
class ServeSettings:
    """How the web app serves the site (``feeds serve``, ``flask --app feeds run``)."""

    max_age: int = 300  #: seconds, for ``Cache-Control: public, max-age=``
    reload_interval: float = 2.0  #: seconds between looks for changed content; 0 turns watching off
    watch: WatchMode = WatchMode.EVENTS


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
    serve: ServeSettings = field(default_factory=ServeSettings)
    include_drafts: bool = False  #: ``--drafts``
    config_path: Path | None = None  #: the file these came from, for messages
    #: where the build cache lives (``cache:``, ``--cache``); None: ``.feeds-cache/<output name>``
    #: beside the output folder. Never changes what a build makes, so it is not compared.
    cache_dir: Path | None = field(default=None, repr=False, compare=False)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def author_name(self) -> str:
        return self.site.author or self.site.title

    def url(self, path: str = "") -> str:
        """Absolute URL of an output path such as ``topics/ai.atom``."""
        return self.site.base_url + path


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
    if path is None and DEFAULT_CONFIG.is_file():
        path = DEFAULT_CONFIG
    raw: Any = {}
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise ConfigError(path, None, f"cannot read config: {e}") from e
        try:
            raw = yaml.safe_load(text) or {}
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            where = f" (line {mark.line + 1})" if mark is not None else ""
            raise ConfigError(path, None, f"invalid YAML{where}: {e}") from e
    settings = settings_from_mapping(raw, path)
    overrides: dict[str, Any] = {"include_drafts": include_drafts}
    if content_dir is not None:
        overrides["content_dir"] = content_dir
    if output_dir is not None:
        overrides["output_dir"] = output_dir
    if cache_dir is not None:
        overrides["cache_dir"] = cache_dir
    return dataclasses.replace(settings, **overrides)


def settings_from_mapping(raw: Any, path: Path | None = None) -> Settings:
    """Validate a parsed config mapping; paths are resolved against the config file's folder."""
    reader = _Reader(path)
    data = reader.mapping(raw, "")
    reader.known(data, "", _TOP_KEYS)
    base = path.parent.resolve() if path is not None else Path.cwd()
    defaults = Settings()

    site_raw = reader.mapping(data.get("site", {}), "site")
    reader.known(site_raw, "site", {f.name for f in dataclasses.fields(SiteSettings)})
    site = SiteSettings(
        title=reader.text(site_raw, "site", "title", SiteSettings.title),
        description=reader.text(site_raw, "site", "description", SiteSettings.description),
        base_url=reader.base_url(site_raw.get("base_url", SiteSettings.base_url)),
        language=reader.text(site_raw, "site", "language", SiteSettings.language),
        author=reader.text(site_raw, "site", "author", ""),
        icon=reader.optional_url(site_raw, "site", "icon"),
        logo=reader.optional_url(site_raw, "site", "logo"),
    )

    serve_raw = reader.mapping(data.get("serve") or {}, "serve")
    reader.known(serve_raw, "serve", {f.name for f in dataclasses.fields(ServeSettings)})
    interval = reader.number(serve_raw, "reload_interval", "serve", minimum=0)
    serve = ServeSettings(
        max_age=reader.integer(serve_raw, "max_age", ServeSettings.max_age, minimum=0, prefix="serve"),
        reload_interval=ServeSettings.reload_interval if interval is None else interval,
        watch=reader.choice(serve_raw, "watch", WatchMode, ServeSettings.watch, prefix="serve"),
    )

    timezone = reader.text(data, "", "timezone", defaults.timezone)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ConfigError(path, "timezone", f"unknown time zone {timezone!r}") from e

    return Settings(
        site=site,
        content_dir=_under(base, reader.text(data, "", "content", "content")),
        output_dir=_under(base, reader.text(data, "", "output", "public")),
        timezone=timezone,
        formats=reader.formats(data.get("formats", [f.value for f in defaults.formats])),
        max_items=reader.integer(data, "max_items", defaults.max_items, minimum=1),
        max_file_mb=_positive(reader, data, "max_file_mb", defaults.max_file_mb),
        min_quality=reader.number(data, "min_quality"),
        related=reader.choice(data, "related", RelatedMode, defaults.related),
        topics=reader.topics(data.get("topics", {})),
        serve=serve,
        config_path=path,
        cache_dir=_cache_dir(reader, data, base),
    )


_TOP_KEYS = {
    "site", "content", "output", "timezone", "formats",
    "max_items", "min_quality", "related", "topics", "serve", "max_file_mb", "cache",
}  # fmt: skip


class _Reader:
    """Type checks for config values; every failure names the file and the dotted key."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    def fail(self, key: str, message: str) -> ConfigError:
        return ConfigError(self.path, key, message)

    def mapping(self, value: Any, key: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key or "(top level)", "must be a mapping of keys to values")
        return value

    def known(self, data: Mapping[str, Any], prefix: str, allowed: set[str]) -> None:
        for name in data:
            if name not in allowed:
                key = f"{prefix}.{name}" if prefix else str(name)
                raise self.fail(key, f"unknown key (known keys: {', '.join(sorted(allowed))})")

    def text(self, data: Mapping[str, Any], prefix: str, name: str, default: str) -> str:
        value = data.get(name, default)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise self.fail(_dotted(prefix, name), "must be text")
        return value

    def optional_url(self, data: Mapping[str, Any], prefix: str, name: str) -> str | None:
        value = data.get(name)
        if value is None:
            return None
        if not isinstance(value, str) or http_url(value) is None:
            raise self.fail(_dotted(prefix, name), "must be an absolute http(s) URL")
        return value

    def base_url(self, value: Any) -> str:
        if not isinstance(value, str) or http_url(value) is None:
            raise self.fail(
                "site.base_url", "must be an absolute http(s) URL, e.g. https://example.org/feeds/"
            )
        if urlsplit(value).query or urlsplit(value).fragment:
            raise self.fail("site.base_url", "must not have a query or fragment")
        return value if value.endswith("/") else value + "/"

    def integer(
        self, data: Mapping[str, Any], name: str, default: int, minimum: int, prefix: str = ""
    ) -> int:
        value = data.get(name, default)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(_dotted(prefix, name), f"must be a whole number of at least {minimum}")
        return value

    def number(
        self, data: Mapping[str, Any], name: str, prefix: str = "", minimum: float | None = None
    ) -> float | None:
        value = data.get(name)
        if value is None:
            return None
        try:
            if isinstance(value, bool):
                raise ValueError
            number = float(value)
        except (TypeError, ValueError):
            raise self.fail(_dotted(prefix, name), "must be a number") from None
        if not math.isfinite(number) or (minimum is not None and number < minimum):
            at_least = f" of at least {minimum:g}" if minimum is not None else ""
            raise self.fail(_dotted(prefix, name), f"must be a finite number{at_least}")
        return number

    def choice(
        self, data: Mapping[str, Any], name: str, enum: type[_Choice], default: _Choice, prefix: str = ""
    ) -> _Choice:
        value = data.get(name, default.value)
        if value is False:  # YAML reads a bare `off` as false
            value = "off"
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(m.value for m in enum)
            raise self.fail(_dotted(prefix, name), f"must be one of: {allowed}") from None

    def formats(self, value: Any) -> tuple[Format, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            raise self.fail("formats", "must be a non-empty list, e.g. [atom, rss, json]")
        chosen = []
        for item in value:
            try:
                chosen.append(Format(item))
            except ValueError:
                allowed = ", ".join(f.value for f in Format)
                raise self.fail("formats", f"unknown format {item!r} (known: {allowed})") from None
        # Order of the table, not of the file, so output does not depend on how it was written.
        return tuple(f for f in Format if f in chosen)

    def topics(self, value: Any) -> dict[str, TopicSettings]:
        data = self.mapping(value if value is not None else {}, "topics")
        allowed = {f.name for f in dataclasses.fields(TopicSettings)}
        result = {}
        for name, options in data.items():
            key = f"topics.{name}"
            options = self.mapping(options if options is not None else {}, key)
            self.known(options, key, allowed)
            values = {}
            for option in allowed:
                if options.get(option) is not None:
                    text = self.text(options, key, option, "").strip()
                    if not text:
                        raise self.fail(f"{key}.{option}", "must not be empty")
                    values[option] = text
            result[str(name)] = TopicSettings(**values)
        return result


def _positive(reader: _Reader, data: Mapping[str, Any], name: str, default: float) -> float:
    value = reader.number(data, name)
    if value is None:
        return default
    if value <= 0:
        raise reader.fail(name, "must be a number above 0")
    return value


def _cache_dir(reader: _Reader, data: Mapping[str, Any], base: Path) -> Path | None:
    if data.get("cache") is None:
        return None
    value = reader.text(data, "", "cache", "").strip()
    if not value:
        raise reader.fail("cache", "must be a folder for the build cache, e.g. .cache/feeds")
    return _under(base, value)


def _under(base: Path, value: str) -> Path:
    # normpath, not resolve(): "../public" reads better in messages, and symlinks stay symlinks.
    return Path(os.path.normpath(base / value))


def _dotted(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name
