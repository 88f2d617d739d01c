"""Archives after a few changes: the months a replan touched made again, every other month
carried over from the last build's memo (``plan.month_memo``), so that a one-edit build with
archives plans a month, not every entry of every channel. A file's record is read from the
cache's shards only when one of its entries' references is made."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from feeds.build.month_files import MonthLost
from feeds.build.record_files import FileRecord
from feeds.build.record_files import read_shards
from feeds.build.record_files import shard_of
from feeds.config import Settings
from feeds.model import Topic
from feeds.plan.archives import ArchiveMonth
from feeds.plan.archives import archive_shaping
from feeds.plan.channels import channel_rules
from feeds.plan.month_memo import MonthHead
from feeds.plan.month_memo import MonthMaker
from feeds.plan.month_memo import MonthsMemo
from feeds.plan.month_memo import months_memo
from feeds.plan.month_memo import replanned_months
from feeds.plan.month_memo import touched_months
from feeds.plan.pages import page_paths
from feeds.plan.planner import Plan
from feeds.plan.replan import Memo
from feeds.source.summary import PAGE
from feeds.source.summary import SOURCE
from feeds.source.summary import FileIndex


def plan_months(
    plan: Plan,
    memo: Memo,
    before: Mapping[str, FileIndex | None],
    after: Mapping[str, FileIndex | None],
    records: Mapping[str, FileRecord],
    origin: tuple[Path, str],
    settings: Settings,
) -> tuple[Plan, dict[str, list[MonthHead]]] | None:
    """``plan`` (``replan``'s, from ``memo`` for files ``before`` → ``after``) with its channels'
    archive months, and the entries of the months it touched; None when the memo has no months
    or they cannot be worked out from it. ``records`` holds the records read so far; the others
    are read from the cache at ``origin`` (folder, context) when a reference needs them. Making
    a reference raises ``MonthLost`` when its record cannot be read."""
    last = MonthsMemo.from_value(memo.months) if memo.months is not None else None
    if last is None:
        return None
    loaded: set[int] = set()
    records = dict(records)  # the shards read here stay out of the build's state

    def index_of(source: str) -> FileIndex:
        record = records.get(source)
        if record is None and shard_of(source) not in loaded:
            loaded.add(shard_of(source))
            for kept, found in read_shards(*origin, [shard_of(source)])[0].items():
                records.setdefault(kept, found)
            record = records.get(source)
        if record is None or record.indexed is None:  # its shard is damaged
            raise MonthLost(f"{source}: its record is missing from the build cache; run the build again")
        return record.indexed

    changed = before.keys() | after.keys()
    old_pages = page_paths((head[2], memo.files[head[2]][PAGE]) for head in memo.pages)
    rules = channel_rules(settings)
    topics = {slug: Topic(*fields) for slug, fields in memo.topics.items()}
    keys = {planned.stem: planned.key for planned in plan.channels}
    maker = MonthMaker(last, index_of, topics, keys, plan.pages, archive_shaping(settings))
    try:
        moved = [
            index_of(source)
            for source, path in plan.pages.items()
            if source not in changed and old_pages.get(source) != path
        ]
        touched = touched_months(last, before, after, moved, settings, memo.names, rules)
        if touched is None:
            return None
        months = replanned_months(maker, touched, changed | {index[SOURCE] for index in moved})
    except MonthLost:
        return None  # the build plans every entry, and writes what was lost again
    return dataclasses.replace(plan, months=months), touched


def memo_months(
    months: Mapping[str, Sequence[ArchiveMonth]],
    plan: Plan,
    last: tuple[Any, ...] | None = None,
    touched: Mapping[str, list[MonthHead]] | None = None,
) -> tuple[Any, ...]:
    """What the memo keeps of a build's archive months (``BuildResult.months``); ``last`` and
    ``touched`` as ``plan_months`` had them."""
    keys = {planned.stem: planned.key for planned in plan.channels}
    previous = MonthsMemo.from_value(last) if last is not None else None
    return months_memo(months, keys, previous, touched).to_value()
