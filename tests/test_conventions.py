"""Content written for other publishing tools, as an outside probe migrating from Hugo, Jekyll,
Pelican, Eleventy and a WordPress export wrote it: drafts and private posts were published, TOML
front matter became an article titled "+++", tags vanished without a word, and a Jekyll post dated
by its file name was dated by the file's time."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from datetime import timezone
from pathlib import Path

import pytest

from feeds.build import build_site
from feeds.errors import ContentError
from feeds.model import BodyFormat
from feeds.model import Entry
from feeds.render.entry_html import body_html
from feeds.render.entry_html import summary_text
from feeds.source.parse import parse_article
from tests.conftest import make_settings


def _parse(text: str, source: str = "a.md") -> tuple[object, list[str]]:
    article, problems = parse_article(text.encode(), source, 0)
    return article, [str(p) for p in problems]


@pytest.mark.parametrize(
    ("fields", "source"),
    [
        ("draft: true\n", "a.md"),  # Hugo, Eleventy
        ('draft: "yes"\n', "a.md"),
        ("status: draft\n", "a.md"),  # Pelican, WordPress
        ("status: private\n", "a.md"),  # WordPress: never meant for the public
        ("status: Future\n", "a.md"),
        ("", "_drafts/a.md"),  # Jekyll
        ("", "blog/_drafts/a.md"),
        ("", "posts/_index.md"),  # Hugo's section page, which lists the section's posts
        ("", "_index.md"),
    ],
)
def test_other_tools_drafts_are_drafts(fields: str, source: str) -> None:
    article, _ = _parse(f"---\ntitle: T\ndate: 2021-03-01\n{fields}---\nBody.\n", source)
    assert article.is_draft  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "fields",
    [
        "Status: draft\n",  # Pelican writes every key capitalised (an outside probe: published)
        "Draft: true\n",
        "Published: false\n",
        "publish: false\n",  # Obsidian Publish
        "status: scheduled\n",  # Ghost
        "eleventyExcludeFromCollections: true\n",  # Eleventy: in no collection, so in no feed
        "headless: true\n",  # Hugo: neither a page nor in any list
        "build:\n  list: never\n",
        "build:\n  list: false\n",  # Hugo's older boolean (Blowfish's and Congo's exampleSite)
        "_build:\n  list: false\n  render: false\n",
        "unlisted: true\n",  # Docusaurus: in no list and not in its feed
        "dg-publish: false\n",  # Obsidian Digital Garden publishes what says true
    ],
)
def test_what_other_tools_keep_out_of_their_lists_stays_out(fields: str) -> None:
    """Each was published, most without a word (an outside probe migrating sites)."""
    article, _ = _parse(f"---\ntitle: T\ndate: 2021-03-01\n{fields}---\nBody.\n")
    assert article.is_draft  # type: ignore[attr-defined]


def test_pelicans_capitalised_keys_are_read_with_their_lines() -> None:
    article, problems = _parse(
        "---\nTitle: Moved\nDate: 2011-01-01 10:00\nCategory: news\nDate2: x\n---\nB.\n"
    )
    assert (article.title, article.published, article.category) == (  # type: ignore[attr-defined]
        "Moved",
        datetime(2011, 1, 1, 10, tzinfo=timezone.utc),
        "news",
    )
    # A value the field cannot take is left out with a warning, not the article: the key may mean
    # another thing in the tool the file comes from (an outside probe: Notion's "Date: March 5,
    # 2021", Obsidian's "Related: [[Other]]" skipped articles that built before).
    article, problems = _parse("---\nTitle: Moved\nDate: 2011-13-01\nRelated: '[[Other]]'\n---\nB.\n")
    assert (article.title, article.dated_from_file) == ("Moved", True)  # type: ignore[attr-defined]
    assert problems == [
        "a.md:3: Date (read as date): date: '2011-13-01' is no date in the calendar (or no time of day); not read",
        "a.md:4: Related (read as related): related must be a list of items, not text; not read",
    ]


@pytest.mark.parametrize(
    ("fields", "day"),
    [("publishDate: 2021-03-04\n", 4), ("pubDate: 2021-03-05\n", 5), ('published_at: "2021-03-06T10:00:00.000Z"\n', 6),
     ("datePublished: 2021-03-07\n", 7)],
)  # fmt: skip
def test_an_article_without_a_date_is_dated_by_another_tools_date(fields: str, day: int) -> None:
    """Hugo's publishDate, Astro's pubDate, Ghost's published_at were ignored without a word, and a
    migrated site dated by the time its files were copied (an outside probe)."""
    article, problems = _parse(f"---\ntitle: T\n{fields}---\nBody.\n")
    assert article.published.date().day == day  # type: ignore[attr-defined]
    assert problems == []


def test_another_tools_date_that_is_no_date_gives_way_to_the_next() -> None:
    """The first field with a value was the only one read: a valid later one was passed over and
    the article dated by its file's time (an outside probe of the docs)."""
    article, problems = _parse(
        "---\ntitle: T\npublished_at: not a date\npublishedAt: 2021-04-03T00:00:00Z\n---\nB\n"
    )
    assert article.published.date().isoformat() == "2021-04-03"  # type: ignore[attr-defined]
    assert len(problems) == 1 and problems[0].startswith("a.md:3: ") and problems[0].endswith("; not read")
    # Notion's published holding a date comes last (a follow-up probe: it was never reached).
    article, problems = _parse("---\ntitle: T\npublishDate: soon\npublished: 2019-03-04\n---\nB\n")
    assert article.published.date().isoformat() == "2019-03-04"  # type: ignore[attr-defined]
    assert len(problems) == 1 and problems[0].startswith("a.md:3: ")


