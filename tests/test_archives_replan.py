"""A build with archives after a few changes replans from the last build's memo: only the months
the changes touch are planned again (``plan.month_memo``), and the site is byte for byte the one
a build from nothing makes."""

from __future__ import annotations

import json
import math
import random
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import feedparser
import pytest

from feeds.build import documents
from feeds.build import pipeline
from feeds.build.builder import SiteBuilder
from feeds.build.cache import cache_folder
from feeds.build.month_files import MONTHS
from feeds.build.record_files import shard_of
from feeds.config import Settings
from feeds.plan.archives import archive_months
from feeds.plan.archives import month_of
from feeds.plan.month_memo import MonthsMemo
from feeds.plan.planner import REF_FILE
from feeds.render.archive_parts import cut_fragments
from feeds.source.summary import SOURCE
from tests.test_archives import TOPICS
from tests.test_archives import article
from tests.test_archives import settings_for
from tests.test_archives import write_corpus
from tests.test_archives_in_place import cold
from tests.test_archives_in_place import opened  # noqa: F401  (a fixture)
from tests.test_archives_in_place import site_files


def publish(settings: Settings) -> bool:
    """Publish, and say whether the build replanned from the memo."""
    publication = SiteBuilder(settings).publish()
    assert publication.written and publication.result is not None
    return publication.result.replanned


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    write_corpus(tmp_path / "content")
    settings = settings_for(tmp_path)
    assert not publish(settings)  # the first build has no memo to start from
    return settings


def content(settings: Settings, number: int) -> Path:
    return settings.content_dir / f"{number:03d}.md"


def same_as_cold(settings: Settings) -> None:
    assert site_files(settings.output_dir) == cold(settings, settings.output_dir.parent)


def test_an_edit_is_replanned_and_gives_the_cold_bytes(settings: Settings) -> None:
    path = content(settings, 7)
    path.write_text(path.read_text().replace("Story 7\n", "Story 7, edited\n"), encoding="utf-8")
    assert publish(settings)
    same_as_cold(settings)


def test_an_entry_moved_to_another_month_leaves_one_and_joins_the_other(settings: Settings) -> None:
    path = content(settings, 8)  # month 3 (1 + 8 % 6)
    path.write_text(path.read_text().replace("2021-03-", "2021-05-"), encoding="utf-8")
    assert publish(settings)
    same_as_cold(settings)


def test_a_new_month_and_an_emptied_month(settings: Settings) -> None:
    (settings.content_dir / "900.md").write_text(article(900, 11, 3, [TOPICS[0]]), encoding="utf-8")
    assert publish(settings)
    same_as_cold(settings)
    assert (settings.output_dir / "archives/all/2021-11.atom").is_file()
    (settings.content_dir / "900.md").unlink()
    assert publish(settings)
    same_as_cold(settings)
    assert not (settings.output_dir / "archives/all/2021-11.atom").exists()


def test_a_new_article_that_takes_another_ones_page_name(settings: Settings) -> None:
    # 001.md has no URL: its page is named after "Story 1". A file sorting before it with the
    # same title takes that name, and 001.md's page (in another month) moves to "-2".
    text = article(1, 6, 2, [TOPICS[2]], url=False)
    (settings.content_dir / "000a.md").write_text(text, encoding="utf-8")
    assert publish(settings)
    same_as_cold(settings)


def test_deleting_and_adding_related_items(settings: Settings) -> None:
    path = content(settings, 5)  # two related items
    text = path.read_text()
    path.write_text(text[: text.index("related:")] + "---\nBody.\n", encoding="utf-8")
    assert publish(settings)
    same_as_cold(settings)
    path.write_text(text, encoding="utf-8")
    assert publish(settings)
    same_as_cold(settings)


def test_a_memo_without_months_is_not_used_for_archives(settings: Settings, tmp_path: Path) -> None:
    # Changed settings (no archives, then archives again): each first build plans every entry.
    plain = settings_for(tmp_path, archives=settings.archives.__class__("off"))
    assert not publish(plain)
    path = content(settings, 7)
    path.write_text(path.read_text() + "More.\n", encoding="utf-8")
    assert not publish(settings)
    same_as_cold(settings)


