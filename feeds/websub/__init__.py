"""WebSub (W3C Recommendation, 23 January 2018): feeds name their hubs, hubs hear of changes.

``notify_hubs`` tells outside hubs which feeds changed (``feeds build`` and ``feeds serve``);
``Hub`` is the hub built into ``feeds serve`` (``websub.builtin``), with its subscriptions in
SQLite (``store``) and its outgoing requests on a few threads (``outbox``) through a client that
refuses private addresses (``client``).
"""

from __future__ import annotations

from feeds.websub.hub import Hub
from feeds.websub.ping import PingResult
from feeds.websub.ping import notify_hubs

__all__ = ["Hub", "PingResult", "notify_hubs"]
