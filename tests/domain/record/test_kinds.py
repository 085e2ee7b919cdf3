"""Payload shapes: what the journal accepts is what the declaration says."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.record.journal import Journal
from domain.record.kinds import PAYLOADS, LearningEventType, shape_errors

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def test_every_type_declares_a_payload() -> None:
    assert set(PAYLOADS) == set(LearningEventType)


def test_a_payload_with_a_missing_an_extra_or_a_mistyped_key_is_refused() -> None:
    payload = {"amount": True, "reason": "answer", "extra": 1}

    assert shape_errors(LearningEventType.XP_AWARDED, payload) == [
        "unexpected key 'extra'",
        "'amount' is not integer: True",
        "missing key 'ref'",
    ]
    with pytest.raises(ValueError, match="XP_AWARDED payload"):
        Journal().add(1, LearningEventType.XP_AWARDED, payload, NOW)


def test_null_is_accepted_only_where_declared() -> None:
    submitted = {"submissionId": 1, "lessonId": None, "problemId": 4, "answerCount": 1, "pending": False}

    assert shape_errors(LearningEventType.ANSWER_SUBMITTED, submitted) == []
    assert shape_errors(LearningEventType.ANSWER_SUBMITTED, {**submitted, "submissionId": None}) == [
        "'submissionId' is null"
    ]
