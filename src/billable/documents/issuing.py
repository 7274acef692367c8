"""Issuing customer invoices (rules.md "Customer documents"): posting a proposal issues
its customer invoice, or for a corrective proposal a credit note (or an invoice when it
raises the amount), numbered from a gap-free sequence per legal entity, with seller,
buyer, lines and totals snapshotted as they are at issue."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from billable.documents import content, delivery, pdf, snapshot, store
from billable.domain.documents import (
    DocumentFormat,
    IssuedDocument,
    Problem,
    problems,
)
from billable.erp.print_management import resolved_many
from billable.persistence.lookups import reserve_numbers
from billable.persistence.tables import CustomerInvoice, Invoice, InvoiceProposal

#: The e-invoices rendered and stored at issue; the PDF and Factur-X are rendered on
#: first use from the print HTML stored at issue (``CustomerInvoice.print_html``).
AT_ISSUE = (DocumentFormat.UBL, DocumentFormat.CII)
ALL_FORMATS = (DocumentFormat.PDF, DocumentFormat.UBL, DocumentFormat.CII, DocumentFormat.FACTURX)


def sequence_name(legal_entity_id: int) -> str:
    """The gap-free sequence of a legal entity's customer invoice numbers."""
    return f"customer_invoice:{legal_entity_id}"


def number_text(legal_entity_id: int, value: int) -> str:
    """The printed number: the legal entity and its sequence value ("1-000042")."""
    return f"{legal_entity_id}-{value:06d}"


def all_problems(doc: IssuedDocument) -> list[dict[str, object]]:
    """Every problem of ``doc`` with the formats it stops, as the snapshot keeps them."""
    by_problem: dict[Problem, list[str]] = {}
    for fmt in ALL_FORMATS:
        for problem in problems(doc, fmt):
            by_problem.setdefault(problem, []).append(fmt.value)
    return [{"field": p.field, "reason": p.reason, "formats": f} for p, f in by_problem.items()]


def warnings(session: Session, proposal: InvoiceProposal) -> list[dict[str, object]]:
    """What posting ``proposal`` would issue that cannot be a valid e-invoice."""
    return all_problems(content.from_proposal(session, proposal, number="(to be issued)"))


def issue(session: Session, proposal: InvoiceProposal) -> CustomerInvoice:
    """Issue the customer invoice of the proposal being posted, in the caller's
    transaction (so a rolled-back posting gives its number back): :func:`issue_many`
    for one."""
    return issue_many(session, [proposal])[proposal.id]


def _numbers(session: Session, proposals: Sequence[InvoiceProposal]) -> dict[int, int]:
    """Each proposal's sequence value: per legal entity one reservation of as many
    consecutive numbers as it issues, handed out in the proposals' order (gap-free, as
    one at a time would be)."""
    by_entity: dict[int, list[InvoiceProposal]] = {}
    for proposal in proposals:
        by_entity.setdefault(proposal.legal_entity_id, []).append(proposal)
    out: dict[int, int] = {}
    for entity_id in sorted(by_entity):
        issued = by_entity[entity_id]
        first = reserve_numbers(session, sequence_name(entity_id), len(issued))
        out.update({p.id: first + i for i, p in enumerate(issued)})
    return out


def issue_many(
    session: Session, proposals: Sequence[InvoiceProposal]
) -> dict[int, CustomerInvoice]:
    """Issue the customer invoices of the proposals being posted (by proposal id), in
    the caller's transaction; numbered per legal entity in the proposals' order."""
    values = _numbers(session, proposals)
    numbers = {p.id: number_text(p.legal_entity_id, values[p.id]) for p in proposals}
    docs = content.from_proposals(session, proposals, numbers)
    settings = resolved_many(session, proposals)
    made: list[tuple[InvoiceProposal, CustomerInvoice, IssuedDocument]] = []
    # Read once into the session, so each row's ``session.get`` finds its invoice there
    # (kept referenced: the identity map holds rows weakly).
    invoices = session.scalars(
        select(Invoice).where(Invoice.id.in_({p.invoice_id for p in proposals}))
    ).all()
    for proposal in proposals:
        doc = docs[proposal.id]
        made.append((proposal, _row(session, proposal, values[proposal.id], doc), doc))
    session.add_all([row for _, row, _ in made])
    session.flush()  # the rows' ids, for their documents and deliveries
    for proposal, row, doc in made:
        for fmt in AT_ISSUE:
            if not problems(doc, fmt):
                store.save(session, row, fmt, store.render(doc, fmt), flush=False)
        delivery.queue_on_issue(session, row, settings[proposal.id].values["destination"])
    session.flush()
    del invoices
    return {proposal.id: row for proposal, row, _ in made}


def _row(
    session: Session, proposal: InvoiceProposal, value: int, doc: IssuedDocument
) -> CustomerInvoice:
    """The issued invoice's row: everything frozen as it is at issue."""
    invoice = session.get(Invoice, proposal.invoice_id)
    assert invoice is not None  # a foreign key
    corrected = content.corrected_invoice(session, invoice)
    return CustomerInvoice(
        legal_entity_id=proposal.legal_entity_id,
        sequence=value,
        number=doc.number,
        kind=doc.kind.value,
        proposal_id=proposal.id,
        invoice_id=proposal.invoice_id,
        proforma_number=proposal.number,
        contract_id=proposal.contract_id,
        customer_id=proposal.customer_id,
        issue_date=doc.issue_date,
        due_date=doc.due_date,
        payment_terms=(
            {"code": doc.terms.code, "name": doc.terms.name, "net_days": doc.terms.net_days}
            if doc.terms
            else None
        ),
        currency=doc.currency,
        language=doc.language,
        seller=snapshot.party_json(doc.seller),
        buyer=snapshot.party_json(doc.buyer),
        corrects_customer_invoice_id=corrected.id if corrected else None,
        period_start=doc.period[0] if doc.period else None,
        period_end=doc.period[1] if doc.period else None,
        lines=[snapshot.line_json(line, doc.minor_units) for line in doc.lines],
        tax_breakdown=[snapshot.subtotal_json(s, doc.minor_units) for s in doc.breakdown],
        total_net=doc.total_net,
        total_tax=doc.total_tax,
        total_amount=doc.total_amount,
        problems=all_problems(doc),
        footer_text=doc.footer_text,
        report_format=doc.report_format,
        # The PDF's HTML is fixed now, in milliseconds; the PDF itself (seconds) waits
        # for its first request but can no longer differ from what was issued.
        print_html=pdf.html(doc),
    )


def of_proposal(session: Session, proposal_id: int) -> CustomerInvoice | None:
    """The customer invoice a posted proposal issued."""
    return session.scalars(
        select(CustomerInvoice).where(CustomerInvoice.proposal_id == proposal_id)
    ).first()
