"""Generate a seeded, deterministic corpus of articles in the seeds' two formats, for benchmarks.

Usage::

    python bench/corpus.py N OUTDIR [--seed 1] [--style block|flow|mixed|wild] [--check]

The same N, seed and style always give the same files, bytes and modification times, and the same
N and seed the same articles in every style (bench/styles.py writes their front matter); the
default style, block, writes the bytes it always has. Articles are written
from string templates rather than ``yaml.dump``, so 100,000 files take seconds, not minutes.

The mix: about 87% front-matter articles (3% of all are drafts) shaped like the real seed
(provider, topics, images, related items, a ``secured`` blob), some with Markdown bodies; about
10% plain-text files whose first line is "Headline – Provider". Some titles and excerpts are French,
Japanese or carry an emoji. About 1% of related items point at an earlier article's URL, so the
de-duplication has work to do. Files sit in folders of 1,000.
"""

from __future__ import annotations

import argparse
import base64
import heapq
import os
import random
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import styles
import yaml

FILES_PER_FOLDER = 1000
PLAIN_TEXT_SHARE = 0.10
DRAFT_SHARE = 0.03
DUPLICATE_RELATED_SHARE = 0.01
MAX_RELATED = 4
# Four years of news; every article gets its own slot in it, so no two share a date.
FIRST_TIMESTAMP = 1546300800  # 2019-01-01T00:00:00Z
LAST_TIMESTAMP = 1672531200  # 2023-01-01T00:00:00Z
#: How many of the newest published front-matter articles a summary names (the bench edits and
#: deletes them, so that each change is visible in the feeds).
NEWEST_NAMED = 2

# About 30 topics, some with accents or in another script, as editors name them.
TOPICS = (
    "AI", "Computer Vision", "Café Culture", "Climate", "Énergie", "Space", "Robotics", "Privacy",
    "Cybersecurity", "Biotech", "Health", "Education", "Finance", "Crypto", "Startups", "Policy",
    "Transport", "Electric Vehicles", "Gaming", "Music", "Film", "Science", "Agriculture",
    "Urbanisme", "Semiconductors", "Cloud", "Open Source", "Mobile", "東京", "Santé publique",
)  # fmt: skip
PROVIDERS = (
    ("TechCrunch", "techcrunch.com"), ("The Verge", "theverge.com"), ("Example News", "example-news.com"),
    ("Daily Ledger", "dailyledger-news.com"), ("Orbital Times", "orbitaltimes.net"),
    ("New York Daily News", "nydailynews.com"), ("Biometric Update", "biometricupdate.com"),
    ("Le Monde Numérique", "lemonde-numerique.fr"), ("Signalwire Tech", "signalwire-tech.com"),
    ("NHK ワールド", "nhk-world.jp"), ("Green Grid Weekly", "greengridweekly.org"),
    ("Campus Report", "campusreport.edu"), ("Market Pulse", "marketpulse.co.uk"),
    ("nyoooz.com", "nyoooz.com"), ("Café Tech", "cafetech.fr"), ("Lab Notes", "labnotes.io"),
    ("City Desk", "citydesk.news"), ("Pixel Press", "pixelpress.gg"),
)  # fmt: skip
CATEGORIES = ("news",) * 6 + ("analysis", "opinion", "feature")
IMAGE_SIZES = ((1600, 900), (1200, 1200), (1200, 675), (1200, 800), (640, 360), (530, 360))
IMAGE_SUFFIXES = (".jpg", ".jpg", ".jpeg", ".png", ".webp")

