"""The offline provider: deterministic problems from definitions and clozes, similarity-based grading."""

from __future__ import annotations

from bench.texts import DEFINITIONS, lesson_text
from domain.ai.evaluation import EvaluationItem
from domain.ai.generation import KINDS, select_drafts
from domain.models import ProblemKind
from workers.ai.local import LocalProvider, generate_problems, judge

TERMS = {term for term, _ in DEFINITIONS}
REFERENCE = "Batching collects keys and loads them in one query."


def item(answer: str, rubric: tuple[str, ...] = ("batch", "query")) -> EvaluationItem:
    return EvaluationItem("k", "Why batch?", REFERENCE, rubric, answer)


def test_generation_is_deterministic_and_every_problem_passes_validation() -> None:
    first = generate_problems(lesson_text(), 12, KINDS)
    second = generate_problems(lesson_text(), 12, KINDS)

    drafts, rejected = select_drafts(first, 1, KINDS, 12)
    assert first == second
    assert (len(drafts), rejected) == (12, [])
    assert [p["kind"] for p in first[:4]] == ["SINGLE_CHOICE", "SHORT_TEXT", "FREE_TEXT", "MULTIPLE_CHOICE"]


def test_term_questions_draw_their_distractors_from_the_same_text() -> None:
    [problem] = generate_problems(lesson_text(), 1, [ProblemKind.SINGLE_CHOICE])

    assert problem["prompt"] == "Which term does the text describe as “the sum of the values divided by their count”?"
    assert problem["answers"] == ["mean"]
    assert len(problem["options"]) == 4
    assert {option.lower() for option in problem["options"]} <= TERMS


def test_a_cloze_blanks_the_defined_term_out_of_its_sentence() -> None:
    [problem] = generate_problems(lesson_text(), 1, [ProblemKind.SHORT_TEXT])

    assert problem["prompt"] == "Fill in the blank: The _____ is the sum of the values divided by their count."
    assert problem["answers"] == ["mean"]


def test_a_definition_becomes_a_free_text_question_with_rubric_keywords() -> None:
    [problem] = generate_problems(lesson_text(), 1, [ProblemKind.FREE_TEXT])

    assert problem["prompt"] == "In your own words: what is the mean?"
    assert problem["answers"] == ["The mean is the sum of the values divided by their count."]
    assert problem["rubric"] == ["values", "divided", "count"]


def test_a_text_without_material_yields_fewer_problems_than_asked() -> None:
    assert generate_problems("Hello there. Nothing to define here at all.", 5, KINDS) == []


def test_an_answer_close_to_the_reference_with_the_rubric_scores_full_marks() -> None:
    verdict = judge(item("It batches the keys into one query."))

    assert verdict.score == 1.0
    assert verdict.feedback == "Similarity to the reference answer: 100%. Covers: batch, query."


def test_an_unrelated_answer_scores_zero_and_names_what_is_missing() -> None:
    verdict = judge(item("I do not know."))

    assert verdict.score == 0.0
    assert verdict.feedback.endswith("Missing: batch, query.")


def test_an_empty_answer_scores_zero() -> None:
    assert judge(item("   ")).score == 0.0


def test_without_a_rubric_similarity_alone_decides() -> None:
    assert judge(item("Collects keys, loads them in one query.", rubric=())).score == 1.0


def test_a_known_limit_a_negation_that_reuses_the_words_still_scores_high() -> None:
    """Documented in the README: the local provider compares words, not meaning."""
    assert judge(item("Batching never loads keys in one query.")).score >= 0.9


async def test_the_provider_reports_no_token_usage() -> None:
    provider = LocalProvider()

    generated = await provider.generate(lesson_text(), 2, KINDS)
    evaluated = await provider.evaluate([item("one query per batch")])

    assert (generated.usage.requests, evaluated.usage.requests) == (0, 0)
    assert provider.identity == "local:1"
