"""WebSub (W3C Recommendation, 23 January 2018): feeds name their hubs, hubs hear of changes.

``ping`` tells outside hubs which feeds changed (``feeds build`` and ``feeds serve``); ``hub`` is the
hub built into ``feeds serve`` (``websub.builtin``), with its subscriptions in SQLite (``store``)
and its outgoing requests on a few threads (``outbox``) through a client that refuses private
addresses (``client``). Nothing is imported here, so a build that names no hub loads none of it.
"""
