"""The offline, deterministic provider: text heuristics, no model, no network.

Generation finds definitions ("X is ...", "X refers to ...", "X: ...") and frequent words in the
text and builds
- SINGLE_CHOICE: which term matches a definition, with other key terms of the text as distractors;
- SHORT_TEXT: a cloze, one key term blanked out of a sentence;
- MULTIPLE_CHOICE: a cloze with two key terms blanked, the right ones among distractors;
- FREE_TEXT: "what is X?", the definition as reference answer and its main words as rubric.

Evaluation scores an answer by its word overlap with the reference answer (cosine of crudely
stemmed content words) and by the rubric keywords it contains. It does not understand meaning:
paraphrases with other words score low, negations ("is not") and wrong statements that reuse the
right words score high. It is a baseline that runs anywhere, not a grader to trust alone.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import AsyncGenerator, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from domain.ai.documents import sentences
from domain.ai.evaluation import Evaluated, EvaluationItem, Verdict
from domain.ai.generation import Generated
from domain.infra import metrics
from domain.jobs.records import Usage
from domain.models import ProblemKind
from domain.tutor.prompt import TutorRequest
from workers.ai import tutoring
from workers.ai.base import Provider

_STOPWORD_TEXT = """
a about above after again all also an and any are as at be because been before being below between
both but by can could did do does doing down during each either few for from further had has have
having he her here hers him his how i if in into is it its itself just may me might more most must
my no nor not now of off on once one only or other our ours out over own same she should so some
such than that the their them then there these they this those through to too under until up upon
very was we were what when where which while who whom why will with would you your yours used uses
using use often called many much every thus therefore however
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_PRONOUN_TEXT = "it this that there these those they he she we you which what each all some most one"
PRONOUNS = frozenset(_PRONOUN_TEXT.split())
_DEFINITION = re.compile(
    r"^(?P<article>(?:a|an|the)\s+)?(?P<term>[a-z][\w'-]*(?:\s+[a-z][\w'-]*){0,3}?)\s+"
    r"(?:is|are|refers to|means|denotes|describes)\s+(?P<rest>.{12,})$",
    re.IGNORECASE,
)
_GLOSSARY = re.compile(r"^(?P<term>[A-Za-z][\w' -]{1,40}):\s+(?P<rest>.{12,})$")
_WORD = re.compile(r"[^\W\d_][\w'-]*")
BLANK = "_____"


def _stem(word: str) -> str:
    word = word.lower().strip("'-")
    for suffix, replacement in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: len(word) - len(suffix)] + replacement
    return word


def content_words(text: str) -> list[str]:
    return [_stem(word) for word in _WORD.findall(text) if word.lower() not in STOPWORDS and len(word) > 1]


def _order(seed: str, values: Sequence[str]) -> list[str]:
    """A fixed pseudo-random order: the same input always gives the same problem."""
    return sorted(values, key=lambda value: hashlib.sha256(f"{seed}\x00{value}".encode()).digest())


@dataclass(frozen=True)
class Definition:
    term: str
    rest: str
    sentence: str
    article: str = ""


class Material:
    """What one chunk of text offers: its sentences, definitions and key terms."""

    def __init__(self, text: str) -> None:
        self.sentences = [s for s in sentences(text, 600) if 4 <= len(s.split()) <= 80]
        self.definitions: list[Definition] = []
        for sentence in self.sentences:
            found = _DEFINITION.match(sentence.rstrip(".!?")) or _GLOSSARY.match(sentence.rstrip(".!?"))
            if found is None:
                continue
            term = found["term"].strip()
            if term.split()[0].lower() in PRONOUNS | STOPWORDS or len(term) < 3:
                continue
            if term.lower() not in {d.term.lower() for d in self.definitions}:
                article = (found.groupdict().get("article") or "").lower()
                self.definitions.append(Definition(term, found["rest"].strip(), sentence, article))
        words = [w for w in _WORD.findall(text) if len(w) >= 5 and w.lower() not in STOPWORDS]
        frequent = Counter(w.lower() for w in words)
        by_first = {w.lower(): index for index, w in reversed(list(enumerate(words)))}
        common = sorted((w for w, n in frequent.items() if n >= 2), key=lambda w: (-frequent[w], by_first[w]))
        terms = [d.term for d in self.definitions] + common
        unique: dict[str, str] = {}
        for term in terms:
            unique.setdefault(term.lower(), term)
        self.terms = list(unique.values())

    def distractors(self, seed: str, exclude: Sequence[str], n: int) -> list[str]:
        excluded = {term.lower() for term in exclude}
        return _order(seed, [t for t in self.terms if t.lower() not in excluded])[:n]

    def terms_in(self, sentence: str) -> list[str]:
        """Key terms in the sentence: defined terms first, then longer ones ("standard deviation" before "deviation")."""
        found = [(index, t) for index, t in enumerate(self.terms) if re.search(rf"\b{re.escape(t)}\b", sentence, re.I)]
        defined = len(self.definitions)
        return [t for _, t in sorted(found, key=lambda pair: (pair[0] >= defined, -len(pair[1]), pair[0]))]


def _blank(sentence: str, terms: Sequence[str]) -> str:
    for term in terms:
        sentence = re.sub(rf"\b{re.escape(term)}\b", BLANK, sentence, flags=re.IGNORECASE)
    return sentence


def _quote(text: str) -> str:
    return f"“{text}”"


