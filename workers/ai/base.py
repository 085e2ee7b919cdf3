"""The provider interface the jobs use: problem generation and free-text evaluation, and their errors."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, Sequence

from domain.ai.evaluation import Evaluated, EvaluationItem
from domain.ai.generation import Generated
from domain.jobs.records import Usage
from domain.models import ProblemKind
from domain.tutor.prompt import TutorRequest


class ProviderError(Exception):
    """The provider cannot do this request (a refused request, answers that stay malformed): the job fails."""

    def __init__(self, message: str, usage: Usage | None = None) -> None:
        super().__init__(message)
        self.usage = usage or Usage()


class ProviderUnavailable(ProviderError):
    """Every key is throttled, failing or timing out for now: the job is retried later, with backoff."""


class Provider(ABC):
    """One AI backend, chosen by LEARNQL_AI_PROVIDER; `identity` (provider and model) keys the caches."""

    @property
    @abstractmethod
    def identity(self) -> str: ...

    @abstractmethod
    async def generate(self, text: str, count: int, kinds: Sequence[ProblemKind]) -> Generated:
        """Up to `count` problems about `text`, of the given kinds (shape: domain.generation.validate)."""

    @abstractmethod
    async def evaluate(self, items: Sequence[EvaluationItem]) -> Evaluated:
        """A verdict (score 0..1 and feedback) for each item, by its key."""

    def chat(self, request: TutorRequest) -> AsyncGenerator[str | Usage, None]:
        """A tutor reply as it is written: text deltas, then one Usage. Fails with ProviderUnavailable
        when no text came at all (retried before the first delta only), ProviderError when it breaks
        off after some; either carries the usage spent."""
        raise ProviderError(f"{self.identity} cannot chat")

    async def close(self) -> None:  # noqa: B027  (optional hook)
        """Release connections."""
