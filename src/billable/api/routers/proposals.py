"""Invoice proposals (seed 003): list and read, import from staging (all or one),
post (or pro forma), and the periodic posting job."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from billable.api.deps import PostLedger, ReadLedger, Uow
from billable.api.pagination import Page, paginate
from billable.api.present import money, num, sid
from billable.api.schemas import proposals as s
from billable.api.schemas.common import JobAccepted
from billable.documents import delivery
from billable.domain.errors import Invalid
from billable.domain.lifecycle import PROPOSAL
from billable.erp import proposal_import, proposal_posting, proposals
from billable.identity.users import Principal
from billable.jobs import records as jobs
from billable.persistence.lookups import get, parse_id
from billable.persistence.tables import InvoiceProposal

router = APIRouter(tags=["invoice proposals"])
PATH = "/invoice-proposals"


def _line(row: Any, code: str) -> dict[str, Any]:
    return {
        "id": sid(row.id),
        "billed_actual_id": sid(row.billed_actual_id),
        "milestone_id": sid(row.milestone_id),
        "transaction_class": row.transaction_class,
        "description": row.description,
        "date": row.date,
        "quantity": num(row.quantity),
        "unit": row.unit,
        "price": num(row.price, 2),
        "amount": money(row.amount, code),
        "tax": money(row.tax, code),
        "taxes": [
            {
                "code": t["code"],
                "rate": num(Decimal(t["rate"])),
                "amount": money(Decimal(t["amount"]), code),
            }
            for t in row.taxes
        ],
        "sales_tax_group": row.sales_tax_group,
        "item_sales_tax_group": row.item_sales_tax_group,
        "dimensions": {k: str(v) for k, v in (row.dimensions or {}).items()},
    }


def present(session: Session, row: InvoiceProposal, **flags: bool) -> dict[str, Any]:
    """A proposal as the API shows it, totals in both currencies."""
    figures = proposals.totals(session, row)
    code, acc = row.currency, figures.accounting_currency
    accounting = figures.accounting
    return {
        "id": sid(row.id),
        "number": row.number,
        "invoice_id": sid(row.invoice_id),
        "status": row.status,
        "legal_entity_id": sid(row.legal_entity_id),
        "contract_id": sid(row.contract_id),
        "customer_id": sid(row.customer_id),
        "invoice_date": row.invoice_date,
        "currency": code,
        "accounting_currency": acc,
        "exchange_rate": num(figures.exchange_rate),
        "totals": {
            "amount": money(figures.amount, code),
            "tax": money(figures.tax, code),
            "total": money(figures.total, code),
        },
        "accounting_totals": None
        if accounting is None
        else {
            "amount": money(accounting.amount, acc),
            "tax": money(accounting.tax, acc),
            "total": money(accounting.total, acc),
        },
        "voucher_id": sid(row.voucher_id),
        "imported_at": row.imported_at,
        "posted_at": row.posted_at,
        "lines": [_line(line, code) for line in row.lines],
        **flags,
    }


def _read(uow: Uow, ident: int | str, **flags: bool) -> dict[str, Any]:
    with uow:
        row = get(uow.session, InvoiceProposal, ident, "invoice proposal")
        return present(uow.session, row, **flags)


@router.get(PATH, response_model=Page[s.ProposalOut], dependencies=[ReadLedger])
def list_proposals(
    uow: Uow,
    invoice_id: str | None = None,
    status: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> dict[str, Any]:
    """Invoice proposals, oldest first; filters: invoice_id, status."""
    stmt = select(InvoiceProposal)
    if invoice_id is not None:
        key = parse_id(invoice_id)
        if key is None:
            raise Invalid.field("invoice_id", f"'{invoice_id}' is not an id")
        stmt = stmt.where(InvoiceProposal.invoice_id == key)
    if status is not None:
        if status not in PROPOSAL.states():
            known = ", ".join(sorted(PROPOSAL.states()))
            raise Invalid.field("status", f"'{status}' is not one of {known}")
        stmt = stmt.where(InvoiceProposal.status == status)
    with uow:
        session = uow.session
        return paginate(
            session, stmt, InvoiceProposal.id, limit, cursor, lambda r: present(session, r)
        )


@router.post(f"{PATH}/import-from-staging", response_model=s.ImportOut)
def import_all(uow: Uow, _: Principal = PostLedger) -> dict[str, Any]:
    """Import from staging: lines for every waiting proposal whose time and material
    is all posted through the integration journal; the others keep waiting."""
    result = proposal_import.import_all(uow)
    return {
        "imported": len(result.imported),
        "waiting": len(result.waiting),
        "imported_ids": [str(i) for i in result.imported],
        "waiting_ids": [str(i) for i in result.waiting],
    }


@router.post(f"{PATH}/post-ready", response_model=JobAccepted, status_code=202)
def post_ready(request: Request, uow: Uow, caller: Principal = PostLedger) -> dict[str, str]:
    """Post every ready proposal in a background job (progress on /jobs/{id}, a
    notification at the end)."""
    total = len(proposal_posting.ready_proposals(uow))
    job_id = jobs.enqueue(uow, "post_invoice_proposals", {}, caller.user_id, total)
    request.app.state.dispatcher().dispatch(job_id)
    return {"job_id": str(job_id)}


@router.get(f"{PATH}/{{ident}}", response_model=s.ProposalOut, dependencies=[ReadLedger])
def get_proposal(ident: str, uow: Uow) -> dict[str, Any]:
    return _read(uow, ident)


@router.post(f"{PATH}/{{ident}}/import-from-staging", response_model=s.ProposalOut)
def import_one(ident: str, uow: Uow, _: Principal = PostLedger) -> dict[str, Any]:
    """Selective import from staging: this proposal's lines now (409 naming the
    transactions it waits for)."""
    return _read(uow, proposal_import.import_one(uow, ident))


@router.post(f"{PATH}/{{ident}}/post", response_model=s.ProposalOut)
def post_one(
    ident: str, body: s.PostIn, request: Request, uow: Uow, caller: Principal = PostLedger
) -> dict[str, Any]:
    """Post a ready proposal (`posting: true`), or show it as a pro forma that writes
    nothing (`posting: false`). Waiting or already posted: 409. The customer invoice it
    issues goes where print management sends it (`email`, `archive`) in a job."""
    outcome = proposal_posting.post_proposal(uow, ident, body.posting, body.print_)
    if outcome.customer_invoice_id and delivery.has_queued(uow, outcome.customer_invoice_id):
        job_id = jobs.enqueue(uow, "deliver_outbox", {}, caller.user_id)
        request.app.state.dispatcher().dispatch(job_id)
    shown = _read(uow, outcome.proposal_id, pro_forma=outcome.pro_forma, printed=outcome.printed)
    issued = outcome.customer_invoice_id
    return {
        **shown,
        "printout": outcome.printout,
        "warnings": outcome.warnings,
        "customer_invoice_id": str(issued) if issued else None,
    }
