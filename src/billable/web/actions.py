"""Running a use case from a posted form: Post/Redirect/Get with a flash message.

A refusal changes nothing (the use case's transaction is not committed) and comes back
as the next page's message, each refused field's reason shown next to that field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse

from billable.domain.errors import DomainError
from billable.persistence.errors import DatabaseError, meaning
from billable.web.session import FLASH_ERROR, flash, flash_refusal


def redirect(url: str) -> RedirectResponse:
    """See Other: the browser GETs ``url`` (a reload does not post again)."""
    return RedirectResponse(url, status_code=303)


def attempt(
    request: Request, back: str, action: Callable[[], Any], done: str, then: str | None = None
) -> RedirectResponse:
    """Run ``action``; on success say ``done`` and go to ``then`` (default ``back``), on a
    refusal say why and go back to ``back``."""
    try:
        action()
    except DomainError as exc:
        flash_refusal(request, exc)
        return redirect(back)
    except DatabaseError as exc:
        found = meaning(exc)
        if found is None:
            raise
        flash(
            request, FLASH_ERROR, found.reason, {found.field: found.reason} if found.field else {}
        )
        return redirect(back)
    flash(request, "ok", done)
    return redirect(then or back)
