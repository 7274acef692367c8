"""What a customer document says: built live from a proposal (the proforma, and the
invoice about to be issued) and kept as a snapshot on the issued customer invoice, so
the same :class:`IssuedDocument` feeds every renderer either way."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from billable.currencies import currency
from billable.documents.lines import document_lines, transaction_dates
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
from billable.erp.print_management import FIELDS, MODULE_TARGET, resolved
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
    invoice = session.get(Invoice, proposal.invoice_id)
    contract = session.get(Contract, proposal.contract_id)
    customer = session.get(Customer, proposal.customer_id)
    entity = session.get(LegalEntity, proposal.legal_entity_id)
    assert invoice and contract and customer and entity  # foreign keys
    lines = tuple(document_lines(session, proposal))
    breakdown = tuple(tax_breakdown(lines))
    net = sum((line.amount for line in lines if line.billed), ZERO)
    tax = sum((t.tax_amount for t in breakdown), ZERO)
    corrects = corrected_invoice(session, invoice)
    terms = _terms(contract, customer)
    settings = resolved(session, proposal).values
    return IssuedDocument(
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
        period=period(transaction_dates(session, proposal)),
        footer_text=settings["footer_text"],
        report_format=settings["report_format"],
        pro_forma=number is None,
    )


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
