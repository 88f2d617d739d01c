"""The fast YAML path remembers keys that agree in both YAML versions (``front_matter._AGREED_KEYS``):
keys that do not must still send their front matter to PyYAML, however many good mappings came
before, at any depth, and next to keys it already knows."""

from __future__ import annotations

import pytest

from feeds.source import front_matter
from feeds.source.front_matter import _DIFFERENT
from feeds.source.front_matter import fast_load

_BAD_KEYS = ["yes", "No", "017", "0o17", "1_000", "12:30", "k" * 101]


@pytest.mark.parametrize("key", _BAD_KEYS)
@pytest.mark.parametrize(
    "shape",
    [
        "title: t\n{key}: 1\n",
        "provider:\n  name: n\n  {key}: x\n",
        "related:\n  - title: t\n    images:\n      - url: u\n        {key}: 2\n",
        "a:\n  - - title: t\n      {key}: 3\n",
    ],
)
def test_keys_that_differ_go_to_pyyaml_after_good_ones(key: str, shape: str) -> None:
    good = shape.replace("{key}", "height")
    assert fast_load(good) is not _DIFFERENT  # its keys are now known to agree
    assert "height" in front_matter._AGREED_KEYS
    assert fast_load(shape.replace("{key}", key)) is _DIFFERENT


def test_known_keys_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(front_matter, "_AGREED_KEYS", set())
    for number in range(10_050):
        assert fast_load(f"key{number}: 1\n") == {f"key{number}": 1}
    assert len(front_matter._AGREED_KEYS) <= 10_000
    assert fast_load("key10049: 1\nyes: 2\n") is _DIFFERENT
