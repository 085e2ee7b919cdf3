"""instructorAlerts: alerts about students of the classes the viewer teaches, as they are raised.

Alerts are published on the channel of the class's instructor (`alerts:<user id>`, through the
broker: Redis pub/sub across processes in production); each message is checked against the alert's
class again before it is sent (domain/policies.py `can_manage_alerts`).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

import strawberry
from strawberry.types import Info

from domain.alerts import inbox
from domain.infra.broker import Gap
from domain.models import User
from domain.realtime.dispatch import alerts_channel
from graph.alerts.types import InstructorAlert
from graph.context import Context


async def _alerts(context: Context, viewer: User) -> AsyncIterator[InstructorAlert]:
    assert viewer.id is not None
    broker = context.services.realtime.broker
    async with broker.subscribe(
        alerts_channel(viewer.id), maxsize=context.settings.subscription_queue_size
    ) as messages:
        async for message in messages:
            if isinstance(message, Gap):
                continue  # lost alerts are in the list (`instructorAlerts`), which a client reads on reconnect
            row = await context.run(inbox.visible_alert, viewer, int(message["alert"]))
            await context.release()
            if row is not None:
                yield InstructorAlert.from_model(row)


@strawberry.type
class AlertSubscription:
    @strawberry.subscription(
        description="Alerts about students of the classes you teach, as they are raised (once per episode). "
        "Alerts raised while you were not subscribed are in `instructorAlerts`."
    )
    async def instructor_alerts(self, info: Info[Context, Any]) -> AsyncGenerator[InstructorAlert, None]:
        context = info.context
        viewer = await context.require_viewer()
        await context.release()
        return _alerts(context, viewer)  # type: ignore[return-value]
