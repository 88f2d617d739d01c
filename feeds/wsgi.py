"""The app for WSGI servers: ``granian --interface wsgi feeds.wsgi:app`` (config from $FEEDS_CONFIG)."""

from __future__ import annotations

import logging
import os

from feeds.forked import die_with_parent
from feeds.serve.app import create_app
from feeds.serve.logs import ShownFormatter
from feeds.serve.logs import ShownRequests
from feeds.serve.server import SERVER_PID

if SERVER_PID in os.environ:
    # A worker of `feeds serve`: one left when its server was killed (SIGKILL) kept the port.
    die_with_parent()
    if os.environ[SERVER_PID] != str(os.getppid()):  # the server died before that: no one to serve for
        os._exit(1)
    # Its log says what it does (each rebuild, the hub's work) beside Granian's, in Granian's form;
    # under another WSGI server, that server's logging decides.
    handler = logging.StreamHandler()
    handler.setFormatter(ShownFormatter("[%(levelname)s] %(message)s"))
    logging.getLogger("feeds").addHandler(handler)
    logging.getLogger("feeds").setLevel(logging.INFO)
    logging.getLogger("feeds").propagate = False
    # Granian's own configuration of this logger keeps its filters (logging.config adds, never removes).
    logging.getLogger("granian.access").addFilter(ShownRequests())

app = create_app()
