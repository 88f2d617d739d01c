"""The log of ``feeds serve``: lines that cannot steer the terminal that shows them."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from feeds.text import shown


class ShownFormatter(logging.Formatter):
    """Each message with what would steer a terminal escaped: a log line quotes what strangers
    send (a WebSub callback, a topic) and what files hold (a path, an error's words)."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's naming
        record.message = shown(record.message)
        return super().formatMessage(record)


class ShownRequests(logging.Filter):
    """Granian's access lines (``--access-log``) with the request's parts escaped as above: their
    path is percent-decoded, so ``/%0a[WARNING]...`` wrote a second, forged line (an outside probe)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, Mapping):
            record.args = {
                name: shown(value) if isinstance(value, str) else value for name, value in record.args.items()
            }
        return True