def test_months_memo_round_trip() -> None:
    memo = MonthsMemo({"all": [("2021-02", 3, "sig")]}, {"2021-02": b"x"})
    assert MonthsMemo.from_value(memo.to_value()) == memo
    assert MonthsMemo.from_value(("not", "it", "either")) is None
    assert MonthsMemo.from_value(None) is None


@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris", "America/St_Johns", "Asia/Kolkata"])
def test_month_of_puts_an_entry_where_archive_months_does(zone: str) -> None:
    """Random dates, dates at the start of a month, and undated related items one float step
    after an article dated at a month's start."""
    tz = ZoneInfo(zone)
    rng = random.Random(zone)
    orders: set[float] = set()
    for year in (1969, 2000, 2021, 2038):
        for month in range(1, 13):
            start = datetime(year, month, 1, tzinfo=tz).timestamp()
            for offset in (0.0, 1e-6, -1e-6, 1.0, -1.0):
                orders.add(-(start + offset))
            orders.add(math.nextafter(-start, math.inf))
    orders.update(-rng.uniform(-1e8, 2.2e9) for _ in range(2000))
    orders.update(-round(rng.uniform(0, 2e9), 6) for _ in range(2000))
    refs = [(order, order.hex().encode(), ("src", "digest"), ("s", "k", 0), ()) for order in sorted(orders)]
    months = archive_months(refs, tz, {}, "")  # type: ignore[arg-type]
    placed = {ref[0]: month.label for month in months for ref in month.refs}
    assert placed == {order: month_of(order, tz) for order in orders}


def test_a_month_in_parts_is_made_again_from_the_last_documents(tmp_path: Path) -> None:
    """A budget small enough to split months: the edited month's parts change where they split."""
    write_corpus(tmp_path / "content", count=60)
    settings = settings_for(tmp_path, max_bytes=9000, max_items=1)
    publish(settings)
    assert any("-2." in path for path in site_files(settings.output_dir))  # months in parts
    for number in (7, 13):
        path = content(settings, number)
        path.write_text(
            path.read_text().replace("The excerpt", "A much longer excerpt " * 30), encoding="utf-8"
        )
        assert publish(settings)
        same_as_cold(settings)


