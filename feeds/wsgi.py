"""The app for WSGI servers: ``granian --interface wsgi feeds.wsgi:app`` (config from $FEEDS_CONFIG)."""

from __future__ import annotations

import os

from feeds.forked import die_with_parent
from feeds.serve.app import create_app
from feeds.serve.server import SERVER_PID

if os.environ.get(SERVER_PID) == str(os.getppid()):
    # A worker of `feeds serve`: one left when its server was killed (SIGKILL) kept the port.
    die_with_parent()

app = create_app()
