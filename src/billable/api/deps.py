"""Request dependencies: the unit of work and the authenticated principal."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from billable.domain.audit import Action, Actor, compact, route_objects
from billable.domain.permissions import Permission, require
from billable.identity.users import Principal, authenticate
from billable.observability.http import route_template
from billable.persistence import auditing
from billable.persistence.uow import UnitOfWork

bearer = HTTPBearer(auto_error=False, description="A token from `billable users add`.")


async def get_uow(request: Request) -> UnitOfWork:
    """A fresh unit of work on the app's database: read-only for a GET (on SQLite it
    then reads beside writers instead of queueing behind them). Async: making one opens
    nothing yet, and a sync dependency would cost every request a thread-pool hop."""
    return UnitOfWork(request.app.state.session_factory, read_only=request.method == "GET")


async def get_write_uow(request: Request) -> UnitOfWork:
    """A unit of work that may write, for the few reads that record something."""
    return UnitOfWork(request.app.state.session_factory)


Uow = Annotated[UnitOfWork, Depends(get_uow)]
#: For a GET that writes (a document rendered at its first download, a default made).
WriteUow = Annotated[UnitOfWork, Depends(get_write_uow)]


def principal(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> Principal:
    """The caller named by the bearer token (401 without a valid one); its name is kept
    for the request's log line. A read: it never queues behind writers."""
    uow = UnitOfWork(request.app.state.session_factory, read_only=True)
    caller = authenticate(uow, credentials.credentials if credentials else None)
    request.state.user = caller.name
    return caller


#: Methods that write nothing worth an audit event.
READS = frozenset({"GET", "HEAD", "OPTIONS"})


async def audited_action(request: Request, caller: Principal) -> Action:
    """What this request does, for the audit trail: the caller, ``METHOD /route/{param}``,
    the objects the path and an ``ids`` list name, and the body's fields (compacted)."""
    template = route_template(request)
    raw = await request.body()
    form = request.headers.get("content-type", "").startswith(FORM)
    body = _form(raw) if form else _json(raw)
    objects = route_objects(template, request.path_params, body)
    return Action(
        Actor(caller.name, caller.user_id),
        f"{request.method} {template}",
        objects,
        compact(body) if body not in (None, {}) else None,
    )


async def attribute(request: Request, caller: Principal) -> None:
    """Attribute what this request writes to ``caller`` (the audit trail). Called from an
    async dependency: a context variable set in a sync one's thread would be lost."""
    # A read leaves no event, even when it stores what it rendered (a document's first
    # download); and it must not inherit an action from the process that serves it.
    auditing.start(None if request.method in READS else await audited_action(request, caller))


#: A page's form post (the web UI): summarised by its fields, as a JSON body is.
FORM = "application/x-www-form-urlencoded"


def _form(raw: bytes) -> dict[str, Any]:
    """A posted form's fields; a repeated one (a selection of many) as a list. The
    compaction masks the CSRF token and any password like a JSON body's secrets."""
    fields: dict[str, Any] = {}
    for name, value in parse_qsl(raw.decode("utf-8", "replace")):
        if name in fields:
            kept = fields[name]
            fields[name] = [*kept, value] if isinstance(kept, list) else [kept, value]
        else:
            fields[name] = value
    return fields


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None  # the request is refused by its schema; nothing to summarise


def allow(permission: Permission) -> Callable[..., Awaitable[Principal]]:
    """A dependency that lets through callers whose role holds ``permission`` (else 403)."""

    # Async on purpose: see :func:`attribute`.
    async def _check(request: Request, caller: Principal = Depends(principal)) -> Principal:
        require(caller.role, permission)
        await attribute(request, caller)
        return caller

    return _check


ReadMaster = Depends(allow(Permission.READ_MASTER_DATA))
ReadBooking = Depends(allow(Permission.READ_BOOKING_DATA))
WriteMaster = Depends(allow(Permission.WRITE_MASTER_DATA))
ReadEntries = Depends(allow(Permission.READ_ENTRIES))
WriteEntries = Depends(allow(Permission.WRITE_ENTRIES))
ApproveEntries = Depends(allow(Permission.APPROVE_ENTRIES))
ReadBilling = Depends(allow(Permission.READ_BILLING))
WriteBilling = Depends(allow(Permission.WRITE_BILLING))
WriteErpSetup = Depends(allow(Permission.WRITE_ERP_SETUP))
ReadLedger = Depends(allow(Permission.READ_LEDGER))
PostLedger = Depends(allow(Permission.POST_LEDGER))
ReadAudit = Depends(allow(Permission.READ_AUDIT))
ManageUsers = Depends(allow(Permission.MANAGE_USERS))