SUBJECTS = (
    "Minneapolis", "The European Commission", "A Lyon start-up", "A major retailer", "The regulator",
    "An ETH Zürich lab", "The city council", "A chipmaker", "The health ministry", "A hospital group",
    "A farming co-op", "A game studio", "A satellite operator", "A coffee roaster", "The central bank",
    "A ride-hailing firm", "A university", "An open-source foundation", "A carmaker", "A streaming service",
)  # fmt: skip
VERBS = (
    "bans", "approves", "questions", "doubles down on", "delays", "tests", "rolls out", "pauses",
    "audits", "invests in", "warns about", "backs", "rethinks", "opens up", "scales back",
)  # fmt: skip
OBJECTS = (
    "facial recognition for police use", "battery recycling plants", "AI hiring tools",
    "rideshare launch slots", "cashless payments", "heat pumps", "open data portals",
    "drone deliveries", "gene therapy trials", "four-day work weeks", "carbon border taxes",
    "exam proctoring software", "solar farms on farmland", "self-checkout lanes",
    "quantum-safe encryption", "R&D tax credits", "in-store camera analytics",
)  # fmt: skip
QUALIFIERS = (
    "", "", "", " after bias complaints", " amid privacy concerns", " as prices fall",
    " despite pushback", " for the first time", " in a landmark vote", " ahead of new rules",
    ": what we know", " — for now",
)  # fmt: skip
FRENCH_SUBJECTS = ("La mairie de Lyon", "Un café parisien", "Les députés", "L’Agence spatiale européenne")
FRENCH_VERBS = ("interdit", "adopte", "teste", "relance", "critique")
FRENCH_OBJECTS = (
    "la reconnaissance faciale", "les trottinettes électriques", "l’énergie solaire",
    "le paiement sans contact", "les données de santé",
)  # fmt: skip
JAPANESE_SUBJECTS = ("東京都", "大阪の新興企業", "政府", "研究者たち")
JAPANESE_OBJECTS = ("顔認識技術", "電気自動車", "宇宙開発", "再生可能エネルギー", "量子コンピューター")
JAPANESE_VERBS = ("を禁止", "を導入", "を検討", "に投資")
EMOJI = ("🚀", "📈", "☕", "🤖", "🌍", "⚡")
SENTENCES = (
    "Officials said the decision followed months of public hearings and several independent reviews.",
    "Critics argue the rules leave too many exceptions for private companies.",
    "The change takes effect at the start of next quarter, according to a spokesperson.",
    "Supporters say the move could save money and reduce errors over the long run.",
    "Several vendors declined to comment on how the policy would affect existing contracts.",
    "Analysts expect other cities and companies to follow within a year.",
    "The numbers, published on Friday, show a sharp rise compared with the same period last year.",
    "Privacy advocates welcomed the vote but warned that enforcement will be the real test.",
    "Engineers described the first pilot as promising, if slower than planned.",
    "Local groups have asked for a public register of every system in use.",
    "Prices have fallen by almost half since 2019, making the technology far easier to adopt.",
    "Insurers point out that a single failure can now affect many small teams at once.",
    "The report's authors call for clearer labels and independent audits.",
    "Not everyone is convinced the boom will last.",
)  # fmt: skip
FRENCH_SENTENCES = (
    "La décision a été votée vendredi après plusieurs mois de débats.",
    "Les associations saluent une « avancée » mais restent prudentes.",
    "Le projet doit entrer en vigueur à l’automne.",
)  # fmt: skip
JAPANESE_SENTENCES = (
    "関係者によると、新しい規則は来年から施行される予定だ。",
    "専門家は慎重な対応を求めている。",
    "市民団体はこの決定を歓迎した。",
)  # fmt: skip
HEADINGS = ("What changes", "Why it matters", "Background", "What comes next", "The numbers")

_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class CorpusSummary:
    """What a generated corpus holds."""

    articles: int  #: files written
    plain_text: int  #: of which plain-text files
    drafts: int  #: of which front-matter articles with ``published: false``
    duplicate_urls: int  #: related items that point at an earlier article's URL
    size: int  #: bytes written
    newest: tuple[str, ...]  #: relative paths of the newest published front-matter articles


@dataclass(frozen=True)
class _Story:
    """What a title makes of a story: its headline, excerpt and language."""

    title: str
    excerpt: str
    language: str  #: "en", "fr" or "ja"


def article_path(index: int, rng: random.Random, suffix: str) -> str:
    """Relative path of article ``index``, named like the seeds (number and hash), 1,000 a folder."""
    return f"{index // FILES_PER_FOLDER:03d}/{index:06d}_{rng.getrandbits(64):016x}{suffix}"


