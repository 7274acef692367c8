"""The dashboard (what waits for me) and the notifications."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse

from billable.api.routing import SegmentRouter
from billable.domain.permissions import Permission, allowed
from billable.identity.users import Principal
from billable.views import dashboard
from billable.views import jobs as job_views
from billable.web.render import page
from billable.web.session import get_uow, signed_in

router = SegmentRouter()
User = Annotated[Principal, Depends(signed_in)]
PAGE_SIZE = 25


@router.get("/", response_class=HTMLResponse)
def home(request: Request, user: User) -> HTMLResponse:
    """The dashboard of the signed-in role."""
    uow = get_uow(request)
    with uow:
        shown = dashboard.waiting(uow.session)
        recent = job_views.latest_notifications(uow.session, 5)
    return page(
        request,
        "dashboard.html.j2",
        user,
        waiting=shown,
        notifications=recent,
        billing=allowed(user.role, Permission.READ_BILLING),
    )


@router.get("/notifications", response_class=HTMLResponse)
def notifications(request: Request, user: User, cursor: str | None = None) -> HTMLResponse:
    """What finished background jobs reported, for this user and for everyone."""
    uow = get_uow(request)
    with uow:
        shown = job_views.notifications(uow.session, user.user_id, PAGE_SIZE, cursor)
    return page(request, "notifications.html.j2", user, window=shown)
