"""The offline tutor of the `local` provider: a deterministic reply built from the grounding.

No model: it restates the problem, says what the learner answered and whether it was right, names
the rubric keywords their last free-text answer missed, and gives a hint - the first sentence of
the explanation once the learner has answered (the key is in the grounding only then), before that
the lesson sentence that shares most words with the problem. It streams the reply word by word.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncGenerator

from domain.jobs.records import Usage
from domain.tutor.prompt import Grounding, TutorRequest, first_sentence

_SENTENCES = re.compile(r"(?<=[.!?])\s+")
_WORDS = re.compile(r"\w+")


def _words(text: str) -> set[str]:
    return {word.lower() for word in _WORDS.findall(text) if len(word) > 3}


def lesson_hint(grounding: Grounding) -> str:
    """The lesson sentence sharing most words with the problem ("" when none does)."""
    wanted = _words(grounding.prompt)
    best, overlap = "", 0
    for sentence in _SENTENCES.split(" ".join(grounding.lesson_text.split())):
        shared = len(wanted & _words(sentence))
        if shared > overlap:
            best, overlap = sentence, shared
    return best


def missed_keywords(grounding: Grounding) -> list[str]:
    """Rubric keywords the learner's last answer does not contain (only known with the key)."""
    if grounding.key is None or not grounding.answers:
        return []
    last = grounding.answers[-1].given.lower()
    return [keyword for keyword in grounding.key.rubric if keyword.lower() not in last]


def reply(request: TutorRequest) -> str:
    grounding = request.grounding
    parts = [f'You asked: "{" ".join(request.question.split())[:200]}".', f"The problem asks: {grounding.prompt}"]
    if grounding.answers:
        last = grounding.answers[-1]
        if last.correct is None:
            parts.append(f'Your answer "{last.given}" is not graded yet.')
        elif last.correct:
            parts.append(f'Your answer "{last.given}" is correct.')
        else:
            score = f" (score {last.score:g})" if last.score is not None else ""
            parts.append(f'Your answer "{last.given}" is not correct{score}.')
    else:
        parts.append("You have not answered it yet, so here is a hint rather than the answer.")
    missed = missed_keywords(grounding)
    if missed:
        parts.append(f"Your answer does not mention: {', '.join(missed)}.")
    if grounding.key is not None and grounding.key.explanation:
        parts.append(f"Hint: {first_sentence(grounding.key.explanation)}")
    else:
        hint = lesson_hint(grounding)
        parts.append(f"Hint: reread this part of the lesson: {hint}" if hint else "Hint: reread the lesson.")
    if request.dropped:
        parts.append(f"(I no longer see the {request.dropped} earliest messages of our conversation.)")
    return " ".join(parts)


async def stream(request: TutorRequest, delay: float) -> AsyncGenerator[str | Usage, None]:
    """The reply word by word (`delay` seconds apart), then its usage: words counted as tokens."""
    text = reply(request)
    words = text.split(" ")
    for index, word in enumerate(words):
        if delay:
            await asyncio.sleep(delay)
        yield word if index == 0 else " " + word
    prompt_words = sum(len(message["content"].split()) for message in request.messages())
    yield Usage(prompt_words, len(words), 1)