def test_dates_feeds_does_not_read_are_named() -> None:
    _, problems = _parse(
        "---\ntitle: T\ndate: 2021-03-08\npublishDate: 2031-01-01\nexpiryDate: 2021-04-01\n---\nB\n"
    )
    assert problems == [
        "a.md:4: publishDate is not read, as the article has a date: it is published at once (a build never"
        " waits for a date; set draft: true until it is due)",
        "a.md:5: expiryDate is not read: no article expires (a build never reads the clock); set draft: true"
        " to take it out",
    ]
    article, problems = _parse("---\ntitle: T\ncreated: 2021-03-04 10:12:00\n---\nB\n")
    assert article.dated_from_file  # type: ignore[attr-defined]
    assert problems == [
        "a.md:3: created holds a date, which feeds does not read: it dates an article by date or"
        " publishedDateTime (rename it)"
    ]
    article, problems = _parse("---\ntitle: T\npubDate: Last Modified\n---\nB\n")
    assert article.dated_from_file  # type: ignore[attr-defined]
    assert problems == [
        "a.md:3: pubDate: cannot read 'Last Modified' as a date; use ISO 8601, e.g. 2021-02-16T03:47:00Z; not read"
    ]


@pytest.mark.parametrize("source", ["_drafts/a.txt", "blog/_drafts/b.md"])
def test_a_plain_text_file_in_a_drafts_folder_is_a_draft(source: str) -> None:
    """Files with front matter there were drafts, plain-text ones published (found by a probe)."""
    article, _ = _parse("Plain draft title\nBody.\n", source)
    assert article.is_draft  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "fields",
    [
        "draft: false\n",
        "status: publish\n",
        "status: published\n",
        "",
        "unlisted: false\n",
        "dg-publish: true\n",
    ],
)
def test_published_ones_are_not(fields: str) -> None:
    article, _ = _parse(f"---\ntitle: T\ndate: 2021-03-01\n{fields}---\nBody.\n", "posts/a.md")
    assert not article.is_draft  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('+++\ntitle = "T"\n+++\nBody\n', "a.md:1: front matter in TOML (between +++ lines"),
        ('\n{"title": "T"}\nBody\n', "a.md:2: front matter in JSON is not read on its own"),
        ('{\n  "title": "T"\n}\nBody\n', "a.md:1: front matter in JSON"),
        ("Title: My title\nDate: 2010-12-03 10:20\n\nBody\n", "a.md:1: metadata lines (Title: ...)"),
        # Pelican's own test files (an outside probe: titled "Title: ..." or "category: yeah").
        ("Title: One -, two --, three --- dashes!\n\nOne: -\n", "a.md:1: metadata lines"),
        ("Title: Article with empty tags\nTags:\n\nBody\n", "a.md:1: metadata lines"),
        ("category: yeah\nauthor: Alexis Métaireau\n\nMarkdown\n========\n", "a.md:1: metadata lines"),
        # An article titled "---" whose body was the front matter, secured fields and all (a probe).
        ("\n---\ntitle: T\n---\nBody\n", "a.md:2: front matter must open on the file's first line"),
        ("\ufeff \n\n---\ntitle: T\n---\nBody\n", "a.md:3: front matter must open on the file's first line"),
        ("----\ntitle: T\n----\nBody\n", "a.md:1: a first line of '----' opens no front matter"),
        # Eleventy's starter's draft, published as "---js" with its code as the body (a probe).
        ("---js\nconst draft = true;\n---\nBody\n", "a.md:1: front matter in js ('---js', as Eleventy"),
        ("--- javascript\nconst a = 1;\n---\nBody\n", "a.md:1: front matter in javascript"),
        ('---json\n{"title": "T", "draft": true}\n---\nBody\n', "a.md:1: front matter marked '---json'"),
        ("---yaml\ntitle: T\n---\nBody\n", "a.md:1: front matter marked '---yaml' is not read as such"),
    ],
)
def test_front_matter_feeds_does_not_read_is_an_error(text: str, message: str) -> None:
    with pytest.raises(ContentError) as raised:
        _parse(text)
    assert str(raised.value).startswith(message)


