"""A config whose YAML aliases make a value of millions of items is refused with a short message:
messages name a collection by its kind (``text.quoted_value``), never by its repr(). A 5.6 KB
config gave a 58.7 MB error line, and four levels more a MemoryError (an outside probe)."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from feeds.config import load_settings
from feeds.errors import ConfigError
from tests.helpers import ROOT
from tests.helpers import live_site

#: A process checking a config needs far less; a regression runs out of it instead of the machine.
MEMORY_LIMIT = 1_500_000_000


def aliased_list(levels: int) -> str:
    """A flow list of 8 + 2**(levels + 4) items' worth of nested lists, in about 250 bytes a level."""
    parts = ["&a0 [xxxxxxxx, xxxxxxxx]"] + [f"&a{n} [*a{n - 1}, *a{n - 1}]" for n in range(1, levels + 1)]
    return "[" + ", ".join(parts) + "]"


BIG = aliased_list(24)
#: (config text, the line of the key, the key)
CASES = {
    "keywords": (f"formats: [atom]\ntopics:\n  KW:\n    keywords: [{BIG}]\n", 4, "topics.KW.keywords"),
    "formats": (f"formats: [{BIG}]\n", 1, "formats"),
    "hubs": (f"websub:\n  hubs: [{BIG}]\n", 2, "websub.hubs"),
    "channel words": (f"channels:\n  Mine:\n    words: [{BIG}]\n", 3, "channels.Mine.words"),
    "a choice": (f"related: {BIG}\n", 1, "related"),
}


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.mark.parametrize("case", list(CASES))
def test_an_aliased_value_gives_a_short_message(tmp_path: Path, case: str) -> None:
    text, line, key = CASES[case]
    config = tmp_path / "config" / "feeds.yaml"
    config.parent.mkdir()
    config.write_text(text, encoding="utf-8")
    assert len(text) < 7000
    done = subprocess.run(
        [sys.executable, "-m", "feeds", "build", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        preexec_fn=_limit_memory,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    message = done.stderr.strip()
    assert len(message) < 500, message[:1000]
    assert f"feeds.yaml:{line}: {key}: " in message


def test_an_empty_channel_of_aliased_mappings_is_found_at_once(tmp_path: Path) -> None:
    """Each mapping is looked at once, however many keys alias it (it took 34 s, twice as long
    per level more)."""
    lines = ["      x0: &d0 {a: null, b: null}"]
    lines += [f"      x{n}: &d{n} {{a: *d{n - 1}, b: *d{n - 1}}}" for n in range(1, 25)]
    config = tmp_path / "feeds.yaml"
    config.write_text("channels:\n  Mine:\n    topics:\n" + "\n".join(lines) + "\n", encoding="utf-8")
    started = time.process_time()
    with pytest.raises(ConfigError, match="is empty"):
        load_settings(config)
    assert time.process_time() - started < 10  # against minutes, not a timing of the code


def test_the_server_logs_such_a_config_and_keeps_serving(project: Path, client: FlaskClient) -> None:
    """A reload reads the config again every few seconds: the error is one short line, and the
    site built before is still served. (20 levels: before the fix, a 58.7 MB message.)"""
    served = client.get("/all.atom").data
    config = project / "config" / "feeds.yaml"
    config.write_text(
        config.read_text(encoding="utf-8") + f"\nchannels:\n  Mine:\n    words: [{aliased_list(20)}]\n",
        encoding="utf-8",
    )
    live = live_site(client.application)
    assert live.refresh() is False
    assert live.last_error is not None and len(live.last_error) < 500
    assert "channels.Mine.words: a list is not a name" in live.last_error
    assert client.get("/all.atom").data == served
    assert client.get("/healthz").get_json()["status"] == "degraded"
