"""Every error as application/problem+json: ``{type, title, status, detail, errors}``."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from billable.domain.errors import (
    Conflict,
    DomainError,
    FieldError,
    Forbidden,
    Invalid,
    NotFound,
    Unauthorized,
)
from billable.persistence.errors import DatabaseError, Failure, meaning
from billable.persistence.lookups import parse_id

STATUS: dict[type[DomainError], int] = {
    NotFound: 404,
    Conflict: 409,
    Invalid: 422,
    Unauthorized: 401,
    Forbidden: 403,
}
MEDIA_TYPE = "application/problem+json"


class ProblemField(BaseModel):
    """One refused field and why."""

    field: str
    message: str


class Problem(BaseModel):
    """The body of every error answer (RFC 9457 problem details)."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[ProblemField]


def problem(
    status: int, title: str, detail: str, errors: list[dict[str, str]] | None = None
) -> JSONResponse:
    """A problem+json response."""
    body: dict[str, Any] = {
        "type": f"https://billable.dev/problems/{status}",
        "title": title,
        "status": status,
        "detail": detail,
        "errors": errors or [],
    }
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    out = ""
    for part in parts:
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out or "body"


async def strict_query_ids(request: Request) -> None:
    """Refuse (422) a query filter ``*_id`` that is not an id, instead of reading it as
    "no such row" or, for other scripts' digits, as another row. Async: it does no I/O,
    and a sync dependency costs every request a hop to the thread pool."""
    errors = [
        FieldError(name, "is not an id: ASCII digits 0-9 only, at most 18")
        for name, value in request.query_params.multi_items()
        if name.endswith("_id") and parse_id(value) is None
    ]
    if errors:
        raise Invalid("; ".join(f"{e.field}: {e.message}" for e in errors), tuple(errors))


def _is_bool(annotation: Any) -> bool:
    return annotation is bool or bool in getattr(annotation, "__args__", ())


def _bool_query_names(dependant: Any) -> frozenset[str]:
    """The query parameters of a route (and its dependencies) that are booleans."""
    names = {f.alias for f in dependant.query_params if _is_bool(f.field_info.annotation)}
    for sub in dependant.dependencies:
        names |= _bool_query_names(sub)
    return frozenset(names)


_BOOLEAN_QUERIES: dict[int, frozenset[str]] = {}


async def strict_query_booleans(request: Request) -> None:
    """Refuse (422) a boolean query parameter that is not ``true`` or ``false``: the
    framework would read ``yes``, ``on`` or ``1`` as true, and JSON's booleans are the
    contract (api.md). Async for the same reason as :func:`strict_query_ids`."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None or not request.query_params:
        return
    names = _BOOLEAN_QUERIES.get(id(route))
    if names is None:
        names = _BOOLEAN_QUERIES[id(route)] = _bool_query_names(dependant)
    errors = [
        FieldError(name, f"{value!r} is not a boolean: true or false only")
        for name, value in request.query_params.multi_items()
        if name in names and value not in ("true", "false")
    ]
    if errors:
        raise Invalid("; ".join(f"{e.field}: {e.message}" for e in errors), tuple(errors))


def install(app: FastAPI) -> None:
    """Register handlers that turn every refusal into problem+json, and the id and
    boolean checks every route's query runs (call before the routers are included)."""
    app.router.dependencies.append(Depends(strict_query_ids))
    app.router.dependencies.append(Depends(strict_query_booleans))

    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 400)
        errors = [{"field": e.field, "message": e.message} for e in exc.errors]
        return problem(status, exc.title, exc.detail, errors)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"field": _field(tuple(e["loc"])), "message": e["msg"]} for e in exc.errors()]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return problem(422, "Invalid input", detail, errors)

    @app.exception_handler(HTTPException)
    async def _http(_: Request, exc: HTTPException) -> JSONResponse:
        return problem(exc.status_code, str(exc.detail), str(exc.detail))

    @app.exception_handler(DatabaseError)
    async def _database(_: Request, exc: Exception) -> JSONResponse:
        found = meaning(exc)
        if found is None:
            raise exc
        return _database_problem(found.failure, found.reason, found.field)


def _database_problem(failure: Failure, reason: str, field: str = "") -> JSONResponse:
    """The answer to a database failure: nothing was changed, and what to do."""
    if failure is Failure.DUPLICATE_NAME:
        errors = [{"field": field, "message": reason}]
        return problem(409, "Conflict with an existing name", reason, errors)
    if failure is Failure.CONCURRENT_INSERT:
        # A concurrent request took the same actual, milestone or number first.
        return problem(
            409,
            "Conflict with a concurrent change",
            "another request changed the same records first; reload and retry",
        )
    if failure is Failure.STALE:
        return problem(
            409,
            "Conflict with a concurrent change",
            "the invoice was changed by another request; reload and retry",
        )
    if failure is Failure.UNSTORABLE:
        # ExactDecimal refuses (never changes) a value it cannot keep exactly; a value
        # that got that far is out of range, not a server fault.
        return problem(422, "Invalid input", f"a value cannot be stored exactly: {reason}")
    return problem(
        503,
        "Database unavailable",
        "the database is busy or unreachable; nothing was changed, retry",
    )