def test_a_plain_text_title_that_looks_like_a_key_is_a_title() -> None:
    article, _ = _parse("Title: Markets rally\nBy the desk.\n", "a.txt")
    assert article.title == "Title: Markets rally"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "source",
    [
        "_posts/2021-03-09-from-name.md", "2021-03-09-note.txt", "2021-03-09.txt", "2021-03-09.md",
        "daily/2021-03-09 standup.md", "2021-03-09_notes.txt",
        "blog/2021-03-09-bundle/index.md", "2021-03-09/index.md",  # Docusaurus's, Hugo's post folders
    ],
)  # fmt: skip
def test_a_date_at_the_start_of_the_file_name_dates_an_undated_article(source: str) -> None:
    text = "---\ntitle: Named\n---\nBody.\n" if source.endswith(".md") else "Named\nBody.\n"
    article, _ = _parse(text, source)
    assert article.published == datetime(2021, 3, 9, tzinfo=timezone.utc)  # type: ignore[attr-defined]
    assert not article.dated_from_file  # type: ignore[attr-defined]  # a clone does not re-date it


@pytest.mark.parametrize(
    "source",
    [
        "2021-03-091.md",
        "2021-03-09x.txt",
        "notes-2021-03-09.md",
        "2021-3-9.md",
        "２０２１-０３-１５-fw.md",
        "2021-03-09-bundle/notes.md",
        "2021-03-09-a/b/index.md",
    ],
)
def test_a_name_that_does_not_start_with_a_date_and_a_break_dates_nothing(source: str) -> None:
    article, problems = _parse("Plain\nBody.\n", source)
    assert article.dated_from_file and problems == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("source", ["2021-02-30-bad.md", "2021-13-01.txt"])
def test_a_date_in_the_name_that_is_no_day_is_warned_of(source: str) -> None:
    text = "---\ntitle: Named\n---\nBody.\n" if source.endswith(".md") else "Named\nBody.\n"
    article, problems = _parse(text, source)
    assert article.dated_from_file  # type: ignore[attr-defined]
    date = source[:10]
    assert problems == [
        f"{source}: the file name's date {date} is no day feeds can carry; the article is dated by the"
        " file's modification time"
    ]


def test_a_date_written_wins_over_the_file_name() -> None:
    article, _ = _parse("---\ntitle: T\ndate: 2020-01-02\n---\nBody.\n", "2021-03-09-a.md")
    assert article.published == datetime(2020, 1, 2, tzinfo=timezone.utc)  # type: ignore[attr-defined]


def test_tags_in_another_letter_case_are_named_as_not_read() -> None:
    _, problems = _parse("---\ntitle: T\ndate: 2021-03-01\nTags: [go]\n---\nBody.\n")  # as Notion writes it
    assert problems == ["a.md:4: Tags is not read: feeds takes an article's topics from `topics`; rename it"]


def test_tags_and_categories_are_named_as_not_read() -> None:
    _, problems = _parse("---\ntitle: T\ndate: 2021-03-01\ntags: [go]\ncategories: [web]\n---\nBody.\n")
    assert problems == [
        "a.md:4: tags is not read: feeds takes an article's topics from `topics`; rename it",
        "a.md:5: categories is not read: feeds takes an article's topics from `topics`; rename it",
    ]
    _, problems = _parse("---\ntitle: T\ndate: 2021-03-01\ntopics: [Go]\ntags: [go]\n---\nBody.\n")
    assert problems == []  # topics are there: tags are the writer's own business


def test_a_misspelt_field_is_named_with_the_field_it_looks_like() -> None:
    """Its value was ignored without a word: an article without topics, dated by its file's time
    and with no link (an outside probe)."""
    _, problems = _parse(
        "---\ntitle: T\ntopic: AI\npublishedDatetime: 2021-01-01T00:00:00Z\nweburl: https://e.example/x\n"
        "heat: 3\nsecured: x\nampWebUrl: https://e.example/amp\nslug: t\ncolour: red\n---\nBody.\n"
    )
    assert problems == [
        "a.md:3: topic is not a field feeds reads; did you mean topics? (not read)",
    ]  # the seed's own fields, other tools' and unlike names are no misspelling; a field in
    # another case is read (publishedDatetime, weburl: as Pelican capitalises every key)
    _, problems = _parse("---\ntitle: T\ndate: 2021-03-01\ntopics: [Go]\ntopic: Go\n---\nBody.\n")
    assert problems == []  # the field is there: the other key is the writer's own
    # Other tools' fields, near a field's name or not, are no misspelling (a probe of the first try).
    others = "created: 2023\npublisher: x\npublished_at: 2021\npublishedOn: x\ncategoryId: 3\nImage: x\nstatuses: [a]\n"
    _, problems = _parse(f"---\ntitle: T\ndate: 2021-03-01\n{others}---\nBody.\n")
    assert problems == []


