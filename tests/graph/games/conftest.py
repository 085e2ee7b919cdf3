"""The real uvicorn server of the subscription tests (SQLite with the in-process broker, PostgreSQL with
Redis), reused for games over WebSockets."""

from tests.graph.realtime.subscriptions.conftest import now, realtime_settings, server

__all__ = ["now", "realtime_settings", "server"]