def generate(n: int, outdir: Path, seed: int = 1, style: str = "block", check: bool = False) -> CorpusSummary:
    """Write ``n`` articles under ``outdir``; the same ``n``, ``seed`` and ``style`` give the same
    files, and the same ``n`` and ``seed`` the same articles in every style. With ``check``, every
    front matter is read back with PyYAML and compared with the fields it was written from
    (CorpusError when they differ)."""
    rng = random.Random(seed)
    # The style's choices come from a generator of their own, so that the articles stay the same.
    style_rng = random.Random(f"style-{style}-{seed}")
    slot = (LAST_TIMESTAMP - FIRST_TIMESTAMP) // max(n, 1)
    slots = list(range(n))
    rng.shuffle(slots)
    earlier: list[tuple[str, str]] = []  # (url, title) of published articles, for duplicates
    newest: list[tuple[int, str]] = []  # (timestamp, path) of published front-matter articles
    plain = drafts = duplicates = size = 0
    for index in range(n):
        timestamp = FIRST_TIMESTAMP + slots[index] * slot + rng.randrange(slot)
        draw = rng.random()
        if draw < PLAIN_TEXT_SHARE:
            path, text = article_path(index, rng, ".txt"), _plain_text_article(rng)
            plain += 1
        else:
            is_draft = draw < PLAIN_TEXT_SHARE + DRAFT_SHARE
            path = article_path(index, rng, ".md")
            fields, body, url, title, duplicated = _front_matter_article(
                rng, index, timestamp, is_draft, earlier
            )
            text = _written(fields, body, style, style_rng, path if check else None)
            duplicates += duplicated
            if is_draft:
                drafts += 1
            else:
                earlier.append((url, title))
                newest.append((timestamp, path))
        target = outdir / path
        if index % FILES_PER_FOLDER == 0:
            target.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        target.write_bytes(data)
        size += len(data)
        if path.endswith(".txt"):
            # Plain-text articles are dated by their file's modification time: pin it.
            os.utime(target, (timestamp, timestamp))
    return CorpusSummary(
        articles=n,
        plain_text=plain,
        drafts=drafts,
        duplicate_urls=duplicates,
        size=size,
        newest=tuple(path for _, path in heapq.nlargest(NEWEST_NAMED, newest)),
    )


def added_article(n: int, seed: int = 1, style: str = "block") -> tuple[str, str]:
    """A published front-matter article one past a corpus of ``n``, newer than all of them.

    Returns its relative path (in the corpus's last folder) and its text: the "add one article"
    change of the benchmark, so it shows up at the top of the ``all`` feed and of its topics.
    """
    rng = random.Random(f"added-{n}-{seed}")
    name = article_path(n, rng, ".md").split("/")[-1]
    path = f"{max(n - 1, 0) // FILES_PER_FOLDER:03d}/{name}"
    fields, body, _, _, _ = _front_matter_article(rng, n, LAST_TIMESTAMP + 3600, False, [])
    return path, _written(fields, body, style, random.Random(f"added-style-{style}-{n}-{seed}"), None)


def sample_front_matter(seed: int, style: str) -> tuple[str, Any]:
    """One article's front matter in ``style`` (the text between the ``---`` lines, with the
    style's line ends) and what PyYAML reads from it: for tests of YAML readers."""
    rng = random.Random(seed)
    timestamp = FIRST_TIMESTAMP + rng.randrange(LAST_TIMESTAMP - FIRST_TIMESTAMP)
    fields, _, _, _, _ = _front_matter_article(rng, seed, timestamp, rng.random() < 0.1, [])
    text, expected, crlf = styles.front_matter(fields, style, random.Random(f"sample-{style}-{seed}"))
    return (text.replace("\n", "\r\n") if crlf else text), expected


class CorpusError(Exception):
    """A generated front matter that PyYAML does not read as the fields it was written from."""


def _written(fields: dict[str, Any], body: str, style: str, rng: random.Random, check: str | None) -> str:
    """The file's text; with ``check`` (the file's path), read back and compared first."""
    front, expected, crlf = styles.front_matter(fields, style, rng)
    text = f"---\n{front}---\n{body}"
    if crlf:
        text = text.replace("\n", "\r\n")
    if check is not None:
        check_front_matter(text, expected, check)
    return text


