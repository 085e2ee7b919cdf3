"""/metrics after real requests and jobs, parsed with prometheus-client's parser; counters compared
before and after, since the process's metrics live as long as the process."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.infra import metrics
from domain.infra.broker import InProcessBroker
from domain.models import Role
from domain.settings import Settings
from tests.factories import make_course, make_user
from tests.graph.analytics.test_analytics import STUDENT
from tests.graph.conftest import Api
from tests.graph.jobs.test_jobs import GENERATE, authoring, generate_input, queue
from tests.graph.test_rate_limits import REGISTER, call, limited, sign_up
from tests.metrics import scrape

COURSES = (
    "query Courses { courses(first: 5) { edges { node { title lessons(first: 5) { edges { node { title } } } } } } }"
)


async def test_requests_are_measured_by_route_operation_and_error_code(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    await make_course(session, now, lessons=2)
    await session.commit()
    before = await scrape(api.http)

    for _ in range(3):
        await api.data(COURSES)
    await api.post('{ lesson(id: "not-an-id") { title } }')
    await api.post('mutation { login(input: {email: "nobody@example.com", password: "wrong-password"}) { token } }')
    await api.http.get("/health")
    await api.http.get("/no/such/page")
    after = await scrape(api.http)

    def grew(sample: str, **labels: str) -> float:
        return after.value(sample, **labels) - before.value(sample, **labels)

    graphql = {"route": "/graphql", "method": "POST", "status": "200"}
    assert grew("learnql_http_request_duration_seconds_count", **graphql) == 5
    assert grew("learnql_http_request_duration_seconds_count", route="/health", status="200") == 1
    # any other page is the web app's (graph/web.py): one label, its route's template, whatever the path
    assert grew("learnql_http_request_duration_seconds_count", route="/{path:path}", status="200") == 1
    assert grew("learnql_graphql_operation_duration_seconds_count", operation="Courses", type="query") == 3
    assert grew("learnql_graphql_operation_duration_seconds_count", operation="anonymous", type="query") == 1
    assert grew("learnql_graphql_operation_duration_seconds_count", operation="anonymous", type="mutation") == 1
    assert grew("learnql_graphql_errors_total", code="NOT_FOUND", kind="graphql") == 1
    assert grew("learnql_graphql_errors_total", code="INVALID_CREDENTIALS", kind="user") == 1
    # The nested query issues the same few statements each time (loaders), and they are counted.
    statements = grew("learnql_graphql_sql_statements_sum", operation="Courses", type="query")
    assert 3 * 2 <= statements <= 3 * 5
    assert grew("learnql_graphql_sql_statements_count", operation="Courses", type="query") == 3


async def test_the_database_pool_is_measured(api: Api) -> None:
    await api.data(COURSES)

    scraped = await scrape(api.http)

    assert scraped.value("learnql_db_pool_capacity_connections") >= 35  # the test engine: 25 + 10 overflow
    assert scraped.value("learnql_db_pool_connections_in_use") >= 0
    assert scraped.value("learnql_db_pool_checkout_duration_seconds_count") > 0
    assert "learnql_db_pool_waits" in scraped.families
    assert "learnql_db_pool_overflow_connections" in scraped.families


async def test_jobs_are_measured_by_kind_and_outcome_and_the_backlog_is_read_at_scrape_time(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    author, lesson = await authoring(session, settings, now)
    before = await scrape(api.http)

    result = await api.data(GENERATE, generate_input(lesson), api.token(author, now))
    waiting = await scrape(api.http)
    await queue(api).drain()
    after = await scrape(api.http)

    assert result["generateProblems"]["errors"] == []
    assert waiting.value("learnql_jobs_backlog", kind="GENERATION", status="queued") == 1
    assert waiting.value("learnql_jobs_oldest_queued_age_seconds") >= 0
    assert after.value("learnql_jobs_backlog") == 0
    assert after.value("learnql_jobs_oldest_queued_age_seconds") == 0
    sent = {"kind": "job_requests", "outcome": "sent"}  # the job's request left through the outbox once
    assert (
        waiting.value("learnql_outbox_effects_total", **sent) - before.value("learnql_outbox_effects_total", **sent)
        == 1
    )
    succeeded = {"kind": "GENERATION", "outcome": "succeeded"}
    assert after.value("learnql_jobs_total", **succeeded) - before.value("learnql_jobs_total", **succeeded) == 1
    assert (
        after.value("learnql_job_duration_seconds_count", **succeeded)
        - before.value("learnql_job_duration_seconds_count", **succeeded)
        == 1
    )
    local = {"provider": "local", "key": "none", "outcome": "ok"}
    assert after.value("learnql_ai_requests_total", **local) > before.value("learnql_ai_requests_total", **local)


async def test_analytics_cache_hits_and_misses_are_counted(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    await session.commit()
    token = api.token(learner, now)
    before = await scrape(api.http)

    await api.data(STUDENT, token=token)
    await api.data(STUDENT, token=token)
    after = await scrape(api.http)

    for result in ("hit", "miss"):
        labels = {"cache": "analytics", "result": result}
        assert (
            after.value("learnql_cache_lookups_total", **labels) - before.value("learnql_cache_lookups_total", **labels)
            == 1
        )


async def test_requests_refused_by_a_rate_limit_are_counted_by_limit(
    settings: Settings, engine: AsyncEngine, now: datetime
) -> None:
    async with limited(settings, engine, now, limit_register_per_ip="1 per hour") as api:
        before = await scrape(api.http)
        accepted = await call(api, REGISTER, sign_up("first@example.org"))
        refused = await call(api, REGISTER, sign_up("second@example.org"))
        after = await scrape(api.http)

    assert (accepted.status_code, refused.status_code) == (200, 429)
    sample, labels = "learnql_rate_limit_rejections_total", {"limit": "register_per_ip"}
    assert after.value(sample, **labels) - before.value(sample, **labels) == 1


async def test_messages_dropped_for_a_slow_subscriber_are_counted(api: Api) -> None:
    broker = InProcessBroker()
    before = await scrape(api.http)

    async with broker.subscribe("submissions:7", maxsize=2) as slow:
        for number in range(5):
            await broker.publish("submissions:7", {"n": number})
        kept = [await anext(slow) for _ in range(slow.pending)]
    after = await scrape(api.http)

    assert kept == [{"n": 3}, {"n": 4}]
    channel = {"channel": "submissions"}
    assert (
        after.value("learnql_broker_messages_dropped_total", **channel)
        - before.value("learnql_broker_messages_dropped_total", **channel)
        == 3
    )
    assert (
        after.value("learnql_broker_messages_published_total", **channel)
        - before.value("learnql_broker_messages_published_total", **channel)
        == 5
    )


def test_operation_names_are_bounded() -> None:
    label = metrics.BoundedNames(limit=3)

    labels = [label(name) for name in ("A", "B", None, "", "A", "C", "D", "E", "not a name!", "B")]

    assert labels == ["A", "B", "anonymous", "anonymous", "A", "C", "other", "other", "other", "B"]


async def test_no_label_carries_a_user_a_token_or_an_id(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    """No label carries a user, a token or an id: the series stay bounded whatever the traffic."""
    instructor = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    await session.commit()
    await api.data("query Me { viewer { id } }", token=api.token(instructor, now))

    scraped = await scrape(api.http)

    labels = {name for samples in scraped.families.values() for sample in samples for name in sample.labels}
    assert labels <= {
        "route", "method", "status", "operation", "type", "code", "kind", "field", "channel", "outcome",
        "provider", "key", "cache", "result", "limit", "le", "generation", "implementation",
        "major", "minor", "patchlevel", "version", "change", "export", "protocol", "reason",
    }  # fmt: skip
