"""Posting one chunk of journal lines in a handful of ``INSERT ... SELECT`` statements.

The domain decides every figure, once per distinct input (:mod:`billable.erp.journal_lines`):
the rate in force per agreement and per currency and date, and per distinct (kind, class,
currency, amount, rate, billing type, dimensions, distribution) the parts and the voucher
lines. Those few rows go into scratch tables (:mod:`billable.erp.journal_scratch`); SQL
then matches each line to its figure and copies: posted transactions, one voucher per
date, voucher lines, and the lines' rates. SQL never rounds or converts, so every cent is
the domain's, as when each line was computed on its own.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Text,
    and_,
    case,
    cast,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.orm import Session

from billable.currencies import currency
from billable.domain.errors import DomainError
from billable.domain.postings import PostingProfile
from billable.domain.vocabulary import PostedTransactionState
from billable.erp import journal_scratch as scratch
from billable.erp import ledger
from billable.erp.journal import COST_LINE, SALES_LINE
from billable.erp.journal_lines import Figures, LineRow, Memo, Rates, line_rows, stored_parts
from billable.persistence.tables import (
    Actual,
    FixedRateAgreement,
    IntegrationJournal,
    IntegrationJournalLine,
    LegalEntity,
    PostedTransaction,
    VoucherLine,
)

L = IntegrationJournalLine
F, FL, C = scratch.FIGURES, scratch.FIGURE_LINES, scratch.CHUNK
AGREED, DATED, DAYS = scratch.AGREED, scratch.DATED, scratch.DAYS
POSTED = PostedTransactionState.POSTED
#: ``source_type`` of the vouchers a journal posts (``source_id``: the journal's id).
SOURCE_TYPE = "integration_journal"
Where = Sequence[ColumnElement[bool]]

#: What a line posts, and the key it matches its figure by (none standing as "").
AMOUNT = case((L.kind == COST_LINE, L.cost_amount), else_=L.sales_amount)
RATE = func.coalesce(AGREED.c.rate, DATED.c.rate)
BILLING = func.coalesce(Actual.billing_type, scratch.NONE_KEY)
DIMENSIONS = func.coalesce(cast(L.dimensions, Text), scratch.NONE_KEY)
DISTRIBUTION = func.coalesce(cast(L.distribution, Text), scratch.NONE_KEY)
_AGREED_ON = and_(
    FixedRateAgreement.contract_id == L.contract_id, FixedRateAgreement.currency == L.currency
)


def _keyed(stmt: Any) -> Any:
    """``stmt`` over journal lines with what their figure's key needs joined."""
    return (
        stmt.select_from(L)
        .outerjoin(Actual, Actual.id == L.actual_id)
        .outerjoin(
            AGREED, and_(AGREED.c.contract_id == L.contract_id, AGREED.c.currency == L.currency)
        )
        .outerjoin(DATED, and_(DATED.c.currency == L.currency, DATED.c.date == L.date))
    )


def _refuse(session: Session, where: Where, entity: LegalEntity, profile: PostingProfile) -> None:
    """Raise the refusal the per-line figures give, naming the first refused line."""
    Figures.of_rows(session, line_rows(session, where, 1_000_000), entity, profile)


def _fill_rates(
    session: Session, where: Where, entity: LegalEntity, profile: PostingProfile
) -> None:
    """The rates in force for the chunk, by the domain: per agreement, and per currency
    and date for the lines without one."""
    accounting = entity.accounting_currency
    agreed = session.execute(
        select(L.contract_id, L.currency)
        .join(FixedRateAgreement, _AGREED_ON)
        .where(*where)
        .distinct()
    ).all()
    dated = session.execute(
        select(L.currency, L.date)
        .outerjoin(FixedRateAgreement, _AGREED_ON)
        .where(*where, FixedRateAgreement.contract_id.is_(None))
        .distinct()
    ).all()
    codes = {code for _, code in agreed} | {code for code, _ in dated}
    rates = Rates.read(session, accounting, {c for c, _ in agreed}, codes)
    try:
        # An agreement's rate does not depend on the date (domain.currency.effective_rate).
        agreed_rows = [
            {"contract_id": c, "currency": code, "rate": rates.rate(c, code, dt.date.min)}
            for c, code in agreed
        ]
        dated_rows = [
            {"currency": code, "date": day, "rate": rates.rate(None, code, day)}
            for code, day in dated
        ]
    except DomainError:
        _refuse(session, where, entity, profile)
        raise
    scratch.fill(session, AGREED, agreed_rows)
    scratch.fill(session, DATED, dated_rows)


