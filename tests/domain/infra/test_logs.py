"""The console log format (the embedded default's) prints a traceback without the frames' locals."""

from __future__ import annotations

import io
import logging
import uuid

from domain.infra.logs import configure_logging
from domain.settings import Settings


def _fail(password: str) -> None:
    raise ValueError("refused")


def test_a_console_traceback_shows_the_frames_but_not_their_locals() -> None:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    stream = io.StringIO()
    secret = f"hunter2-{uuid.uuid4().hex}"  # made at run time: no source line the traceback quotes holds it
    try:
        configure_logging(Settings(log_format="console"), stream)
        try:
            _fail(secret)
        except ValueError:
            logging.getLogger("learnql.test").exception("it failed")
    finally:
        root.handlers, root.level = saved

    output = stream.getvalue()
    assert "Traceback (most recent call last)" in output
    assert "in _fail" in output
    assert "ValueError: refused" in output
    assert secret not in output
