"""Format invoice proposal (sections, invoice format), the printout and print management.

Reads need ``read_ledger``; changes need ``post_ledger`` (the project accountant's).
No ``from __future__ import annotations``: FastAPI reads the body types at definition.
"""

from typing import Any

from fastapi import Response

from billable.api import present_proposals as present
from billable.api.deps import PostLedger, ReadLedger, Uow
from billable.api.pagination import Page, page
from billable.api.routing import SegmentRouter
from billable.api.schemas import proposal_format as s
from billable.erp import print_management, proposal_format
from billable.persistence.uow import UnitOfWork
from billable.views import proposals as views

router = SegmentRouter()
FORMAT = "invoice proposal format"
PRINT = "print management"


def _read_section(uow: UnitOfWork, ident: str, section_id: str) -> dict[str, Any]:
    with uow:
        view = views.section(uow.session, ident, section_id)
    return present.section(view)


@router.get(
    "/invoice-proposals/{ident}/sections",
    response_model=Page[s.SectionOut],
    tags=[FORMAT],
    dependencies=[ReadLedger],
    summary="A page of a proposal's format sections in print order",
)
def list_sections(
    ident: str, uow: Uow, limit: int = 50, cursor: str | None = None
) -> dict[str, Any]:
    with uow:
        found = views.sections(uow.session, ident, limit, cursor)
    return page(found, present.section)


@router.post(
    "/invoice-proposals/{ident}/sections",
    status_code=201,
    response_model=s.SectionOut,
    tags=[FORMAT],
    dependencies=[PostLedger],
    summary="Add a section (last) with some of the available lines",
)
def create_section(ident: str, body: s.SectionIn, uow: Uow) -> dict[str, Any]:
    section_id = proposal_format.create_section(uow, ident, body.model_dump())
    return _read_section(uow, ident, str(section_id))


@router.get(
    "/invoice-proposals/{ident}/sections/{section_id}",
    response_model=s.SectionOut,
    tags=[FORMAT],
    dependencies=[ReadLedger],
)
def get_section(ident: str, section_id: str, uow: Uow) -> dict[str, Any]:
    return _read_section(uow, ident, section_id)


@router.patch(
    "/invoice-proposals/{ident}/sections/{section_id}",
    response_model=s.SectionOut,
    tags=[FORMAT],
    dependencies=[PostLedger],
    summary="Rename, change the mode, replace the lines, or move a section up or down",
)
def update_section(ident: str, section_id: str, body: s.SectionPatch, uow: Uow) -> dict[str, Any]:
    proposal_format.update_section(uow, ident, section_id, body.model_dump(exclude_unset=True))
    return _read_section(uow, ident, section_id)


@router.delete(
    "/invoice-proposals/{ident}/sections/{section_id}",
    status_code=204,
    tags=[FORMAT],
    dependencies=[PostLedger],
    summary="Remove a section; its lines become available again",
)
def delete_section(ident: str, section_id: str, uow: Uow) -> Response:
    proposal_format.delete_section(uow, ident, section_id)
    return Response(status_code=204)


@router.get(
    "/invoice-proposals/{ident}/available-lines",
    response_model=Page[s.ProposalLineOut],
    tags=[FORMAT],
    dependencies=[ReadLedger],
    summary="A page of a proposal's lines in no section, by id",
)
def available_lines(
    ident: str, uow: Uow, limit: int = 50, cursor: str | None = None
) -> dict[str, Any]:
    with uow:
        code, found = views.available_lines(uow.session, ident, limit, cursor)
    return page(found, lambda row: present.format_line(row, code))


def _format(uow: UnitOfWork, ident: str) -> dict[str, str]:
    with uow:
        row = views.invoice_format(uow.session, ident)
    return {"proposal_id": str(row.id), "invoice_format": row.invoice_format}


@router.get(
    "/invoice-proposals/{ident}/format",
    response_model=s.InvoiceFormatOut,
    tags=[FORMAT],
    dependencies=[ReadLedger],
)
def get_invoice_format(ident: str, uow: Uow) -> dict[str, str]:
    return _format(uow, ident)


@router.patch(
    "/invoice-proposals/{ident}/format",
    response_model=s.InvoiceFormatOut,
    tags=[FORMAT],
    dependencies=[PostLedger],
    summary="How lines in no section print: detail or summary",
)
def set_invoice_format(ident: str, body: s.InvoiceFormatIn, uow: Uow) -> dict[str, str]:
    proposal_format.set_invoice_format(uow, ident, body.invoice_format)
    return _format(uow, ident)


@router.get(
    "/invoice-proposals/{ident}/printout",
    tags=[FORMAT],
    dependencies=[ReadLedger],
    response_class=Response,
    responses={200: {"content": {"text/html": {}}}},
    summary="The invoice printout (HTML); pro forma by default until the proposal is posted",
)
def printout(ident: str, uow: Uow, pro_forma: bool | None = None) -> Response:
    with uow:
        found = views.printout(uow.session, ident, pro_forma)
    headers = {}
    if found.destination == "file":  # a file is downloaded; screen (and email) show it inline
        headers["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    return Response(found.html, media_type="text/html; charset=utf-8", headers=headers)


@router.get(
    "/print-management",
    response_model=Page[s.PrintSettingOut],
    tags=[PRINT],
    dependencies=[ReadLedger],
    summary="Print settings set at each level (module, customer, contract, proposal)",
)
def list_settings(
    uow: Uow,
    limit: int = 50,
    cursor: str | None = None,
    level: s.LevelName | None = None,
    target_id: str | None = None,
) -> dict[str, Any]:
    with uow:
        found = views.print_settings(uow.session, limit, cursor, level, target_id)
    return page(found, present.setting)


@router.put(
    "/print-management",
    response_model=s.PrintSettingOut,
    tags=[PRINT],
    dependencies=[PostLedger],
    summary="Set (replace) one level's print settings; a field left out is inherited",
)
def put_setting(body: s.PrintSettingIn, uow: Uow) -> dict[str, Any]:
    ident = print_management.put_setting(uow, body.model_dump())
    with uow:
        row = views.print_setting(uow.session, ident)
    return present.setting(row)


@router.delete(
    "/print-management",
    status_code=204,
    tags=[PRINT],
    dependencies=[PostLedger],
    summary="Remove one level's print settings (the less specific levels apply again)",
)
def delete_setting(uow: Uow, level: s.LevelName, target_id: str | None = None) -> Response:
    print_management.delete_setting(uow, level, target_id)
    return Response(status_code=204)


@router.get(
    "/print-management/resolved",
    response_model=s.ResolvedPrintOut,
    tags=[PRINT],
    dependencies=[ReadLedger],
    summary="A proposal's effective print settings and the level each comes from",
)
def resolved_settings(proposal_id: str, uow: Uow) -> dict[str, Any]:
    with uow:
        row = views.resolved_print(uow.session, proposal_id)
    return present.resolved(row)
