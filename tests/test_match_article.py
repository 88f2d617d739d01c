"""``Matcher.article`` folds an article's title and excerpt once for its marks and its keyword
topics, and ``Matcher.marks`` folds each provider's names once: both must give exactly what
``marks`` and ``topics`` give when every text is folded anew."""

from __future__ import annotations

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from feeds.model import Provider
from feeds.source.match import Matcher
from feeds.text import fold
from tests.conftest import make_article

_SPEC = (
    (("Climate", ("heat pumps", "Café")), ("Tokyo", ("東京",))),
    (
        ("rules", (), ("bans", "Approves")),
        ("paris", (fold("Le Monde Numérique"), "cafetech.fr"), ()),
        ("both", (fold("Le Monde Numérique"),), ("café",)),
    ),
)
_WORDS = ["bans", "BANS", "approves", "heat  pumps", "Heat\npumps", "café", "CAFE", "東京都", "x", " ", "é"]
_TEXT = st.lists(st.sampled_from(_WORDS), max_size=6).map(" ".join)
_PROVIDER = st.one_of(
    st.none(),
    st.builds(
        Provider,
        name=st.sampled_from(["Le Monde Numérique", "LE MONDE NUMERIQUE", "Daily", "cafetech.fr"]),
        domain=st.sampled_from([None, "cafetech.fr", "CafeTech.fr", "example.com"]),
    ),
)


def _fresh_marks(provider: Provider | None, title: str, summary: str) -> tuple[str, ...]:
    """``marks`` as it was written before the caches: every name and text folded on each call."""
    names = {fold(provider.name), fold(provider.domain or "")} if provider is not None else set()
    text = "\0".join((fold(title), fold(summary)))
    marked = []
    for slug, providers, words in Matcher(_SPEC).channels:
        if providers and providers.isdisjoint(names):
            continue
        if words and not any(word.found_in(text) for word in words):
            continue
        marked.append(slug)
    return tuple(marked)


@settings(max_examples=300, deadline=None)
@given(title=_TEXT, excerpt=_TEXT, body=_TEXT, provider=_PROVIDER, keywords=st.booleans())
def test_article_is_marks_and_topics(
    title: str, excerpt: str, body: str, provider: Provider | None, keywords: bool
) -> None:
    spec = _SPEC if keywords else ((), _SPEC[1])
    matcher = Matcher(spec)
    article = make_article(title=title, excerpt=excerpt, body=body, provider=provider, topics=("Tokyo",))
    marks, topics = matcher.article(article)
    assert marks == _fresh_marks(provider, title, excerpt)
    assert marks == matcher.marks(provider, title, excerpt)  # with its names now cached
    assert topics == matcher.topics(article)


def test_provider_names_cache_is_bounded() -> None:
    matcher = Matcher(_SPEC)
    for number in range(10_050):
        matcher.marks(Provider(name=f"p{number}"), "", "")
    assert len(matcher._names) <= 10_000
    assert matcher.marks(Provider(name="LE MONDE NUMERIQUE"), "x", "") == ("paris",)
