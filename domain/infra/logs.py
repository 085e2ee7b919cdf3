"""Structured logs for every process (API and arq worker): one JSON object per line in production,
readable colourless-or-coloured lines in a terminal on the embedded default (LEARNQL_LOG_FORMAT).

structlog renders everything, including the standard library's records (uvicorn, arq, SQLAlchemy,
our `logging.getLogger` users), through one `ProcessorFormatter` on the root logger, so a process
writes one format only. Fields bound with `structlog.contextvars` (the request id, a job's id) are
added to every line logged while they are bound, whichever logger writes it.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

import orjson
import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

from domain.settings import Settings

# Loggers that libraries configure with handlers of their own: their records go to the root instead.
_LIBRARY_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "arq", "arq.worker", "arq.jobs")


def _orjson_dumps(value: Any, **_: Any) -> str:
    return orjson.dumps(value, default=str).decode()


def _drop_color_message(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    """uvicorn adds a `color_message` copy of each message (with ANSI codes) to its records."""
    event_dict.pop("color_message", None)
    return event_dict


def log_format(settings: Settings) -> str:
    """`json` or `console`: LEARNQL_LOG_FORMAT, else console on the embedded SQLite default, json on
    production backends (where a collector reads the lines)."""
    if settings.log_format is not None:
        return settings.log_format
    return "console" if settings.is_sqlite else "json"


# structlog's side is the same in both formats and configured once, on import: every structlog logger
# hands its event to the standard library's logging, and the root handler set by `configure_logging`
# (or none, or pytest's capture) decides where it goes and how it is rendered. Loggers may therefore
# be created at import time and cached on first use whatever runs first.
_SHARED: list[Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    _drop_color_message,
]
structlog.configure(
    processors=[
        structlog.stdlib.filter_by_level,
        *_SHARED,
        structlog.processors.StackInfoRenderer(),
        structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
    ],
    logger_factory=structlog.stdlib.LoggerFactory(),
    wrapper_class=structlog.stdlib.BoundLogger,
    cache_logger_on_first_use=True,
)


def configure_logging(settings: Settings, stream: TextIO | None = None) -> logging.Handler:
    """Send every log record of the process to `stream` (stdout) in the configured format; returns the handler."""
    renderer: list[Processor]
    if log_format(settings) == "json":
        renderer = [
            structlog.processors.format_exc_info,  # the traceback as one string field: still one line
            structlog.processors.JSONRenderer(serializer=_orjson_dumps),
        ]
    else:
        # Plain tracebacks: rich's, with each frame's locals, could print a password or a token into the log
        # and take seconds of CPU to render on a busy machine (a shutdown's cancelled requests waited on it).
        renderer = [
            structlog.dev.ConsoleRenderer(
                colors=(stream or sys.stdout).isatty(), exception_formatter=structlog.dev.plain_traceback
            )
        ]
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=_SHARED,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *renderer],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(settings.log_level.upper())
    for name in _LIBRARY_LOGGERS:
        library = logging.getLogger(name)
        library.handlers = []
        library.propagate = True
    # One line per request is ours (graph/observability/requests.py); uvicorn's own would repeat it.
    logging.getLogger("uvicorn.access").disabled = True
    return handler


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    logger: structlog.stdlib.BoundLogger = structlog.stdlib.get_logger(name)
    return logger
