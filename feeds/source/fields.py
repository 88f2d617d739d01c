"""Front matter → an ``Article``, field by field: only the fields we know get through, each checked,
with the line of its key in every message."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable
from datetime import date
from datetime import datetime
from datetime import tzinfo
from typing import Any

import yaml

from feeds.errors import ContentError
from feeds.model import Image
from feeds.model import Provider
from feeds.model import RelatedItem
from feeds.source.conventions import FALSE_WORDS
from feeds.source.conventions import TRUE_WORDS
from feeds.source.conventions import as_feeds_writes
from feeds.source.conventions import date_key
from feeds.source.dates import field_date
from feeds.source.front_matter import FRONT_MATTER
from feeds.source.front_matter import yaml_error
from feeds.source.key_lines import FrontLines
from feeds.source.key_lines import repeated_keys
from feeds.source.key_lines import written_as
from feeds.source.limits import MAX_FILE_WARNINGS
from feeds.source.limits import MAX_RELATED
from feeds.source.limits import MAX_TITLE_CHARS
from feeds.source.limits import MAX_TOPIC_CHARS
from feeds.source.limits import MAX_TOPICS
from feeds.source.limits import bounded
from feeds.source.limits import bounded_topic
from feeds.source.limits import front_matter_problem
from feeds.source.limits import too_many_topics
from feeds.text import kind_of
from feeds.text import plain_text
from feeds.text import quoted_value
from feeds.urls import image_url
from feeds.urls import is_host_name
from feeds.urls import link_url
from feeds.urls import url_problem

#: Where other tools' image mappings hold the address, read when there is no ``url``.
_IMAGE_URL_KEYS = ("src", "path", "image")


class FrontMatterReader:
    """Maps the known front-matter fields of one file, field by field; nothing else gets through."""

    def __init__(self, text: str, source: str, tz: tzinfo) -> None:
        self.source = source
        self.tz = tz
        self.whole = text
        self.problems: list[ContentError] = []
        try:
            self.front, self.body = FRONT_MATTER.split(text)
        except ValueError:
            raise ContentError(
                source, 1, "front matter opened with '---' is never closed by a second '---' line"
            ) from None
        # Lines before the front matter text: the opening boundary may swallow blank lines.
        self.offset = text.count("\n", 0, text.index(self.front, 3)) if self.front else 1
        problem = front_matter_problem(self.front)  # before any YAML reader sees it
        if problem is not None:
            raise ContentError(source, self.offset + problem[0] + 1, problem[1])
        try:
            data, by_pyyaml = FRONT_MATTER.read(self.front)
        except yaml.MarkedYAMLError as e:
            line, message = yaml_error(e, self.front)
            line = None if line is None else line + self.offset
            raise ContentError(source, line, f"invalid YAML: {message}") from None
        except (yaml.YAMLError, RecursionError) as e:
            raise ContentError(source, None, f"invalid YAML: {e}") from None
        if data is None:
            data = {}
        if not isinstance(data, dict):
            first = len(self.front) - len(self.front.lstrip())
            line = self.offset + self.front.count("\n", 0, first) + 1
            raise ContentError(source, line, "front matter must be a mapping of fields (key: value)")
        self.written: dict[Any, Any] = data  #: the fields as the file writes them
        self.data, self.written_as = as_feeds_writes(data)  # Pelican's "Title:", "Status: draft"
        self.repeated = repeated_keys(self.front, self.offset) if by_pyyaml else []  # yaml-rs refuses them
        self.related_number: int | None = None  # 1-based: the related item being read, for lines
        self.key_lines = FrontLines(self.front, self.offset)
        self.unreported = 0  #: warnings past MAX_FILE_WARNINGS
        self.failed = ""  #: the field of the last error made

    # Errors: the line is that of the key, found in the front matter text.

    def line_of(self, key: str) -> int | None:
        """File line of a key: a top-level one, or one inside the related item being read."""
        if not self.related_number:  # as the file writes it ("Provider" for provider.name)
            field, dot, rest = key.partition(".")
            key = self.written_as.get(field, field) + dot + rest
        return self.key_lines.line_of(key, self.related_number)

    def error(self, key: str, message: str) -> ContentError:
        self.failed = key.partition(".")[0] if self.related_number is None else ""
        return ContentError(self.source, self.line_of(key), message)

    def warn(self, key: str, message: str) -> None:
        self.note(self.error(key, message) if len(self.problems) < MAX_FILE_WARNINGS else None)
        self.failed = ""

    def note(self, warning: ContentError | None) -> None:
        """A warning listed, or counted past ``MAX_FILE_WARNINGS`` (55,000 images: as many lines)."""
        if warning is not None and len(self.problems) < MAX_FILE_WARNINGS:
            self.problems.append(warning)
        else:
            self.unreported += 1

    # Field readers: each accepts the forgiving forms people write and rejects the rest.

    def text(self, key: str, value: Any, clean: Callable[[str], str] = plain_text) -> str:
        if value.__class__ is str:
            return clean(value)
        if value is None:
            return ""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = self.number_text(key, value)
        elif isinstance(value, date):  # a tagged one (``!!timestamp``): written plain, it stays text
            value = value.isoformat()
        if not isinstance(value, str):
            quote = "; YAML reads yes, no, on and off so: quote it" if isinstance(value, bool) else ""
            raise self.error(key, f"{key} must be text, not {kind_of(value)}{quote}")
        return clean(value)

    def number_text(self, key: str, value: float, what: str = "") -> str:
        where = self.key_lines.scope(self.line_of(key))
        if changed := written_as(value, where, self.front):
            self.warn(key, f"{what or key}: YAML reads it as the number {changed}; quote it to keep it")
        return str(value)

    def boolean(self, key: str, value: Any, default: bool) -> bool:
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, (str, int)) and str(value).strip().lower() in TRUE_WORDS | FALSE_WORDS:
            return str(value).strip().lower() in TRUE_WORDS
        raise self.error(key, f"{key} must be true or false, not {quoted_value(value)}")

    def number(self, key: str, value: Any) -> float | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise self.error(key, f"{key} must be a number, not {value!r}")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise self.error(key, f"{key} must be a number, not {kind_of(value)}") from None
        except OverflowError:  # a whole number of more than 308 digits
            number = math.inf
        if not math.isfinite(number):
            raise self.error(key, f"{key} must be a finite number, not {str(value)[:40]!r}")
        return number

    def date(self, key: str, value: Any) -> datetime | None:
        try:
            return field_date(key, value, self.tz, lambda message: self.warn(key, message))
        except ValueError as e:
            raise self.error(key, str(e)) from None

    def url(self, key: str, value: Any) -> str | None:
        text = self.text(key, value, str.strip)  # as written: markup rules would decode "&region"
        if not text:
            return None
        url = link_url(text)
        if url is None:
            self.warn(key, f"{key} {text[:80]!r} {url_problem(text)}; left out")
        return url

    def provider(self, key: str, value: Any) -> Provider | None:
        if value is None:
            return None
        if isinstance(value, str):
            name = self.bounded_name(key, plain_text(value))
            return Provider(name=name) if name else None
        if not isinstance(value, dict):
            raise self.error(key, f"{key} must be a mapping with name and domain, not {kind_of(value)}")
        written = (value.get("name"), value.get("domain"))
        # Texts only: a list or a mapping written there cannot be a key, and is an error below.
        remembered = all(part.__class__ in (str, type(None)) for part in written)
        if remembered and written in _PROVIDERS:  # a site names few providers, each in many files
            return _PROVIDERS[written]
        problems = len(self.problems)
        provider = self._provider(key, value)
        if remembered and len(self.problems) == problems:
            if len(_PROVIDERS) >= 4096:  # bounded, whatever the content
                _PROVIDERS.clear()
            _PROVIDERS[written] = provider
        return provider

    def _provider(self, key: str, value: dict[Any, Any]) -> Provider | None:
        name = self.bounded_name(f"{key}.name", self.text(f"{key}.name", value.get("name")))
        domain = self.text(f"{key}.domain", value.get("domain")).lower().strip("/") or None
        if domain is not None and not is_host_name(domain):
            self.warn(f"{key}.domain", f"{key}.domain {domain[:80]!r} is not a host name; left out")
            domain = None
        if not name:
            return Provider(name=domain, domain=domain) if domain else None
        return Provider(name=name, domain=domain)

    def bounded_name(self, key: str, name: str) -> str:
        """An outlet's name within ``MAX_TOPIC_CHARS``, as a topic's: every entry shows it (one of
        160,000 characters pushed its entry out of every feed; an outside probe)."""
        return self.within(key, name, MAX_TOPIC_CHARS)

    def within(self, key: str, text: str, limit: int, what: str | None = None) -> str:
        """``text`` within ``limit`` characters (``limits.bounded``), with a warning at ``key``'s
        line, naming ``what`` (default: the key), when it was cut."""
        text, cut = bounded(text, limit, what or key)
        if cut:
            self.warn(key, cut)
        return text

    def topics(self, value: Any) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, list):
            raise self.error("topics", f"topics must be a list of names (or one name), not {kind_of(value)}")
        names: dict[str, None] = {}
        # How a number is written is looked for in the list's text, once per number and only while
        # it can be a topic: each look reads the whole list (2,000 numbered topics took 30 s).
        looked: set[tuple[type, int | float]] = set()  # 1 and 1.0 are two topics
        for number, item in enumerate(value, 1):
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                quote = " (YAML reads NO, yes, on and off so: quote it)" if isinstance(item, bool) else ""
                self.warn(
                    "topics", f"topics item {number} must be a name, not {kind_of(item)}{quote}; left out"
                )
                continue
            what = f"topics item {number}"
            if isinstance(item, str):
                text = item
            elif (item.__class__, item) in looked or len(names) >= MAX_TOPICS:
                text = str(item)  # as number_text gives it, without looking again
            else:
                looked.add((item.__class__, item))
                text = self.number_text("topics", item, what)
            name, cut = bounded_topic(plain_text(text), what)
            if cut:
                self.warn("topics", cut)
            if name:
                names.setdefault(name, None)
            else:
                self.warn("topics", f"topics item {number} has no text (once markup is stripped); left out")
        if len(names) > MAX_TOPICS:
            self.warn("topics", too_many_topics(len(names)))
        return tuple(names)[:MAX_TOPICS]

    def images(self, key: str, value: Any) -> tuple[Image, ...]:
        if value is None:
            return ()
        if isinstance(value, (dict, str)):  # one image: {url: ...}, or its URL (as topics: AI is one)
            value = [value]
        if not isinstance(value, list):
            raise self.error(key, f"{key} must be a list of images, each a URL or url, width and height")
        images = []
        for number, item in enumerate(value, 1):
            image = self.image(key, number, item)
            if image is not None:
                images.append(image)
        return tuple(images)

    def image(self, key: str, number: int, item: Any) -> Image | None:
        if isinstance(item, str):
            item = {"url": item}
        elif isinstance(item, dict) and "url" not in item:  # Nuxt's src, Chirpy's path, PaperMod's image
            named = next((item[name] for name in _IMAGE_URL_KEYS if isinstance(item.get(name), str)), None)
            item = item if named is None else {**item, "url": named}
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            self.warn(key, f"{key} item {number} has no url; left out")
            return None
        url = image_url(item["url"])
        if url is None:
            why = "has no domain name for a host" if link_url(item["url"]) else url_problem(item["url"])
            self.warn(key, f"{key} item {number}: {item['url'][:80]!r} {why}; left out")
            return None
        width, height = self.pixels(key, item.get("width")), self.pixels(key, item.get("height"))
        return Image(url=url, width=width, height=height, alt=self.alt(key, number, item.get("alt")))

    def alt(self, key: str, number: int, value: Any) -> str:
        """An image's text alternative (``alt``, as Jekyll's, Hugo's and most themes' posts write
        it): plain text on one line (``plain_text`` folds its spaces), cut as a title is."""
        if value is None or value == "":
            return ""
        if not isinstance(value, str):
            self.warn(key, f"{key} item {number}: alt must be text, not {kind_of(value)}; left out")
            return ""
        return self.within(key, plain_text(value), MAX_TITLE_CHARS, f"{key} item {number}'s alt")

    def pixels(self, key: str, value: Any) -> int | None:
        if value.__class__ is int and value > 0:  # the common case
            return value
        number = None
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):  # str() of a list: huge
            with contextlib.suppress(ValueError):
                number = int(str(value).strip())
        if value is not None and (number is None or number <= 0):
            self.warn(key, f"{key}: image size {quoted_value(value)} is not a whole number over 0; left out")
            return None
        return number

    def related(self, value: Any) -> tuple[RelatedItem, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.error("related", f"related must be a list of items, not {kind_of(value)}")
        if len(value) > MAX_RELATED:
            over = f"related has {len(value):,} items, over the limit of {MAX_RELATED}"
            self.warn("related", f"{over}; the first {MAX_RELATED} are used")
            value = value[:MAX_RELATED]
        items = []
        for number, item in enumerate(value, 1):
            self.related_number = number
            try:
                items.append(self.related_item(item))
            except ContentError as e:
                self.note(ContentError(e.path, e.line, f"related item {number}: {e.message}; left out"))
            finally:
                self.related_number = None
        return tuple(items)

    def related_item(self, item: Any) -> RelatedItem:
        if not isinstance(item, dict):
            raise self.error("related", f"must be a mapping of fields, not {kind_of(item)}")
        title = self.text("title", item.get("title"))
        if not title:
            raise self.error("related", "has no title")
        written = self.text("webUrl", item.get("webUrl"), str.strip)
        url = link_url(written)  # originalUrl when unusable
        url = url or link_url(self.text("originalUrl", item.get("originalUrl"), str.strip))
        if url is None:
            why = (
                f"webUrl {written[:80]!r} {url_problem(written)}"
                if written
                else "has no absolute http(s) webUrl"
            )
            raise self.error("related", why)
        dated_by = date_key(item)
        return RelatedItem(
            title=title,
            url=url,
            excerpt=self.text("excerpt", item.get("excerpt")),
            published=self.date(dated_by, item.get(dated_by)),
            provider=self.provider("provider", item.get("provider")),
            images=self.images("images", item.get("images")),
            quality=self.number("quality", item.get("quality")),
        )


#: The providers read from (name, domain) as written, when they gave no warning: a provider's
#: reading depends on those two texts alone.
_PROVIDERS: dict[tuple[str | None, str | None], Provider | None] = {}
