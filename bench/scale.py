"""How ``feeds build`` scales with a site's topics and keyword topics, not its articles.

Usage::

    python bench/scale.py [--articles 20000] [--topics 30,1000,5000] [--keyword-topics 0,100,500]
                          [--workdir /tmp/feeds-scale] [--seed 1] [--check]

For each pair of a topic count P and a keyword-topic count K: a corpus of N articles whose
``topics`` (one to five each) come from P names, the popular ones more often (tag-like, as a
newsroom's or a blog's tags are), and whose bodies hold phrases from a pool that the K keyword
topics (twelve two-word phrases each) look for. Then, each in its own process: a cold build
(``--no-cache``) and a build after one change (a line added to the newest article). ``--check``
also compares the one-change build's output with a cold build of the changed corpus, byte for byte.
Prints a Markdown table: seconds, the process tree's peak memory, and the files the site has.

Archives are off, so that the figures are those of the topics; bench/build.py measures archives.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path

from build import BenchError
from build import Run
from build import _environment
from build import _remove
from build import remove_build_state
from build import run_child
from build import same_files

#: The articles' dates: three years from the first, the newest last.
_START, _SPAN = datetime(2023, 1, 1, tzinfo=timezone.utc), 3 * 365 * 86400
_WORDS = (
    "council vote budget court ruling market energy grid water heat storm school rail port data "
    "privacy model chip launch plant mine river city farm bank tax health clinic vaccine study "
    "police camera border trade union strike festival museum league transfer coach stadium"
).split()


def _phrase_pool(rng: random.Random, size: int = 5000) -> list[str]:
    """Two-word phrases made of invented words: a keyword is found only where a body holds it."""
    syllables = ["ka", "lo", "mi", "ven", "dor", "sam", "tar", "quil", "zu", "bel", "nix", "ra", "fel"]

    def word() -> str:
        return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 3)))

    return sorted({f"{word()} {word()}" for _ in range(size * 2)})[:size]


def write_corpus(folder: Path, articles: int, topics: int, seed: int) -> Path:
    """N articles over three years, each with one to five of ``topics`` names (Zipf-like)."""
    rng = random.Random(seed)
    phrases = _phrase_pool(random.Random(0))
    names = [f"Tag {n}" for n in range(topics)]
    weights = [1 / (rank + 1) for rank in range(topics)]
    folder.mkdir(parents=True)
    for n in range(articles):
        chosen = sorted(set(rng.choices(range(topics), weights, k=rng.randint(1, 5))))
        title = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(4, 9))).capitalize()
        paragraphs = [" ".join(rng.choice(_WORDS) for _ in range(rng.randint(30, 70))) for _ in range(3)]
        paragraphs[1] += " " + " and ".join(rng.sample(phrases, rng.randint(0, 2)))
        when = (_START + timedelta(seconds=n * _SPAN // articles)).strftime("%Y-%m-%dT%H:%M:%SZ")
        text = (
            f"---\ntitle: {title}\nexcerpt: {paragraphs[0][:120]}\n"
            f"publishedDateTime: {when}\nwebUrl: https://example.org/{n}\n"
            f"provider:\n  name: Outlet {n % 40}\n  domain: outlet{n % 40}.example\n"
            "topics:\n"
            + "".join(f"  - {names[t]}\n" for t in chosen)
            + "---\n"
            + "\n\n".join(paragraphs)
            + "\n"
        )
        (folder / f"{n:06d}.md").write_text(text, encoding="utf-8")
    return folder


def write_config(path: Path, content: Path, keyword_topics: int) -> None:
    rng = random.Random(keyword_topics)
    phrases = _phrase_pool(random.Random(0))
    lines = [
        f"content: {content}", "output: public", "archives: off",
        "site:", '  title: "Scale"', '  base_url: "https://feeds.example.org/"',
    ]  # fmt: skip
    if keyword_topics:
        lines.append("topics:")
        for n in range(keyword_topics):
            keywords = ", ".join(f'"{p}"' for p in rng.sample(phrases, 12))
            lines += [f"  Keyword topic {n}:", f"    keywords: [{keywords}]"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def measure(
    workdir: Path, articles: int, topics: int, keyword_topics: int, seed: int, check: bool
) -> list[str]:
    corpus = workdir / f"corpus-{articles}-{topics}-{seed}"
    if not corpus.is_dir():
        staged = corpus.with_name(corpus.name + ".new")
        _remove(staged)  # an interrupted run's
        write_corpus(staged, articles, topics, seed).rename(corpus)
    site = workdir / f"site-{articles}-{topics}-{keyword_topics}"
    config = site / "feeds.yaml"
    write_config(config, corpus, keyword_topics)
    remove_build_state(site / "public")
    feeds = [sys.executable, "-m", "feeds", "build", "--quiet", "--config", str(config)]
    cold = run_child([*feeds, "--no-cache"], site / "logs" / "cold.log")
    newest = corpus / f"{articles - 1:06d}.md"
    original = newest.read_bytes()
    try:
        newest.write_bytes(original + b"\nOne more line.\n")
        change = run_child(feeds, site / "logs" / "change.log")
        same = ""
        if check:
            reference = site / "reference"
            _remove(reference)
            run_child([*feeds, "--no-cache", "--output", str(reference)], site / "logs" / "reference.log")
            same = " (same bytes)" if same_files(site / "public", reference) else " (DIFFERENT from cold)"
    finally:
        newest.write_bytes(original)
    files = sum(1 for path in (site / "public").rglob("*") if path.is_file())
    return [
        str(topics),
        str(keyword_topics),
        _seconds(cold),
        _seconds(change) + same,
        _mib(cold),
        _mib(change),
        str(files),
    ]


def _seconds(run: Run) -> str:
    return f"{run.seconds:.2f}"


def _mib(run: Run) -> str:
    return f"{run.tree_mib:.0f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--topics", default="30,1000,5000", help="topic counts, separated by commas")
    parser.add_argument("--keyword-topics", default="0", help="keyword topic counts, separated by commas")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/feeds-scale"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--check", action="store_true", help="compare each one-change build with a cold one")
    args = parser.parse_args(argv)
    rows = []
    for topics in (int(t) for t in args.topics.split(",")):
        for keyword_topics in (int(k) for k in args.keyword_topics.split(",")):
            try:
                rows.append(
                    measure(args.workdir, args.articles, topics, keyword_topics, args.seed, args.check)
                )
            except BenchError as e:
                sys.exit(str(e))
            print(" | ".join(rows[-1]), file=sys.stderr)
    print(f"{args.articles} articles; {_environment()}\n")
    header = ["topics", "keyword topics", "cold s", "one change s", "cold MiB", "one change MiB", "files"]
    print("| " + " | ".join(header) + " |")
    print("|" + "--:|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
