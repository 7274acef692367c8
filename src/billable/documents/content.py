"""What a customer document says: built live from a proposal (the proforma, and the
invoice about to be issued) and kept as a snapshot on the issued customer invoice, so
the same :class:`IssuedDocument` feeds every renderer either way."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from billable.currencies import currency
from billable.documents.lines import dates_of_many, lines_of_many
from billable.domain.documents import (
    DocumentKind,
    IssuedDocument,
    Party,
    Reference,
    Terms,
    document_kind,
    due_date,
    period,
    tax_breakdown,
)
from billable.domain.money import ZERO
from billable.domain.proposal_format import Level, resolve
from billable.erp.print_management import FIELDS, MODULE_TARGET, resolved_many
from billable.persistence.tables import (
    Contract,
    Customer,
    CustomerInvoice,
    Invoice,
    InvoiceProposal,
    LegalEntity,
    PrintSetting,
)


def seller_of(entity: LegalEntity) -> Party:
    """The legal entity as the seller."""
    return Party(
        name=entity.name,
        registered_name=entity.registered_name,
        street=entity.address_street or "",
        city=entity.address_city or "",
        postal_code=entity.address_postal_code or "",
        country=entity.address_country or "",
        vat_id=entity.vat_id,
        company_id=entity.company_id,
        email=entity.email,
        endpoint_scheme=entity.endpoint_scheme,
        endpoint_id=entity.endpoint_id,
        iban=entity.iban,
        bic=entity.bic,
    )


def buyer_of(customer: Customer, invoice: Invoice) -> Party:
    """The customer as the buyer, at the proforma's bill-to address."""
    return Party(
        name=invoice.bill_to_name or customer.name,
        registered_name=customer.name,
        street=invoice.bill_to_street,
        city=invoice.bill_to_city,
        postal_code=invoice.bill_to_postal_code,
        country=invoice.bill_to_country,
        vat_id=customer.vat_id,
        email=customer.billing_email,
        endpoint_scheme=customer.endpoint_scheme,
        endpoint_id=customer.endpoint_id,
    )


def _terms(contract: Contract, customer: Customer) -> Terms | None:
    row = contract.payment_terms or customer.payment_terms
    return Terms(row.code, row.name, row.net_days) if row is not None else None


def corrected_invoice(session: Session, invoice: Invoice) -> CustomerInvoice | None:
    """The issued customer invoice of the proforma ``invoice`` corrects, if any."""
    if invoice.corrects_invoice_id is None:
        return None
    return session.scalars(
        select(CustomerInvoice).where(CustomerInvoice.invoice_id == invoice.corrects_invoice_id)
    ).first()


def from_proposal(
    session: Session, proposal: InvoiceProposal, number: str | None = None
) -> IssuedDocument:
    """The document ``proposal`` issues (numbered ``number``), or without a number its
    proforma, marked pro forma. Reads only."""
    return from_proposals(session, [proposal], {proposal.id: number})[proposal.id]


def _by_id(session: Session, model: type[Any], ids: set[int]) -> dict[int, Any]:
    rows = session.scalars(select(model).where(model.id.in_(ids)))
    return {row.id: row for row in rows}


def from_proposals(
    session: Session,
    proposals: Sequence[InvoiceProposal],
    numbers: Mapping[int, str | None],
) -> dict[int, IssuedDocument]:
    """:func:`from_proposal` for many, by proposal id (``numbers`` by proposal id): the
    rows they are made of read once for all. Reads only."""
    invoices = _by_id(session, Invoice, {p.invoice_id for p in proposals})
    contracts = _by_id(session, Contract, {p.contract_id for p in proposals})
    customers = _by_id(session, Customer, {p.customer_id for p in proposals})
    entities = _by_id(session, LegalEntity, {p.legal_entity_id for p in proposals})
    corrected = {
        row.invoice_id: row
        for row in session.scalars(
            select(CustomerInvoice).where(
                CustomerInvoice.invoice_id.in_(
                    {i.corrects_invoice_id for i in invoices.values() if i.corrects_invoice_id}
                )
            )
        )
    }
    all_lines = lines_of_many(session, proposals)
    dates = dates_of_many(session, proposals)
    settings = resolved_many(session, proposals)
    out = {}
    for proposal in proposals:
        invoice = invoices[proposal.invoice_id]
        contract, customer = contracts[proposal.contract_id], customers[proposal.customer_id]
        entity = entities[proposal.legal_entity_id]
        lines = tuple(all_lines[proposal.id])
        breakdown = tuple(tax_breakdown(lines))
        net = sum((line.amount for line in lines if line.billed), ZERO)
        tax = sum((t.tax_amount for t in breakdown), ZERO)
        corrects = corrected.get(invoice.corrects_invoice_id)
        terms = _terms(contract, customer)
        values = settings[proposal.id].values
        number = numbers.get(proposal.id)
        out[proposal.id] = IssuedDocument(
            number=number or proposal.number,
            kind=document_kind(net + tax, invoice.corrects_invoice_id is not None),
            issue_date=proposal.invoice_date,
            due_date=due_date(proposal.invoice_date, terms.net_days if terms else None),
            currency=proposal.currency,
            minor_units=currency(proposal.currency).minor_units,
            language=customer.language or "en",
            seller=seller_of(entity),
            buyer=buyer_of(customer, invoice),
            lines=lines,
            breakdown=breakdown,
            total_net=net,
            total_tax=tax,
            proforma_number=proposal.number,
            terms=terms,
            corrects=Reference(corrects.number, corrects.issue_date) if corrects else None,
            period=period(dates[proposal.id]),
            footer_text=values["footer_text"],
            report_format=values["report_format"],
            pro_forma=number is None,
        )
    return out


def print_settings(session: Session, customer_id: int, contract_id: int) -> dict[str, str]:
    """Print management for a proforma that has no proposal yet: contract > customer >
    module > built-in defaults."""
    targets = {Level.MODULE: MODULE_TARGET, Level.CUSTOMER: customer_id}
    targets[Level.CONTRACT] = contract_id
    found: dict[Level, dict[str, str | None]] = {}
    for row in session.scalars(select(PrintSetting)):
        level = Level(row.level)
        if targets.get(level) == row.target_id:
            found[level] = {name: getattr(row, name) for name in FIELDS}
    return dict(resolve(found).values)


def preview_of(session: Session, invoice: Invoice) -> IssuedDocument:
    """A proforma's header (parties, dates, terms, print settings) without lines."""
    contract = session.get(Contract, invoice.contract_id)
    customer = session.get(Customer, invoice.customer_id)
    assert contract is not None and customer is not None  # foreign keys
    entity = (
        session.get(LegalEntity, contract.legal_entity_id) if contract.legal_entity_id else None
    )
    if entity is None:
        entity = session.scalars(select(LegalEntity).order_by(LegalEntity.id)).first()
    assert entity is not None  # made on first use
    terms = _terms(contract, customer)
    settings = print_settings(session, invoice.customer_id, contract.id)
    return IssuedDocument(
        number=invoice.number,
        kind=DocumentKind.INVOICE,
        issue_date=invoice.invoice_date,
        due_date=due_date(invoice.invoice_date, terms.net_days if terms else None),
        currency=invoice.currency,
        minor_units=currency(invoice.currency).minor_units,
        language=customer.language or "en",
        seller=seller_of(entity),
        buyer=buyer_of(customer, invoice),
        lines=(),
        breakdown=(),
        total_net=ZERO,
        total_tax=ZERO,
        proforma_number=invoice.number,
        terms=terms,
        footer_text=settings["footer_text"],
        report_format=settings["report_format"],
        pro_forma=True,
    )
