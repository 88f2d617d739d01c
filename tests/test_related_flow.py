"""Related items written as a flow list (``related: [{...}]``): a broken item is left out with a
warning on the ``related:`` line, as in a block list, instead of ending the build with a
``ValueError`` from working out the items' lines."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from feeds.build.pipeline import build_site
from feeds.source.parse import parse_article
from tests.conftest import make_settings

HEAD = "---\ntitle: Parent\ndate: 2021-01-01\nwebUrl: https://example.com/parent\n"


@pytest.mark.parametrize(
    ("related", "message"),
    [
        (
            '[{title: R, webUrl: "https://example.com/r", date: "2024-02-30"}]',
            "'2024-02-30' is no date in the calendar",
        ),
        ('[{title: R, webUrl: "https://example.com/r", quality: "x"}]', "quality"),
        ('[{title: R, webUrl: "https://example.com/r", images: [{url: 1}]}]', "images"),
    ],
)
def test_a_broken_item_of_a_flow_list_is_left_out_with_the_related_line(related: str, message: str) -> None:
    text = f"{HEAD}related: {related}\n---\nBody.\n"
    article, warnings = parse_article(text.encode(), "flow.md", 0.0)
    assert article.title == "Parent"
    assert [(w.line, message in w.message) for w in warnings][:1] == [(5, True)]


def test_items_of_a_block_list_keep_their_own_lines() -> None:
    text = (
        f"{HEAD}related:\n"
        '  - {title: R, webUrl: "https://example.com/r", date: "2024-02-30"}\n'
        "  - title: S\n    webUrl: https://example.com/s\n    date: 2024-02-31\n---\n"
    )
    _, warnings = parse_article(text.encode(), "block.md", 0.0)
    assert [w.line for w in warnings] == [6, 9]


def test_such_an_article_does_not_stop_the_build(tmp_path: Path) -> None:
    (tmp_path / "flow.md").write_text(
        f'{HEAD}related: [{{title: R, webUrl: "https://example.com/r", date: "2024-02-30"}}]\n---\nx\n'
    )
    (tmp_path / "other.md").write_text("---\ntitle: Other\ndate: 2021-01-02\n---\nx\n")
    result = build_site(dataclasses.replace(make_settings(), content_dir=tmp_path))
    assert b"Parent" in result.documents["all.atom"]
    assert b"Other" in result.documents["all.atom"]
