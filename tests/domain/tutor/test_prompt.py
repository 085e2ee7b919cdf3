"""The tutor's prompt: grounding with the answer key only when revealed, and the thread length limit."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.models import Answer, Lesson, Option, Problem, ProblemKind, TutorRole
from domain.tutor import prompt
from domain.tutor.prompt import Turn, TutorRequest

NOW = datetime(2026, 3, 10, tzinfo=UTC)


def _choice_problem() -> tuple[Problem, list[Option], Lesson]:
    lesson = Lesson(
        id=1, course_id=1, title="Batching", body="A DataLoader batches keys. It caches them too.", created_at=NOW
    )
    problem = Problem(
        id=7,
        lesson_id=1,
        kind=ProblemKind.SINGLE_CHOICE.value,
        prompt="What does a DataLoader collect?",
        explanation="It collects keys of one tick. Then it loads them in one query.",
        created_at=NOW,
    )
    options = [
        Option(id=1, problem_id=7, text="keys", correct=True, position=0),
        Option(id=2, problem_id=7, text="rows", correct=False, position=1),
    ]
    return problem, options, lesson


def test_before_answering_the_prompt_holds_no_answer_key() -> None:
    problem, options, lesson = _choice_problem()
    grounding = prompt.ground(problem, options, lesson, [], reveal=False, lesson_chars=1000)

    text = prompt.system_prompt(grounding)

    assert grounding.key is None
    assert "Correct answer" not in text
    assert "It collects keys of one tick" not in text
    assert "never state or guess a final answer" in text
    assert "What does a DataLoader collect?" in text
    assert "Option A: keys" in text
    assert "A DataLoader batches keys." in text


def test_after_answering_the_prompt_holds_the_answer_its_score_and_the_key() -> None:
    problem, options, lesson = _choice_problem()
    answer = Answer(id=1, submission_id=1, user_id=1, problem_id=7, option_ids=[2], correct=False, score=0.0)
    grounding = prompt.ground(problem, options, lesson, [answer], reveal=True, lesson_chars=1000)

    text = prompt.system_prompt(grounding)

    assert "- rows (not correct, score 0)" in text
    assert "Correct answer: keys" in text
    assert "Explanation: It collects keys of one tick." in text


def test_the_key_of_each_kind_is_put_in_words() -> None:
    numeric = Problem(kind="NUMERIC", prompt="?", numeric_answer=42.0, tolerance=0.5, lesson_id=1, created_at=NOW)
    short = Problem(kind="SHORT_TEXT", prompt="?", accepted_answers=["a", "b"], lesson_id=1, created_at=NOW)
    free = Problem(kind="FREE_TEXT", prompt="?", reference_answer="ref", rubric=["x"], lesson_id=1, created_at=NOW)

    assert prompt.answer_key(numeric, []).answer == "42 (within 0.5)"
    assert prompt.answer_key(short, []).answer == "a or b"
    assert prompt.answer_key(free, []) == prompt.AnswerKey("ref", "", ("x",))


def test_a_long_thread_keeps_its_last_turns_and_the_prompt_says_how_many_were_left_out() -> None:
    problem, options, lesson = _choice_problem()
    grounding = prompt.ground(problem, options, lesson, [], reveal=False, lesson_chars=1000)
    turns = [Turn(TutorRole.LEARNER if i % 2 == 0 else TutorRole.TUTOR, f"turn {i}") for i in range(7)]

    kept, dropped = prompt.keep_recent(turns, 3)
    messages = TutorRequest(grounding, kept, dropped, 100).messages()

    assert [turn.text for turn in kept] == ["turn 4", "turn 5", "turn 6"]
    assert dropped == 4
    assert "the 4 earliest turns of this conversation are not shown" in messages[0]["content"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]


def test_the_lesson_text_is_cut_at_a_word_to_its_limit() -> None:
    lesson = Lesson(course_id=1, title="t", body="one two three four five", created_at=NOW)

    assert prompt.lesson_excerpt(lesson, 12) == "one two ..."
    assert prompt.lesson_excerpt(lesson, 100) == "one two three four five"


def test_the_first_sentence_ends_at_its_full_stop() -> None:
    assert prompt.first_sentence("It collects keys.  Then it loads.") == "It collects keys."
    assert prompt.first_sentence("") == ""
