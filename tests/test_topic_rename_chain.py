"""A topic renamed to a name that is renamed itself is a config error naming both steps: renames
apply once, so the chain would publish the first name under the middle one."""

from __future__ import annotations

from pathlib import Path

import pytest

from feeds.config import load_settings
from feeds.errors import ConfigError


def _config(tmp_path: Path, topics: str) -> Path:
    path = tmp_path / "feeds.yaml"
    path.write_text(f"site:\n  base_url: https://example.org/\ntopics:\n{topics}")
    return path


def test_a_chain_of_renames_is_refused(tmp_path: Path) -> None:
    path = _config(tmp_path, "  ML:\n    rename: AI\n  AI:\n    rename: Artificial intelligence\n")
    with pytest.raises(ConfigError) as error:
        load_settings(path)
    message = str(error.value)
    assert "topics.ML.rename" in message
    assert "'AI' is renamed itself (to 'Artificial intelligence')" in message


def test_two_names_renamed_to_one_are_fine(tmp_path: Path) -> None:
    path = _config(tmp_path, "  ML:\n    rename: AI\n  ai:\n    rename: AI\n  AI:\n    title: All of AI\n")
    topics = load_settings(path).topics
    assert topics["ML"].rename == topics["ai"].rename == "AI"
    assert topics["AI"].title == "All of AI"


def test_a_rename_to_itself_is_no_chain(tmp_path: Path) -> None:
    path = _config(tmp_path, "  ML:\n    rename: AI\n  AI:\n    rename: AI\n")
    assert load_settings(path).topics["ML"].rename == "AI"
