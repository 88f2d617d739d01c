"""Keywords and channel words: whole words or phrases, ignoring case, accents on Latin and Greek
letters and how spaces run; in scripts written without spaces, wherever the characters occur."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from feeds.build import build_site
from feeds.channel_config import ChannelSettings
from feeds.config import TopicSettings
from feeds.model import Provider
from feeds.source.match import INDEXED_FROM
from feeds.source.match import Matcher
from feeds.source.match import _KeywordIndex
from feeds.source.match import _Word
from feeds.source.match import match_spec
from feeds.source.summary import MARKS
from feeds.source.summary import STUBS
from feeds.source.summary import TOPICS
from feeds.source.summary import index_article
from feeds.text import fold
from tests.conftest import make_article
from tests.conftest import make_settings


def keyword_found(keyword: str, text: str) -> bool:
    matcher = Matcher(((("Topic", (keyword,)),), ()))
    return bool(matcher.keyword_hits(make_article(title="", excerpt="", body=text)))


@pytest.mark.parametrize(
    ("keyword", "text", "found"),
    [
        ("law", "A new law on robots", True),
        ("law", "Lawmakers meet", False),  # not inside a longer word
        ("law", "the by-law", True),  # a hyphen is an edge
        ("Law", "LAW AND ORDER", True),  # case
        ("café", "Le cafe du coin", True),  # accents on Latin letters
        ("cafe", "Un CAFÉ crème", True),
        ("Straße", "strasse", True),  # casefolding
        ("facial recognition", "its facial\n  recognition software", True),  # spaces and line breaks
        ("facial recognition", "facial-recognition", False),
        ("ai", "said again", False),
        ("AI", "ＡＩ規制", True),  # full-width letters, then Han: an edge
        ("AI", "AIの規制", True),
        ("東京", "東京都の自動運転バス", True),  # no word edges in Japanese
        ("自動運転", "東京の自動運転バス", True),
        ("自動運転", "自動車", False),
        ("รถไฟ", "รถไฟฟ้าใหม่", True),  # Thai: no spaces between words either
        ("й", "и", False),  # marks on Cyrillic letters make another letter: kept
        ("हिन्द", "हिन्दी भाषा", False),  # a vowel sign continues the word
        ("ἀθῆναι", "ΑΘΗΝΑΙ", True),  # Greek: case and accents
        ("C++", "C++ is old", True),
    ],
)
def test_whole_words_ignoring_case_and_accents(keyword: str, text: str, found: bool) -> None:
    assert keyword_found(keyword, text) is found


def test_keyword_topics_are_added_after_the_articles_own_in_the_index() -> None:
    settings = make_settings(
        topics={
            "Space": TopicSettings(keywords=("satellite", "satellites")),
            "AI": TopicSettings(keywords=("machine learning",)),
            "Cities": TopicSettings(keywords=("Minneapolis",)),
        }
    )
    matcher = Matcher(match_spec(settings))  # type: ignore[arg-type]
    article = make_article(title="Satellites for all", excerpt="Machine learning in orbit", topics=("AI",))
    index = index_article(article, "", matcher)
    assert index[TOPICS] == ("AI", "Space")  # its own first; AI is not given twice
    assert matcher.keyword_hits(article) == {"Space": "satellites", "AI": "machine learning"}


def test_marks_say_which_channels_an_entry_meets_by_provider_and_words() -> None:
    settings = make_settings(
        channels=(
            ChannelSettings("A", "a", providers=("reuters", "wired.com")),
            ChannelSettings("B", "b", words=("regulation",)),
            ChannelSettings("C", "c", providers=("reuters",), words=("law",)),
            ChannelSettings("D", "d", topics_any=("AI",)),  # no text conditions: no mark
        )
    )
    matcher = Matcher(match_spec(settings))  # type: ignore[arg-type]
    assert matcher.marks(Provider("Reuters"), "A new law", "") == ("a", "c")
    assert matcher.marks(Provider("Wired", "WIRED.com"), "Regulation ahead", "") == ("a", "b")
    assert matcher.marks(None, "Nothing", "about lawmakers") == ()
    article = make_article(provider=Provider("Reuters"), title="Rules", excerpt="A regulation")
    assert index_article(article, "", matcher)[STUBS][0][MARKS] == ("a", "b")


def test_no_keywords_and_no_text_conditions_need_no_matcher() -> None:
    assert match_spec(make_settings(channels=(ChannelSettings("D", "d", topics_any=("AI",)),))) is None


# Texts mostly ASCII (where the matcher looks for a keyword's first word before folding), with
# the separators and letters folding treats specially.
_TEXT = st.text(st.sampled_from([*"lawLAW ai AIcar-\n\t\x1c\x1f", "é", "ﬁ", "Ａ", "東"]), max_size=40)
_WORDS = st.lists(
    st.sampled_from(["law", "Law and", "ai", "car law", "fi", "東", "é", "A"]), min_size=1, max_size=4
)


@settings(max_examples=300, deadline=None)
@given(words=_WORDS, title=_TEXT, excerpt=_TEXT, body=_TEXT, many=st.booleans())
def test_matching_without_folding_what_cannot_hold_a_word_finds_the_same(
    words: list[str], title: str, excerpt: str, body: str, many: bool
) -> None:
    """The matcher folds a text only when its lowered ASCII form holds a word's first word;
    what it finds must be what folding every text finds (with more than 16 first words it folds
    every text)."""
    if many:
        words = words + [f"filler{number}" for number in range(17)]
    spec = ((("Topic", tuple(words)),), (("c", (), tuple(words)),))
    matcher = Matcher(spec)
    article = make_article(title=title, excerpt=excerpt, body=body)
    folded = "\0".join(map(fold, (title, excerpt, body)))
    expected = next((word for word in words if _Word.of(word).found_in(folded)), None)
    assert matcher.keyword_hits(article) == ({} if expected is None else {"Topic": expected})
    pair = f"{fold(title)}\0{fold(excerpt)}"
    found = any(_Word.of(word).found_in(pair) for word in words)
    assert matcher.marks(None, title, excerpt) == (("c",) if found else ())


#: Characters that test every edge: letters, digits, a combining mark, an underscore, punctuation,
#: spaces, a line break and letters of scripts written without spaces.
_PIECES = st.sampled_from([*"abAB1é_-+. \n", "\u0301", "東", "京", "の", "ก", "law", "ai", "c++"])
_TEXTS = st.lists(_PIECES, max_size=20).map("".join)
_KEYWORDS = st.lists(_PIECES, min_size=1, max_size=3).map("".join).filter(str.strip)


@settings(max_examples=300, deadline=None)
@given(
    topics=st.lists(
        st.lists(_KEYWORDS, min_size=1, max_size=3),
        min_size=1,
        max_size=8,
    ),
    text=_TEXTS,
)
def test_many_keywords_are_looked_up_with_the_same_hits(topics: list[list[str]], text: str) -> None:
    """With many keywords an article's runs are looked up among the keywords' (500 keyword topics
    took 10 ms an article, an outside probe found); the hits are those of looking for each."""
    spec = (tuple((f"T{n}", tuple(words)) for n, words in enumerate(topics)), ())
    article = make_article(title=text, excerpt="", body=text)
    one_by_one = Matcher(spec)
    one_by_one._index = None
    indexed = Matcher(spec)
    indexed._index = _KeywordIndex(indexed.keywords)
    assert indexed.keyword_hits(article) == one_by_one.keyword_hits(article)


def test_a_site_with_many_keywords_looks_them_up() -> None:
    words = tuple(f"word{n}" for n in range(INDEXED_FROM))
    matcher = Matcher(((("Many", words), ("Phrase", ("climate change", "東京"))), ()))
    assert matcher._index is not None
    article = make_article(title="On climate  change", excerpt="", body="word63, not word6x")
    assert matcher.keyword_hits(article) == {"Many": "word63", "Phrase": "climate change"}
    assert Matcher(((("Few", words[:3]),), ()))._index is None


def test_keyword_topics_count_toward_the_limit_of_topics(tmp_path: Path) -> None:
    """A body naming 1,000 keyword topics made 837 MB of feeds, past the limit that written topics
    have (an outside probe): its own topics first, then keyword topics, 20 in all, with a warning."""
    topics = {f"K{n}": TopicSettings(keywords=(f"word{n}x",)) for n in range(30)}
    content = tmp_path / "content"
    content.mkdir()
    body = " ".join(f"word{n}x" for n in range(30))
    (content / "a.md").write_text(
        f"---\ntitle: A\ndate: 2021-01-01\ntopics: [Own]\n---\n{body}\n", encoding="utf-8"
    )
    result = build_site(make_settings(topics=topics, content_dir=content))
    [entry] = next(c for c in result.site.channels if c.stem == "all").entries
    assert {t.name for t in entry.topics} == {"Own", *(f"K{n}" for n in range(19))}
    assert any("with its keyword topics it has 31 topics, over the limit of 20" in w for w in result.warnings)


def test_a_keyword_topic_of_a_named_topics_slug_takes_no_place_of_its_own(tmp_path: Path) -> None:
    """'kw0' written and keyword topic 'KW0' found were counted as two, with a warning that the
    limit was passed when it was not, and one that KW0 was no topic (an outside probe)."""
    topics = {"KW0": TopicSettings(keywords=("kword0",))}
    content = tmp_path / "content"
    content.mkdir()
    own = ", ".join([*(f"t{n}" for n in range(19)), "kw0"])
    (content / "a.md").write_text(
        f"---\ntitle: A\ndate: 2021-01-01\ntopics: [{own}]\n---\nkword0\n", encoding="utf-8"
    )
    result = build_site(make_settings(topics=topics, content_dir=content))
    assert result.warnings == ()
    [entry] = next(c for c in result.site.channels if c.stem == "all").entries
    assert len(entry.topics) == 20


@pytest.mark.parametrize("first", ["its own", "matched"])
def test_a_keyword_topic_is_named_as_the_config_writes_it_whichever_file_comes_first(
    tmp_path: Path, first: str
) -> None:
    """An article writing ``robotics`` before (in path order) one matched by the keyword topic
    ``Robotics`` named the topic ``robotics``, and the config's title for it went unused without a
    word; with the files named the other way round, the same site was ``Robotics`` (an outside
    probe)."""
    topics = {"Robotics": TopicSettings(keywords=("robot arms",), title="Robots!")}
    content = tmp_path / "content"
    content.mkdir()
    own, matched = ("a.md", "b.md") if first == "its own" else ("b.md", "a.md")
    (content / own).write_text("---\ntitle: Own\ndate: 2021-01-02\ntopics: [robotics]\n---\nBody\n")
    (content / matched).write_text("---\ntitle: Robot arms at work\ndate: 2021-01-01\n---\nBody\n")
    result = build_site(make_settings(topics=topics, content_dir=content))
    [channel] = [c for c in result.site.channels if c.stem == "topics/robotics"]
    assert channel.topic is not None and channel.topic.name == "Robotics"
    assert channel.topic.title == "Robots!" and len(channel.entries) == 2
    assert result.warnings == ()
