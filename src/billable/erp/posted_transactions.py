"""Posted project transactions (All projects > Posted transactions) and "Adjust
accounting": new financial dimensions for a posted transaction, by reversing its voucher
and posting a new one at the same rate, never by editing (seed 003)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session

from billable.currencies import currency
from billable.domain import postings
from billable.domain.dimensions import DistributedPart
from billable.domain.errors import Conflict, Invalid
from billable.domain.lifecycle import POSTED_TRANSACTION
from billable.domain.vocabulary import PostedTransactionState
from billable.erp import defaults as erp_defaults
from billable.erp import fields as erp_fields
from billable.erp.journal import split
from billable.erp.journal_posting import stored_parts, transaction_voucher
from billable.erp.ledger import post_voucher
from billable.erp.posting_profiles import posting_profile
from billable.persistence.lookups import get, parse_id
from billable.persistence.tables import Actual, PostedTransaction, VoucherLine
from billable.persistence.uow import UnitOfWork

#: ``source_type`` of an adjustment's vouchers (``source_id``: the adjusted transaction).
SOURCE_TYPE = "adjust_accounting"
STATUSES = tuple(PostedTransactionState)


def transactions_query(
    project_id: str | None = None, actual_id: str | None = None, status: str | None = None
) -> Select[Any]:
    """Posted transactions filtered by project, actual and status (posted, adjusted)."""
    stmt = select(PostedTransaction)
    if project_id is not None:
        stmt = stmt.where(PostedTransaction.project_id == (parse_id(project_id) or -1))
    if actual_id is not None:
        stmt = stmt.where(PostedTransaction.actual_id == (parse_id(actual_id) or -1))
    if status is not None:
        if status not in STATUSES:
            raise Invalid.field("status", f"must be one of {', '.join(STATUSES)}")
        stmt = stmt.where(PostedTransaction.status == status)
    return stmt


def _stored_voucher(session: Session, row: PostedTransaction) -> postings.Voucher:
    """The lines the transaction's voucher holds for it (a journal's voucher holds a
    date's transactions), back as the domain voucher they were posted from."""
    lines = session.scalars(
        select(VoucherLine)
        .where(
            VoucherLine.voucher_id == row.voucher_id,
            VoucherLine.posted_transaction_id == row.id,
        )
        .order_by(VoucherLine.id)
    )
    return postings.Voucher(
        tuple(
            postings.VoucherLine(
                line.account,
                postings.PostingType(line.posting_type),
                currency(line.currency),
                line.amount_transaction,
                line.amount_accounting,
                line.exchange_rate,
                erp_defaults.dimensions_of(line.dimensions),
                line.tax_code,
            )
            for line in lines
        )
    )


def _check_adjustable(session: Session, row: PostedTransaction) -> str:
    target = POSTED_TRANSACTION.next_state(row.status, "adjust")
    if row.kind == "sales":
        invoiced = session.scalar(
            select(exists().where(Actual.reverses_actual_id == row.actual_id))
        )
        if invoiced:
            raise Conflict(
                f"posted transaction {row.id} is on a confirmed invoice: its accounting "
                "can no longer be adjusted"
            )
    return target


#: What the replacing posted transaction copies from the one it replaces.
_KEPT = (
    "actual_id",
    "journal_line_id",
    "legal_entity_id",
    "kind",
    "transaction_class",
    "project_id",
    "contract_id",
    "date",
    "quantity",
    "currency",
    "amount",
    "accrued",
    "exchange_rate",
    "sales_tax_group",
    "item_sales_tax_group",
)


def _wanted_shares(
    session: Session,
    dimensions: Mapping[str, str] | None,
    shares: Sequence[Mapping[str, Any]] | None,
) -> list[Mapping[str, Any]]:
    """The distribution asked for: the shares given, or all of it on ``dimensions``."""
    if dimensions is None:
        return list(shares or [])
    checked = erp_fields.dimensions(session, dimensions) or {}
    return [{"percent": "100", "dimensions": checked}]


def _repost(
    session: Session,
    old: PostedTransaction,
    new: PostedTransaction,
    parts: Sequence[DistributedPart],
) -> int | None:
    """Reverse ``old``'s voucher lines exactly and post its amounts again on ``new``'s
    parts, at the stored rate; the new voucher's id (None: ``old`` posted no voucher).
    The reversal's lines name ``old``, the new voucher's name ``new``."""
    if old.voucher_id is None:
        return None
    entity = erp_defaults.entity_of(session, old.legal_entity_id)
    source = str(old.id)
    reversed_ = _stored_voucher(session, old).mirrored()
    links = (old.id,) * len(reversed_.lines)
    post_voucher(session, reversed_, old.date, SOURCE_TYPE, source, entity, links)
    voucher = transaction_voucher(
        posting_profile(session, entity),
        old.kind,
        old.transaction_class,
        parts,
        old.currency,
        entity.accounting_currency,
        old.exchange_rate,
    )
    links = (new.id,) * len(voucher.lines)
    return post_voucher(session, voucher, old.date, SOURCE_TYPE, source, entity, links).id


def adjust_accounting(
    uow: UnitOfWork,
    transaction_id: str,
    dimensions: Mapping[str, str] | None = None,
    shares: Sequence[Mapping[str, Any]] | None = None,
) -> int:
    """Give a posted transaction new dimensions (or a new distribution); returns the id
    of the transaction that replaces it.

    Reverses its voucher exactly (the mirror of the stored lines), posts the same
    amounts with the new dimensions at the stored rate, and writes a new posted
    transaction that ``replaces_id`` the old one, whose status becomes ``adjusted``.
    Refused (409) when it is adjusted already or, for a sale, once a confirmed invoice
    consumed its actual.
    """
    if (dimensions is None) == (shares is None):
        raise Invalid.field("dimensions", "give either dimensions or shares")
    with uow:
        session = uow.session
        old = get(session, PostedTransaction, transaction_id, "posted transaction", lock=True)
        target = _check_adjustable(session, old)
        _, parts = split(
            session, old.amount, old.currency, _wanted_shares(session, dimensions, shares)
        )
        old.status = target
        session.flush()  # one posted row per actual (partial unique index)
        new = PostedTransaction(
            **{key: getattr(old, key) for key in _KEPT},
            parts=stored_parts(parts),
            status=PostedTransactionState.POSTED,
            replaces_id=old.id,
        )
        session.add(new)
        session.flush()  # its id, for its voucher's lines
        new.voucher_id = _repost(session, old, new, parts)
        session.flush()
        ident = new.id
        uow.commit()
    return ident
