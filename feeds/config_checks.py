"""Type and range checks for config values, for ``config.settings_from_mapping``: every failure
is a ``ConfigError`` naming the file and the dotted key."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import Any
from typing import TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo
from zoneinfo import ZoneInfoNotFoundError
from zoneinfo import available_timezones

import yaml

from feeds.errors import ConfigError
from feeds.model import Format
from feeds.names import slugify
from feeds.text import closed_bidi
from feeds.text import quoted_value
from feeds.text import xml_safe
from feeds.urls import NOT_HTTP_URL
from feeds.urls import link_url
from feeds.urls import url_problem

_Choice = TypeVar("_Choice", bound=Enum)
#: Most entries per feed a config may ask for (``max_items``): far more than a reader takes, and
#: a bound the planner can count to.
MAX_ITEMS = 1_000_000
#: RFC 4287's atomLanguageTag (the form of a BCP 47 tag): ``en``, ``de-CH-1996``.
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
#: Names the system's zone database gives to whatever zone the machine is set to: the same content
#: would be dated otherwise on another machine.
_MACHINE_ZONES = frozenset({"localtime", "posixrules"})


class ConfigReader:
    """Type checks for config values; every failure names the file and the dotted key."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    def fail(self, key: str, message: str) -> ConfigError:
        return ConfigError(self.path, key, message)

    def time_zone(self, data: Mapping[str, Any], default: str) -> str:
        """``timezone``: an IANA name the zone database knows, never the machine's own zone."""
        name = self.text(data, "", "timezone", default)
        if name.lower() in _MACHINE_ZONES:
            why = "is whatever zone a machine is set to, so dates would move from one machine to another"
            raise self.fail("timezone", f"{quoted_value(name)} {why}: name the zone, e.g. Europe/Paris")
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as e:
            near = [zone for zone in available_timezones() if zone.lower() == name.lower()]
            hint = f" (did you mean {near[0]}?)" if near else " (an IANA name, e.g. Europe/Paris)"
            raise self.fail("timezone", f"unknown time zone {quoted_value(name)}{hint}") from e
        return name

    def mapping(self, value: Any, key: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key or "(top level)", "must be a mapping of keys to values")
        return value

    def names(self, value: Any, key: str) -> dict[str, Any]:
        """A mapping of names (of topics, of channels): a key YAML read as a boolean or as null
        (``Yes:``, ``On:``, ``No:``) would be a topic "True" or lose its options."""
        data = self.mapping(value if value is not None else {}, key)
        for name in data:
            if isinstance(name, bool) or name is None:
                why = "YAML reads yes, no, on, off and ~ as true, false and null"
                raise self.fail(f"{key}.{name}", f"a name read as {name!r} ({why}): quote it")
        return data

    def known(
        self, data: Mapping[str, Any], prefix: str, allowed: set[str], nested: Iterable[str] = ()
    ) -> None:
        """``nested``: the keys of the sections below (``site.title``), which a misplaced or
        misspelt key may mean (``title:``, ``titel:`` at the top)."""
        for name in data:
            if name not in allowed:
                key = f"{prefix}.{name}" if prefix else str(name)
                near = difflib.get_close_matches(str(name).lower(), sorted(allowed), n=1, cutoff=0.7)
                if not near:  # a section's key, by its last part
                    below: dict[str, str] = {}
                    for full in sorted(nested):
                        below.setdefault(full.rpartition(".")[2], full)
                    near = [
                        below[end]
                        for end in difflib.get_close_matches(str(name).lower(), below, n=1, cutoff=0.7)
                    ]
                hint = f"did you mean {near[0]}? " if near else ""
                raise self.fail(key, f"unknown key ({hint}known keys: {', '.join(sorted(allowed))})")

    def text(self, data: Mapping[str, Any], prefix: str, name: str, default: str) -> str:
        value = data.get(name, default)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise self.fail(dotted(prefix, name), "must be text")
        return value

    def feed_text(
        self, data: Mapping[str, Any], prefix: str, name: str, default: str, *, required: bool = False
    ) -> str:
        """Text that every feed carries (a title, a language...): a character XML cannot carry
        is an error, and so is empty text when ``required``. A direction override it opens is
        closed at its end, as an article's title's is: a site title opening one reversed every
        topic's title, which starts with it."""
        value = self.text(data, prefix, name, default)
        self.xml_text(dotted(prefix, name), value)
        if required and not value.strip():
            raise self.fail(dotted(prefix, name), "must not be empty")
        return closed_bidi(value)

    def xml_text(self, key: str, value: str) -> None:
        """Fails for text with a character that XML cannot carry (a control character...)."""
        refused = next((c for c in value if not xml_safe(c)), None)
        if refused is not None:
            message = f"has the character U+{ord(refused):04X}, which feeds cannot carry; remove it"
            raise self.fail(key, message)

    def language(self, data: Mapping[str, Any], prefix: str, name: str, default: str) -> str:
        """A language tag as RFC 4287 and RSS want one (BCP 47's form): ``en``, ``pt-BR``."""
        value = self.text(data, prefix, name, default)
        if not _LANGUAGE_TAG.fullmatch(value):
            raise self.fail(dotted(prefix, name), f"{value[:40]!r} is not a language tag, e.g. en or pt-BR")
        return value

    def optional_url(self, data: Mapping[str, Any], prefix: str, name: str) -> str | None:
        value = data.get(name)
        if value is None:
            return None
        url = link_url(value) if isinstance(value, str) else None
        if url is None:
            raise self.fail(dotted(prefix, name), _url_refused(value))
        return url  # as a URI: "i{c}on.png" went out as written, an error to feed validators

    def base_url(self, value: Any) -> str:
        url = link_url(value) if isinstance(value, str) else None  # in other scripts: as a URI
        if url is None:
            problem = _url_refused(value)
            example = ", e.g. https://example.org/feeds/" if problem == _NOT_A_URL else ""
            raise self.fail("site.base_url", problem + example)
        parts = urlsplit(url)
        if parts.query or parts.fragment:
            raise self.fail("site.base_url", "must not have a query or fragment")
        # Every document's address is base_url + its path: a page's address or an empty segment
        # there gave every link a wrong one ("…/index.html/all.atom", "…/blog//all.atom").
        if "//" in parts.path:
            raise self.fail(
                "site.base_url", f"has an empty segment (//) in its path {quoted_value(parts.path)}"
            )
        if _PAGE_NAME.search(parts.path):
            folder = url.rsplit("/", 1)[0] + "/"
            raise self.fail("site.base_url", f"ends in a page's name; give the folder it is in: {folder}")
        return url if url.endswith("/") else url + "/"

    def integer(
        self,
        data: Mapping[str, Any],
        name: str,
        default: int,
        minimum: int,
        prefix: str = "",
        maximum: int | None = None,
    ) -> int:
        value = data.get(name, default)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(dotted(prefix, name), f"must be a whole number of at least {minimum}")
        if maximum is not None and value > maximum:
            raise self.fail(dotted(prefix, name), f"must be a whole number from {minimum} to {maximum}")
        return value

    def number(
        self,
        data: Mapping[str, Any],
        name: str,
        prefix: str = "",
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> float | None:
        value = data.get(name)
        if value is None:
            return None
        try:
            if isinstance(value, bool):
                raise ValueError
            number = float(value)
        except (TypeError, ValueError):
            raise self.fail(dotted(prefix, name), "must be a number") from None
        except OverflowError:  # a whole number of more than 308 digits
            number = math.inf
        if not math.isfinite(number) or (minimum is not None and number < minimum):
            at_least = f" of at least {minimum:g}" if minimum is not None else ""
            raise self.fail(dotted(prefix, name), f"must be a finite number{at_least}")
        if maximum is not None and number > maximum:
            raise self.fail(dotted(prefix, name), f"must be a number from {minimum or 0:g} to {maximum:g}")
        return number

    def choice(
        self, data: Mapping[str, Any], name: str, enum: type[_Choice], default: _Choice, prefix: str = ""
    ) -> _Choice:
        value = data.get(name, default.value)
        if value is False:  # YAML reads a bare `off` as false
            value = "off"
        # Text only: the Enum's own error quotes the value with repr(), which for a list that
        # aliases make of itself a million times over ran out of memory.
        if isinstance(value, str) and value in {m.value for m in enum}:
            return enum(value)
        allowed = ", ".join(m.value for m in enum)
        raise self.fail(dotted(prefix, name), f"must be one of: {allowed}")

    def flag(self, data: Mapping[str, Any], name: str, default: bool, prefix: str = "") -> bool:
        value = data.get(name, default)
        if not isinstance(value, bool):
            raise self.fail(dotted(prefix, name), "must be true or false")
        return value

    def formats(self, value: Any) -> tuple[Format, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            raise self.fail("formats", "must be a non-empty list, e.g. [atom, rss, json]")
        chosen = []
        allowed = ", ".join(f.value for f in Format)
        for item in value:
            if not isinstance(item, str):  # Format(item) would quote it whole (see ``choice``)
                raise self.fail("formats", f"{quoted_value(item)} is not a format name (known: {allowed})")
            if item not in {f.value for f in Format}:
                raise self.fail("formats", f"unknown format {quoted_value(item)} (known: {allowed})")
            chosen.append(Format(item))
        # Order of the table, not of the file, so output does not depend on how it was written.
        return tuple(f for f in Format if f in chosen)


def dotted(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


class ConfigLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a key written twice in one mapping: the second would
    silently replace the first (a second ``topics:`` block dropped every topic of the first)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # "<<: *defaults": its keys are there to be written over
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, (str, int, float, bool)) and key in seen:
                raise yaml.MarkedYAMLError(
                    problem=f"{quoted_value(key)} is written twice in one mapping "
                    f"(first at line {seen[key]}); the second would replace the first",
                    problem_mark=key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep)


def key_line(text: str, dotted: str) -> int | None:
    """The line (1-based) of the deepest key of ``dotted`` (``topics.Node.js.title``) that the
    config's text has, for an error about its value; None when not even the first is there."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    line, rest = None, dotted
    while rest and isinstance(node, yaml.MappingNode):
        found = [
            (key, value)
            for key, value in node.value
            if isinstance(key.value, str) and (rest == key.value or rest.startswith(key.value + "."))
        ]
        if not found:
            break
        key, node = max(found, key=lambda pair: len(pair[0].value))  # "Node.js" before "Node"
        line, rest = key.start_mark.line + 1, rest[len(key.value) + 1 :]
    return line


def renaming_keys(topics: Mapping[str, Any]) -> dict[str, str]:
    """The ``topics`` keys that rename (``TopicSettings.rename``), by their slug: the first of one
    slug, whose rename applies to every name of that slug."""
    keys: dict[str, str] = {}
    for key, own in topics.items():
        if own.rename:
            keys.setdefault(slugify(key), key)
    return keys


def check_renames(reader: ConfigReader, topics: Mapping[str, Any], own_options: tuple[str, ...]) -> None:
    """Raise ConfigError for renames that cannot all apply: two renames of one topic (keys with one
    slug name one topic), a chain (A → B → C would publish A as B, which nothing says; B written in
    any case), and a topic's own options under a name of the slug of a rename's source or target
    that is not the name the topic is published as (options are read under that name only)."""
    renaming = renaming_keys(topics)
    for name, topic in topics.items():
        if topic.rename:
            first = renaming[slugify(name)]
            if first != name and topics[first].rename != topic.rename:
                raise reader.fail(
                    f"topics.{name}.rename",
                    f"{name} and {first} have one slug, so they are one topic, renamed by topics.{first} "
                    f"to {quoted_value(topics[first].rename)}: give one rename",
                )
    published_as: dict[str, tuple[str, str]] = {}  # slug → (the name published, the key renaming to it)
    for name, topic in topics.items():
        if not topic.rename:
            continue
        target = slugify(topic.rename)
        onward = renaming.get(target)
        if onward is not None and target != slugify(name) and topics[onward].rename != topic.rename:
            new = topics[onward].rename
            advice = (
                f"{name} and {onward} rename each other: keep one of the two"
                if slugify(new) == slugify(name)
                else f"rename {name} to {quoted_value(new)} directly"
            )
            raise reader.fail(
                f"topics.{name}.rename",
                f"{quoted_value(topic.rename)} is renamed itself (to {quoted_value(new)}); {advice}",
            )
        published_as.setdefault(target, (topic.rename, name))
    for name, topic in topics.items():
        unused = [option for option in own_options if getattr(topic, option, None) is not None]
        if topic.rename or not unused:
            continue
        renamer = renaming.get(slugify(name))
        published, key = (
            (topics[renamer].rename, renamer) if renamer else published_as.get(slugify(name), (name, ""))
        )
        if published != name:
            raise reader.fail(
                f"topics.{name}.{unused[0]}",
                f"has no effect, since names with the slug of {name} are published as "
                f"{quoted_value(published)} (topics.{key}.rename): give it under topics.{published}",
            )


_NOT_A_URL = "must be an absolute http(s) URL"
#: The last segment of a base_url that names a page, not a folder.
_PAGE_NAME = re.compile(r"/[^/]*\.(?:html?|xhtml|php|aspx?|jsp|cgi|xml|atom|rss|json)$", re.IGNORECASE)


def _url_refused(value: Any) -> str:
    """Why a URL setting is refused: what is wrong with it, when it is text."""
    problem = url_problem(value) if isinstance(value, str) else ""
    return _NOT_A_URL if not problem or problem == NOT_HTTP_URL else problem


def config_text(path: Path) -> str:
    """The text of the config file ``path``; ConfigError when it cannot be read, is not UTF-8 (at
    the line of its first bad byte, saying what to do, as an article's message does) or is empty
    (half saved, truncated then written: not a site of every default)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        where = e.object[: e.start].count(b"\n") + 1
        byte = f"byte 0x{e.object[e.start]:02x}"
        raise ConfigError(path, None, f"is not UTF-8 ({byte}); save it as UTF-8", where) from e
    except OSError as e:
        raise ConfigError(path, None, f"cannot read config: {e}") from e
    if not text.strip():
        raise ConfigError(
            path, None, "is empty; write its settings (`feeds init` in a new folder shows them all)"
        )
    return text
