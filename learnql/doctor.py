"""What `learnql serve`, `migrate` and `check` verify before they start: the database and Redis
answer, the port is free, the schema is migrated, the secret is strong, the AI provider is usable.

Each check gives one line an operator can act on (the URL without its password, what to look at)
instead of a traceback from deep inside a driver.
"""

from __future__ import annotations

import asyncio
import errno
import socket
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

import httpx
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.engine import make_url

from domain.infra.database import create_engine
from domain.infra.migrations import current_revisions, head_revisions
from domain.settings import DEFAULT_JWT_SECRET, Settings

TIMEOUT = 5.0  # seconds a service has to answer
MIN_SECRET_LENGTH = 32  # HS256 keys: at least 256 bits (RFC 7518, 3.2)

Level = Literal["ok", "warn", "fail"]


@dataclass(frozen=True)
class Finding:
    level: Level
    subject: str
    detail: str

    def line(self) -> str:
        return f"{self.level.upper():<4}  {self.subject}: {self.detail}"


def shown_url(url: str) -> str:
    """The URL with its password replaced by ***."""
    if url.startswith(("sqlite", "postgresql", "mysql")):
        return make_url(url).render_as_string(hide_password=True)
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _reason(error: BaseException) -> str:
    cause: BaseException = error
    while getattr(cause, "orig", None) is not None:  # SQLAlchemy wraps the driver's error
        cause = cause.orig  # type: ignore[attr-defined]
    message = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
    name = type(cause).__name__
    return f"{name}: {message}" if message else name


async def database_problem(settings: Settings) -> str | None:
    """None when the database answers a query, else the line saying why not and what to check."""
    engine = create_engine(settings, pool_size=1, max_overflow=0)
    try:
        async with asyncio.timeout(TIMEOUT), engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as error:
        what = "the SQLite file's directory" if settings.is_sqlite else "that PostgreSQL runs and accepts connections"
        return (
            f"cannot reach the database at {shown_url(settings.database_url)} ({_reason(error)}); "
            f"check {what}, and LEARNQL_DATABASE_URL (host, port, user, password, database name)"
        )
    finally:
        await engine.dispose()
    return None


async def redis_problem(url: str) -> str | None:
    """None when Redis answers PING, else the line saying why not and what to check."""
    redis = Redis.from_url(url, socket_connect_timeout=TIMEOUT, socket_timeout=TIMEOUT)
    try:
        async with asyncio.timeout(TIMEOUT):
            await redis.ping()
    except Exception as error:
        return (
            f"cannot reach Redis at {shown_url(url)} ({_reason(error)}); "
            "check that Redis runs and accepts connections, and LEARNQL_REDIS_URL (host, port, password, database)"
        )
    finally:
        await redis.aclose()
    return None


async def services_problem(settings: Settings) -> str | None:
    """The first unreachable service of the configuration, if any."""
    problem = await database_problem(settings)
    if problem is None and settings.redis_url:
        problem = await redis_problem(settings.redis_url)
    return problem


