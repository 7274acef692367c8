"""Posting the integration journal (seed 003): per line, the cost (project cost against
payroll allocation or the cost offset) or the unbilled sale's work in progress (WIP sales
value against accrued revenue), one voucher per line, and a posted transaction per line.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from billable.currencies import currency
from billable.domain.dimensions import DistributedPart
from billable.domain.errors import DomainError, FieldError, Invalid
from billable.domain.lifecycle import JOURNAL
from billable.domain.postings import (
    PostingProfile,
    Voucher,
    VoucherLine,
    cost_posting,
    wip_posting,
)
from billable.domain.pricing import TransactionClass
from billable.domain.vocabulary import BillingType, PostedTransactionState
from billable.erp import defaults as erp_defaults
from billable.erp.journal import COST_LINE, SALES_LINE, line_amount, line_rate, parts_of
from billable.erp.ledger import post_voucher
from billable.erp.setup import posting_profile
from billable.persistence import auditing
from billable.persistence.lookups import get
from billable.persistence.tables import (
    Actual,
    IntegrationJournal,
    IntegrationJournalLine,
    LegalEntity,
    PostedTransaction,
)
from billable.persistence.uow import UnitOfWork

#: ``source_type`` of the vouchers a journal posts (``source_id``: the journal's id).
SOURCE_TYPE = "integration_journal"


def transaction_voucher(
    profile: PostingProfile,
    kind: str,
    transaction_class: str,
    parts: Sequence[DistributedPart],
    code: str,
    accounting: str,
    rate: Decimal,
) -> Voucher:
    """The voucher of one transaction: a cost pair or a WIP pair per part, at ``rate``."""
    cls = TransactionClass(transaction_class)
    lines: list[VoucherLine] = []
    for part in parts:
        build = cost_posting if kind == COST_LINE else wip_posting
        pair = build(
            profile, cls, part.amount, currency(code), currency(accounting), rate, part.dimensions
        )
        lines.extend(pair.lines)
    return Voucher(tuple(lines))


def stored_parts(parts: Sequence[DistributedPart]) -> list[dict[str, Any]]:
    """Parts as the ``parts`` JSON of a posted transaction (decimals as strings)."""
    return [
        {"percent": str(p.percent), "dimensions": dict(p.dimensions), "amount": str(p.amount)}
        for p in parts
    ]


def line_parts(line: IntegrationJournalLine) -> tuple[DistributedPart, ...]:
    """A line's amount over its distribution, or all of it on its dimensions."""
    shares = line.distribution or [{"percent": "100", "dimensions": line.dimensions}]
    return parts_of(line_amount(line), line.currency, shares)


def accrues(session: Session, line: IntegrationJournalLine) -> bool:
    """Whether a sales line posts WIP: chargeable and not zero (cost lines: not zero)."""
    if line_amount(line) == 0:
        return False
    if line.kind == COST_LINE:
        return True
    actual = session.get(Actual, line.actual_id)
    return actual is not None and actual.billing_type == BillingType.CHARGEABLE


def _about_line(index: int, line: IntegrationJournalLine, exc: DomainError) -> Invalid:
    """``exc`` restated as a refusal of journal line ``index`` (its id named)."""
    errors = tuple(FieldError(f"lines[{index}].{e.field}", e.message) for e in exc.errors)
    return Invalid(
        f"line {line.id} (actual {line.actual_id}): {exc.detail}",
        errors or (FieldError(f"lines[{index}]", exc.detail),),
    )


def _post_line(
    session: Session,
    journal: IntegrationJournal,
    entity: LegalEntity,
    profile: PostingProfile,
    index: int,
    line: IntegrationJournalLine,
) -> bool:
    """Post one line; whether it wrote a voucher."""
    accounting = entity.accounting_currency
    found = line_rate(session, line, accounting)
    if found.rate is None:
        raise _about_line(index, line, Invalid.field("exchange_rate", found.reason or "none"))
    parts = line_parts(line)
    voucher_id = None
    posts = accrues(session, line)
    if posts:
        try:
            voucher = transaction_voucher(
                profile,
                line.kind,
                line.transaction_class,
                parts,
                line.currency,
                accounting,
                found.rate,
            )
            row = post_voucher(session, voucher, line.date, SOURCE_TYPE, str(journal.id), entity)
        except Invalid as exc:
            raise _about_line(index, line, exc) from None
        voucher_id = row.id
    line.exchange_rate = found.rate
    session.add(
        PostedTransaction(
            actual_id=line.actual_id,
            journal_line_id=line.id,
            legal_entity_id=entity.id,
            kind=line.kind,
            transaction_class=line.transaction_class,
            project_id=line.project_id,
            contract_id=line.contract_id,
            date=line.date,
            quantity=line.quantity,
            currency=line.currency,
            amount=line_amount(line),
            accrued=posts and line.kind == SALES_LINE,
            exchange_rate=found.rate,
            sales_tax_group=line.sales_tax_group,
            item_sales_tax_group=line.item_sales_tax_group,
            parts=stored_parts(parts),
            voucher_id=voucher_id,
            status=PostedTransactionState.POSTED,
        )
    )
    return posts


def post_journal(uow: UnitOfWork, journal_id: str) -> int:
    """Post a draft journal, all lines or none; returns the number of vouchers written.

    Each line posts at the rate in force (a cost in accounting currency at 1; a sale at
    its contract's fixed-rate agreement, else the rate on its date). A missing rate or
    posting profile account is a 422 naming the line, and nothing is written; a posted
    journal is a 409.
    """
    with uow:
        session = uow.session
        journal = get(session, IntegrationJournal, journal_id, "integration journal", lock=True)
        target = JOURNAL.next_state(journal.status, "post")
        entity = erp_defaults.entity_of(session, journal.legal_entity_id)
        profile = posting_profile(session, entity)
        written = sum(
            _post_line(session, journal, entity, profile, index, line)
            for index, line in enumerate(journal.lines)
        )
        journal.status = target
        journal.posted_at, journal.posted_by = auditing.now(), auditing.actor_name()
        uow.commit()
    return written
