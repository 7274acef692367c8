"""Checks before a journal posts (read-only, so a refusal writes nothing): a rate in
force for every line, and the posting profile's accounts for each kind of voucher."""

from __future__ import annotations

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from billable.currencies import currency
from billable.domain.errors import DomainError
from billable.domain.postings import PostingProfile
from billable.domain.vocabulary import BillingType
from billable.erp import ledger
from billable.erp.journal import COST_LINE, SALES_LINE
from billable.erp.journal_lines import Figures, LineRow, Rates, about_line, line_rows
from billable.persistence.tables import (
    Actual,
    FixedRateAgreement,
    IntegrationJournalLine,
    LedgerAccount,
    LegalEntity,
)

L = IntegrationJournalLine


def _first_posting_lines(session: Session, journal_id: int) -> list[LineRow]:
    """Per kind, class and currency, the first unposted line that posts a voucher (the
    rule of :attr:`LineRow.posts`, as a condition)."""
    unposted = and_(L.journal_id == journal_id, L.exchange_rate.is_(None))
    posting = or_(
        and_(L.kind == COST_LINE, L.cost_amount != 0),
        and_(
            L.kind == SALES_LINE,
            L.sales_amount != 0,
            Actual.billing_type == BillingType.CHARGEABLE,
        ),
    )
    firsts = (
        select(func.min(L.id))
        .outerjoin(Actual, Actual.id == L.actual_id)
        .where(unposted, posting)
        .group_by(L.kind, L.transaction_class, L.currency)
    )
    return line_rows(session, (L.id.in_(firsts),), 1_000)


def check_journal(
    session: Session, journal_id: int, entity: LegalEntity, profile: PostingProfile
) -> None:
    """Refuse (422, naming the first such line) a journal with a line that has no rate in
    force, or whose voucher needs a posting profile or ledger account that is missing;
    read-only, so a refusal writes nothing."""
    accounting = entity.accounting_currency
    agreed = and_(
        FixedRateAgreement.contract_id == L.contract_id, FixedRateAgreement.currency == L.currency
    )
    dated = session.execute(
        select(L.currency, L.date)
        .outerjoin(FixedRateAgreement, agreed)
        .where(
            L.journal_id == journal_id,
            L.exchange_rate.is_(None),
            L.currency != accounting,
            FixedRateAgreement.contract_id.is_(None),
        )
        .distinct()
    ).all()
    rates = Rates.read(session, accounting, set(), {code for code, _ in dated})
    for code, day in sorted(dated, key=lambda pair: (pair[1], pair[0])):
        try:
            rates.rate(None, code, day)
        except DomainError:
            [row] = line_rows(
                session,
                (
                    L.journal_id == journal_id,
                    L.exchange_rate.is_(None),
                    L.currency == code,
                    L.date == day,
                    ~select(FixedRateAgreement.contract_id).where(agreed).exists(),
                ),
                1,
            )
            Figures.of_rows(session, [row], entity, profile)  # raises, naming the line
    firsts = _first_posting_lines(session, journal_id)
    accounts = set(session.scalars(select(LedgerAccount.number)))
    for row, figures in zip(firsts, Figures.of_rows(session, firsts, entity, profile), strict=True):
        assert figures.voucher is not None  # chosen as lines that post
        try:
            ledger.check_voucher(figures.voucher, accounts, currency(accounting))
        except DomainError as exc:
            raise about_line(session, row, exc) from None