def test_a_key_written_twice_is_named_with_its_lines() -> None:
    """YAML readers keep the last value without a word (an outside probe's topics vanished so),
    where a config's repeated key is an error."""
    text = "---\ntitle: One\ntopics: [Alpha]\ndate: 2021-03-01\ntopics: [Beta]\n'title': Two\n---\nBody.\n"
    article, problems = _parse(text)
    assert (article.title, article.topics) == ("Two", ("Beta",))  # type: ignore[attr-defined]
    assert problems == [
        "a.md:2: title is written on lines 2, 6; only the last is read",
        "a.md:3: topics is written on lines 3, 5; only the last is read",
    ]
    # Nested keys of the same name, and a file PyYAML reads for another reason (a tab), are fine.
    _, problems = _parse('---\ntitle: T\ndate: 2021-03-01\nprovider:\n  title: x\nexcerpt: "a\tb"\n---\nB\n')
    assert problems == []


@pytest.mark.parametrize(
    ("key", "field"),
    [("qualtiy", "quality"), ("porvider", "provider"), ("exceprt", "excerpt"), ("realted", "related"),
     ("dte", "date"), ("typ", "type"), ("topcis", "topics"), ("imgaes", "images"), ("webUlr", "webUrl"),
     ("sattus", "status"), ("pubilshed", "published"), ("publishedDateTme", "publishedDateTime")],
)  # fmt: skip
def test_a_slip_or_two_of_typing_is_taken_for_the_field(key: str, field: str) -> None:
    """A letter added, left out, changed or two swapped; a ratio of likeness missed half of these
    or flagged other tools' fields (a probe of the first two tries)."""
    _, problems = _parse(
        f"---\ntitle: T\ndate: 2021-03-01\n{key}: x\n---\nBody.\n".replace("date: 2021-03-01\ndte", "dte")
    )
    assert problems == [
        f"a.md:{3 if key == 'dte' else 4}: {key} is not a field feeds reads; did you mean {field}? (not read)"
    ]


def test_a_missing_title_names_the_key_that_looks_like_it() -> None:
    for written, empty in [("titel", ""), ("titel", "title: ''\n"), ("Title", "title: ''\n")]:
        with pytest.raises(ContentError) as info:
            _parse(f"---\n{written}: T\n{empty}date: 2021-03-01\n---\nBody.\n")
        assert str(info.value) == (
            f"a.md:2: title is missing or empty ('{written}' is read as no field: did you mean title?)"
        )


def test_topics_written_as_one_name_with_a_comma_are_named() -> None:
    article, problems = _parse("---\ntitle: T\ndate: 2021-03-01\ntopics: AI, Robotics\n---\nBody.\n")
    assert article.topics == ("AI, Robotics",)  # type: ignore[attr-defined]  # as YAML reads it
    # Quoted, the comma is meant (IPTC's subjects, "Crime, Law and Justice"): no warning.
    _, quoted = _parse("---\ntitle: T\ndate: 2021-03-01\ntopics: 'Crime, Law and Justice'\n---\nBody.\n")
    assert quoted == []
    assert problems == [
        "a.md:4: topics is one name with a comma, 'AI, Robotics'; a list is written [AI, Robotics]"
    ]


def test_a_markdown_heading_is_a_plain_text_title() -> None:
    article, _ = _parse("# A Markdown file without front matter\n\nBody.\n")
    assert article.title == "A Markdown file without front matter"  # type: ignore[attr-defined]


def test_a_summary_ends_where_the_writer_put_more() -> None:
    entry = Entry(
        id="urn:x", title="T", published=datetime(2021, 6, 1, tzinfo=timezone.utc), source="a.md",
        body="The teaser.\n\n<!--more-->\n\nThe rest, which a summary does not show.", body_format=BodyFormat.MARKDOWN,
    )  # fmt: skip
    assert summary_text(entry) == "The teaser."


def test_a_comment_line_before_the_title_shows_nothing() -> None:
    article, _ = _parse("<!-- draft -->\n# Real title\nBody.\n", "a.md")
    assert article.title == "Real title"  # type: ignore[attr-defined]


def test_draft_1_is_a_draft() -> None:
    article, _ = _parse("---\ntitle: T\ndate: 2021-03-01\ndraft: 1\n---\nBody.\n")
    assert article.is_draft  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "marker", ["<!--more-->", "<!-- more -->", "<!--more Read the rest-->", "<!--truncate-->"]
)
def test_the_more_marker_as_other_tools_write_it(marker: str) -> None:
    entry = Entry(
        id="urn:x", title="T", published=datetime(2021, 6, 1, tzinfo=timezone.utc), source="a.md",
        body=f"Intro paragraph.\n\n{marker}\n\nRest of the story.", body_format=BodyFormat.MARKDOWN,
    )  # fmt: skip
    assert summary_text(entry) == "Intro paragraph."


