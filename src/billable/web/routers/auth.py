"""Sign-in and sign-out."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from billable.api.routing import SegmentRouter
from billable.domain.errors import Unauthorized
from billable.identity.passwords import sign_in
from billable.web.actions import redirect
from billable.web.render import page
from billable.web.session import (
    FLASH_ERROR,
    checked_form,
    flash,
    form_text,
    get_uow,
    sign_in_session,
)

router = SegmentRouter()
Form = Annotated[FormData, Depends(checked_form)]


def _safe_next(target: str) -> str:
    """Only a path on this site (no ``//host`` or scheme): no open redirect."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request, next: str = "/") -> HTMLResponse:
    """The sign-in form."""
    return page(request, "sign_in.html.j2", None, next=_safe_next(next))


@router.post("/sign-in")
def sign_in_post(request: Request, form: Form) -> Response:
    """Check the name and password; a fresh session on success."""
    name, target = form_text(form, "name"), _safe_next(form_text(form, "next", "/"))
    try:
        principal = sign_in(get_uow(request), name, str(form.get("password", "")))
    except Unauthorized as exc:
        flash(request, FLASH_ERROR, exc.detail, {"password": exc.detail})
        return redirect(f"/sign-in?next={target}")
    sign_in_session(request, principal)
    return redirect(target)


@router.post("/sign-out")
def sign_out(request: Request, form: Form) -> Response:
    """End the session."""
    request.session.clear()
    flash(request, "ok", "Signed out.")
    return redirect("/sign-in")
