"""The `learnql` command: serve, migrate, seed-demo, create-user, deactivate-user, reactivate-user,
rebuild-leaderboards, export-schema."""

from __future__ import annotations

import asyncio
import gc
import getpass
import sys
from pathlib import Path
from typing import Annotated

import typer

from domain.settings import get_settings

cli = typer.Typer(
    help="learnql: a GraphQL API for learning platforms.",
    no_args_is_help=True,
    add_completion=False,
)


async def _seed() -> bool:
    from domain.backends import Backends
    from domain.clock import utcnow
    from domain.content import demo

    backends = Backends.open(get_settings())
    try:
        async with backends.unit_of_work() as session:
            return await demo.seed_demo(session, backends.settings, utcnow())
    finally:
        await backends.close()


@cli.command()
def migrate() -> None:
    """Upgrade the database (LEARNQL_DATABASE_URL) to the newest schema."""
    from domain.infra.migrations import upgrade

    upgrade(get_settings().database_url)
    typer.echo("database is at the newest revision")


@cli.command("seed-demo")
def seed_demo() -> None:
    """Load the demo courses and accounts into an empty database."""
    typer.echo("demo content loaded" if asyncio.run(_seed()) else "the database has content already; nothing loaded")


def server_gc() -> None:
    """The garbage collector's settings of a long-lived server: what start-up loaded is frozen (full
    collections skip it) and collections run less often. With the defaults, full collections over a
    thousand WebSocket connections' objects stall the event loop, and with it subscriber fan-out, for
    hundreds of ms, and collections take a quarter of the time of a large response."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Run the API. On the embedded default it migrates and loads demo content first."""
    import uvicorn

    from domain.infra.migrations import upgrade
    from learnql.composition import create_app

    settings = get_settings()
    try:
        settings.check_production()
    except RuntimeError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    if settings.is_sqlite:
        upgrade(settings.database_url)
    if settings.load_demo_content and asyncio.run(_seed()):
        typer.echo("loaded demo content (accounts: see README)")
    typer.echo(f"GraphiQL and the API: http://{host}:{port}/graphql")
    app = create_app(settings)
    server_gc()
    # No permessage-deflate: its zlib state costs ~300 KB per WebSocket for small, frequent messages.
    # No proxy headers from uvicorn (it trusts 127.0.0.1 by default): the app honours X-Forwarded-For
    # from LEARNQL_TRUSTED_PROXIES only (graph/app.py).
    uvicorn.run(app, host=host, port=port, log_level="info", ws_per_message_deflate=False, proxy_headers=False)


@cli.command("create-user")
def create_user(
    email: Annotated[str, typer.Option(help="Login email.")],
    display_name: Annotated[str, typer.Option("--name", help="Display name.")],
    role: Annotated[str, typer.Option(help="LEARNER, INSTRUCTOR or ADMIN.")] = "INSTRUCTOR",
    timezone: Annotated[str, typer.Option(help="IANA time zone.")] = "UTC",
    password: Annotated[str | None, typer.Option(help="Asked for when not given.")] = None,
) -> None:
    """Create an account of any role (register only makes learners)."""
    from domain.accounts import auth
    from domain.backends import Backends
    from domain.clock import utcnow
    from domain.errors import DomainError
    from domain.models import Role

    secret = password or getpass.getpass("password: ")

    async def run() -> None:
        backends = Backends.open(get_settings())
        try:
            async with backends.unit_of_work() as session:
                registration = auth.Registration(email, secret, display_name, timezone)
                await auth.create_user(session, backends.settings, registration, role=Role(role.upper()), now=utcnow())
        finally:
            await backends.close()

    try:
        asyncio.run(run())
    except (DomainError, ValueError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from error
    typer.echo(f"created {role.upper()} {email}")


def _set_active(email: str, active: bool) -> None:
    from domain.accounts import activation
    from domain.backends import Backends
    from domain.clock import utcnow
    from domain.errors import DomainError

    async def run() -> None:
        backends = Backends.open(get_settings())
        try:
            async with backends.unit_of_work() as session:
                if active:
                    await activation.reactivate(session, email)
                else:
                    await activation.deactivate(session, email, utcnow())
        finally:
            await backends.close()

    try:
        asyncio.run(run())
    except DomainError as error:
        typer.echo(f"error: {error.message}", err=True)
        raise typer.Exit(1) from error


# A command rather than an admin mutation: the API has no admin screens to find and pick accounts
# yet, and whoever runs the deployment can reach this one at once.
@cli.command("deactivate-user")
def deactivate_user(email: Annotated[str, typer.Argument(help="Login email of the account.")]) -> None:
    """Deactivate an account: its tokens are refused from the next request on, and so are its logins."""
    _set_active(email, active=False)
    typer.echo(f"deactivated {email}; every token of the account has ended")


@cli.command("reactivate-user")
def reactivate_user(email: Annotated[str, typer.Argument(help="Login email of the account.")]) -> None:
    """Let a deactivated account log in again (its tokens from before stay ended)."""
    _set_active(email, active=True)
    typer.echo(f"reactivated {email}; it may log in again")


@cli.command("rebuild-leaderboards")
def rebuild_leaderboards() -> None:
    """Rebuild the Redis leaderboards (LEARNQL_REDIS_URL) from the database, the source of truth."""
    from domain.clock import utcnow
    from domain.infra.database import create_engine, session_factory
    from domain.infra.leaderboard_store import RedisLeaderboardStore

    settings = get_settings()
    if not settings.redis_url:
        typer.echo("LEARNQL_REDIS_URL is not set: leaderboards are computed from the database; nothing to rebuild")
        return

    async def run() -> int:
        engine = create_engine(settings)
        store = RedisLeaderboardStore(settings.redis_url or "", settings.redis_prefix, utcnow)
        try:
            async with session_factory(engine)() as session:
                return await store.rebuild(session, utcnow())
        finally:
            await store.close()
            await engine.dispose()

    typer.echo(f"rebuilt {asyncio.run(run())} leaderboards in Redis")


@cli.command("export-schema")
def export_schema(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write here instead of stdout (with --check: the file to compare)."),
    ] = None,
    check: Annotated[
        bool,
        typer.Option("--check", help="Write nothing; exit 1 unless the file (default schema.graphql) is current."),
    ] = False,
) -> None:
    """Print the GraphQL SDL of the live schema (commit it as schema.graphql)."""
    from graph.schema import schema_sdl

    sdl = schema_sdl()
    if check:
        target = output or Path("schema.graphql")
        committed = target.read_text() if target.exists() else None
        if committed != sdl:
            # Spelled out for pre-commit and CI logs, where this line is all a reader sees.
            state = "missing" if committed is None else "stale"
            typer.echo(f"{target} is {state}: run `uv run learnql export-schema -o {target}`", err=True)
            raise typer.Exit(1)
        typer.echo(f"{target} is current")
    elif output is None:
        sys.stdout.write(sdl)
    else:
        output.write_text(sdl)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
