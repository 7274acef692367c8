"""Request dependencies: the unit of work and the authenticated principal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from billable.domain.permissions import Permission, require
from billable.identity.users import Principal, authenticate
from billable.persistence.uow import UnitOfWork

bearer = HTTPBearer(auto_error=False, description="A token from `billable users add`.")


def get_uow(request: Request) -> UnitOfWork:
    """A fresh unit of work on the app's database."""
    return UnitOfWork(request.app.state.session_factory)


Uow = Annotated[UnitOfWork, Depends(get_uow)]


def principal(
    request: Request, uow: Uow, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> Principal:
    """The caller named by the bearer token (401 without a valid one); its name is kept
    for the request's log line."""
    caller = authenticate(uow, credentials.credentials if credentials else None)
    request.state.user = caller.name
    return caller


def allow(permission: Permission) -> Callable[..., Principal]:
    """A dependency that lets through callers whose role holds ``permission`` (else 403)."""

    def _check(caller: Principal = Depends(principal)) -> Principal:
        require(caller.role, permission)
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
