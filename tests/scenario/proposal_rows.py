"""Invoice proposals with lines, written straight through the ORM for the format and
print tests. Stand-in for the real flow (confirm a proforma invoice, import from
staging): swap :func:`make_proposal` for it once that exists; the tests only need a
proposal id, its line ids, its customer and contract."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from billable.billing import invoicing
from billable.erp.setup import default_legal_entity
from billable.masterdata import contracts
from billable.masterdata import records as masterdata
from billable.persistence.tables import Invoice, InvoiceProposal, InvoiceProposalLine
from billable.persistence.uow import UnitOfWork

D = Decimal


@dataclass(frozen=True)
class LineSpec:
    """One proposal line: what is printed, and its already rounded amount and tax."""

    transaction_class: str
    description: str
    date: dt.date
    quantity: Decimal
    unit: str
    price: Decimal
    amount: Decimal
    tax: Decimal


#: Seed 003's four hours at 250 GBP, more time, an expense and a fee; VAT at 20 %.
_DAY = dt.date(2026, 8, 27)
LINES = (
    LineSpec("time", "Requirement gathering", _DAY, D(4), "hour", D(250), D(1000), D(200)),
    LineSpec("time", "Design workshop", _DAY, D(3), "hour", D(250), D(750), D(150)),
    LineSpec("expense", "Train to Leeds", _DAY, D(1), "each", D(110), D(110), D(22)),
    LineSpec("fee", "Setup fee", _DAY, D(2), "each", D("75.50"), D(151), D("30.20")),
)


@dataclass(frozen=True)
class Proposal:
    id: str
    number: str
    line_ids: tuple[str, ...]
    customer_id: str
    contract_id: str


def make_proposal(
    make_uow: Callable[[], UnitOfWork],
    lines: Sequence[LineSpec] = LINES,
    *,
    currency: str = "GBP",
    status: str = "ready",
) -> Proposal:
    """A customer, a contract, its (empty) proforma invoice and a proposal with ``lines``."""
    customer = masterdata.create(
        make_uow(),
        "customer",
        {
            "name": "Coho Winery",
            "currency": currency,
            "bill_to": {
                "name": "Coho Winery Ltd",
                "street": "1 Vine St",
                "city": "London",
                "postal_code": "EC1A 1AA",
                "country": "GB",
            },
        },
    )
    prices = masterdata.create(
        make_uow(),
        "price_list",
        {"name": f"Sales {customer}", "currency": currency, "context": "sales"},
    )
    contract = contracts.create_contract(
        make_uow(),
        {
            "name": "Coho SOW",
            "customer_id": customer,
            "currency": currency,
            "price_list_id": prices,
        },
    )
    invoice_id = invoicing.create_invoice(make_uow(), str(contract), dt.date(2026, 8, 31))
    with make_uow() as uow:
        invoice = uow.session.get(Invoice, invoice_id)
        assert invoice is not None
        row = InvoiceProposal(
            invoice_id=invoice.id,
            number=invoice.number,
            legal_entity_id=default_legal_entity(uow.session).id,
            contract_id=contract,
            customer_id=customer,
            currency=currency,
            invoice_date=invoice.invoice_date,
            status=status,
        )
        uow.session.add(row)
        uow.session.flush()
        rows = [_line(row.id, spec) for spec in lines]
        uow.session.add_all(rows)
        uow.session.flush()
        made = Proposal(
            str(row.id),
            row.number,
            tuple(str(r.id) for r in rows),
            str(customer),
            str(contract),
        )
        uow.commit()
    return made


def _line(proposal_id: int, spec: LineSpec) -> InvoiceProposalLine:
    return InvoiceProposalLine(
        proposal_id=proposal_id,
        transaction_class=spec.transaction_class,
        description=spec.description,
        date=spec.date,
        quantity=spec.quantity,
        unit=spec.unit,
        price=spec.price,
        amount=spec.amount,
        tax=spec.tax,
        taxes=[{"code": "VAT20", "rate": "20", "amount": str(spec.tax)}] if spec.tax else [],
        dimensions={},
    )


def set_status(make_uow: Callable[[], UnitOfWork], proposal_id: str, status: str) -> None:
    """Move the proposal to ``status`` (stand-in for import and posting)."""
    with make_uow() as uow:
        row = uow.session.get(InvoiceProposal, int(proposal_id))
        assert row is not None
        row.status = status
        uow.commit()
