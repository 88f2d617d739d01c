"""Archives after a few changes: the months a replan touched made again, every other month
carried over from the last build's memo (``plan.month_memo``), so that a one-edit build with
archives plans a month, not every entry of every channel."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Collection
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from feeds.build.cache import FileRecord
from feeds.config import Settings
from feeds.model import Topic
from feeds.plan.archives import ArchiveMonth
from feeds.plan.archives import archive_shaping
from feeds.plan.channels import channel_rules
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
    settings: Settings,
) -> tuple[Plan, Collection[str]] | None:
    """``plan`` (``replan``'s, from ``memo`` for files ``before`` → ``after``) with its channels'
    archive months, and the months it touched; None when the memo has no months or they cannot
    be worked out from it. ``records``: every file's, for the months' references."""
    last = MonthsMemo.from_value(memo.months) if memo.months is not None else None
    if last is None:
        return None
    changed = before.keys() | after.keys()
    old_pages = page_paths((head[2], memo.files[head[2]][PAGE]) for head in memo.pages)
    moved = [
        index
        for source, path in plan.pages.items()
        if source not in changed and old_pages.get(source) != path
        and (index := records[source].indexed) is not None
    ]  # fmt: skip
    rules = channel_rules(settings)
    touched = touched_months(last, before, after, moved, settings, memo.names, rules)
    if touched is None:
        return None

    @functools.cache
    def files() -> dict[str, FileIndex]:
        return {source: record.indexed for source, record in records.items() if record.indexed is not None}

    topics = {slug: Topic(*fields) for slug, fields in memo.topics.items()}
    stems = {planned.key: planned.stem for planned in plan.channels}
    maker = MonthMaker(last, files, topics, stems, settings, rules, plan.pages, archive_shaping(settings))
    remade = changed | {index[SOURCE] for index in moved}
    months = replanned_months(maker, touched, before, remade)
    return dataclasses.replace(plan, months=months), touched.keys()


def memo_months(
    months: Mapping[str, Sequence[ArchiveMonth]],
    plan: Plan,
    last: tuple[Any, ...] | None = None,
    touched: Collection[str] = (),
) -> tuple[Any, ...]:
    """What the memo keeps of a build's archive months (``BuildResult.months``); ``last`` and
    ``touched`` as ``plan_months`` had them."""
    every = next(planned.stem for planned in plan.channels if planned.key == "")
    previous = MonthsMemo.from_value(last) if last is not None else None
    return months_memo(months, every, previous, touched).to_value()
