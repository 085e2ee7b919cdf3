"""Capturing what the process logs, as the JSON lines production writes (domain/infra/logs.py)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson

from domain.infra.logs import configure_logging
from domain.settings import Settings


class JsonLines:
    def __init__(self, stream: io.StringIO) -> None:
        self._stream = stream

    def all(self) -> list[dict[str, Any]]:
        """Every line of ours so far (not the test client's), each parsed as one JSON object (a line that
        is not one fails the test)."""
        lines = [orjson.loads(line) for line in self._stream.getvalue().splitlines() if line.strip()]
        return [line for line in lines if str(line.get("logger", "")).startswith("learnql")]

    def events(self, event: str) -> list[dict[str, Any]]:
        return [line for line in self.all() if line.get("event") == event]

    def clear(self) -> None:
        self._stream.seek(0)
        self._stream.truncate()


@contextmanager
def json_logs(settings: Settings) -> Iterator[JsonLines]:
    """Logging configured for JSON into a buffer, and put back as it was afterwards."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    stream = io.StringIO()
    configure_logging(settings.model_copy(update={"log_format": "json", "log_level": "INFO"}), stream)
    try:
        yield JsonLines(stream)
    finally:
        root.handlers, root.level = saved
        logging.getLogger("uvicorn.access").disabled = False
