"""The mutation boundary (graph/transactions.py): a mutation field's writes and after-commit effects
stay only when its resolver returned a payload without errors (or one that keeps its good items);
a resolver that raises fails the whole operation; the operation commits once, after every field ran. Driven through a small schema built with the same
extensions over the real Context, and through the API with real mutations."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from enum import Enum
from typing import Any, ClassVar

import pytest
import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from strawberry.types import Info

from domain import outbox
from domain.errors import Invalid
from domain.infra.database import session_factory
from domain.models import Course, Role, Topic
from domain.outbox import Stale
from domain.settings import Settings
from graph.context import Context, Services
from graph.errors import UserError
from graph.transactions import WriteTransactions, with_units_of_work
from tests.factories import make_user
from tests.graph.conftest import Api
from tests.graph.learning.test_submissions import count


@strawberry.enum
class Outcome(Enum):
    OK = "OK"
    ERRORS = "ERRORS"
    RAISE = "RAISE"


@strawberry.type
class TopicPayload:
    path: str | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ImportPayload:
    KEEPS_GOOD_ITEMS: ClassVar[bool] = True

    path: str | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


async def add_topic(context: Context, path: str) -> None:
    async def write(session: AsyncSession) -> None:
        session.add(Topic(path=path, name=path))
        outbox.record(session, Stale.of([f"topic:{path}"]))
        await session.flush()

    await context.run(write)


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def add_topic(
        self, info: Info[Context, Any], path: str, outcome: Outcome, release_first: bool = False
    ) -> TopicPayload:
        if release_first:  # as generateProblems does before it reads an upload
            await info.context.release()
        await add_topic(info.context, path)
        if outcome is Outcome.RAISE:
            raise RuntimeError("a bug after the write")
        if outcome is Outcome.ERRORS:
            return TopicPayload(errors=UserError.from_domain(Invalid("Refused after the write.")))
        return TopicPayload(path=path)

    @strawberry.mutation
    async def import_topic(self, info: Info[Context, Any], path: str) -> ImportPayload:
        await add_topic(info.context, path)
        return ImportPayload(path=path, errors=UserError.from_domain(Invalid("Another item was bad.")))


@strawberry.type
class Query:
    @strawberry.field
    def ok(self) -> bool:
        return True


SCHEMA = strawberry.Schema(query=Query, mutation=with_units_of_work(Mutation), extensions=[WriteTransactions])


@pytest.fixture
async def services(settings: Settings, engine: AsyncEngine) -> AsyncIterator[Services]:
    services = Services(settings=settings, engine=engine)
    yield services
    await services.close()


async def execute(services: Services, document: str) -> strawberry.types.ExecutionResult:
    context = Context(services, None)
    try:
        return await SCHEMA.execute(document, context_value=context)
    finally:
        await context.close()


async def stored(engine: AsyncEngine) -> list[str]:
    async with session_factory(engine)() as session:
        return list((await session.execute(select(Topic.path).order_by(Topic.path))).scalars())


async def bumped(services: Services, *paths: str) -> list[str]:
    """The paths whose cache scope the outbox bumped."""
    return [path for path in paths if (await services.cache.lookup("key", f"topic:{path}")).version > 0]


async def test_a_mutation_that_succeeds_commits_and_flushes_its_effects(
    services: Services, engine: AsyncEngine
) -> None:
    result = await execute(services, 'mutation { addTopic(path: "a", outcome: OK) { path errors { code } } }')

    assert result.errors is None
    assert result.data == {"addTopic": {"path": "a", "errors": []}}
    assert await stored(engine) == ["a"]
    assert await bumped(services, "a") == ["a"]


async def test_a_mutation_that_returns_errors_writes_nothing_and_flushes_nothing(
    services: Services, engine: AsyncEngine
) -> None:
    result = await execute(services, 'mutation { addTopic(path: "a", outcome: ERRORS) { path errors { code } } }')

    assert result.data == {"addTopic": {"path": None, "errors": [{"code": "INVALID"}]}}
    assert await stored(engine) == []
    assert await bumped(services, "a") == []


async def test_a_mutation_that_raises_writes_nothing(services: Services, engine: AsyncEngine) -> None:
    result = await execute(services, 'mutation { addTopic(path: "a", outcome: RAISE) { path } }')

    assert result.errors is not None
    assert [error.message for error in result.errors] == ["a bug after the write"]
    assert await stored(engine) == []
    assert await bumped(services, "a") == []


async def test_a_payload_that_keeps_its_good_items_commits_beside_its_errors(
    services: Services, engine: AsyncEngine
) -> None:
    result = await execute(services, 'mutation { importTopic(path: "a") { path errors { code } } }')

    assert result.data == {"importTopic": {"path": "a", "errors": [{"code": "INVALID"}]}}
    assert await stored(engine) == ["a"]
    assert await bumped(services, "a") == ["a"]


async def test_several_mutation_fields_keep_exactly_the_writes_of_those_that_succeeded(
    services: Services, engine: AsyncEngine
) -> None:
    result = await execute(
        services,
        """mutation {
          a: addTopic(path: "a", outcome: OK) { path }
          b: addTopic(path: "b", outcome: ERRORS) { path }
          c: importTopic(path: "c") { path }
          d: addTopic(path: "d", outcome: OK) { path }
        }""",
    )

    assert result.errors is None
    assert result.data == {"a": {"path": "a"}, "b": {"path": None}, "c": {"path": "c"}, "d": {"path": "d"}}
    assert await stored(engine) == ["a", "c", "d"]
    assert await bumped(services, "a", "b", "c", "d") == ["a", "c", "d"]


async def test_a_mutation_field_that_raises_fails_the_whole_operation(services: Services, engine: AsyncEngine) -> None:
    result = await execute(
        services,
        """mutation {
          a: addTopic(path: "a", outcome: OK) { path }
          b: addTopic(path: "b", outcome: RAISE) { path }
        }""",
    )

    assert result.data is None  # b's payload is non-null: its error nulls the operation
    assert await stored(engine) == []
    assert await bumped(services, "a", "b") == []


async def test_a_release_keeps_the_writes_of_earlier_mutation_fields(services: Services, engine: AsyncEngine) -> None:
    result = await execute(
        services,
        """mutation {
          a: addTopic(path: "a", outcome: OK) { path }
          b: addTopic(path: "b", outcome: OK, releaseFirst: true) { path }
        }""",
    )

    assert result.errors is None
    assert await stored(engine) == ["a", "b"]


async def test_a_mutation_may_release_its_session_before_it_writes(services: Services, engine: AsyncEngine) -> None:
    result = await execute(services, 'mutation { addTopic(path: "a", outcome: OK, releaseFirst: true) { path } }')

    assert result.errors is None
    assert await stored(engine) == ["a"]


async def test_a_query_opens_no_write_transaction(services: Services) -> None:
    context = Context(services, None)
    result = await SCHEMA.execute("{ ok }", context_value=context)
    write = context.write
    await context.close()

    assert result.data == {"ok": True}
    assert write is False


CREATE_COURSES = """mutation {
  first: createCourse(input: {slug: "sql-101", title: "SQL 101"}) { course { slug } errors { code } }
  again: createCourse(input: {slug: "sql-101", title: "SQL 101 again"}) { course { slug } errors { code } }
  other: createCourse(input: {slug: "sql-102", title: "SQL 102"}) { course { slug } errors { code } }
}"""


async def test_one_request_with_several_mutations_stores_those_that_succeeded(
    api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    instructor = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    await session.commit()

    data = await api.data(CREATE_COURSES, token=api.token(instructor, now))

    assert data == {
        "first": {"course": {"slug": "sql-101"}, "errors": []},
        "again": {"course": None, "errors": [{"code": "SLUG_TAKEN"}]},
        "other": {"course": {"slug": "sql-102"}, "errors": []},
    }
    assert await count(engine, Course) == 2
