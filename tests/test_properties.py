"""Property tests: whatever text a content file carries, a build never raises; the file either
becomes part of valid documents or is reported with its path."""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from lxml import etree

from feeds.build.pipeline import build_site
from feeds.output.check import check_documents
from tests.conftest import make_settings

ATOM_SCHEMA = etree.RelaxNG(etree.parse(str(Path(__file__).resolve().parent / "data" / "atom.rng")))
#: Any text at all: control characters, lone surrogates, markup, emoji, very long lines.
ANY_TEXT = st.text(
    st.one_of(
        st.characters(codec=None),
        st.sampled_from(["\ud800", "\udfff", "\x00", "\x1b", "\x7f", "\ufffe", "<", "&", "\n", "\t"]),
    ),
    max_size=300,
)
PROFILE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def build_one(files: dict[str, bytes]) -> None:
    """Build a content folder of ``files`` and check every outcome."""
    folder = Path(tempfile.mkdtemp())
    try:
        for name, data in files.items():
            (folder / name).write_bytes(data)
        result = build_site(dataclasses.replace(make_settings(), content_dir=folder))
        assert result.files == len(files)
        assert result.articles + len(result.errors) == len(files)
        for error in result.errors:
            assert error.path.startswith(str(folder))
        assert check_documents(result.documents) == []
        for path, body in result.documents.items():
            if path.endswith(".atom"):
                ATOM_SCHEMA.assertValid(etree.fromstring(body))
    finally:
        shutil.rmtree(folder)


def front_matter(fields: dict[str, object], body: str) -> bytes:
    # yaml.dump escapes what YAML cannot hold as is; the text itself is whatever was drawn.
    text = "---\n" + yaml.safe_dump(fields, allow_unicode=True) + "---\n" + body
    return text.encode("utf-8", "surrogatepass")


@PROFILE
@given(title=ANY_TEXT, excerpt=ANY_TEXT, body=ANY_TEXT, topic=ANY_TEXT)
def test_any_text_in_a_front_matter_article(title: str, excerpt: str, body: str, topic: str) -> None:
    fields = {
        "title": title,
        "excerpt": excerpt,
        "webUrl": "https://example.org/story",
        "publishedDateTime": "2021-02-16T03:47:00Z",
        "topics": [topic, "Fixed"],
        "related": [{"title": excerpt, "webUrl": "https://example.org/related", "excerpt": title}],
    }
    build_one({"article.md": front_matter(fields, body), "other.md": front_matter({"title": "Other"}, "")})


@PROFILE
@given(first_line=ANY_TEXT, rest=ANY_TEXT)
def test_any_text_in_a_plain_text_article(first_line: str, rest: str) -> None:
    text = f"{first_line}\n\n{rest}".encode("utf-8", "surrogatepass")
    build_one({"plain.txt": text, "other.txt": b"A fine title\n\nA body.\n"})


@PROFILE
@given(data=st.binary(max_size=400))
def test_any_bytes_at_all(data: bytes) -> None:
    build_one({"bytes.md": data, "other.txt": b"A fine title\n\nA body.\n"})
