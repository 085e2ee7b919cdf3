"""Prometheus metrics of every process (API, arq worker), defined in one place so that any layer can
record without importing another: domain code and workers import this module, graph/ serves it.

Names follow Prometheus conventions (`learnql_<what>_<unit>`, counters end in `_total`). Label values
are bounded: operation names go through `operation_label` (unnamed operations share one value, and
a process keeps at most `MAX_OPERATION_NAMES` distinct names), channels through `channel_label`.

With several processes (`learnql serve --workers N`) prometheus-client's multiprocess mode is used:
`PROMETHEUS_MULTIPROC_DIR` must be set before this module is first imported (the CLI does that), each
process then writes its values to files there and `/metrics` adds them up (`graph/observability/
exposition.py`). Gauges say how they combine across processes (`multiprocess_mode`).
"""

from __future__ import annotations

import re
import threading
from contextvars import ContextVar
from dataclasses import dataclass, field

from prometheus_client import Counter, Gauge, Histogram

# -- HTTP and GraphQL --------------------------------------------------------------------------------

# Seconds: from 2.5 ms (a cached query on one core) to 30 s (an upload being generated from).
LATENCY_BUCKETS = (0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

HTTP_DURATION = Histogram(
    "learnql_http_request_duration_seconds",
    "HTTP requests by route, method and status: time to the last byte of the response.",
    ["route", "method", "status"],
    buckets=LATENCY_BUCKETS,
)
GRAPHQL_DURATION = Histogram(
    "learnql_graphql_operation_duration_seconds",
    "GraphQL operations (HTTP and WebSocket) by operation name and type; subscriptions until they end.",
    ["operation", "type"],
    buckets=LATENCY_BUCKETS,
)
GRAPHQL_ERRORS = Counter(
    "learnql_graphql_errors_total",
    "Errors of GraphQL operations by code: GraphQL errors (UNAUTHENTICATED, INTERNAL_SERVER_ERROR, ...) "
    "and the UserError codes of mutation payloads (kind=user).",
    ["code", "kind"],
)
GRAPHQL_SQL_STATEMENTS = Histogram(
    "learnql_graphql_sql_statements",
    "SQL statements one GraphQL operation issued (bounded by its depth when every list goes through a loader).",
    ["operation", "type"],
    buckets=(0, 1, 2, 3, 5, 8, 13, 20, 30, 50, 100, 200),
)
RATE_LIMIT_REJECTIONS = Counter(
    "learnql_rate_limit_rejections_total",
    "Requests or operations refused by a rate limit, by the limit that refused them.",
    ["limit"],
)

# -- database ----------------------------------------------------------------------------------------

DB_POOL_IN_USE = Gauge(
    "learnql_db_pool_connections_in_use",
    "Database connections checked out of the pool.",
    multiprocess_mode="livesum",
)
DB_POOL_OVERFLOW = Gauge(
    "learnql_db_pool_overflow_connections",
    "Connections open beyond the pool size (LEARNQL_DB_MAX_OVERFLOW caps them).",
    multiprocess_mode="livesum",
)
DB_POOL_CAPACITY = Gauge(
    "learnql_db_pool_capacity_connections",
    "Connections the pool may open at most (pool size + max overflow).",
    multiprocess_mode="livesum",
)
DB_POOL_WAITS = Counter(
    "learnql_db_pool_waits_total",
    "Checkouts that found every connection in use and the overflow used up, and had to wait.",
)
DB_POOL_CHECKOUT = Histogram(
    "learnql_db_pool_checkout_duration_seconds",
    "Time to get a connection from the pool (waiting for one, or opening a new one).",
    buckets=(0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 30.0),
)

# -- real time ---------------------------------------------------------------------------------------

WEBSOCKET_CONNECTIONS = Gauge(
    "learnql_websocket_connections",
    "Open WebSocket connections on /graphql.",
    multiprocess_mode="livesum",
)
HTTP_STREAMS = Gauge(
    "learnql_http_streams",
    "Open subscription streams over HTTP on /graphql (GraphQL over SSE, multipart/mixed), by protocol.",
    ["protocol"],
    multiprocess_mode="livesum",
)
WEBSOCKET_CLOSES = Counter(
    "learnql_websocket_closes_total",
    "Closed WebSocket connections by close code (1000 normal, 1001 going away, 1012 restart, 4403 refused, ...).",
    ["code"],
)
SUBSCRIPTIONS_ACTIVE = Gauge(
    "learnql_subscriptions_active",
    "Subscriptions running now, by root field.",
    ["field"],
    multiprocess_mode="livesum",
)
SUBSCRIPTION_MESSAGES = Counter(
    "learnql_subscription_messages_sent_total",
    "Results sent to subscribers, by root field.",
    ["field"],
)
BROKER_PUBLISHED = Counter(
    "learnql_broker_messages_published_total",
    "Messages published to the pub/sub broker, by channel kind (xp, submissions, job, ...).",
    ["channel"],
)
BROKER_DROPPED = Counter(
    "learnql_broker_messages_dropped_total",
    "Messages dropped for slow subscribers (their queue was full: the oldest went), by channel kind.",
    ["channel"],
)
LEADERBOARD_SQL_FALLBACKS = Counter(
    "learnql_leaderboard_sql_fallbacks_total",
    "Leaderboard reads answered by the database because Redis could not be reached.",
)
LEADERBOARD_SKIPPED = Counter(
    "learnql_leaderboard_states_skipped_total",
    "Leaderboard states a slow subscriber skipped (it is sent the newest state instead).",
)

# -- jobs and AI -------------------------------------------------------------------------------------

JOBS = Counter(
    "learnql_jobs_total",
    "Job runs by kind and outcome (succeeded, failed, retried, skipped: nothing left to do).",
    ["kind", "outcome"],
)
REVIEW_PARAMETER_FITS = Counter(
    "learnql_review_parameter_fits_total",
    "FSRS parameter fits of a learner's review log by outcome (adopted: lower held-out log loss than the "
    "defaults; rejected: not lower, the learner keeps what they had).",
    ["outcome"],
)
JOB_DURATION = Histogram(
    "learnql_job_duration_seconds",
    "Time of one job run by kind and outcome.",
    ["kind", "outcome"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0),
)
AI_REQUESTS = Counter(
    "learnql_ai_requests_total",
    "AI provider requests by provider, API key (its 1-based index in LEARNQL_AI_API_KEYS, never the key) "
    "and outcome (ok, throttled, failed, refused, rejected, malformed).",
    ["provider", "key", "outcome"],
)
AI_TOKENS = Counter(
    "learnql_ai_tokens_total",
    "Tokens the AI provider reported, by provider and kind (prompt, completion).",
    ["provider", "kind"],
)
AI_COST = Counter(
    "learnql_ai_cost_total",
    "AI spending in the currency of LEARNQL_AI_PRICE_PER_1K_* prices, by provider.",
    ["provider"],
)

# -- caches ------------------------------------------------------------------------------------------

CACHE_LOOKUPS = Counter(
    "learnql_cache_lookups_total",
    "Cache lookups by cache and result (hit, miss).",
    ["cache", "result"],
)

# -- live games --------------------------------------------------------------------------------------

GAMES_EXPIRED = Counter(
    "learnql_games_expired_total",
    "Live games the server ended as abandoned, by reason (idle: no action in the lobby or a reveal for "
    "LEARNQL_GAME_IDLE_MINUTES; age: unfinished after LEARNQL_GAME_MAX_AGE_HOURS).",
    ["reason"],
)

GAME_FANOUT_EXECUTIONS = Counter(
    "learnql_game_fanout_executions_total",
    "Executions of players' gameUpdated selections sent past GraphQL's per-event pipeline (graph/games/fanout.py), "
    "by kind (shared: once per snapshot, operation and variables; viewer: the viewer's own fields, once per player).",
    ["kind"],
)

# -- after-commit effects ----------------------------------------------------------------------------

OUTBOX_EFFECTS = Counter(
    "learnql_outbox_effects_total",
    "Effects released after a commit (domain/outbox.py) by kind (stale cache scopes, realtime events, "
    "job requests) and outcome (sent, failed: logged, the commit stands).",
    ["kind", "outcome"],
)

# -- the learning record ----------------------------------------------------------------------------

LEARNING_EVENTS = Counter(
    "learnql_learning_events_total",
    "Learning events written (domain/record/journal.py), by kind (the LearningEventType: ANSWER_SUBMITTED, "
    "ANSWER_GRADED, XP_AWARDED, ...); counted once their transaction committed.",
    ["kind"],
)

# -- exports and account deletion --------------------------------------------------------------------

EXPORTS = Counter(
    "learnql_exports_total",
    "Downloads started from /exports, by export (gradebook, items, review_log, me, game_report).",
    ["export"],
)
EXPORT_ROWS = Counter(
    "learnql_export_rows_total",
    "CSV lines streamed by /exports downloads (header included), by export.",
    ["export"],
)
ACCOUNT_DELETIONS = Counter(
    "learnql_account_deletions_total",
    "Accounts their users deleted (deleteAccount).",
)

# -- instructor alerts ------------------------------------------------------------------------------

ALERTS_RAISED = Counter(
    "learnql_alerts_raised_total",
    "Instructor alerts opened (one per episode of a student at risk in a class), by kind "
    "(LOW_MEAN, DECLINING, FAILING_STREAK, INACTIVE); counted once their transaction committed.",
    ["kind"],
)

# -- regrades ---------------------------------------------------------------------------------------

REGRADED_ANSWERS = Counter(
    "learnql_regraded_answers_total",
    "Answers re-scored by regradeProblem (domain/learning/regrade.py), by change (changed: correctness or "
    "score moved, unchanged). Counted when the regrade ran, before its commit.",
    ["change"],
)

# -- bounded labels ----------------------------------------------------------------------------------

ANONYMOUS = "anonymous"
OTHER = "other"
MAX_OPERATION_NAMES = 200
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,99}")


