"""AlertQuery (instructorAlerts, classAlertSettings) and AlertMutation (acknowledgeAlert,
updateClassAlertSettings, muteStudentAlerts, unmuteStudentAlerts)."""

from __future__ import annotations

from functools import partial
from typing import Any

import strawberry
from strawberry.types import Info

from domain.alerts import configuration, inbox
from domain.errors import DomainError
from domain.keyset import Window
from graph import ids
from graph.alerts.inputs import AlertIdInput, ClassAlertSettingsUpdateInput, StudentAlertsInput
from graph.alerts.types import (
    ALERT_CURSOR,
    AlertPayload,
    ClassAlertSettings,
    ClassAlertSettingsPayload,
    InstructorAlert,
    StudentAlertsPayload,
)
from graph.context import Context
from graph.errors import UserError
from graph.pagination import Connection, Cursor, connection, decode_position, encode_position, page_size


@strawberry.type
class AlertQuery:
    @strawberry.field(
        description="Alerts about students of the classes you teach, newest first (learners get an empty list). "
        "`acknowledged` filters by whether one of the class's staff acknowledged them."
    )
    async def instructor_alerts(
        self,
        info: Info[Context, Any],
        first: int | None = None,
        after: Cursor = None,
        acknowledged: bool | None = None,
    ) -> Connection[InstructorAlert]:
        context = info.context
        viewer = await context.require_viewer()
        assert viewer.id is not None
        size = page_size(first, context.settings.max_page_size)
        start = decode_position(after, kind=ALERT_CURSOR)
        where = inbox.AlertFilter(staff_id=viewer.id, acknowledged=acknowledged)
        rows = await context.run(inbox.alerts_page, where, Window(size, start))
        return connection(
            rows,
            size,
            after,
            lambda row: encode_position(row.created_at, row.id, kind=ALERT_CURSOR),
            InstructorAlert.from_model,
            total=partial(context.run, inbox.count_alerts, where),
        )

    @strawberry.field(description="A class's alert thresholds and muted students: for the class's staff only.")
    async def class_alert_settings(self, info: Info[Context, Any], class_id: strawberry.ID) -> ClassAlertSettings:
        context = info.context
        viewer = await context.require_viewer()
        key = ids.decode(class_id, "Class", ["classId"])
        return ClassAlertSettings.from_domain(key, await context.run(configuration.thresholds_for, viewer, key))


@strawberry.type
class AlertMutation:
    @strawberry.mutation(
        description="Acknowledge an alert about a student of a class you teach (for all of its staff); "
        "acknowledging it again changes nothing."
    )
    async def acknowledge_alert(self, info: Info[Context, Any], input: AlertIdInput) -> AlertPayload:
        context = info.context
        viewer = await context.require_viewer()
        try:
            alert = await context.run(inbox.acknowledge, viewer, input.key(), context.now())
        except DomainError as error:
            return AlertPayload(errors=UserError.from_domain(error))
        return AlertPayload(alert=InstructorAlert.from_model(alert))

    @strawberry.mutation(
        description="Change the alert thresholds of a class you teach; each has documented bounds (INVALID with "
        "the field otherwise). They apply from the next evaluation on."
    )
    async def update_class_alert_settings(
        self, info: Info[Context, Any], input: ClassAlertSettingsUpdateInput
    ) -> ClassAlertSettingsPayload:
        context = info.context
        viewer = await context.require_viewer()
        try:
            key = input.key()
            stored = await context.run(configuration.update_thresholds, viewer, key, input.apply, context.now())
        except DomainError as error:
            return ClassAlertSettingsPayload(errors=UserError.from_domain(error))
        return ClassAlertSettingsPayload(settings=ClassAlertSettings.from_domain(key, stored))

    @strawberry.mutation(
        description="Mute a student's alerts in a class you teach: no new alert is raised about them there "
        "(alerts already raised stay) until `unmuteStudentAlerts`."
    )
    async def mute_student_alerts(self, info: Info[Context, Any], input: StudentAlertsInput) -> StudentAlertsPayload:
        return await _set_muted(info.context, input, muted=True)

    @strawberry.mutation(description="Raise a student's alerts in a class you teach again.")
    async def unmute_student_alerts(self, info: Info[Context, Any], input: StudentAlertsInput) -> StudentAlertsPayload:
        return await _set_muted(info.context, input, muted=False)


async def _set_muted(context: Context, input: StudentAlertsInput, *, muted: bool) -> StudentAlertsPayload:
    viewer = await context.require_viewer()
    try:
        class_id, student_id = input.keys()
        now = await context.run(configuration.set_muted, viewer, class_id, student_id, muted, context.now())
    except DomainError as error:
        return StudentAlertsPayload(errors=UserError.from_domain(error))
    return StudentAlertsPayload(muted=now)
