"""Which browser pages may use the API: one list for CORS on HTTP and for WebSocket handshakes.

HTTP: Starlette's CORSMiddleware answers preflights and adds the headers. WebSocket handshakes are
not covered by CORS at all (a page on any site may open one), and they skip FastAPI's middleware
anyway (graph/app.py `LearnQL`), so graph/realtime/endpoint.py checks the Origin against the same
policy before accepting: cross-site WebSocket hijacking. Requests without an Origin header are not
from a browser page and carry no ambient credentials; both sides let them through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from domain.settings import Settings

# The embedded default's development servers (Vite, webpack, GraphiQL elsewhere): any port of localhost.
LOCAL_DEVELOPMENT = r"https?://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?"
# What clients send besides the CORS-safelisted headers: the token, the request id, Apollo Client's
# CSRF-prevention headers (graph/http.py asks multipart requests for them).
REQUEST_HEADERS = (
    "Authorization",
    "Content-Type",
    "X-Request-ID",
    "apollo-require-preflight",
    "x-apollo-operation-name",
)
# Response headers a page may read besides the safelisted ones: when to retry a refused request.
EXPOSED_HEADERS = ("Retry-After",)


@dataclass(frozen=True)
class OriginPolicy:
    origins: frozenset[str]  # exact origins as browsers send them, or "*"
    pattern: str | None = None  # a regular expression an origin may match in full instead

    @classmethod
    def of(cls, settings: Settings) -> OriginPolicy:
        if settings.cors_origins is not None:
            return cls(frozenset(settings.cors_origins))
        return cls(frozenset(), None if settings.production else LOCAL_DEVELOPMENT)

    def allows(self, origin: str) -> bool:
        if "*" in self.origins or origin in self.origins:
            return True
        return self.pattern is not None and re.fullmatch(self.pattern, origin) is not None

    def middleware_options(self, max_age: int) -> dict[str, Any]:
        """CORSMiddleware's arguments. No credentials: the API reads tokens from headers, never cookies."""
        return {
            "allow_origins": sorted(self.origins),
            "allow_origin_regex": self.pattern,
            "allow_methods": ["GET", "POST"],
            "allow_headers": list(REQUEST_HEADERS),
            "expose_headers": list(EXPOSED_HEADERS),
            "allow_credentials": False,
            "max_age": max_age,
        }
