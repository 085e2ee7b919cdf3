"""Configuration from LEARNQL_* environment variables (optionally a .env file), in one place."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_JWT_SECRET = "learnql-embedded-default-secret-change-me"  # noqa: S105


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

    max_query_depth: int = Field(default=12, ge=1)
    max_query_tokens: int = Field(default=5000, ge=1)
    max_query_aliases: int = Field(default=30, ge=1)
    max_page_size: int = Field(default=100, ge=1)

    demo_content: bool | None = None  # None: load only on the embedded SQLite default

    # Performance switches, on by default; the benchmark turns them off to measure what each buys.
    orjson: bool = True
    query_cache: bool = True
    dataloader_batching: bool = True

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def load_demo_content(self) -> bool:
        return self.is_sqlite if self.demo_content is None else self.demo_content

    def check_production(self) -> None:
        """Refuse to run on production backends with the default JWT secret."""
        if not self.is_sqlite and self.jwt_secret == DEFAULT_JWT_SECRET:
            raise RuntimeError(
                "LEARNQL_JWT_SECRET must be set when LEARNQL_DATABASE_URL points at a production database"
            )


@lru_cache
def get_settings() -> Settings:
    return Settings()