def port_problem(host: str, port: int) -> str | None:
    """None when `host:port` can be bound (as uvicorn binds it), else the line saying so."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return f"port {port} on {host} is in use by another program; stop it or choose another with --port"
            return f"cannot listen on {host}:{port} ({error.strerror}); check --host and --port"
    return None


async def migration_finding(settings: Settings) -> Finding:
    heads = head_revisions(settings.database_url)
    engine = create_engine(settings, pool_size=1, max_overflow=0)
    try:
        async with engine.connect() as connection:
            current = await connection.run_sync(current_revisions)
    finally:
        await engine.dispose()
    if current == heads:
        return Finding("ok", "migrations", f"at the newest revision ({', '.join(sorted(heads))})")
    where = ", ".join(sorted(current)) or "never migrated"
    return Finding(
        "fail",
        "migrations",
        f"the database is at {where}, the code at {', '.join(sorted(heads))}: run `learnql migrate`",
    )


def secret_finding(settings: Settings) -> Finding:
    secret = settings.jwt_secret
    if secret == DEFAULT_JWT_SECRET:
        if settings.is_sqlite:
            return Finding(
                "warn", "secret", "the built-in default LEARNQL_JWT_SECRET (fine for the embedded demo only)"
            )
        return Finding(
            "fail", "secret", "LEARNQL_JWT_SECRET is the built-in default: tokens can be forged; set a random one"
        )
    if len(secret) < MIN_SECRET_LENGTH:
        return Finding(
            "fail",
            "secret",
            f"LEARNQL_JWT_SECRET has {len(secret)} characters; use at least {MIN_SECRET_LENGTH} random ones "
            "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)",
        )
    if len(set(secret)) < 10:
        return Finding("fail", "secret", "LEARNQL_JWT_SECRET repeats a few characters; use a random one")
    return Finding("ok", "secret", f"{len(secret)} characters")


LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def cors_finding(settings: Settings) -> Finding:
    """Which browser origins may call the API (values that do not parse already stopped the settings)."""
    origins = settings.cors_origins
    if origins is None:
        if settings.is_sqlite:
            return Finding("ok", "cors", "unset: pages on localhost (any port) may call the API (embedded default)")
        return Finding(
            "warn", "cors", "unset: no web page may call the API; set LEARNQL_CORS_ORIGINS to your web app's origin"
        )
    if not origins:
        return Finding("ok", "cors", "empty: no web page may call the API")
    if "*" in origins:
        level: Level = "ok" if settings.is_sqlite else "warn"
        return Finding(level, "cors", "* : pages of any site may call the API with a token; list your app's origins")
    plain = [
        o for o in origins if o.startswith("http://") and o.split("://", 1)[1].rsplit(":", 1)[0] not in LOCAL_HOSTS
    ]
    if plain and settings.production:
        return Finding("warn", "cors", f"{', '.join(plain)} served over plain http: tokens cross the network in clear")
    return Finding("ok", "cors", ", ".join(origins))


async def ai_finding(settings: Settings) -> Finding:
    if settings.ai_provider == "local":
        return Finding("ok", "ai provider", "local (offline, rule-based generation and grading)")
    if not settings.ai_api_keys:
        return Finding("fail", "ai provider", "LEARNQL_AI_PROVIDER=openai needs LEARNQL_AI_API_KEYS (comma-separated)")
    url = settings.ai_base_url.rstrip("/") + "/models"
    headers = {"Authorization": f"Bearer {settings.ai_api_keys[0]}"}
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT) as client:
            response = await client.get(url, headers=headers)
    except httpx.HTTPError as error:
        return Finding(
            "fail", "ai provider", f"cannot reach {settings.ai_base_url} ({_reason(error)}); check LEARNQL_AI_BASE_URL"
        )
    if response.status_code in (401, 403):
        return Finding("fail", "ai provider", f"{settings.ai_base_url} refused key 1 (HTTP {response.status_code})")
    keys = len(settings.ai_api_keys)
    return Finding("ok", "ai provider", f"{settings.ai_base_url} answers (model {settings.ai_model}, {keys} key(s))")


async def check(settings: Settings) -> list[Finding]:
    """Everything `learnql check` reports, in order; later checks that need the database are skipped without it."""
    findings: list[Finding] = []
    problem = await database_problem(settings)
    if problem is None:
        findings.append(Finding("ok", "database", f"reachable at {shown_url(settings.database_url)}"))
        findings.append(await migration_finding(settings))
    else:
        findings.append(Finding("fail", "database", problem))
    if settings.redis_url:
        problem = await redis_problem(settings.redis_url)
        detail = problem or f"reachable at {shown_url(settings.redis_url)}"
        findings.append(Finding("fail" if problem else "ok", "redis", detail))
    else:
        findings.append(
            Finding("ok", "redis", "not configured: in-process broker, cache and job runner (one API process only)")
        )
    findings.append(secret_finding(settings))
    findings.append(cors_finding(settings))
    findings.append(await ai_finding(settings))
    return findings
