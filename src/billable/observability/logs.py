"""Structured logs: one JSON object per line on stderr, for ``serve`` and ``worker``.

Fields given as ``extra=`` (``event``, ``job_id``, ``route``, ...) become keys of the
object. Nothing here reads requests: callers pass only what may be logged (a route,
a user name), never a header, a token or a password.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from typing import Any

#: Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
#: Extras some libraries add that only repeat the message (uvicorn's, with colour codes).
_DROPPED = {"color_message"}


class JsonFormatter(logging.Formatter):
    """A record as one line of JSON: time, level, logger, message and the extras."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a single-line JSON object."""
        entry: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in _DROPPED and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


#: The log level when none is asked for.
DEFAULT_LEVEL = "info"  # not vocabulary: a log level


def configure_logging(level: str = DEFAULT_LEVEL, stream: Any = None) -> None:
    """Send every logger's records, as JSON lines, to ``stream`` (default stderr) from
    ``level`` up; uvicorn's and procrastinate's loggers included."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "procrastinate"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    # Requests are logged once, by the app's middleware, with their route and user.
    logging.getLogger("uvicorn.access").disabled = True
    # Alembic says how it connects each time /ready looks at the schema revision.
    logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)


LEVELS = ("debug", "info", "warning", "error")  # not vocabulary: log levels