def check_front_matter(text: str, expected: Any, path: str) -> None:
    """Raise CorpusError unless PyYAML reads the front matter of ``text`` as ``expected``."""
    lines = text.splitlines(keepends=True)
    closing = next(i for i, line in enumerate(lines[1:], 1) if line.rstrip("\r\n") == "---")
    front = "".join(lines[1:closing])
    try:
        loaded = yaml.load(front, Loader=_CheckLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as e:
        raise CorpusError(f"{path}: PyYAML cannot read the front matter: {e}\n{front}") from None
    if loaded != expected:
        raise CorpusError(f"{path}: PyYAML reads\n{loaded!r}\nnot\n{expected!r}\nfrom\n{front}")


class _CheckLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader without implicit timestamps, as feeds reads front matter."""


_CheckLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _front_matter_article(
    rng: random.Random, index: int, timestamp: int, is_draft: bool, earlier: list[tuple[str, str]]
) -> tuple[dict[str, Any], str, str, str, int]:
    """One front-matter article: its fields (in the seed's order), its body, its URL, its title and
    how many duplicate URLs it has. Draws from ``rng`` in the same order as ever, so that a seed
    gives the same articles as before styles existed."""
    story = _story(rng)
    provider_name, domain = rng.choice(PROVIDERS)
    url = _story_url(domain, timestamp, story.title, index)
    topics = rng.sample(TOPICS, rng.randint(1, 3))
    related_items, duplicates = [], 0
    for number in range(rng.randint(0, MAX_RELATED)):
        if earlier and rng.random() < DUPLICATE_RELATED_SHARE:
            related_items.append(_related_item(rng, timestamp, f"{index}-{number}", rng.choice(earlier)))
            duplicates += 1
        else:
            related_items.append(_related_item(rng, timestamp, f"{index}-{number}", None))
    secured = base64.b64encode(rng.randbytes(rng.randint(360, 520))).decode()
    secured_key = base64.b64encode(rng.randbytes(16)).decode()
    fields: dict[str, Any] = {
        "category": rng.choice(CATEGORIES),
        "title": story.title,
        "excerpt": story.excerpt,
        "publishedDateTime": _iso(timestamp),
        "originalUrl": url,
        "webUrl": url,
        "type": "article",
        "quality": rng.randint(5, 95),
        "heat": rng.randint(-1, 60),
        "published": not is_draft,
        "provider": {"name": provider_name, "domain": domain},
        "topics": topics,
        "images": _images(rng, domain, index),
    }
    if related_items:
        fields["related"] = related_items
    fields["secured"] = f"{secured};{secured_key}"
    return fields, _markdown_body(rng, story), url, story.title, duplicates


def _related_item(
    rng: random.Random, parent_timestamp: int, key: str, duplicate_of: tuple[str, str] | None
) -> dict[str, Any]:
    """One ``related`` list item; ``duplicate_of`` gives it another article's URL and title."""
    provider_name, domain = rng.choice(PROVIDERS)
    story = _story(rng)
    timestamp = parent_timestamp + rng.randint(-3 * 86400, 86400)
    if duplicate_of is not None:
        url, title = duplicate_of
    else:
        title = story.title
        url = _story_url(f"www.{domain}", timestamp, title, key)
    item: dict[str, Any] = {
        "title": title,
        "excerpt": story.excerpt,
        "publishedDateTime": _iso(timestamp),
        "webUrl": url,
    }
    # Like the seed, some items carry AMP links, which feeds must ignore.
    if rng.random() < 0.3:
        item["ampWebUrl"] = f"{url}?outputType=amp"
    item["type"] = "article"
    item["provider"] = {"name": provider_name, "domain": domain}
    item["quality"] = rng.randint(5, 95)
    item["images"] = _images(rng, domain, key)
    return item


def _images(rng: random.Random, domain: str, key: object) -> list[dict[str, Any]]:
    images = []
    for number in range(rng.randint(1, 2)):
        width, height = rng.choice(IMAGE_SIZES)
        url = f"https://cdn.{domain}/img/{key}-{number}-{width}{rng.choice(IMAGE_SUFFIXES)}"
        images.append({"url": url, "width": width, "height": height, "isCached": rng.random() < 0.8})
    return images


def _plain_text_article(rng: random.Random) -> str:
    """A scraped article: "Headline – Provider", a blank line, then paragraphs."""
    story = _story(rng)
    separator = rng.choice((" – ", " – ", " — ", " | "))
    paragraphs = [_paragraph(rng) for _ in range(rng.randint(3, 6))]
    return f"{story.title}{separator}{rng.choice(PROVIDERS)[0]}\n\n" + "\n\n".join(paragraphs) + "\n"


def _markdown_body(rng: random.Random, story: _Story) -> str:
    """Empty (as in the seed), plain paragraphs, or Markdown with headings, lists and links."""
    draw = rng.random()
    if draw < 0.3:
        return ""
    if draw < 0.7 or story.language != "en":
        return "\n" + "\n\n".join(_paragraph(rng) for _ in range(rng.randint(2, 4))) + "\n"
    _, domain = rng.choice(PROVIDERS)
    items = "".join(f"- {rng.choice(OBJECTS).capitalize()}\n" for _ in range(rng.randint(2, 4)))
    steps = "".join(f"{number}. {rng.choice(SENTENCES)}\n" for number in range(1, rng.randint(2, 4)))
    return (
        f"\n{_paragraph(rng)}\n\n"
        f"## {rng.choice(HEADINGS)}\n\n"
        f"**{rng.choice(SUBJECTS)}** {rng.choice(VERBS)} *{rng.choice(OBJECTS)}*, "
        f"as [{rng.choice(PROVIDERS)[0]} reported](https://{domain}/reports/{rng.getrandbits(32):x}).\n\n"
        f"{items}\n"
        f"### {rng.choice(HEADINGS)}\n\n"
        f"{steps}\n"
        f"{_paragraph(rng)}\n"
    )


def _paragraph(rng: random.Random) -> str:
    return " ".join(rng.sample(SENTENCES, rng.randint(3, 6)))


def _story(rng: random.Random) -> _Story:
    """A headline and an excerpt: mostly English, some French or Japanese, some with an emoji."""
    draw = rng.random()
    if draw < 0.06:
        title = f"{rng.choice(FRENCH_SUBJECTS)} {rng.choice(FRENCH_VERBS)} {rng.choice(FRENCH_OBJECTS)}"
        return _Story(title, " ".join(rng.sample(FRENCH_SENTENCES, 2)), "fr")
    if draw < 0.09:
        title = f"{rng.choice(JAPANESE_SUBJECTS)}が{rng.choice(JAPANESE_OBJECTS)}{rng.choice(JAPANESE_VERBS)}"
        return _Story(title, "".join(rng.sample(JAPANESE_SENTENCES, 2)), "ja")
    subject, verb, thing = rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS)
    title = f"{subject} {verb} {thing}{rng.choice(QUALIFIERS)}"
    if draw < 0.13:
        title = f"{title} {rng.choice(EMOJI)}"
    excerpt = f"{subject} {verb} {thing}, according to reports. {rng.choice(SENTENCES)}"
    return _Story(title, excerpt, "en")


def _iso(timestamp: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


def _story_url(host: str, timestamp: int, title: str, key: object) -> str:
    """A news-site URL; ``key`` (the article number) makes it unique."""
    slug = _SLUG_JUNK.sub("-", title.lower()).strip("-")[:60].rstrip("-") or "story"
    return f"https://{host}/{time.strftime('%Y/%m', time.gmtime(timestamp))}/{slug}-{key}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write N generated articles into OUTDIR.")
    parser.add_argument("n", type=int, metavar="N", help="number of articles")
    parser.add_argument("outdir", type=Path, metavar="OUTDIR", help="folder to write (created if missing)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    parser.add_argument(
        "--style", choices=styles.STYLES, default="block", help="how front matter is written (default: block)"
    )
    parser.add_argument(
        "--check", action="store_true", help="read every front matter back with PyYAML and compare"
    )
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    if args.outdir.exists() and any(args.outdir.iterdir()):
        parser.error(f"{args.outdir} is not empty; choose a new folder so old files do not mix in")
    started = time.perf_counter()
    try:
        summary = generate(args.n, args.outdir, args.seed, args.style, args.check)
    except CorpusError as e:
        sys.exit(f"error: {e}")
    print(
        f"Wrote {summary.articles} {args.style}-style articles ({summary.plain_text} plain text, "
        f"{summary.drafts} drafts, "
        f"{summary.duplicate_urls} duplicate related URLs), {summary.size / 1e6:.1f} MB, to {args.outdir} "
        f"in {time.perf_counter() - started:.1f} s."
    )


if __name__ == "__main__":
    main()
