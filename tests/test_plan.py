"""``plan_site`` is written for speed; here it is checked against a plain planner that states the
rules one entry at a time, on random indexes full of the hard cases: ids shared between files and
within a file, topic names that share a slug, drafts, quality scores, equal dates, every related
mode, small ``max_items``, and a previous plan to reuse."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from feeds.config import TopicSettings
from feeds.model import RelatedMode
from feeds.model import SkipCounts
from feeds.names import path_id
from feeds.plan.planner import REF_FILE
from feeds.plan.planner import REF_STUB
from feeds.plan.planner import REF_TOPICS
from feeds.plan.planner import Plan
from feeds.plan.planner import plan_site
from feeds.plan.topics import TopicIndex
from feeds.source.summary import FileIndex
from feeds.source.summary import entry_key
from tests.conftest import make_settings

#: Names that share slugs ("AI", "ai", "A.I."), a renamed one, and one that needs no merging.
NAMES = ["AI", "ai", "A.I.", "Café", "cafe", "Space", "Old name", "東京"]
KEYS = [entry_key(f"https://example.org/{n}") for n in range(12)]  # few, so they repeat
ORDERS = [-1_600_000_000.0 - 3600 * n for n in range(6)]  # few, so dates tie
QUALITIES = [None, 0.2, 0.5, 0.9]

stubs = st.lists(
    st.tuples(st.sampled_from(ORDERS), st.sampled_from(KEYS), st.sampled_from(QUALITIES)),
    min_size=1,
    max_size=4,
)
#: Slugs of titles of articles without a URL: None for one with a URL; "same-2" is both a title's
#: own slug and what the second "same" would get.
PAGE_BASES = [None, None, "same", "same-2", "other"]
file_fields = st.tuples(
    st.booleans(),  # draft
    st.sampled_from(QUALITIES),
    st.lists(st.sampled_from(NAMES), max_size=3, unique=True),
    stubs,
    st.sampled_from(PAGE_BASES),
)


def make_files(drawn: list[tuple[bool, float | None, list[str], list[Any], str | None]]) -> list[FileIndex]:
    files = []
    for number, (draft, quality, names, parts, page) in enumerate(drawn):
        source = f"{number:03d}.md"
        file_stubs = [(order, key, item, q) for item, (order, key, q) in enumerate(parts)]
        if page is not None:  # an article without a URL: its id is its path's, shared by no other
            file_stubs[0] = (file_stubs[0][0], entry_key(path_id(source)), 0, file_stubs[0][3])
        files.append((source, f"digest{number}", draft, quality, tuple(names), tuple(file_stubs), page))
    return files


def reference_pages(files: list[FileIndex], config: Any) -> dict[str, str]:
    """The rule for pages, one file at a time: every kept article without a URL gets one; in path
    order, the first of a slug keeps it and the next get -2, -3..., passing over others' slugs."""
    floor = config.min_quality
    kept = [
        file
        for file in files
        if file[6] is not None
        and (config.include_drafts or not file[2])
        and (floor is None or file[3] is None or file[3] >= floor)
    ]
    taken = {file[6] for file in kept}
    last: dict[str, int] = {}
    pages = {}
    for file in sorted(kept):
        base = file[6]
        if base not in last:
            last[base], slug = 1, base
        else:
            number = last[base] + 1
            while f"{base}-{number}" in taken:
                number += 1
            last[base], slug = number, f"{base}-{number}"
        pages[file[0]] = f"entries/{slug}.html"
    return pages


