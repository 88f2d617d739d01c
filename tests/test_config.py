from __future__ import annotations

import re
from pathlib import Path

import pytest

from feeds.config import load_settings
from feeds.errors import ConfigError
from feeds.model import Format
from feeds.model import RelatedMode

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "feeds.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_config_file_loads() -> None:
    settings = load_settings(ROOT / "config" / "feeds.yaml")
    assert settings.content_dir == ROOT / "content"
    assert settings.output_dir == ROOT / "public"
    assert settings.site.base_url == "https://feeds.example.org/"
    assert settings.formats == (Format.ATOM, Format.RSS, Format.JSON)
    assert settings.min_quality == 20
    assert settings.topics["AI"].title == "Artificial intelligence"


def test_paths_relative_to_config_file_and_overrides(tmp_path: Path) -> None:
    path = write(tmp_path, "content: articles\noutput: out\nrelated: off\nformats: [json, atom]\n")
    settings = load_settings(path, output_dir=Path("elsewhere"), include_drafts=True)
    assert settings.content_dir == tmp_path / "articles"
    assert settings.output_dir == Path("elsewhere")
    assert settings.related is RelatedMode.OFF
    assert settings.formats == (Format.ATOM, Format.JSON)
    assert settings.include_drafts


def test_icons_are_read(tmp_path: Path) -> None:
    text = "site:\n  icon: https://cdn.example/i.png\n  favicon: https://cdn.example/f.png\n"
    site = load_settings(write(tmp_path, text)).site
    assert (site.icon, site.favicon) == ("https://cdn.example/i.png", "https://cdn.example/f.png")
    # Written as URIs, as every link is: "i{c}on.png" went into Atom's <icon> as it was (a probe).
    text = "site:\n  icon: https://cdn.example/i{c}on.png\n  logo: https://cdn.example/lo[g]o|x.png\n"
    site = load_settings(write(tmp_path, text)).site
    assert (site.icon, site.logo) == (
        "https://cdn.example/i%7Bc%7Don.png",
        "https://cdn.example/lo%5Bg%5Do%7Cx.png",
    )


def test_base_url_gets_trailing_slash(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, "site:\n  base_url: https://x.example.com/feeds\n"))
    assert settings.url("all.atom") == "https://x.example.com/feeds/all.atom"


def test_a_base_url_in_other_scripts_is_made_a_uri(tmp_path: Path) -> None:
    """RSS links and OPML want URIs; an IRI went into them as written (found by an outside probe)."""
    settings = load_settings(write(tmp_path, "site:\n  base_url: https://exämple.org/bløg\n"))
    assert settings.url("all.rss") == "https://xn--exmple-cua.org/bl%C3%B8g/all.rss"


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        ("sit:\n  title: x\n", "sit", "unknown key"),
        ("site:\n  titel: x\n", "site.titel", "unknown key"),
        ("site:\n  base_url: ftp://x\n", "site.base_url", "absolute http(s) URL"),
        # What is wrong with it, and addresses that made every link wrong (an outside probe).
        (
            "site:\n  base_url: 'https://x.org/a b/'\n",
            "site.base_url",
            "has a space or a character no URL holds",
        ),
        (
            "site:\n  base_url: https://x.org/blog/index.html\n",
            "site.base_url",
            "give the folder it is in: https://x.org/blog/",
        ),
        ("site:\n  base_url: https://x.org/blog//\n", "site.base_url", "has an empty segment (//)"),
        ("site:\n  favicon: 'https://x.org/a b.png'\n", "site.favicon", "has a space"),
        ("site:\n  favicon: /favicon.png\n", "site.favicon", "absolute http(s) URL"),
        ("site:\n  icon: [a, b]\n", "site.icon", "absolute http(s) URL"),
        ("max_items: 0\n", "max_items", "at least 1"),
        ("max_items: lots\n", "max_items", "whole number"),
        ("formats: [atom, pdf]\n", "formats", "unknown format 'pdf'"),
        ("related: sometimes\n", "related", "entries, links, off"),
        ("timezone: Mars/Olympus\n", "timezone", "unknown time zone"),
        # The machine's own zone: the same content dated otherwise elsewhere (an outside probe).
        ("timezone: localtime\n", "timezone", "name the zone"),
        # YAML 1.1's booleans as names: a channel "True", a topic's options lost (an outside probe)
        ("channels:\n  Yes:\n    words: [a]\n", "channels.True", "a name read as True"),
        ("topics:\n  No:\n    title: Norway\n", "topics.False", "quote it"),
        ("timezone: posixrules\n", "timezone", "name the zone"),
        ("min_quality: high\n", "min_quality", "must be a number"),
        ("topics:\n  AI:\n    colour: red\n", "topics.AI.colour", "unknown key"),
        ("topics:\n  AI:\n    title: ''\n", "topics.AI.title", "must not be empty"),
        ("max_file_mb: 0\n", "max_file_mb", "above 0"),
        ("max_file_mb: huge\n", "max_file_mb", "must be a number"),
        ("serve:\n  max_age: -1\n", "serve.max_age", "at least 0"),
        ("serve:\n  reload_interval: soon\n", "serve.reload_interval", "must be a number"),
        ("serve:\n  port: 80\n", "serve.port", "unknown key"),
        ("serve:\n  watch: inotify\n", "serve.watch", "must be one of: events, poll"),
    ],
)
def test_config_errors_name_file_and_key(tmp_path: Path, text: str, key: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert caught.value.key == key
    # path:line: key, the line of the key (its deepest part the text has), as content errors
    assert re.match(rf"{re.escape(str(path))}:\d+: {re.escape(key)}: ", str(caught.value))
    assert message in str(caught.value)


def test_a_config_value_error_gives_the_keys_line(tmp_path: Path) -> None:
    """Only YAML errors had a line (an outside probe)."""
    text = "site:\n  title: T\nchannels:\n  Node:\n    words: [a]\n  Node.js:\n    words: [b]\n    max_items: -3\n"
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text))
    assert (caught.value.key, caught.value.line) == ("channels.Node.js.max_items", 8)


