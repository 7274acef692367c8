"""The audit trail: who wrote what, when (admins and accountants)."""

import datetime as dt
from typing import Any

from billable.api.deps import ReadAudit, Uow
from billable.api.pagination import Page, page
from billable.api.present_audit import audit_event
from billable.api.routing import SegmentRouter
from billable.api.schemas.audit import AuditEventOut
from billable.views import audit as views

router = SegmentRouter(tags=["audit"])


@router.get(
    "/audit-events",
    response_model=Page[AuditEventOut],
    dependencies=[ReadAudit],
    summary="List audit events",
)
def list_audit_events(
    uow: Uow,
    limit: int = 50,
    cursor: str | None = None,
    object_kind: str | None = None,
    object_id: str | None = None,
    user: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> dict[str, Any]:
    """Every committed write, oldest first: who (a user, the OS user of a command, or
    `system` for jobs), when (UTC), what (the route or command), the objects it touched
    and a summary. Filters: the objects' `object_kind` and `object_id`, the `user` name,
    and `since`/`until` (inclusive; a moment without a zone is UTC)."""
    with uow:
        found = views.audit_events(
            uow.session,
            limit,
            cursor,
            object_kind=object_kind,
            object_id=object_id,
            user=user,
            since=since,
            until=until,
        )
    return page(found, audit_event)