def test_an_edit_builds_the_entries_it_changed_not_the_whole_month(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The month's other entries' fragments are cut out of the last build's documents: their
    files are not read again, nor their entries built."""
    built: list[str] = []
    real = documents.build_entry

    def counting(ref: Any, *args: Any) -> Any:
        built.append(ref[REF_FILE][SOURCE])
        return real(ref, *args)

    monkeypatch.setattr(documents, "build_entry", counting)
    path = content(settings, 8)  # 2021-03, with topics and related items
    path.write_text(path.read_text().replace("Story 8\n", "Story 8, edited\n"), encoding="utf-8")
    assert publish(settings)
    made = set(built)
    monkeypatch.undo()
    same_as_cold(settings)
    in_month = {f"{number:03d}.md" for number in range(40) if 1 + number % 6 == 3}
    assert len(in_month) > 5 and "008.md" in made
    # The edited file's entries, and the first entry of each part of the month's documents.
    assert len(made & in_month) <= 3, made & in_month


def test_fragments_cut_out_of_every_archive_document_are_its_entries(settings: Settings) -> None:
    files = site_files(settings.output_dir)
    checked = 0
    for path, body in files.items():
        if not path.startswith("archives/"):
            continue
        kind = path.rsplit(".", 1)[1]
        pieces = cut_fragments(kind if kind != "html" else "html" + "../" * path.count("/"), body)
        if kind in ("atom", "rss"):
            assert len(pieces) == len(feedparser.parse(body).entries), path
            assert all(piece in body for piece in pieces)
        elif kind == "json":
            items = json.loads(body)["items"]
            assert [json.loads(piece)["id"] for piece in pieces] == [item["id"] for item in items], path
        else:
            assert len(pieces) == body.count(b"<article>\n") > 0, path
        checked += 1
    assert checked > 40


def test_an_edit_reads_the_records_of_a_few_shards(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every record is not loaded: the edited file's shard, and those of the few entries whose
    references the touched months' documents need."""
    read: list[int] = []
    real = pipeline.read_shards

    def counting(folder: Path, context: str, shards: Any) -> Any:
        read.extend(shards)
        return real(folder, context, shards)

    monkeypatch.setattr(pipeline, "read_shards", counting)
    path = content(settings, 8)
    path.write_text(path.read_text().replace("Story 8\n", "Story 8, edited\n"), encoding="utf-8")
    assert publish(settings)
    monkeypatch.undo()
    every = {shard_of(path.name) for path in settings.content_dir.iterdir()}
    assert shard_of("008.md") in read
    assert len(set(read)) <= len(every) // 2, (sorted(set(read)), len(every))
    same_as_cold(settings)


def month_files(settings: Settings) -> dict[str, float]:
    folder = cache_folder(settings.output_dir) / MONTHS
    return {path.name: path.stat().st_mtime_ns for path in folder.iterdir()}


def test_the_cache_writes_only_the_months_an_edit_touched(settings: Settings) -> None:
    before = month_files(settings)
    assert len(before) == 6  # the corpus's six months
    path = content(settings, 8)
    path.write_text(path.read_text().replace("Story 8\n", "Story 8, edited\n"), encoding="utf-8")
    assert publish(settings)
    after = month_files(settings)
    assert len(after) == 6
    assert 1 <= len(after.keys() - before.keys()) <= 2  # March, and a related item's month
    assert {name: before[name] for name in after.keys() & before.keys()} == {
        name: after[name] for name in after.keys() & before.keys()
    }


@pytest.mark.parametrize("damage", ["remove", "garble"])
def test_a_lost_month_file_plans_every_entry_once(settings: Settings, damage: str) -> None:
    folder = cache_folder(settings.output_dir) / MONTHS
    victim = sorted(folder.iterdir())[2]
    if damage == "remove":
        victim.unlink()
    else:
        victim.write_bytes(victim.read_bytes()[:-9] + b"garbled!!")
    path = content(settings, 8)
    path.write_text(path.read_text().replace("Story 8\n", "Story 8, edited\n"), encoding="utf-8")
    assert not publish(settings)  # the memo cannot replan archives without that month
    same_as_cold(settings)
    assert len(month_files(settings)) == 6
    path.write_text(path.read_text().replace("edited", "edited again"), encoding="utf-8")
    assert publish(settings)
    same_as_cold(settings)


def test_a_damaged_month_file_is_read_only_when_its_month_is_needed(settings: Settings) -> None:
    folder = cache_folder(settings.output_dir) / MONTHS
    january = next(path for path in folder.iterdir() if path.name.startswith("2021-01-"))
    january.write_bytes(january.read_bytes()[:-9] + b"garbled!!")
    path = content(settings, 8)  # March: January's entries are not needed
    path.write_text(path.read_text().replace("Story 8\n", "Story 8, edited\n"), encoding="utf-8")
    assert publish(settings)
    same_as_cold(settings)
    path = content(settings, 6)  # January (1 + 6 % 6): its file is read, found damaged, removed
    path.write_text(path.read_text().replace("Story 6\n", "Story 6, edited\n"), encoding="utf-8")
    assert not publish(settings)
    same_as_cold(settings)
    assert len(month_files(settings)) == 6 and january.name not in month_files(settings)


def test_damaged_record_shards_make_the_build_plan_every_entry(settings: Settings) -> None:
    """The months need records of files other than the changed one; when their shards cannot be
    read, the build plans from every file (which reads them again) instead of failing."""
    folder = cache_folder(settings.output_dir)
    mine = shard_of("008.md")
    for shard in folder.glob("files-*"):
        if shard.name != f"files-{mine:02d}":
            shard.write_bytes(shard.read_bytes()[:-9] + b"garbled!!")
    path = content(settings, 8)
    path.write_text(path.read_text().replace("Story 8\n", "Story 8, edited\n"), encoding="utf-8")
    assert not publish(settings)
    same_as_cold(settings)
    path.write_text(path.read_text().replace("edited", "edited again"), encoding="utf-8")
    assert publish(settings)
    same_as_cold(settings)


def test_the_last_documents_of_each_touched_month_are_read_once(
    settings: Settings,
    opened: list[str],  # noqa: F811  (the fixture imported above)
) -> None:
    path = content(settings, 8)  # from March to May: two months touched, March's documents cut
    path.write_text(path.read_text().replace("2021-03-", "2021-05-"), encoding="utf-8")
    opened.clear()
    assert publish(settings)
    read = [p for p in opened if "/archives/" in p and str(settings.output_dir) in p]
    assert read and len(read) == len(set(read)), sorted(read)
    same_as_cold(settings)
