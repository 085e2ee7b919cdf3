"""The types of learning events and the documented shape of each one's payload.

`PAYLOADS` is the one declaration: the journal refuses a payload that does not match it, the
migration's backfill writes the same keys, and docs/record/events.md is generated from it (a test
compares them). Keys are camelCase, as a client reads them in `LearningEvent.payload`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class LearningEventType(StrEnum):
    ANSWER_SUBMITTED = "ANSWER_SUBMITTED"
    ANSWER_GRADED = "ANSWER_GRADED"
    CARD_REVIEWED = "CARD_REVIEWED"
    XP_AWARDED = "XP_AWARDED"
    STREAK_EXTENDED = "STREAK_EXTENDED"
    STREAK_BROKEN = "STREAK_BROKEN"
    LESSON_COMPLETED = "LESSON_COMPLETED"
    TUTOR_MESSAGE = "TUTOR_MESSAGE"
    GAME_PLAYED = "GAME_PLAYED"


@dataclass(frozen=True)
class Key:
    """One payload key: its JSON kind (`integer`, `number`, `boolean`, `string`), whether it may be
    null, and what it means."""

    kind: str
    meaning: str
    nullable: bool = False


_CHECKS: dict[str, tuple[type, ...]] = {
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "string": (str,),
}

DESCRIPTIONS: dict[LearningEventType, str] = {
    LearningEventType.ANSWER_SUBMITTED: "A submission of answers to a lesson, or to one problem (practice).",
    LearningEventType.ANSWER_GRADED: "One answer graded: at once for choice, numeric and short-text answers, "
    "by the evaluation worker for free text.",
    LearningEventType.CARD_REVIEWED: "A review card reviewed: through reviewCard, or by answering its problem "
    "again with submitAnswer.",
    LearningEventType.XP_AWARDED: "XP given once for a reason (a first correct answer, a review, a game).",
    LearningEventType.STREAK_EXTENDED: "The first activity of a local day grew the streak (or started it).",
    LearningEventType.STREAK_BROKEN: "Activity after one or more missed local days: the old streak ended and a "
    "new one starts at 1 (a STREAK_EXTENDED follows).",
    LearningEventType.LESSON_COMPLETED: "A graded submission of a whole lesson reached the pass mark (70%).",
    LearningEventType.TUTOR_MESSAGE: "The learner sent a message to the AI tutor.",
    LearningEventType.GAME_PLAYED: "A live game the learner played (signed in) finished.",
}

PAYLOADS: dict[LearningEventType, dict[str, Key]] = {
    LearningEventType.ANSWER_SUBMITTED: {
        "submissionId": Key("integer", "the submission"),
        "lessonId": Key("integer", "the lesson submitted whole", nullable=True),
        "problemId": Key("integer", "the single problem answered", nullable=True),
        "answerCount": Key("integer", "how many answers it holds"),
        "pending": Key("boolean", "some answers wait for the evaluation worker"),
    },
    LearningEventType.ANSWER_GRADED: {
        "submissionId": Key("integer", "the submission the answer belongs to"),
        "problemId": Key("integer", "the problem answered"),
        "correct": Key("boolean", "whether the answer was right"),
        "score": Key("number", "its score, 0..1"),
        "grader": Key("string", "`AUTO` (graded in the mutation) or `AI` (the evaluation worker)"),
    },
    LearningEventType.CARD_REVIEWED: {
        "cardId": Key("integer", "the review card"),
        "problemId": Key("integer", "its problem"),
        "rating": Key("integer", "1 AGAIN, 2 HARD, 3 GOOD, 4 EASY"),
        "stateBefore": Key("string", "the card's state before: NEW, LEARNING, REVIEW, RELEARNING"),
        "stateAfter": Key("string", "its state after"),
        "submissionId": Key("integer", "the submission that reviewed it (submitAnswer)", nullable=True),
    },
    LearningEventType.XP_AWARDED: {
        "amount": Key("integer", "XP given"),
        "reason": Key("string", "`answer`, `review` or `game`"),
        "ref": Key("string", "what it was given for, e.g. `problem:12`; unique per user and reason"),
    },
    LearningEventType.STREAK_EXTENDED: {
        "current": Key("integer", "the streak now, in local days"),
        "best": Key("integer", "the best streak so far"),
        "day": Key("string", "the learner's local day, ISO 8601"),
    },
    LearningEventType.STREAK_BROKEN: {
        "previous": Key("integer", "the streak that ended"),
        "lastActiveOn": Key("string", "its last local day, ISO 8601"),
        "day": Key("string", "the local day of the activity that found it broken"),
    },
    LearningEventType.LESSON_COMPLETED: {
        "lessonId": Key("integer", "the lesson"),
        "submissionId": Key("integer", "the submission that passed"),
        "score": Key("number", "its share of the maximum score, 0..1"),
    },
    LearningEventType.TUTOR_MESSAGE: {
        "threadId": Key("integer", "the tutor thread"),
        "messageId": Key("integer", "the learner's message"),
        "problemId": Key("integer", "the problem the thread is about"),
    },
    LearningEventType.GAME_PLAYED: {
        "gameId": Key("integer", "the game"),
        "playerId": Key("integer", "the learner's player in it"),
        "score": Key("integer", "the points scored"),
        "correctAnswers": Key("integer", "questions answered correctly"),
    },
}

# What a learner does themselves: these mark activity for sessions and time spent. The others follow
# from an act (XP, streaks, completion) or happen later without the learner (AI grading).
ACTIVITY: frozenset[LearningEventType] = frozenset(
    {
        LearningEventType.ANSWER_SUBMITTED,
        LearningEventType.CARD_REVIEWED,
        LearningEventType.TUTOR_MESSAGE,
        LearningEventType.GAME_PLAYED,
    }
)


def shape_errors(type_: LearningEventType, payload: dict[str, Any]) -> list[str]:
    """What is wrong with `payload` for events of `type_` (nothing when it matches its declaration).
    Every event written passes here: the usual, matching payload is checked with one pass over
    precomputed (name, types, nullable) rules, the messages only built when something is wrong."""
    keys, rules = _RULES[type_]
    if payload.keys() == keys and all(_fits(payload[name], kinds, nullable) for name, kinds, nullable in rules):
        return []
    declared = PAYLOADS[type_]
    errors = [f"unexpected key {name!r}" for name in sorted(set(payload) - set(declared))]
    for name, key in declared.items():
        if name not in payload:
            errors.append(f"missing key {name!r}")
        elif payload[name] is None and not key.nullable:
            errors.append(f"{name!r} is null")
        elif not _fits(payload[name], _CHECKS[key.kind], True):
            errors.append(f"{name!r} is not {key.kind}: {payload[name]!r}")
    return errors


def _fits(value: Any, kinds: tuple[type, ...], nullable: bool) -> bool:
    if value is None:
        return nullable
    # bool is an int in Python, but not an integer in JSON
    return isinstance(value, kinds) and (bool in kinds or not isinstance(value, bool))


_RULES: dict[LearningEventType, tuple[frozenset[str], list[tuple[str, tuple[type, ...], bool]]]] = {
    type_: (frozenset(keys), [(name, _CHECKS[key.kind], key.nullable) for name, key in keys.items()])
    for type_, keys in PAYLOADS.items()
}
