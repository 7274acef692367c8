"""Mounting the web UI on the API's app: the session cookie, the static files, the page
routers, and HTML answers for a missing sign-in, a forbidden page and a refused CSRF."""

from __future__ import annotations

import inspect
import os
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from billable.api.problems import STATUS
from billable.domain.errors import DomainError
from billable.web import render
from billable.web.routers import ROUTERS
from billable.web.secret import secret_key
from billable.web.session import CsrfRefused, PageForbidden, SignInRequired

STATIC = Path(__file__).parent / "static"
#: A session lasts this long after the last page the user opened.
SESSION_SECONDS = 8 * 3600
SESSION_COOKIE = "billable_session"


def _error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    return render.page(
        request, "error.html.j2", None, status_code=status, title=title, message=message
    )


def install(app: FastAPI) -> None:
    """Serve the UI from ``app`` (after the API's routers: the API keeps /api/v1)."""
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret_key(app.state.engine),
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_SECONDS,
        same_site="lax",
        # Behind TLS, set BILLABLE_SECURE_COOKIES=1 so the cookie never travels in clear.
        https_only=os.environ.get("BILLABLE_SECURE_COOKIES", "") == "1",
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router, include_in_schema=False)

    api_refusal = app.exception_handlers[DomainError]

    @app.exception_handler(DomainError)
    async def _refused(request: Request, exc: DomainError) -> Response:
        # The API keeps problem+json; a page shows the refusal as a page.
        if request.url.path.startswith("/api/"):
            answer = api_refusal(request, exc)
            return await answer if inspect.isawaitable(answer) else answer
        status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 400)
        return _error_page(request, status, exc.title, exc.detail)

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, _: SignInRequired) -> Response:
        return RedirectResponse(f"/sign-in?next={request.url.path}", status_code=303)

    @app.exception_handler(PageForbidden)
    async def _forbidden(request: Request, exc: PageForbidden) -> Response:
        return _error_page(request, 403, "Not allowed", exc.message)

    @app.exception_handler(CsrfRefused)
    async def _csrf(request: Request, _: CsrfRefused) -> Response:
        message = "The form was not sent from this session (no valid CSRF token): reload it."
        return _error_page(request, 403, "Form refused", message)