def _single_choice(material: Material) -> Iterator[dict[str, Any]]:
    for definition in material.definitions:
        distractors = material.distractors(definition.term, [definition.term], 3)
        if not distractors:
            continue
        options = _order(definition.sentence, [definition.term, *distractors])
        yield {
            "kind": ProblemKind.SINGLE_CHOICE.value,
            "prompt": f"Which term does the text describe as {_quote(definition.rest.rstrip('.'))}?",
            "options": options,
            "answers": [definition.term],
            "explanation": f"From the text: {_quote(definition.sentence)}",
            "difficulty": 1,
        }


def _cloze(material: Material) -> Iterator[dict[str, Any]]:
    for sentence in material.sentences:
        terms = material.terms_in(sentence)
        if terms and len(sentence.split()) >= 6:
            yield {
                "kind": ProblemKind.SHORT_TEXT.value,
                "prompt": f"Fill in the blank: {_blank(sentence, terms[:1])}",
                "answers": [terms[0]],
                "explanation": f"From the text: {_quote(sentence)}",
                "difficulty": 2,
            }


def _two_blanks(material: Material) -> Iterator[dict[str, Any]]:
    for sentence in material.sentences:
        terms = material.terms_in(sentence)
        distinct: list[str] = []
        for term in terms:  # longest first; "deviation" is no second blank beside "standard deviation"
            if not any(term.lower() in kept.lower() for kept in distinct):
                distinct.append(term)
        chosen = sorted(distinct[:2], key=lambda t: sentence.lower().find(t.lower()))
        if len(chosen) < 2:
            continue
        distractors = material.distractors(sentence, terms, 2)
        if not distractors:
            continue
        yield {
            "kind": ProblemKind.MULTIPLE_CHOICE.value,
            "prompt": f"Which terms fill the blanks? {_blank(sentence, chosen)}",
            "options": _order(sentence, [*chosen, *distractors]),
            "answers": chosen,
            "explanation": f"From the text: {_quote(sentence)}",
            "difficulty": 2,
        }


def _explain(material: Material) -> Iterator[dict[str, Any]]:
    for definition in material.definitions:
        term_words = set(content_words(definition.term))
        rubric = [
            word
            for word in dict.fromkeys(w.lower() for w in _WORD.findall(definition.rest))
            if len(word) >= 4 and word not in STOPWORDS and _stem(word) not in term_words
        ][:3]
        yield {
            "kind": ProblemKind.FREE_TEXT.value,
            "prompt": f"In your own words: what is {definition.article}{definition.term}?",
            "answers": [definition.sentence],
            "rubric": rubric,
            "explanation": f"From the text: {_quote(definition.sentence)}",
            "difficulty": 3,
        }


BUILDERS = {
    ProblemKind.SINGLE_CHOICE: _single_choice,
    ProblemKind.SHORT_TEXT: _cloze,
    ProblemKind.MULTIPLE_CHOICE: _two_blanks,
    ProblemKind.FREE_TEXT: _explain,
}


def generate_problems(text: str, count: int, kinds: Sequence[ProblemKind]) -> list[dict[str, Any]]:
    """Up to `count` problems, the kinds taking turns, each sentence used once per kind."""
    material = Material(text)
    sources = [BUILDERS[kind](material) for kind in kinds if kind in BUILDERS]
    problems: list[dict[str, Any]] = []
    while sources and len(problems) < count:
        for source in list(sources):
            item = next(source, None)
            if item is None:
                sources.remove(source)
            elif len(problems) < count:
                problems.append(item)
    return problems


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    dot = sum(a[word] * b[word] for word in a.keys() & b.keys())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


SIMILARITY_FOR_FULL_MARKS = 0.7


def judge(item: EvaluationItem) -> Verdict:
    """Similarity to the reference answer, and the share of rubric keywords present (60% when there is a rubric)."""
    answer = Counter(content_words(item.answer))
    if not answer:
        return Verdict(0.0, "The answer is empty.")
    similarity = min(1.0, _cosine(answer, Counter(content_words(item.reference_answer))) / SIMILARITY_FOR_FULL_MARKS)
    covered = [kw for kw in item.rubric if set(content_words(kw)) <= answer.keys() and content_words(kw)]
    missing = [kw for kw in item.rubric if kw not in covered]
    score = 0.6 * len(covered) / len(item.rubric) + 0.4 * similarity if item.rubric else similarity
    parts = [f"Similarity to the reference answer: {similarity:.0%}."]
    if covered:
        parts.append("Covers: " + ", ".join(covered) + ".")
    if missing:
        parts.append("Missing: " + ", ".join(missing) + ".")
    return Verdict(round(score, 4), " ".join(parts))


class LocalProvider(Provider):
    def __init__(self, stream_delay: float = 0.0) -> None:
        self._stream_delay = stream_delay  # between the words of a tutor reply

    @property
    def identity(self) -> str:
        return "local:1"

    async def generate(self, text: str, count: int, kinds: Sequence[ProblemKind]) -> Generated:
        metrics.AI_REQUESTS.labels("local", "none", "ok").inc()
        return Generated(generate_problems(text, count, kinds), Usage())

    async def evaluate(self, items: Sequence[EvaluationItem]) -> Evaluated:
        metrics.AI_REQUESTS.labels("local", "none", "ok").inc()
        return Evaluated({item.key: judge(item) for item in items}, Usage())

    def chat(self, request: TutorRequest) -> AsyncGenerator[str | Usage, None]:
        return tutoring.stream(request, self._stream_delay)
