"""Configuration from LEARNQL_* environment variables (optionally a .env file), in one place."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Annotated, Literal
from urllib.parse import urlsplit

from limits import parse
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_JWT_SECRET = "learnql-embedded-default-secret-change-me"  # noqa: S105
# Secrets printed in our own files (the one above, compose.yaml's): public, so never secret.
PLACEHOLDER_SECRETS = frozenset({DEFAULT_JWT_SECRET, "change-me-to-a-long-random-secret"})
MIN_SECRET_BYTES, MIN_SECRET_CHARACTERS = 32, 16
GENERATE_SECRET = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'  # noqa: S105  (a command)


def weak_secret(secret: str) -> str | None:
    """Why `secret` cannot sign production tokens, or None. A guessable HS256 secret lets anyone mint a
    token for any account, so beside length it needs variety: 32 bytes of one repeated character, or of
    a few, are guessed long before random ones."""
    lowered = secret.lower()
    if secret in PLACEHOLDER_SECRETS or any(word in lowered for word in ("change-me", "changeme", "change_me")):
        return "is a placeholder from the documentation"
    if len(secret.encode()) < MIN_SECRET_BYTES:
        return f"has {len(secret.encode())} bytes; it needs at least {MIN_SECRET_BYTES}"
    if len(set(secret)) < MIN_SECRET_CHARACTERS:
        return f"has {len(set(secret))} different characters; it needs at least {MIN_SECRET_CHARACTERS}"
    return None


def normalize_origin(origin: str) -> str:
    """An origin as browsers send it in `Origin` (lowercase scheme and host, no default port), or "*"."""
    if origin == "*":
        return origin
    parts = urlsplit(origin)
    try:
        port = parts.port
    except ValueError as error:
        raise ValueError(f"{origin!r} has an invalid port") from error
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path not in {"", "/"} or parts.query:
        raise ValueError(f"{origin!r} is not an origin such as https://app.example.org (or *)")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    default = {"http": 80, "https": 443}[parts.scheme]
    return f"{parts.scheme}://{host}" + (f":{port}" if port is not None and port != default else "")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEARNQL_", env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./learnql.db"
    redis_url: str | None = None
    debug: bool = False

    jwt_secret: str = DEFAULT_JWT_SECRET
    jwt_issuer: str = "learnql"
    jwt_audience: str = "learnql-api"
    jwt_ttl_seconds: int = Field(default=7 * 24 * 3600, gt=0)

    # argon2id cost; tests lower it, production keeps the library's defaults.
    password_time_cost: int = Field(default=3, ge=1)
    password_memory_kib: int = Field(default=65536, ge=8)

    db_pool_size: int = Field(default=10, ge=1)
    db_max_overflow: int = Field(default=20, ge=0)
    db_pool_pre_ping: bool = False  # a round trip per checkout; asyncpg already drops broken connections
    # A GraphQL operation failing transiently (deadlock, connection lost) runs again, this many runs in all,
    # after a jittered backoff from this delay (graph/retries.py).
    retry_attempts: int = Field(default=3, ge=1, le=10)
    retry_base_delay_seconds: float = Field(default=0.05, ge=0, le=5)

    max_query_depth: int = Field(default=12, ge=1)
    max_query_tokens: int = Field(default=5000, ge=1)
    max_query_aliases: int = Field(default=30, ge=1)
    max_page_size: int = Field(default=100, ge=1)
    # The schema readable through __schema/__type (and GraphiQL); off: neither, nor "Did you mean" hints.
    introspection: bool = True

    # Query cost (graph/cost.py) and per-client budgets (domain/infra/budget.py); query_cost=False turns
    # both off, with `extensions.cost`. Costs count objects: a list of n objects costs n.
    query_cost: bool = True
    max_query_cost: int = Field(default=50_000, ge=1)  # the estimate before execution, at most
    max_query_nodes: int = Field(default=50_000, ge=1)  # list items one request resolves, at most
    budget_maximum: int = Field(default=100_000, ge=1)  # points a client holds when rested (>= max_query_cost)
    budget_restore_rate: float = Field(default=1_000.0, gt=0)  # points per second a client gets back
    max_subscriptions_per_connection: int = Field(default=20, ge=1)  # active operations per WebSocket
    graceful_shutdown_seconds: int = Field(default=10, ge=0)  # `learnql serve`: SIGTERM waits this long

    # Rate limits, each named "limit_<name>" and written in the `limits` package's notation ("10 per 15
    # minutes"); counted in Redis when redis_url is set, else in this process. docs/security-limits.md
    # lists them with the reasons for their defaults.
    limit_login_failures_per_account: str = "10 per 15 minutes"  # by normalized email, known or not
    limit_login_failures_per_ip: str = "30 per 15 minutes"  # a classroom shares one NAT address
    limit_register_per_ip: str = "20 per hour"
    limit_generate_problems_per_user: str = "20 per hour"
    limit_import_problems_per_user: str = "30 per hour"
    limit_ai_evaluations_per_user: str = "120 per hour"  # submissions that queue free-text evaluation
    limit_tutor_messages_per_user: str = "60 per hour"  # askTutor messages (an idempotent resend is free)
    limit_exports_per_user: str = "60 per hour"  # downloads from /exports (each streams a whole table)
    limit_optimize_reviews_per_user: str = "10 per day"  # optimizeReviewParameters (each fits a whole log)
    limit_regrades_per_user: str = "30 per hour"  # regradeProblem calls (each re-scores every answer of a problem)
    # Peers (IPs or CIDR networks, comma-separated) whose X-Forwarded-For names the client; empty: none.
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)

    demo_content: bool | None = None  # None: load only on the embedded SQLite default

    # Operations: logs (json for collectors, console for a terminal; None: console on the embedded
    # default, json on production backends), the arq worker's /metrics port, OpenTelemetry tracing.
    log_format: Literal["json", "console"] | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "debug", "info", "warning", "error"] = "INFO"
    worker_metrics_port: int | None = Field(default=None, ge=0, le=65535)
    otel_enabled: bool = False
    otel_service_name: str = "learnql"

    # Browser pages allowed to call the API (CORS) and to open its WebSocket: exact origins such as
    # https://app.example.org, comma-separated, or "*" for any. Unset: on the embedded default any port of
    # http(s)://localhost and 127.0.0.1 (local development), in production none; "" allows none anywhere.
    cors_origins: Annotated[list[str] | None, NoDecode] = None
    cors_max_age_seconds: int = Field(default=600, ge=0, le=86_400)  # how long browsers may cache a preflight

    # Performance switches, on by default; the benchmark turns them off to measure what each buys.
    orjson: bool = True
    query_cache: bool = True
    dataloader_batching: bool = True

    # Analytics cache: Redis when redis_url is set, else an in-process LRU of this many entries.
    analytics_cache_ttl_seconds: float = Field(default=300.0, gt=0)
    analytics_cache_max_entries: int = Field(default=1024, ge=1)

    # Real time: Redis keys and pub/sub channels start with redis_prefix (one namespace per deployment).
    redis_prefix: str = "learnql:"
    leaderboard_update_interval_ms: int = Field(default=100, ge=0, le=10_000)  # per board, at most one update per
    game_tick_interval_ms: int = Field(default=200, ge=0, le=10_000)  # how often a process closes due questions
    game_update_interval_ms: int = Field(default=100, ge=0, le=10_000)  # per game, at most one read per
    game_idle_minutes: int = Field(default=30, ge=1, le=10_080)  # a lobby or reveal left alone this long ends
    game_max_age_hours: int = Field(default=12, ge=1, le=720)  # any unfinished game this old ends
    subscription_queue_size: int = Field(default=64, ge=1, le=10_000)  # per subscriber, oldest dropped beyond

    # AI jobs (generation and evaluation): arq on Redis when redis_url is set, else an in-process runner.
    ai_provider: Literal["local", "openai"] = "local"
    ai_base_url: str = "https://api.openai.com/v1"  # any OpenAI-compatible chat-completions endpoint
    ai_model: str = "gpt-4o-mini"
    ai_api_keys: Annotated[list[str], NoDecode] = Field(default_factory=list)  # comma-separated in the environment
    ai_key_requests_per_minute: float = Field(default=0.0, ge=0)  # per key; 0: unlimited
    ai_timeout_seconds: float = Field(default=60.0, gt=0)
    ai_max_retries: int = Field(default=4, ge=0, le=20)  # per provider request, over all keys
    ai_backoff_seconds: float = Field(default=0.5, ge=0)  # first retry delay, doubled per retry (with jitter)
    ai_backoff_max_seconds: float = Field(default=20.0, ge=0)
    ai_concurrency: int = Field(default=8, ge=1, le=256)  # provider requests in flight per job
    ai_evaluation_batch_size: int = Field(default=20, ge=1, le=200)  # answers per evaluation request
    ai_generation_batch_size: int = Field(default=10, ge=1, le=100)  # problems per generation request
    ai_chunk_max_chars: int = Field(default=24_000, ge=500)  # source text per generation request, at most
    ai_price_per_1k_prompt_tokens: float = Field(default=0.0, ge=0)
    ai_price_per_1k_completion_tokens: float = Field(default=0.0, ge=0)
    ai_pass_score: float = Field(default=0.6, ge=0, le=1)  # a free-text answer is correct from this score on
    generation_max_count: int = Field(default=100, ge=1)
    generation_max_source_chars: int = Field(default=2_000_000, ge=1)
    upload_max_bytes: int = Field(default=20 * 1024 * 1024, ge=1)
    pdf_max_pages: int = Field(default=1000, ge=1)
    job_max_tries: int = Field(default=3, ge=1, le=50)
    job_timeout_seconds: int = Field(default=900, ge=1)
    job_queue_name: str | None = None  # arq queue; None: "<redis_prefix>jobs"
    jobs_autostart: bool = True  # in-process runner: start jobs at once (tests run them explicitly instead)

    # Personalised scheduling (docs/reviews.md): FSRS parameters fitted to a learner's own review log.
    review_parameters_min_reviews: int = Field(default=400, ge=10)  # reviews before a learner's log is fitted
    review_parameters_refit_reviews: int = Field(default=200, ge=1)  # new reviews before the periodic refit
    review_parameters_holdout: float = Field(default=0.2, gt=0, lt=1)  # share of reviews (the latest) held out
    review_parameters_refit_interval_seconds: int = Field(default=3600, ge=1)  # in-process runner's periodic refit
    review_parameters_refit_batch: int = Field(default=100, ge=1)  # learners queued per periodic run, at most
    # Instructor alerts (docs/api/alerts.md): how often every class's students are evaluated again (the only
    # way INACTIVE alerts open); 0 turns the sweep off in the API process and in arq workers.
    alerts_sweep_minutes: int = Field(default=60, ge=0, le=1440)

    # The AI tutor (docs/tutor.md): limits, the size of what it reads, how its replies are streamed.
    tutor_max_message_chars: int = Field(default=2000, ge=1, le=100_000)
    tutor_tokens_per_user_per_day: int = Field(default=200_000, ge=1)  # prompt + completion, last 24 hours
    tutor_history_turns: int = Field(default=12, ge=1, le=200)  # earlier turns are left out, and the prompt says so
    tutor_lesson_chars: int = Field(default=4000, ge=0)  # of the lesson text around the problem
    tutor_max_reply_tokens: int = Field(default=600, ge=16, le=16_000)
    tutor_publish_interval_ms: int = Field(default=250, ge=0, le=10_000)  # deltas coalesced to at most this often
    tutor_save_interval_ms: int = Field(default=1000, ge=0, le=60_000)  # the text so far saved to the row
    tutor_concurrency: int = Field(default=100, ge=1, le=10_000)  # replies written at a time per process
    # how often the arq tutor worker looks for new replies to write (arq polls its queue; its default 500 ms
    # would put an average 250 ms before every reply's first token)
    tutor_poll_interval_ms: int = Field(default=20, ge=1, le=10_000)
    ai_local_stream_delay_ms: int = Field(default=15, ge=0, le=5000)  # local provider: pause between words
    ai_first_token_timeout_seconds: float = Field(default=30.0, gt=0)  # streaming: retried before the first token

    # The learning record (docs/record/time.md): sessions and time spent, derived from activity.
    session_gap_minutes: int = Field(default=30, ge=1, le=24 * 60)  # a longer pause starts a new session
    activity_time_cap_seconds: int = Field(default=600, ge=1, le=24 * 3600)  # most time one act counts for

    @model_validator(mode="after")
    def _budget_holds_a_query(self) -> Settings:
        if self.budget_maximum < self.max_query_cost:
            raise ValueError(
                "LEARNQL_BUDGET_MAXIMUM must be at least LEARNQL_MAX_QUERY_COST (else a query could never run)"
            )
        return self

    @field_validator(
        "limit_login_failures_per_account",
        "limit_login_failures_per_ip",
        "limit_register_per_ip",
        "limit_generate_problems_per_user",
        "limit_import_problems_per_user",
        "limit_ai_evaluations_per_user",
        "limit_tutor_messages_per_user",
        "limit_exports_per_user",
        "limit_optimize_reviews_per_user",
        "limit_regrades_per_user",
    )
    @classmethod
    def _parse_limit(cls, value: str) -> str:
        parse(value)  # a ValueError names the bad setting at start-up, not at the first login
        return value

    @field_validator("ai_api_keys", "trusted_proxies", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [key.strip() for key in text.split(",") if key.strip()]
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("cors_origins")
    @classmethod
    def _normalize_origins(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else [normalize_origin(origin) for origin in value]

    @property
    def jobs_queue(self) -> str:
        return self.job_queue_name or f"{self.redis_prefix}jobs"

    @property
    def tutor_queue(self) -> str:
        """The arq queue of tutor replies (workers.settings.TutorWorkerSettings)."""
        return f"{self.jobs_queue}:tutor"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def production(self) -> bool:
        """Production backends (PostgreSQL): the embedded default's conveniences are off."""
        return not self.is_sqlite

    @property
    def load_demo_content(self) -> bool:
        return self.is_sqlite if self.demo_content is None else self.demo_content

    def check_production(self) -> None:
        """Refuse to run on production backends with a JWT secret that is not a real one (one line)."""
        problem = weak_secret(self.jwt_secret) if self.production else None
        if problem is not None:
            raise RuntimeError(f"LEARNQL_JWT_SECRET {problem}: generate one with {GENERATE_SECRET}")


@lru_cache
def get_settings() -> Settings:
    return Settings()
