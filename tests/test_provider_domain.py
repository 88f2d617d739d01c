"""``provider.domain`` is a host name: one with a path, a query or user info is left out with a
warning on the ``provider`` line, never published as the author's address."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from feeds.errors import ContentError
from feeds.source.parse import parse_article


def _parse(domain: str, block: bool = False) -> tuple[str | None, list[tuple[int | None, str]]]:
    provider = (
        f"provider:\n  name: Outlet\n  domain: '{domain}'\n"
        if block
        else f"provider: {{name: Outlet, domain: '{domain}'}}\n"
    )
    text = f"---\ntitle: T\ndate: 2021-01-01\n{provider}---\nBody.\n"
    article, warnings = parse_article(text.encode(), "p.md", 0.0)
    assert article.provider is not None and article.provider.name == "Outlet"
    return article.provider.domain, [(w.line, w.message) for w in warnings]


@pytest.mark.parametrize("domain", ["example.com/path?x", "evil.example#@good.example", "user@example.com"])
def test_a_domain_that_is_more_than_a_host_is_left_out(domain: str) -> None:
    kept, warnings = _parse(domain)
    assert kept is None
    assert warnings == [(4, f"provider.domain {domain!r} is not a host name; left out")]


def test_the_warning_names_the_domain_line_in_a_block_mapping() -> None:
    """It named the provider's line (an outside probe): the domain's is where the mistake is."""
    kept, warnings = _parse("javascript:x", block=True)
    assert kept is None
    assert [line for line, _ in warnings] == [6]


@pytest.mark.parametrize(
    "domain", ["example.com", "news.example.co.uk", "example.com:8080", "bücher.example"]
)
def test_host_names_are_kept(domain: str) -> None:
    assert _parse(domain) == (domain, [])


def test_a_provider_read_again_gives_the_same_result_and_warns_again() -> None:
    """Providers are remembered by what is written, once read without a warning: a second file
    naming one gets an equal provider, and one with a bad domain warns in every file."""
    assert _parse("repeat.example") == _parse("repeat.example") == ("repeat.example", [])
    assert _parse("bad.example/x")[1] == _parse("bad.example/x")[1] != []
    related = "related:\n  - title: R\n    webUrl: https://r.example/1\n    provider: {name: Outlet, domain: repeat.example}\n"
    text = (
        f"---\ntitle: T\ndate: 2021-01-01\nprovider: {{name: Outlet, domain: repeat.example}}\n{related}---\n"
    )
    article, _ = parse_article(text.encode(), "p.md", 0.0)
    assert article.related[0].provider == article.provider
    assert article.provider is not None and article.provider.domain == "repeat.example"


@pytest.mark.parametrize("name", ["[a, b]", "{x: y}"])
def test_a_provider_name_that_is_not_text_is_an_error_of_its_own(name: str) -> None:
    text = f"---\ntitle: T\ndate: 2021-01-01\nprovider: {{name: {name}, domain: a.example}}\n---\n"
    with pytest.raises(ContentError, match="provider.name must be text"):
        parse_article(text.encode(), "p.md", 0.0)


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["name", "domain", "x"]), inner)
    ),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(provider=_VALUES)
def test_any_provider_value_read_twice_gives_an_article_or_an_error_each_time(provider: object) -> None:
    """Whatever a provider is written as (in the article and a related item, in two files, so the
    second reading may be a remembered one), reading gives the same article and warnings, or the
    same per-file error: never another exception."""
    written = json.dumps(provider)
    related = f"related:\n  - title: R\n    webUrl: https://r.example/1\n    provider: {written}\n"
    text = f"---\ntitle: T\ndate: 2021-01-01\nprovider: {written}\n{related}---\n".encode()
    outcomes = []
    for _ in range(2):
        try:
            article, warnings = parse_article(text, "p.md", 0.0)
            outcomes.append((article, [str(w) for w in warnings]))
        except ContentError as e:
            outcomes.append(str(e))
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize(
    ("provider", "line"),
    [
        ("provider: {name: [a, b], domain: a.example}\n", 4),  # flow: the provider's line
        ("provider:\n  domain: a.example\n  # the name\n  name: [a, b]\n", 7),  # block: the name's own
        ("provider:\n  {name: [a, b]}\n", 4),  # a flow mapping below: the provider's line
    ],
)
def test_a_provider_field_error_names_its_line(provider: str, line: int) -> None:
    text = f"---\ntitle: T\ndate: 2021-01-01\n{provider}---\n"
    with pytest.raises(ContentError, match="provider.name must be text") as caught:
        parse_article(text.encode(), "p.md", 0.0)
    assert caught.value.line == line
