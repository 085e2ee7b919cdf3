"""WebSocket frames of shared results (graph/realtime/transport.py): a result many subscribers share is
encoded once, and the encodings of the last 64 results are kept."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import orjson

from graph.realtime.transport import _shared_next


def test_the_json_of_the_last_64_shared_results_is_kept_first_in_first_out() -> None:
    encoded: list[Any] = []

    def encode_json(value: Any) -> bytes:
        encoded.append(value)
        return orjson.dumps(value)

    adapter: Any = SimpleNamespace(view=SimpleNamespace(encode_json=encode_json))
    results = [{"leaderboardUpdated": {"n": n}} for n in range(65)]

    def send(data: dict[str, Any]) -> list[Any]:
        """The payloads encoded to send `data` to one more subscriber."""
        encoded.clear()
        assert _shared_next(adapter, {"id": "op", "type": "next", "payload": {"data": data}}) is not None
        return [value for value in encoded if isinstance(value, dict)]

    for data in results[:64]:
        send(data)
    first_again = send(results[0])  # a hit, which does not renew it
    send(results[64])

    assert first_again == []
    assert send(results[1]) == []
    assert send(results[64]) == []
    assert send(results[0]) == [{"data": results[0]}]