def reference_plan(files: list[FileIndex], config: Any) -> tuple[Any, ...]:
    """The rules, one entry at a time: what every channel lists, its total, and the counts."""
    topics = TopicIndex(config)
    floor = config.min_quality
    drafts = low = candidates = 0
    winners: dict[bytes, list[Any]] = {}  # key → [file, stub, slugs]
    for file in files:
        if file[2] and not config.include_drafts:
            drafts += 1
            continue
        if floor is not None and file[3] is not None and file[3] < floor:
            low += 1
            continue
        slugs = {topics.resolve(name, lambda f=file: f[0]).slug for name in file[4]}
        for stub in file[5] if config.related is RelatedMode.ENTRIES else file[5][:1]:
            if stub[2] and floor is not None and stub[3] is not None and stub[3] < floor:
                low += 1
                continue
            candidates += 1
            winner = winners.setdefault(stub[1], [file, stub, set()])
            if winner[1][2] and not stub[2]:  # an article beats a related item
                winner[0], winner[1] = file, stub
            winner[2] |= slugs
    entries = [
        (stub[0], key, file, stub, tuple(sorted(slugs))) for key, (file, stub, slugs) in winners.items()
    ]
    entries.sort(key=lambda entry: (entry[0], entry[1]))
    channels = [("all", entries)]
    for slug in sorted(topics.by_slug):
        mine = [entry for entry in entries if slug in entry[4]]
        if mine:
            channels.append((f"topics/{slug}", mine))
    skipped = SkipCounts(drafts=drafts, low_quality=low, duplicates=candidates - len(entries))
    return (
        [(stem, len(mine), [(e[0], e[1], e[2], e[3], e[4]) for e in mine]) for stem, mine in channels],
        skipped,
        tuple(topics.warnings),
        [(source, path, source, 0) for source, path in reference_pages(files, config).items()],
    )


def described(plan: Plan) -> tuple[Any, ...]:
    channels = []
    for channel in plan.channels:
        refs = [
            (r[0], r[1], r[REF_FILE], r[REF_STUB], tuple(t.slug for t in r[REF_TOPICS])) for r in channel.refs
        ]
        channels.append((channel.stem, channel.total, refs))
    pages = [
        (source, path, plan.page_refs[source][REF_FILE][0], plan.page_refs[source][REF_STUB][2])
        for source, path in plan.pages.items()
    ]
    return channels, plan.skipped, plan.warnings, pages


def cut(expected: tuple[Any, ...], max_items: int) -> tuple[Any, ...]:
    channels, skipped, warnings, pages = expected
    return [(stem, total, refs[:max_items]) for stem, total, refs in channels], skipped, warnings, pages


@settings(max_examples=300, deadline=None)
@given(
    drawn=st.lists(file_fields, max_size=14),
    related=st.sampled_from(list(RelatedMode)),
    floor=st.sampled_from([None, 0.5]),
    drafts=st.booleans(),
    max_items=st.integers(1, 6),
)
def test_plan_site_follows_the_rules(
    drawn: list[Any], related: RelatedMode, floor: float | None, drafts: bool, max_items: int
) -> None:
    files = make_files(drawn)
    config = make_settings(
        related=related,
        min_quality=floor,
        include_drafts=drafts,
        max_items=max_items,
        topics={"Old name": TopicSettings(rename="Space")},
    )
    expected = reference_plan(files, config)
    full = plan_site(files, config)
    assert described(full) == expected
    # A page's reference is its entry's, as the channels have it (date, topics...).
    listed = {ref[1]: ref for ref in full.channels[0].refs}
    assert all(listed[ref[1]] == ref for ref in full.page_refs.values())
    assert described(plan_site(files, config, every_entry=False)) == cut(expected, max_items)
    # A rebuild from the last plan's references gives the same plan, reusing what is unchanged.
    everything = plan_site(files, config).channels[0].refs
    again = plan_site(files, config, previous=everything)
    assert described(again) == expected
    assert all(new is old for new, old in zip(again.channels[0].refs, everything, strict=True))
    if files:  # one file edited: its entries an hour older
        older = tuple((order - 3600, key, item, quality) for order, key, item, quality in files[0][5])
        edited = [(*files[0][:5], older, files[0][6]), *files[1:]]
        rebuilt = plan_site(edited, config, previous=everything)
        assert described(rebuilt) == reference_plan(edited, config)