def test_a_site_whose_newest_article_is_dated_by_its_name_builds(tmp_path: Path) -> None:
    """The name's date was midnight in the config's zone but not in UTC, as every other date is:
    as the newest, the OPML's date raised ValueError and the build ended with a traceback (found
    by a probe of the docs' examples)."""
    content = tmp_path / "content"
    content.mkdir()
    (content / "2021-03-09-title.md").write_text("---\ntitle: Named\n---\nBody.\n", encoding="utf-8")
    (content / "0001-01-01-old.txt").write_text("Too old a name\nBody.\n", encoding="utf-8")  # its file time
    settings = make_settings(content_dir=content, output_dir=tmp_path / "out", timezone="Europe/Paris")
    result = build_site(settings)
    assert not result.errors
    atom = result.documents["all.atom"].decode()
    assert "<published>2021-03-08T23:00:00+00:00</published>" in atom  # midnight in Paris, in UTC


def test_front_matter_without_a_title_takes_the_notes_first_heading() -> None:
    """Obsidian's notes have front matter (aliases, tags) and their title as a heading; each was
    skipped as having no title (an outside probe)."""
    article, _ = _parse("---\naliases: [Books]\ndate: 2021-03-04\n---\n\n# Reading list #\n\n- one\n- two\n")
    assert (article.title, article.body) == ("Reading list", "- one\n- two")  # type: ignore[attr-defined]
    for body in ("#tag only\n", "## A section\n", "Text\n# Later heading\n"):  # no title heading first
        with pytest.raises(ContentError, match="title is missing or empty"):
            _parse(f"---\ndate: 2021-03-04\n---\n{body}")
    with pytest.raises(ContentError, match="title is missing or empty"):  # an empty title is the writer's
        _parse("---\ntitle: ''\ndate: 2021-03-04\n---\n# Heading\n")


def test_one_image_may_be_written_as_its_url_alone() -> None:
    """`images: https://…/b.jpg` skipped the whole article, where a list of URLs was read and
    `topics: AI` is one topic (an outside probe)."""
    article, problems = _parse("---\ntitle: T\ndate: 2021-01-01\nimages: https://example.com/b.jpg\n---\nx\n")
    assert [image.url for image in article.images] == ["https://example.com/b.jpg"]  # type: ignore[attr-defined]
    assert problems == []


def test_relative_links_in_a_body_without_a_url_are_named() -> None:
    """A feed has no base for them: they were dropped without a word, images left without a src
    (an outside probe of exported WordPress and Hugo posts)."""
    body = "![photo](images/photo.jpg) [about](/about/) [a](#sec) [m](mailto:a@example.com) [ok](https://x.org/)\n"
    _, problems = _parse(
        f"---\ntitle: T\ndate: 2021-01-02\n---\n{body}\n[r]: ../ref.html\n<img src='a.png'>\n"
    )
    assert problems == [
        "a.md:5: the body's relative links and images ('images/photo.jpg', '/about/', '#sec', …) are left"
        " out: there is no webUrl"
    ]
    _, problems = _parse(f"---\ntitle: T\ndate: 2021-01-02\nwebUrl: https://e.example/p/\n---\n{body}")
    assert problems == []  # read against the article's URL


def test_a_yes_or_no_read_as_a_boolean_says_to_quote_it() -> None:
    """`title: Yes` and Norway's `NO` in topics: the messages said what YAML read, not what to do
    (an outside probe), as those of numbers do."""
    with pytest.raises(
        ContentError, match="title must be text, not true/false; YAML reads yes, no, on and off so"
    ):
        _parse("---\ntitle: Yes\n---\nx\n")
    _, problems = _parse("---\ntitle: T\ndate: 2021-01-01\ntopics: [NO, SE]\n---\nx\n")
    assert problems == [
        "a.md:4: topics item 1 must be a name, not true/false (YAML reads NO, yes, on and off so: quote it); left out"
    ]


@pytest.mark.parametrize(
    "written", ["published: 2021-03-04", "Published: 2021-03-04", "published: 2021-03-04 10:00:00"]
)
def test_a_published_that_holds_a_date_is_that_date(written: str) -> None:
    """Notion and other tools write the day an article went out as `published`: an error that
    skipped the article, and with keys read in any case `Published:` would have become one too."""
    article, problems = _parse(f"---\ntitle: T\n{written}\n---\nx\n")
    assert (article.published.date().isoformat(), article.is_draft) == ("2021-03-04", False)  # type: ignore[attr-defined]
    assert problems == []
    article, _ = _parse(f"---\ntitle: T\ndate: 2020-01-01\n{written}\n---\nx\n")
    assert article.published.year == 2020  # type: ignore[attr-defined]  # the article's own date first


