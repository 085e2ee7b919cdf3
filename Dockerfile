# syntax=docker/dockerfile:1
# learnql's image, after uv's documented multi-stage pattern: dependencies are installed from the
# lock file in a layer of their own (rebuilt only when uv.lock or pyproject.toml change), then the
# project; bytecode is compiled at build time; the final image has no uv, no build cache and no dev
# tools, and runs as an unprivileged user. Build: `docker build -t learnql .`
#   API:     docker run -p 8000:8000 -e LEARNQL_DATABASE_URL=... -e LEARNQL_REDIS_URL=... -e LEARNQL_JWT_SECRET=... learnql
#   worker:  ... learnql arq workers.settings.WorkerSettings
#   migrate: ... learnql learnql migrate

FROM ghcr.io/astral-sh/uv:0.13-python3.11-bookworm-slim AS builder
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=0
WORKDIR /app
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=bind,source=uv.lock,target=uv.lock \
    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \
    uv sync --locked --no-install-project --no-dev
COPY . /app
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-dev

FROM python:3.11-slim-bookworm
RUN groupadd --system --gid 10001 learnql \
 && useradd --system --gid 10001 --uid 10001 --no-create-home --home-dir /app learnql
COPY --from=builder --chown=learnql:learnql /app /app
ENV PATH="/app/.venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    LEARNQL_LOG_FORMAT=json
WORKDIR /app
USER learnql
EXPOSE 8000 9101
# --workers: one process per core is a good start; above 1 it needs LEARNQL_REDIS_URL.
CMD ["learnql", "serve", "--host", "0.0.0.0", "--port", "8000"]
