"""Logs, metrics and traces of the API: the request log and request ids (requests.py), the GraphQL
operation extension (operations.py), /metrics (exposition.py) and OpenTelemetry (tracing.py)."""