def _printed_by_hash_seed(code: str, seeds: range) -> set[str]:
    """What Python ``code`` prints, run once with each PYTHONHASHSEED: one answer when it does
    not depend on the order of a set."""
    return {
        subprocess.run(
            [sys.executable, "-c", code], env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True, text=True, check=True,
        ).stdout
        for seed in seeds
    }  # fmt: skip


def test_two_spellings_of_one_field_read_the_first_whatever_the_hash() -> None:
    """The key read was picked from a set: Alpha or Beta by PYTHONHASHSEED (an outside probe)."""
    code = (
        "from feeds.source.parse import parse_article\n"
        "a, p = parse_article(b'---\\nDate: 2021-01-01\\nDATE: 2022-02-02\\nTitle: Alpha\\nTITLE: Beta\\n---\\nB.\\n', 'a.md', 0)\n"
        "print(a.title, a.published.date(), [str(x) for x in p])\n"
    )
    assert _printed_by_hash_seed(code, range(1, 7)) == {
        "Alpha 2021-01-01 ['a.md:3: DATE is not read: date is read, and keys in another letter case are the same"
        " field', 'a.md:5: TITLE is not read: title is read, and keys in another letter case are the same field']\n"
    }


def test_links_in_code_are_no_relative_links_and_the_warning_names_the_links_line() -> None:
    body = (
        "Intro.\n\n```python\nsrc = os.path.join(root, name)\nhref = build_link(page)\n```\n\n"
        '    indented = href(x)\n\nSee `<a href="/about">` and `arr[i](x)`.\n\nA [real](../real/) one.\n'
    )
    _, problems = _parse(f"---\ntitle: T\ndate: 2021-01-02\n---\n{body}")
    assert problems == [
        "a.md:16: the body's relative links and images ('../real/') are left out: there is no webUrl"
    ]


def test_a_heading_inside_indented_code_is_no_title() -> None:
    with pytest.raises(ContentError, match="title is missing or empty"):
        _parse("---\ndate: 2021-01-02\n---\n    # a comment in code\n    x = 1\n")
    article, _ = _parse("---\ndate: 2021-01-02\n---\n\n   # Three spaces are a heading\nText.\n")
    assert (article.title, article.body) == ("Three spaces are a heading", "Text.")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("---\ntitle: T\nlast_modified_at: 2022-01-01\n---\nB\n", "2021-03-09-post.md"),  # dated by its name
        ("---\ntitle: T\nid: 20210305T1010\n---\nB\n", "a.md"),  # a Zettelkasten id
        ("---\ntitle: T\ndate: 2021-03-08\npublishDate: 2021-03-08\n---\nB\n", "a.md"),  # Hugo: the same day
    ],
)
def test_dates_that_need_no_word_get_none(text: str, source: str) -> None:
    """Each was warned of, some with advice that would have dated the article wrongly (an outside
    probe)."""
    _, problems = _parse(text, source)
    assert problems == []


def test_a_body_of_html_indented_as_a_whole_stays_html() -> None:
    """Keeping a first line's indentation (a code block) made an export's indented HTML a code
    block; it was HTML before (an outside probe)."""
    article, _ = _parse(
        '---\ntitle: T\ndate: 2021-01-02\n---\n    <div class="post">\n      <p>Hi</p>\n    </div>\n'
    )
    assert body_html(article.body, article.body_format).startswith('<div class="post">')  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "fields",
    [
        "Headless: true\n",
        "_build:\n  list: never\n",
        "Publish: false\n",
        "eleventyexcludefromcollections: true\n",
    ],
)
def test_other_tools_keys_are_read_in_any_case_as_hugo_reads_them(fields: str) -> None:
    """Only feeds' own fields were read in another case: Hugo's Headless: true was published
    (an outside probe of the first fix)."""
    article, _ = _parse(f"---\ntitle: T\ndate: 2021-03-01\n{fields}---\nBody.\n")
    assert article.is_draft  # type: ignore[attr-defined]
    article, _ = _parse("---\ntitle: T\nPublishDate: 2021-03-04\n---\nBody.\n")
    assert article.published.day == 4  # type: ignore[attr-defined]


def test_a_spelling_left_out_lets_the_next_one_be_read() -> None:
    """Which of Title: and TITLE: was read decided whether the article was published, by their
    order (a second follow-up probe); a bad title alone keeps its own error."""
    for text in ("---\nTitle: [a]\nTITLE: ok\n---\nB\n", "---\nTITLE: ok\nTitle: [a]\n---\nB\n"):
        article, _ = _parse(text)
        assert article.title == "ok"  # type: ignore[attr-defined]
    with pytest.raises(ContentError, match="a.md:2: title must be text, not a list"):
        _parse("---\nTitle: [a]\n---\nB\n")
    article, problems = _parse("---\ntitle: T\nDate: March 5\nDATE: 2023-01-01\n---\nB\n")
    assert article.published.year == 2023  # type: ignore[attr-defined]
    assert [p.split(": ", 1)[0] for p in problems] == ["a.md:3"]


