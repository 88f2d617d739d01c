"""``feeds topics --explain FILE``: each topic of an article and why it has it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import feeds.build.pipeline
from feeds.cli import cli
from tests.helpers import ROOT

CONFIG = """\
content: ../content
output: ../public
topics:
  ai: {rename: AI}
  Space: {keywords: [satellite, satellites]}
channels:
  Orbit: {topics: {any: [Space]}}
"""


def article(title: str, url: str, topics: list[str], body: str = "", related: str | None = None) -> str:
    lines = ["---", f"title: {title}", f"webUrl: {url}", "publishedDateTime: 2021-03-01T12:00:00Z", "topics:"]
    lines += [f"  - {name}" for name in topics]
    if related:
        lines += ["related:", f"  - title: Also {title}", f"    webUrl: {related}"]
    return "\n".join([*lines, "---", body, ""])


def explain(config: Path, path: Path) -> str:
    result = CliRunner().invoke(cli, ["topics", "--config", str(config), "--explain", str(path)])
    assert result.exit_code == 0, result.output
    return result.output


def test_every_reason_is_named(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "a.md").write_text(
        article(
            "Launch",
            "https://example.com/a",
            ["ai", "Policy"],
            "Two satellites went up.",
            "https://example.com/b",
        )
    )
    (content / "b.md").write_text(article("Rules", "https://example.com/b", ["Policy"]))
    (content / "c.md").write_text(
        article("Draft", "https://example.com/c", ["AI"]).replace("topics:", "published: false\ntopics:")
    )
    config = tmp_path / "config" / "feeds.yaml"
    config.parent.mkdir()
    config.write_text(CONFIG)
    assert explain(config, content / "a.md").splitlines() == [
        f"{content / 'a.md'}: 3 topics",
        '  AI (ai): front matter "ai", renamed "AI" by topics.ai.rename',
        '  Policy (policy): front matter "Policy"',
        '  Space (space): keyword "satellites" (topics.Space.keywords)',
        "  channels: Orbit",
    ]
    # b's story is also a related item of a, so it has a's topics too
    assert explain(config, content / "b.md").splitlines() == [
        f"{content / 'b.md'}: 3 topics",
        '  AI (ai): related item 1 of a.md, which has "ai"',
        '  Policy (policy): front matter "Policy"; related item 1 of a.md, which has "Policy"',
        '  Space (space): related item 1 of a.md, which has "Space"',
        "  channels: Orbit",
    ]
    assert (
        explain(config, content / "c.md")
        == f"{content / 'c.md'}: a draft (published: false, or another tool's mark of one): in no feed\n"
    )
    outside = CliRunner().invoke(
        cli, ["topics", "--config", str(config), "--explain", str(ROOT / "README.md")]
    )
    assert outside.exit_code == 1 and "not in the content folder" in outside.output
    missing = CliRunner().invoke(
        cli, ["topics", "--config", str(config), "--explain", str(content / "nope.md")]
    )
    assert missing.exit_code == 2 and "does not exist" in missing.output  # a usage error
    (content / "d.md").write_text("---\ntitle: [\n---\nBroken.\n", encoding="utf-8")
    broken = CliRunner().invoke(cli, ["topics", "--config", str(config), "--explain", str(content / "d.md")])
    assert broken.exit_code == 1, broken.output  # as for the list: a file was skipped (an outside probe)
    assert broken.output.startswith(f"{content / 'd.md'}: skipped: ")
    (content / "e.md").write_text("---\ntitle: Big\n---\n" + "x" * 5_000_001, encoding="utf-8")
    big = CliRunner().invoke(cli, ["topics", "--config", str(config), "--explain", str(content / "e.md")])
    assert big.exit_code == 1, big.output  # it was "not an article file" (a follow-up probe)
    assert "skipped: " in big.output and "bytes is over the limit of 5 MB (max_file_mb)" in big.output
    (content / ".hidden.md").write_text("---\ntitle: Hidden\n---\nB\n", encoding="utf-8")
    hidden = CliRunner().invoke(
        cli, ["topics", "--config", str(config), "--explain", str(content / ".hidden.md")]
    )
    assert hidden.exit_code == 1 and "hidden (a name in its path starts with a dot)" in hidden.output
    (content / "link.md").symlink_to(ROOT / "README.md")
    link = CliRunner().invoke(cli, ["topics", "--config", str(config), "--explain", str(content / "link.md")])
    assert link.exit_code == 1 and "leads outside the content folder, which a build skips" in link.output


def test_the_sample_seed_has_its_topic_by_keyword(project: Path) -> None:
    seed = project / "content" / "000_172e09f9723532bd.txt"
    assert explain(project / "config" / "feeds.yaml", seed).splitlines() == [
        f"{seed}: 1 topic",
        '  Computer Vision (computer-vision): keyword "facial recognition" (topics.Computer Vision.keywords)',
    ]


def test_the_cache_the_config_names_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With ``cache:`` in the config, ``--explain`` read the cache beside the output folder, where
    there was none, and so read every file again (14.6-18.6 s at 10,000 articles, 2.7 s without the
    key: an outside probe)."""
    content = tmp_path / "content"
    content.mkdir()
    for n in range(3):
        (content / f"{n}.md").write_text(article(f"Story {n}", f"https://example.com/{n}", ["Policy"]))
    config = tmp_path / "config" / "feeds.yaml"
    config.parent.mkdir()
    config.write_text(CONFIG + "cache: ../kept-cache\n")
    assert CliRunner().invoke(cli, ["build", "--config", str(config)]).exit_code == 0
    assert (tmp_path / "kept-cache").is_dir()
    readings: list[tuple[str, ...]] = []
    real = feeds.build.pipeline.read_changes

    def read_changes(*args: Any) -> Any:
        reading = real(*args)
        readings.append(reading.read)
        return reading

    monkeypatch.setattr(feeds.build.pipeline, "read_changes", read_changes)
    assert "1 topic" in explain(config, content / "1.md")
    assert readings == [()]  # every file's record came from the cache