def test_invalid_yaml_gives_line(tmp_path: Path) -> None:
    path = write(tmp_path, "site:\n  title: [unclosed\nmax_items: 3\n")
    with pytest.raises(ConfigError) as raised:
        load_settings(path)
    # path:line as content errors have it, and where the bracket opened; no "<unicode string>".
    assert str(raised.value).startswith(
        f"{path}:3: invalid YAML: while parsing a flow sequence (from line 2)"
    )
    assert "unicode string" not in str(raised.value)


@pytest.mark.parametrize(
    ("text", "line", "key"),
    [
        ("topics:\n  AI: {title: A}\nmax_items: 3\ntopics:\n  Space: {title: S}\n", 4, "topics"),
        ("site:\n  title: One\n  title: Two\n", 3, "title"),
    ],
)
def test_a_key_written_twice_is_an_error(tmp_path: Path, text: str, line: int, key: str) -> None:
    """The second would replace the first without a word: a second topics: block dropped every
    topic of the first (found by an outside probe)."""
    path = write(tmp_path, text)
    with pytest.raises(
        ConfigError, match=rf"^{re.escape(str(path))}:{line}: invalid YAML: '{key}' is written twice"
    ):
        load_settings(path)


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("max_itmes: 3\n", "did you mean max_items?"),
        ("timezone: utc\n", "did you mean UTC?"),
        # A section's key at the top (an outside probe: only the list of known keys was named).
        ("titel: My site\n", "did you mean site.title?"),
        ("base_url: https://example.org/\n", "did you mean site.base_url?"),
        ("lease_seconds: 60\n", "did you mean websub.lease_seconds?"),
    ],
)
def test_a_near_miss_is_named(tmp_path: Path, text: str, hint: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(hint)):
        load_settings(write(tmp_path, text))


def test_merge_keys_give_defaults_in_the_config(tmp_path: Path) -> None:
    """YAML's merge key was refused with PyYAML's words ("could not determine a constructor for
    the tag ...merge"); a key written twice in one mapping is still an error."""
    text = (
        "channels:\n  Robots: &robots\n    words: [robot]\n    max_items: 5\n"
        "  More robots:\n    <<: *robots\n    max_items: 9\n"
    )
    settings = load_settings(write(tmp_path, text))
    assert {c.name: (c.words, c.max_items) for c in settings.channels} == {
        "Robots": (("robot",), 5),
        "More robots": (("robot",), 9),
    }
