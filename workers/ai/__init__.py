"""AI providers behind one interface, chosen by LEARNQL_AI_PROVIDER: `local` (offline) or `openai`."""

from __future__ import annotations

from domain.settings import Settings
from workers.ai.base import Provider, ProviderError, ProviderUnavailable

__all__ = ["Provider", "ProviderError", "ProviderUnavailable", "create_provider"]


def create_provider(settings: Settings) -> Provider:
    if settings.ai_provider == "openai":
        from workers.ai.openai import OpenAIProvider

        return OpenAIProvider(settings)
    from workers.ai.local import LocalProvider

    return LocalProvider(settings.ai_local_stream_delay_ms / 1000)
