"""AnalyticsQuery: studentAnalytics and classAnalytics, served from the analytics cache."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from domain.analytics import service
from domain.errors import Unauthenticated
from graph import ids
from graph.analytics.types import ClassAnalytics, StudentAnalytics, cache_info
from graph.context import Context


def _viewer_id(info: Info[Context, Any]) -> int:
    # From the token alone: the cache's version must be read before this request's first SQL statement.
    viewer_id = info.context.viewer_id
    if viewer_id is None:
        raise Unauthenticated("Log in to see analytics.")
    return viewer_id


@strawberry.type
class AnalyticsQuery:
    @strawberry.field(
        description="A student's analytics: your own (leave userId out), or, for instructors, a student of one "
        "of your classes. FORBIDDEN for anyone else, whether or not the user exists."
    )
    async def student_analytics(
        self, info: Info[Context, Any], user_id: strawberry.ID | None = None
    ) -> StudentAnalytics:
        context = info.context
        viewer_id = _viewer_id(info)
        target = viewer_id if user_id is None else ids.decode(user_id, "User", ["userId"])
        cache = context.services.cache
        ttl = context.settings.analytics_cache_ttl_seconds
        result = await context.run(service.student_analytics, cache, viewer_id, target, context.now(), ttl)
        return StudentAnalytics.from_domain(result.value, cache_info(cache, result.hit, result.value.computed_at))

    @strawberry.field(
        description="A class's analytics, for its instructor (and admins). FORBIDDEN for anyone else, whether or "
        "not the class exists."
    )
    async def class_analytics(self, info: Info[Context, Any], class_id: strawberry.ID) -> ClassAnalytics:
        context = info.context
        viewer_id = _viewer_id(info)
        key = ids.decode(class_id, "Class", ["classId"])
        cache = context.services.cache
        ttl = context.settings.analytics_cache_ttl_seconds
        result = await context.run(service.class_analytics, cache, viewer_id, key, context.now(), ttl)
        return ClassAnalytics.from_domain(result.value, cache_info(cache, result.hit, result.value.computed_at))