class BoundedNames:
    """Label values for operation names: unnamed operations share `anonymous`; past the first `limit`
    distinct names of this process (or for a name that is not a GraphQL name) `other`, so a client
    sending random names cannot grow the series without bound."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._names: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, name: str | None) -> str:
        if not name:
            return ANONYMOUS
        if name in self._names:
            return name
        if not _NAME.fullmatch(name):
            return OTHER
        with self._lock:
            if len(self._names) >= self._limit:
                return OTHER
            self._names.add(name)
        return name


operation_label = BoundedNames(MAX_OPERATION_NAMES)


def channel_label(channel: str) -> str:
    """`submissions:42` -> `submissions`: the kind of a channel, not the channel."""
    return channel.split(":", 1)[0]


# -- per-request tallies -----------------------------------------------------------------------------


@dataclass
class Tally:
    """What one request, WebSocket operation or job did, counted as it runs (see `tallying`)."""

    statements: int = 0
    user_errors: list[str] = field(default_factory=list)


_tally: ContextVar[Tally | None] = ContextVar("learnql_tally", default=None)


def start_tally() -> Tally:
    """Count into a fresh tally from here on in this context (tasks started from it inherit it)."""
    tally = Tally()
    _tally.set(tally)
    return tally


def current_tally() -> Tally | None:
    return _tally.get()


def count_statement() -> None:
    """Called by the engine for every SQL statement (domain/infra/database.py)."""
    tally = _tally.get()
    if tally is not None:
        tally.statements += 1


def count_user_error(code: str) -> None:
    """An expected failure returned as data (UserError): counted, and named in the request's log line."""
    GRAPHQL_ERRORS.labels(code, "user").inc()
    tally = _tally.get()
    if tally is not None:
        tally.user_errors.append(code)
