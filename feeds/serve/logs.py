"""The log of ``feeds serve``: lines that cannot steer the terminal that shows them."""

from __future__ import annotations

import logging

from feeds.text import shown


class ShownFormatter(logging.Formatter):
    """Each message with what would steer a terminal escaped: a log line quotes what strangers
    send (a WebSub callback, a topic) and what files hold (a path, an error's words)."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's naming
        record.message = shown(record.message)
        return super().formatMessage(record)