def test_a_nested_field_in_another_case_is_left_out_with_its_line() -> None:
    article, problems = _parse("---\ntitle: Prov\nProvider: {name: [a]}\n---\nB\n")
    assert article.provider is None  # type: ignore[attr-defined]
    assert problems == [
        "a.md:3: Provider (read as provider): provider.name must be text, not a list; not read"
    ]


def test_the_misspelling_named_is_the_first_in_the_file_whatever_the_hash() -> None:
    code = (
        "from feeds.source.parse import parse_article\n"
        "try:\n    parse_article(b'---\\ntitel: a\\ntitl: b\\ntilte: c\\n---\\nB\\n', 'b.md', 0)\n"
        "except ValueError as e:\n    print(e)\n"
    )
    assert _printed_by_hash_seed(code, range(1, 5)) == {
        "b.md:2: title is missing or empty ('titel' is read as no field: did you mean title?)\n"
    }


def test_hugos_build_option_in_any_case_and_code_fences_closed_only_by_a_bare_fence() -> None:
    article, _ = _parse("---\ntitle: x\nBuild: {List: Never}\n---\nB\n")
    assert article.is_draft  # type: ignore[attr-defined]
    _, problems = _parse("---\ntitle: x\n---\n```\ncode\n```python\n[a](in-code.png)\n```\n")
    assert problems == []  # a fence with an info string closes nothing
    _, problems = _parse("---\ntitle: x\n---\nit`s here [a](img/a.png)\n\nand ` there\n")
    assert problems == [
        "a.md:4: the body's relative links and images ('img/a.png') are left out: there is no webUrl"
    ]


def test_a_title_cut_from_a_heading_names_the_headings_line() -> None:
    _, problems = _parse("---\ndate: 2021-01-01\n---\n\n# " + "A" * 1200 + "\nbody\n")
    assert problems[0].startswith("a.md:5: the title has 1,200 characters")


@pytest.mark.parametrize("key", ["lastmod", "updated", "modified", "last_modified_at"])
def test_a_change_date_alone_says_the_article_is_dated_by_its_file(key: str) -> None:
    """A post whose only date is its last change (Hugo's ``lastmod``) was dated by its file's time
    without a word (an outside probe; input.md promised the warning)."""
    _, problems = _parse(f"---\ntitle: T\n{key}: 2021-05-05\n---\nB\n")
    assert problems == [
        f"a.md:3: {key} holds the date of a change, not of publication: the article, which has no date,"
        " is dated by its file's time; give it a date (date or publishedDateTime)"
    ]


@pytest.mark.parametrize("empty", ["[]", "", "''", "{}"])
def test_an_empty_list_of_tags_gets_no_word(empty: str) -> None:
    _, problems = _parse(f"---\ntitle: T\ndate: 2021-01-02\ncategories: {empty}\ntags: {empty}\n---\nB\n")
    assert problems == []


def test_other_tools_summary_author_and_image_are_read_when_feeds_own_are_not_there() -> None:
    """A site moved from Hugo or Jekyll (an outside probe) lost every post's summary, author and
    image: ``summary`` or ``description`` is the excerpt, ``author`` the outlet (as a provider
    written as a name), ``image`` the image, when the article has no excerpt, provider or images."""
    hugo = (
        "---\ntitle: T\ndate: 2021-03-01\nsummary: The short story.\ndescription: For search engines.\n"
        "author: Jane Doe\nimage: https://img.example.com/cover.jpg\n---\nBody.\n"
    )
    article, problems = _parse(hugo)
    assert (article.excerpt, article.provider.name, [i.url for i in article.images], problems) == (  # type: ignore[attr-defined]
        "The short story.",
        "Jane Doe",
        ["https://img.example.com/cover.jpg"],
        [],
    )
    article, _ = _parse("---\ntitle: T\ndate: 2021-03-01\ndescription: For search engines.\n---\nB\n")
    assert article.excerpt == "For search engines."  # type: ignore[attr-defined]
    own = (
        "---\ntitle: T\ndate: 2021-03-01\nexcerpt: Ours\nsummary: Theirs\nprovider: {name: Wire}\n"
        "author: Jane\nimages: [https://i.example.com/a.png]\nimage: https://i.example.com/b.png\n---\nB\n"
    )
    article, _ = _parse(own)
    assert (article.excerpt, article.provider.name, [i.url for i in article.images]) == (  # type: ignore[attr-defined]
        "Ours",
        "Wire",
        ["https://i.example.com/a.png"],
    )


