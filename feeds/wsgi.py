"""The app for WSGI servers: ``granian --interface wsgi feeds.wsgi:app`` (config from $FEEDS_CONFIG)."""

from __future__ import annotations

from feeds.serve.app import create_app

app = create_app()