def _fill_figures(
    session: Session, where: Where, entity: LegalEntity, profile: PostingProfile
) -> None:
    """Per distinct key of the chunk's lines, the domain's figures and voucher lines."""
    keys = session.execute(
        _keyed(
            select(
                L.kind,
                L.transaction_class,
                L.currency,
                AMOUNT,
                RATE,
                BILLING,
                DIMENSIONS,
                DISTRIBUTION,
            )
        )
        .where(*where)
        .distinct()
    ).all()
    accounting = entity.accounting_currency
    memo = Memo(profile, accounting)
    figures: list[dict[str, Any]] = []
    made: list[tuple[int, Figures]] = []
    for number, (kind, cls, code, amount, rate, billing, dims, shares) in enumerate(keys, 1):
        row = _key_row(kind, cls, code, amount, billing, dims, shares)
        try:
            figure = memo.at(row, rate)
        except DomainError:
            _refuse(session, where, entity, profile)
            raise
        made.append((number, figure))
        figures.append(
            {
                "key_no": number,
                "kind": kind,
                "transaction_class": cls,
                "currency": code,
                "amount": amount,
                "rate": rate,
                "billing_type": billing,
                "dimensions": dims,
                "distribution": shares,
                "parts": stored_parts(figure.parts),
                "accrued": figure.voucher is not None and kind == SALES_LINE,
                "posts": figure.voucher is not None,
            }
        )
    scratch.fill(session, F, figures)
    scratch.fill(session, FL, _figure_lines(session, made, accounting))


def _key_row(
    kind: str, cls: str, code: str, amount: Decimal, billing: str, dims: str, shares: str
) -> LineRow:
    """A line standing for every line of one key (what the figures depend on)."""

    def parsed(text: str) -> Any:
        return json.loads(text) if text != scratch.NONE_KEY else None

    return LineRow(
        0, 0, 0, kind, cls, None, None, None,  # type: ignore[arg-type]  # date: not used
        Decimal(0), amount, code, None, None,
        parsed(dims) or {}, parsed(shares), billing or None,
    )  # fmt: skip


def _figure_lines(
    session: Session, made: Sequence[tuple[int, Figures]], accounting: str
) -> list[dict[str, Any]]:
    """The voucher lines of the figures that post, each voucher checked once."""
    vouchers = [(n, f.voucher) for n, f in made if f.voucher is not None]
    accounts = ledger.account_ids(session, {x.account for _, v in vouchers for x in v.lines})
    rows: list[dict[str, Any]] = []
    for number, voucher in vouchers:
        ledger.check_voucher(voucher, accounts, currency(accounting, "accounting_currency"))
        rows.extend(
            {"key_no": number, "seq": seq, **ledger.line_values(line, accounts)}
            for seq, line in enumerate(voucher.lines)
        )
    return rows


def _fill_chunk(session: Session, where: Where) -> int:
    """Each line of the chunk with the figure it matches; how many."""
    matches = and_(
        F.c.kind == L.kind,
        F.c.transaction_class == L.transaction_class,
        F.c.currency == L.currency,
        F.c.amount == AMOUNT,
        F.c.rate == RATE,
        F.c.billing_type == BILLING,
        F.c.dimensions == DIMENSIONS,
        F.c.distribution == DISTRIBUTION,
    )
    chosen = _keyed(select(L.id, L.actual_id, F.c.key_no, L.date)).join(F, matches).where(*where)
    session.execute(insert(C).from_select(["line_id", "actual_id", "key_no", "date"], chosen))
    found = session.scalar(select(func.count()).select_from(C)) or 0
    wanted = session.scalar(select(func.count()).select_from(L).where(*where)) or 0
    if found != wanted:  # a line without its figure would be left unposted
        raise RuntimeError(f"{wanted - found} journal lines matched no figure")
    return found


