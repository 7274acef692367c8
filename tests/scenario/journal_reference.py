"""The integration journal's old per-row path, kept here only as the reference the
set-based path is compared with: import one actual at a time through the per-row
defaults (one lookup per record), post one line at a time at the rate looked up for it,
each voucher built straight from the domain's cost and WIP postings.

It writes nothing: it says what each journal line and each voucher line must be."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from billable.currencies import currency
from billable.domain.postings import cost_posting, wip_posting
from billable.domain.pricing import TransactionClass
from billable.domain.vocabulary import ActualType, BillingType
from billable.erp import defaults as erp_defaults
from billable.erp.journal import line_amount, line_parts
from billable.erp.setup import default_legal_entity, posting_profile
from billable.persistence.tables import (
    Actual,
    IntegrationJournal,
    IntegrationJournalLine,
    Project,
)


def expected_journal_lines(session: Session) -> dict[int, tuple[Any, ...]]:
    """Per staged actual of the default entity, the journal line the old import wrote."""
    entity = default_legal_entity(session)
    journaled = exists().where(IntegrationJournalLine.actual_id == Actual.id)
    actuals = session.scalars(
        select(Actual)
        .join(Project, Project.id == Actual.project_id)
        .where(
            Actual.transaction_type.in_((ActualType.COST, ActualType.UNBILLED_SALES)),
            Actual.reverses_actual_id.is_(None),
            or_(Project.legal_entity_id == entity.id, Project.legal_entity_id.is_(None)),
            ~journaled,
        )
        .order_by(Actual.id)
    )
    out = {}
    for a in actuals:
        cost = a.transaction_type == ActualType.COST
        groups = (None, None)
        if not cost:
            groups = (
                erp_defaults.billing_sales_tax_group(session, a.project_id, a.contract_id),
                erp_defaults.billing_item_tax_group(
                    session, a.transaction_class, a.category_id, a.product_id
                ),
            )
        out[a.id] = (
            "cost" if cost else "sales",
            a.transaction_class,
            a.project_id,
            a.contract_id,
            a.resource_id,
            a.date,
            a.quantity,
            a.amount if cost else Decimal(0),
            Decimal(0) if cost else a.amount,
            a.currency,
            *groups,
            erp_defaults.project_dimensions(session, a.project_id),
        )
    return out


def journal_line_facts(line: IntegrationJournalLine) -> tuple[Any, ...]:
    """A stored journal line as :func:`expected_journal_lines` says it."""
    return (
        line.kind,
        line.transaction_class,
        line.project_id,
        line.contract_id,
        line.resource_id,
        line.date,
        line.quantity,
        line.cost_amount,
        line.sales_amount,
        line.currency,
        line.sales_tax_group,
        line.item_sales_tax_group,
        dict(line.dimensions),
    )


@dataclass(frozen=True)
class Expected:
    """What posting a journal must write: voucher lines per actual (account, posting
    type, currency, both amounts, rate, dimensions), and per actual its transaction's
    rate, parts and accrual."""

    lines: dict[int, list[tuple[Any, ...]]]
    transactions: dict[int, tuple[Any, ...]]

    def balances(self) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
        """Per account and transaction currency: the sums in both currencies."""
        sums: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
        for lines in self.lines.values():
            for account, _, code, amount, accounting, *_ in lines:
                t, a = sums.get((account, code), (Decimal(0), Decimal(0)))
                sums[(account, code)] = (t + amount, a + accounting)
        return sums


def expected_posting(session: Session, journal_id: int) -> Expected:
    """Per line of a draft journal, one at a time, what the old posting wrote."""
    journal = session.get(IntegrationJournal, journal_id)
    assert journal is not None
    entity = erp_defaults.entity_of(session, journal.legal_entity_id)
    profile = posting_profile(session, entity)
    accounting = entity.accounting_currency
    lines: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    transactions = {}
    for line in journal.lines:
        rate = erp_defaults.rate_in_force(
            session, line.contract_id, line.currency, accounting, line.date
        )
        parts = line_parts(line)
        actual = session.get(Actual, line.actual_id)
        assert actual is not None
        cost = line.kind == "cost"
        posts = line_amount(line) != 0 and (cost or actual.billing_type == BillingType.CHARGEABLE)
        if posts:
            build = cost_posting if cost else wip_posting
            for part in parts:
                pair = build(
                    profile,
                    TransactionClass(line.transaction_class),
                    part.amount,
                    currency(line.currency),
                    currency(accounting),
                    rate,
                    part.dimensions,
                )
                for v in pair.lines:
                    lines[line.actual_id].append(
                        (
                            v.account,
                            v.posting_type.value,
                            v.currency.code,
                            v.amount_transaction,
                            v.amount_accounting,
                            v.exchange_rate,
                            dict(v.dimensions),
                        )
                    )
        stored = [
            {"percent": str(p.percent), "dimensions": dict(p.dimensions), "amount": str(p.amount)}
            for p in parts
        ]
        transactions[line.actual_id] = (rate, stored, posts and not cost, line_amount(line))
    return Expected(dict(lines), transactions)
