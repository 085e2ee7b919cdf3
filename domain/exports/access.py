"""Who may download what: the class exports ask `policies.can_export_class`; the viewer's own exports
(/exports/me...) have no row to ask about, as they read only the viewer's record."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from domain import policies
from domain.errors import NotFound
from domain.models import Class, User


async def class_for_export(session: AsyncSession, viewer: User, class_id: int) -> Class:
    """The class, if the viewer may export it; NotFound alike for unknown and foreign classes."""
    class_ = await session.get(Class, class_id)
    if class_ is None or not policies.can_export_class(viewer, class_):
        raise NotFound("No such class.")
    return class_
