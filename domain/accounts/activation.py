"""Deactivating an account (`learnql deactivate-user EMAIL`) and reactivating it.

A deactivated account's tokens are refused on their next request, and its logins are refused even
with the right password. Deactivation also ends every token issued so far, so that reactivating an
account does not bring old (perhaps stolen) tokens back.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from domain.accounts import tokens
from domain.accounts.auth import normalize_email
from domain.errors import NotFound
from domain.models import User


async def _account(session: AsyncSession, email: str) -> User:
    query = select(User).where(col(User.email) == normalize_email(email)).with_for_update()
    user = (await session.execute(query)).scalar_one_or_none()
    if user is None:
        raise NotFound(f"No account has the email {email!r}.", field=["email"])
    return user


async def deactivate(session: AsyncSession, email: str, now: datetime) -> User:
    """Deactivate the account (a second call changes nothing) and end all its tokens."""
    user = await _account(session, email)
    if user.deactivated_at is None:
        user.deactivated_at = now
        await tokens.end_all(session, user)
    return user


async def reactivate(session: AsyncSession, email: str) -> User:
    """The account may log in again; tokens from before its deactivation stay ended."""
    user = await _account(session, email)
    user.deactivated_at = None
    await session.flush()
    return user
