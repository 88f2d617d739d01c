"""The benchmark's corpus (bench/corpus.py, bench/styles.py): one set of articles, its front matter
written in every style, each read by PyYAML as written and built into the same feeds."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from feeds.build import build_site
from tests.conftest import make_settings
from tests.yaml_cases import bench_module
from tests.yaml_cases import generated_corpus

STYLES = ("block", "flow", "mixed", "wild")


def corpus_digest(folder: Path) -> str:
    """Every file's path and bytes, and the pinned times of the plain-text ones."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
        if path.suffix == ".txt":
            digest.update(str(path.stat().st_mtime_ns).encode())
    return digest.hexdigest()


def test_the_block_style_writes_the_bytes_it_always_has(tmp_path: Path) -> None:
    """Styles did not change the default corpus: the digest is that of the generator before them."""
    bench_module("corpus").generate(60, tmp_path, seed=1)
    assert corpus_digest(tmp_path) == "a3a4ce190f355857d773c64594b937c748d2fbb5376eab52405f94543c4a77da"


@pytest.mark.parametrize("style", STYLES)
def test_every_style_is_read_by_pyyaml_as_written(tmp_path: Path, style: str) -> None:
    paths = generated_corpus(tmp_path, 150, style=style)  # checks every front matter
    texts = [p.read_bytes().decode("utf-8") for p in paths if p.suffix == ".md"]
    flow = sum("topics: [" in text for text in texts)
    if style == "block":
        assert flow == 0
    elif style == "flow":
        assert flow == len(texts)
    else:
        assert 0 < flow < len(texts)
    if style == "wild":  # a few of every kind
        for mark in ("\r\n", ": >", ": |", "\n# ", "  # ", ": '", "\\u", ": [\n", ": {\n", "\n- ", '{"'):
            assert sum(mark in text for text in texts) >= 2, mark


def test_a_style_is_its_own_generator_of_choices(tmp_path: Path) -> None:
    """The same seed and style give the same bytes; another seed other articles."""
    corpus = bench_module("corpus")
    for folder, seed in (("a", 3), ("b", 3), ("c", 4)):
        corpus.generate(40, tmp_path / folder, seed=seed, style="wild")
    assert corpus_digest(tmp_path / "a") == corpus_digest(tmp_path / "b") != corpus_digest(tmp_path / "c")


def test_a_front_matter_that_pyyaml_reads_otherwise_is_refused() -> None:
    corpus = bench_module("corpus")
    with pytest.raises(corpus.CorpusError, match="x.md: PyYAML reads"):
        corpus.check_front_matter("---\nquality: 017\n---\n", {"quality": 17}, "x.md")
    with pytest.raises(corpus.CorpusError, match="cannot read"):
        corpus.check_front_matter("---\ntitle: [a\n---\n", {}, "x.md")


@pytest.mark.slow
def test_the_same_articles_in_every_style_make_the_same_feeds(tmp_path: Path) -> None:
    built = {}
    for style in STYLES:
        content = tmp_path / style
        generated_corpus(content, 120, style=style, seed=5)
        result = build_site(make_settings(content_dir=content, output_dir=tmp_path / "public"), jobs=1)
        assert not result.errors and not result.warnings, style
        built[style] = result.documents
    assert built["block"].keys() == built["wild"].keys()
    for style in STYLES[1:]:
        different = [path for path, data in built["block"].items() if built[style][path] != data]
        assert not different, style
