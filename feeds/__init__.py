"""feeds: publish a folder of articles as per-topic Atom, RSS and JSON feeds."""

from __future__ import annotations

__version__ = "0.1.0"