def _open_days(session: Session, journal: IntegrationJournal, entity: LegalEntity) -> int:
    """One voucher per date that has lines that post, numbered in the order of each
    date's first line; the vouchers written."""
    first = func.min(C.c.line_id)
    days = session.scalars(
        select(C.c.date)
        .join(F, F.c.key_no == C.c.key_no)
        .where(F.c.posts)
        .group_by(C.c.date)
        .order_by(first)
    ).all()
    headers = [ledger.Header(day, SOURCE_TYPE, str(journal.id), entity) for day in days]
    ids = ledger.open_vouchers(session, headers)
    scratch.fill(
        session, DAYS, [{"date": d, "voucher_id": i} for d, i in zip(days, ids, strict=True)]
    )
    return len(ids)


def _transaction_values(entity: LegalEntity) -> dict[str, Any]:
    """What each column of a chunk's posted transactions takes."""
    # fmt: off
    return {
        "actual_id": L.actual_id, "journal_line_id": L.id, "legal_entity_id": literal(entity.id),
        "kind": L.kind, "transaction_class": L.transaction_class, "project_id": L.project_id,
        "contract_id": L.contract_id, "date": L.date, "quantity": L.quantity,
        "currency": L.currency, "amount": AMOUNT, "accrued": F.c.accrued,
        "exchange_rate": F.c.rate, "sales_tax_group": L.sales_tax_group,
        "item_sales_tax_group": L.item_sales_tax_group, "parts": F.c.parts,
        "voucher_id": DAYS.c.voucher_id, "status": literal(str(POSTED)),
    }
    # fmt: on


def _write(session: Session, entity: LegalEntity, where: Where) -> None:
    """The chunk's posted transactions, voucher lines and the lines' rates (``where``
    selects the chunk's lines: it keeps the update to them, not a scan of the journal)."""
    values = _transaction_values(entity)
    transactions = (
        select(*values.values())
        .select_from(C)
        .join(L, L.id == C.c.line_id)
        .join(F, F.c.key_no == C.c.key_no)
        .outerjoin(DAYS, and_(DAYS.c.date == C.c.date, F.c.posts))
        # The chunk's order (its line ids): the chunk drives, not a walk of the journal.
        .order_by(C.c.line_id)
    )
    session.execute(insert(PostedTransaction).from_select(list(values), transactions))
    names = [c.name for c in FL.columns if c.name not in ("key_no", "seq")]
    T = PostedTransaction
    lines = (
        select(T.voucher_id, *(FL.c[n] for n in names), T.id)
        .select_from(C)
        .join(FL, FL.c.key_no == C.c.key_no)
        .join(T, and_(T.actual_id == C.c.actual_id, T.status == POSTED))
        .order_by(T.voucher_id, C.c.line_id, FL.c.seq)
    )
    columns = ["voucher_id", *names, "posted_transaction_id"]
    session.execute(insert(VoucherLine).from_select(columns, lines))
    # UPDATE ... FROM (both databases): a join, not a subquery per line.
    session.execute(
        update(L)
        .where(*where, L.id == C.c.line_id, F.c.key_no == C.c.key_no)
        .values(exchange_rate=F.c.rate)
        .execution_options(synchronize_session=False)
    )


def post_lines(
    session: Session,
    journal: IntegrationJournal,
    entity: LegalEntity,
    profile: PostingProfile,
    where: Where,
) -> tuple[int, int]:
    """Post the unposted lines ``where`` selects, in the caller's transaction:
    (lines, vouchers)."""
    scratch.ready(session, AGREED, DATED, F, FL, C, DAYS)
    _fill_rates(session, where, entity, profile)
    _fill_figures(session, where, entity, profile)
    scratch.analyze(session, AGREED, DATED, F, FL)
    lines = _fill_chunk(session, where)
    if not lines:
        return 0, 0
    scratch.analyze(session, C)
    vouchers = _open_days(session, journal, entity)
    _write(session, entity, where)
    return lines, vouchers
