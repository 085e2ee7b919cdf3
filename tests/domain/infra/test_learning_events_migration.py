"""Revision 0010 fills the learning record from the rows written before it, with documented payloads."""

from __future__ import annotations

import json

from domain.infra.migrations import upgrade
from domain.record.kinds import LearningEventType, shape_errors
from tests.domain.infra.test_xp_course_migration import SEED, empty_database, run

__all__ = ["empty_database"]  # the fixture, for pytest

OLD_ROWS = [
    *SEED,  # user 1, course 7, lesson 3, numeric problem 11, two XP events
    "INSERT INTO users (id, email, display_name, password_hash, role, timezone, xp, streak_current, streak_best,"
    " created_at) VALUES (2, 'host@example.org', 'H', 'x', 'INSTRUCTOR', 'UTC', 0, 0, 0, '2026-03-10 12:00:00')",
    "INSERT INTO problems (id, lesson_id, kind, status, prompt, explanation, difficulty, position, tolerance,"
    " accepted_answers, rubric, tags, created_at)"
    " VALUES (12, 3, 'FREE_TEXT', 'PUBLISHED', 'why?', '', 2, 1, 0, '[]', '[]', '[]', '2026-03-10 12:00:00')",
    # a graded lesson submission (passed) with a numeric and a free-text answer, graded later
    "INSERT INTO submissions (id, user_id, lesson_id, idempotency_key, request_hash, status, score, max_score,"
    " xp_awarded, created_at, graded_at) VALUES (5, 1, 3, 'k1', 'h', 'GRADED', 1.5, 2.0, 20, '2026-03-10 12:00:00', '2026-03-10 12:05:00')",
    "INSERT INTO answers (submission_id, user_id, problem_id, option_ids, status, correct, score)"
    " VALUES (5, 1, 11, '[]', 'GRADED', true, 1.0)",
    "INSERT INTO answers (submission_id, user_id, problem_id, option_ids, status, correct, score, text)"
    " VALUES (5, 1, 12, '[]', 'GRADED', false, 0.5, 'so \"it\" works')",
    "INSERT INTO review_cards (id, user_id, problem_id, state, due, reps, lapses, created_at)"
    " VALUES (4, 1, 11, 'REVIEW', '2026-03-10 12:05:00', 1, 0, '2026-03-10 12:00:00')",
    "INSERT INTO review_logs (card_id, user_id, rating, reviewed_at, state_before, state_after, stability_after,"
    " difficulty_after, due_after, xp_awarded) VALUES (4, 1, 3, '2026-03-10 12:05:00', 'NEW', 'REVIEW', 2.0, 5.0, '2026-03-10 12:05:00', 10)",
    "INSERT INTO tutor_threads (id, user_id, problem_id, course_id, created_at, updated_at) VALUES (6, 1, 11, 7, '2026-03-10 12:00:00', '2026-03-10 12:00:00')",
    "INSERT INTO tutor_messages (thread_id, user_id, role, text, status, prompt_tokens, completion_tokens, cost,"
    " created_at, updated_at) VALUES (6, 1, 'LEARNER', 'help', 'COMPLETE', 0, 0, 0, '2026-03-10 12:00:00', '2026-03-10 12:00:00')",
    "INSERT INTO tutor_messages (thread_id, user_id, role, text, status, prompt_tokens, completion_tokens, cost,"
    " created_at, updated_at) VALUES (6, 1, 'TUTOR', 'a hint', 'COMPLETE', 1, 1, 0, '2026-03-10 12:00:00', '2026-03-10 12:00:00')",
    "INSERT INTO games (id, pin, host_id, course_id, lesson_id, state, question_index, question_count,"
    " seconds_per_question, points_per_question, speed_bonus, shuffle, max_players, skipped_problem_ids,"
    " xp_awarded, created_at, finished_at) VALUES (8, '123456', 2, 7, 3, 'FINISHED', 1, 1, 20, 1000, true, false,"
    " 500, '[]', true, '2026-03-10 12:00:00', '2026-03-10 12:05:00')",
    "INSERT INTO game_players (game_id, user_id, nickname, nickname_key, score, correct_count, joined_at, kicked)"
    " VALUES (8, 1, 'ann', 'ann', 900, 1, '2026-03-10 12:00:00', false)",
    "INSERT INTO game_players (game_id, nickname, nickname_key, score, correct_count, joined_at, kicked)"
    " VALUES (8, 'guest', 'guest', 100, 0, '2026-03-10 12:00:00', false)",
]


def test_the_upgrade_writes_an_event_for_every_old_act_with_its_documented_payload(empty_database: str) -> None:
    upgrade(empty_database, "0009")
    run(empty_database, OLD_ROWS)

    upgrade(empty_database, "0010")
    rows = run(
        empty_database,
        ["SELECT user_id, type, course_id, lesson_id, problem_id, payload FROM learning_events ORDER BY type, id"],
    )
    events = [(r[0], r[1], r[2], r[3], r[4], r[5] if isinstance(r[5], dict) else json.loads(str(r[5]))) for r in rows]

    assert [(e[1], shape_errors(LearningEventType(e[1]), e[5])) for e in events] == [(e[1], []) for e in events]
    assert all(e[0] == 1 for e in events)  # the guest and the host did nothing of their own
    assert [e[1] for e in events] == [
        "ANSWER_GRADED",
        "ANSWER_GRADED",
        "ANSWER_SUBMITTED",
        "CARD_REVIEWED",
        "GAME_PLAYED",
        "LESSON_COMPLETED",
        "TUTOR_MESSAGE",
        "XP_AWARDED",
        "XP_AWARDED",
    ]
    by_type = {e[1]: e for e in events}
    assert by_type["ANSWER_SUBMITTED"][2:] == (
        7,
        3,
        None,
        {"submissionId": 5, "lessonId": 3, "problemId": None, "answerCount": 2, "pending": True},
    )
    graded = [e[5] for e in events if e[1] == "ANSWER_GRADED"]
    assert [(g["problemId"], g["correct"], g["grader"]) for g in graded] == [(11, True, "AUTO"), (12, False, "AI")]
    assert by_type["LESSON_COMPLETED"][5] == {"lessonId": 3, "submissionId": 5, "score": 0.75}
    assert by_type["CARD_REVIEWED"][5]["stateAfter"] == "REVIEW"
    assert by_type["TUTOR_MESSAGE"][2:5] == (7, 3, 11)
    assert by_type["GAME_PLAYED"][5] == {"gameId": 8, "playerId": 1, "score": 900, "correctAnswers": 1}
    assert sorted(e[5]["ref"] for e in events if e[1] == "XP_AWARDED") == ["card:5", "problem:11"]