@pytest.mark.parametrize(
    "fields",
    [
        "image: {src: https://i.example.com/a.png}\n",  # Nuxt Content
        "image:\n  path: https://i.example.com/a.png\n  alt: A\n",  # Chirpy
        "cover:\n  image: https://i.example.com/a.png\n  alt: A\n",  # Hugo's PaperMod
        "feature_image: https://i.example.com/a.png\n",  # Ghost
        "featured_image: https://i.example.com/a.png\n",  # WordPress exports
        "images:\n  - src: https://i.example.com/a.png\n",
    ],
)
def test_other_tools_images_are_read(fields: str) -> None:
    """Each was left out, most without a word (an outside probe migrating sites)."""
    article, problems = _parse(f"---\ntitle: T\ndate: 2021-03-01\n{fields}---\nB\n")
    assert ([i.url for i in article.images], problems) == (["https://i.example.com/a.png"], [])  # type: ignore[attr-defined]


def test_an_author_list_of_names_is_the_provider() -> None:
    """PaperMod's and Jekyll's ``author: [Jane Doe]`` was warned of as "not a mapping" (a probe)."""
    article, problems = _parse("---\ntitle: T\ndate: 2021-03-01\nauthor: [Jane Doe]\n---\nB\n")
    assert (article.provider.name, problems) == ("Jane Doe", [])  # type: ignore[attr-defined]
    article, _ = _parse("---\ntitle: T\ndate: 2021-03-01\nauthor:\n  - Bart\n  - Lisa\n---\nB\n")
    assert article.provider.name == "Bart, Lisa"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("fields", "name"),
    [
        ("author: [{name: Jane Doe}, {name: Ann}]\n", "Jane Doe, Ann"),  # Jekyll themes' author objects
        (
            "authors:\n  - name: Joel\n    title: Maintainer\n    url: https://j.example.com\n",
            "Joel",
        ),  # Docusaurus
        ("authors: {name: Joel, email: j@example.com}\n", "Joel"),
        ("authors: [slorber, yangshun]\n", None),  # keys into Docusaurus's or MkDocs's authors file
        ("author: Jane\nauthors: [{name: Joel}]\n", "Jane"),
    ],
)
def test_authors_written_as_mappings_with_names_are_read(fields: str, name: str | None) -> None:
    """``author: [{name: a}, {name: b}]`` was a warning and Docusaurus's inline ``authors`` was not
    read: the entries had no author (an outside probe of posts from other tools)."""
    article, problems = _parse(f"---\ntitle: T\ndate: 2021-03-01\n{fields}---\nB\n")
    assert problems == []
    assert (article.provider.name if article.provider else None) == name  # type: ignore[attr-defined]


def test_ghosts_custom_excerpt_is_the_excerpt() -> None:
    article, _ = _parse("---\ntitle: T\ndate: 2021-03-01\ncustom_excerpt: From Ghost.\n---\nB\n")
    assert article.excerpt == "From Ghost."  # type: ignore[attr-defined]


def test_another_tools_field_in_a_shape_feeds_cannot_read_is_a_warning_not_an_error() -> None:
    text = "---\ntitle: T\ndate: 2021-03-01\nauthor: [{email: a@example.com}]\ndescription: [1, 2]\n---\nB\n"
    article, problems = _parse(text)
    assert (article.provider, article.excerpt) == (None, "")  # type: ignore[attr-defined]
    assert sorted(problems) == [
        "a.md:4: author must be a mapping with name and domain, not a list; not read",
        "a.md:5: description must be text, not a list; not read",
    ]


@pytest.mark.parametrize(
    ("word", "warning"),
    [
        ("Last Modified", None),
        ("last-modified", None),  # Quarto's
        ("last modified", None),
        ("Created", "read as the file's modification time (feeds reads no creation time)"),
        (
            "git Last Modified",
            "read as the file's modification time (git restore-mtime sets it from the history)",
        ),
        ("git Created", "read as the file's modification time (git restore-mtime sets it from the history)"),
    ],
)
def test_eleventys_words_for_a_files_date_date_it_by_its_file(word: str, warning: str | None) -> None:
    """Eleventy's ``date: Last Modified`` and the like were errors, and the post was left out (an
    outside probe). Such a post is dated by its file's time, even in a dated file name."""
    mtime_ns = 1_600_000_000 * 10**9
    article, problems = parse_article(
        f"---\ntitle: T\ndate: {word}\n---\nB\n".encode(), "2020-01-01-x.md", mtime_ns
    )
    assert (article.published.timestamp(), article.dated_from_file) == (1_600_000_000, True)
    assert [str(p) for p in problems] == (
        [f"2020-01-01-x.md:3: date: {word} is {warning}"] if warning else []
    )


def test_the_advice_for_tags_in_one_text_names_both_readings() -> None:
    """It named Jekyll's alone, where Eleventy reads ``tags: another tag`` as one (a probe)."""
    _, problems = _parse("---\ntitle: T\ndate: 2021-01-01\ntags: another tag\n---\nB\n")
    assert problems == [
        "a.md:4: tags is not read: feeds takes an article's topics from `topics`; rename it, as a list:"
        " topics: [another, tag] as Jekyll reads it, or topics: [another tag] as Eleventy does"
    ]
