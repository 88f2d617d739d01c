"""The app for WSGI servers: ``granian --interface wsgi feeds.wsgi:app`` (config from $FEEDS_CONFIG)."""

from __future__ import annotations

import os

from feeds.forked import die_with_parent
from feeds.serve.app import create_app
from feeds.serve.server import SERVER_PID

if SERVER_PID in os.environ:
    # A worker of `feeds serve`: one left when its server was killed (SIGKILL) kept the port.
    die_with_parent()
    if os.environ[SERVER_PID] != str(os.getppid()):  # the server died before that: no one to serve for
        os._exit(1)

app = create_app()
