"""Content files whose names are not UTF-8 (Python keeps those bytes as lone surrogates): an
article without a URL of its own gets a path-based id like any other, instead of ending the build
with ``UnicodeEncodeError`` from ``uuid.uuid5``."""

from __future__ import annotations

import dataclasses
import os
import sys
import uuid
from pathlib import Path

import pytest

from feeds.build.pipeline import build_site
from feeds.names import path_id
from tests.conftest import make_settings

NAMESPACE = uuid.UUID("6f1d1c2e-4b1a-5d0e-9c57-0f33d1a2b6c4")


@pytest.mark.parametrize("source", ["a.md", "sub/ü 東京.md", "x" * 300 + ".txt"])
def test_ids_of_utf8_paths_are_unchanged(source: str) -> None:
    assert path_id(source) == f"urn:uuid:{uuid.uuid5(NAMESPACE, source)}"


def test_a_path_keeps_its_id_in_either_unicode_form() -> None:
    """macOS writes "é" in file names as "e" and a combining accent (NFD); a checkout or an rsync
    from it keeps that form on Linux. The article is the same, and so is its id."""
    composed, decomposed = "notes/résumé.txt", "notes/re\u0301sume\u0301.txt"
    assert composed != decomposed
    assert path_id(decomposed) == path_id(composed) == f"urn:uuid:{uuid.uuid5(NAMESPACE, composed)}"


def test_a_path_that_is_not_utf8_has_a_stable_id() -> None:
    source = os.fsdecode(b"bad\xff\xfename.md")
    first = path_id(source)
    assert first == path_id(source) != path_id("badname.md")
    assert uuid.UUID(first.removeprefix("urn:uuid:")).version == 5


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file systems refuse names that are not UTF-8")
def test_an_article_in_such_a_file_is_built(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    name = os.path.join(os.fsencode(content), b"caf\xe9.md")  # a Latin-1 name
    with open(name, "wb") as f:
        f.write(b"---\ntitle: Latin-1 name\ndate: 2021-01-01\n---\nBody.\n")
    (content / "other.txt").write_text("Other\n\nBody.\n")
    result = build_site(dataclasses.replace(make_settings(), content_dir=content))
    assert result.errors == ()
    assert b"Latin-1 name" in result.documents["all.atom"]
    assert "entries/latin-1-name.html" in result.documents


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file systems keep one form of a name")
def test_two_files_whose_names_differ_in_unicode_form_only_are_one_with_a_warning(tmp_path: Path) -> None:
    """Both forms are one id: the second used to be left out unsaid as a duplicate, and the page
    made for it showed the first one's article."""
    content = tmp_path / "content"
    content.mkdir()
    (content / "résumé.txt").write_text("Composed\n\nThe first.\n", encoding="utf-8")
    (content / "re\u0301sume\u0301.txt").write_text("Decomposed\n\nThe second.\n", encoding="utf-8")
    result = build_site(dataclasses.replace(make_settings(), content_dir=content))
    assert result.files == 1 and result.errors == ()
    # Sorted, "e" and its accent apart come before "é": the composed name is the one skipped.
    kept, skipped = content / "re\u0301sume\u0301.txt", content / "résumé.txt"
    assert (
        f"{skipped}: its name, with accents composed (NFC), is that of {kept} with accents apart (NFD):"
        " one id for both; skipped"
    ) in result.warnings
    pages = [path for path in result.documents if path.startswith("entries/")]
    assert len(pages) == 1
