"""The browser session: who is signed in, the CSRF token, and flash messages.

The session is Starlette's signed cookie (HttpOnly, SameSite=Lax, with an expiry); it
holds the user's id, the CSRF token and at most one pending flash message."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Depends, Request
from starlette.datastructures import FormData

from billable.api.deps import attribute
from billable.domain.errors import DomainError
from billable.domain.permissions import Permission, allowed
from billable.identity.passwords import principal_of
from billable.identity.users import Principal
from billable.persistence.uow import UnitOfWork

CSRF_FIELD = "csrf_token"
#: The kind of a flash message that reports a refusal (a style, not a notification level).
FLASH_ERROR = "error"  # not vocabulary: a flash message's kind


class SignInRequired(Exception):
    """No signed-in user: the page answers with a redirect to the sign-in page."""


class PageForbidden(Exception):
    """The signed-in user's role may not see this page or take this action (403)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CsrfRefused(Exception):
    """A POST without this session's CSRF token (403)."""


@dataclass
class Flash:
    """A message shown once on the next page: its kind (``ok`` or ``error``), the text,
    and, for a refusal, each refused field's reason (shown next to the field)."""

    kind: str
    text: str
    errors: dict[str, str] = field(default_factory=dict)
    #: The refused form's path and what was typed into it, shown again in its controls.
    form: str = ""
    typed: dict[str, str] = field(default_factory=dict)


def csrf_token(request: Request) -> str:
    """This session's CSRF token, made on first use."""
    token = request.session.get(CSRF_FIELD)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return str(token)


def sign_in_session(request: Request, principal: Principal) -> None:
    """Start a fresh session for ``principal`` (a new CSRF token too: no fixation)."""
    request.session.clear()
    request.session["user_id"] = principal.user_id
    csrf_token(request)


def flash(request: Request, kind: str, text: str, errors: dict[str, str] | None = None) -> None:
    """Keep a message for the next page shown; a refusal keeps what was typed, too."""
    kept = {"kind": kind, "text": text, "errors": errors or {}}
    if kind == FLASH_ERROR:
        kept |= {"form": request.url.path, "typed": typed_fields(request)}
    request.session["flash"] = kept


def flash_refusal(request: Request, exc: DomainError) -> None:
    """A refusal as the next page's message, with its fields' reasons."""
    flash(request, FLASH_ERROR, exc.detail, {e.field: e.message for e in exc.errors})


#: Fields never kept for the page after a refusal: secrets, and the CSRF token.
UNKEPT = frozenset({CSRF_FIELD, "password"})
#: The most typed text kept in the session cookie (browsers drop a cookie over 4 KB,
#: which would sign the user out); a larger form is shown again as it was stored.
MOST_TYPED = 1500


def typed_fields(request: Request) -> dict[str, str]:
    """The refused form's non-empty text fields (a repeated one's last value), so
    the page shown after the refusal can show them again; empty if too large to keep."""
    form: FormData | None = getattr(request.state, "form", None)
    if form is None:
        return {}
    typed = {
        name: value
        for name, value in form.multi_items()
        if name not in UNKEPT and isinstance(value, str) and value.strip()
    }
    size = sum(len(name) + len(value) for name, value in typed.items())
    return typed if size <= MOST_TYPED else {}


def pop_flash(request: Request) -> Flash | None:
    """The pending message, removed from the session."""
    found = request.session.pop("flash", None)
    return Flash(**found) if found else None


def get_uow(request: Request) -> UnitOfWork:
    """A fresh unit of work on the app's database."""
    return UnitOfWork(request.app.state.session_factory)


def signed_in(request: Request) -> Principal:
    """The signed-in user (a redirect to sign-in without one); the name goes to the
    request's log line."""
    user_id = request.session.get("user_id")
    principal = principal_of(get_uow(request), int(user_id)) if user_id else None
    if principal is None:
        raise SignInRequired
    request.state.user = principal.name
    return principal


def may(permission: Permission) -> Callable[..., Awaitable[Principal]]:
    """A dependency that lets through signed-in users whose role holds ``permission``."""

    # Async, like the API's ``allow``: the audit trail's actor is a context variable, and
    # one set in a sync dependency's thread would not reach the page's use case.
    async def _check(request: Request, user: Principal = Depends(signed_in)) -> Principal:
        if not allowed(user.role, permission):
            what = permission.value.replace("_", " ")
            raise PageForbidden(f"the role {user.role.value} may not {what}")
        await attribute(request, user)  # a form posted from a page is audited as the API's
        return user

    return _check


async def checked_form(request: Request) -> FormData:
    """The posted form, when it carries this session's CSRF token (else 403)."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    expected = request.session.get(CSRF_FIELD)
    if not expected or not isinstance(sent, str) or not secrets.compare_digest(sent, expected):
        raise CsrfRefused
    request.state.form = form  # what was typed, kept if the use case refuses it
    return form


def form_values(form: FormData, name: str) -> list[str]:
    """Every non-empty value of a repeated field (check boxes of a selection)."""
    return [v for v in form.getlist(name) if isinstance(v, str) and v]


def form_text(form: FormData, name: str, default: str = "") -> str:
    """One text field, stripped."""
    value: Any = form.get(name, default)
    return value.strip() if isinstance(value, str) else default
