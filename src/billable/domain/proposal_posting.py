"""Posting an invoice proposal (seed 003): the customer invoice voucher.

Built on :func:`billable.domain.postings.invoice_posting` with two differences the
ERP side needs:

- **WIP is reversed per posted transaction, not per billed line.** What was accrued
  for an unbilled actual is the posted transaction's amount (per dimension part) at
  its own rate; the billed line can differ (a draft edit billing 6 of 8 h leaves 2 h
  as a new unbilled actual that is journaled and accrued again). Each
  :class:`WipReversal` is the exact mirror of the WIP voucher it undoes.
- **Sales tax is one credit line per tax code** (and account): the per-line tax
  amounts of a code, summed, converted once.

The customer balance takes the rounding difference, as in every invoice voucher. A
proposal that nets negative (a corrective invoice) posts as a credit: invoiced revenue
and tax debited, customer balance credited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from billable.domain.currency import convert
from billable.domain.dimensions import Dimensions
from billable.domain.money import ZERO, Currency, round_amount
from billable.domain.postings import (
    InvoicedLine,
    PostingProfile,
    PostingType,
    Voucher,
    VoucherLine,
    invoice_posting,
    wip_posting,
)
from billable.domain.pricing import TransactionClass


@dataclass(frozen=True)
class WipReversal:
    """WIP sales value and accrued revenue posted for a consumed unbilled sale (one
    dimension part of its posted transaction), to reverse when the invoice is posted,
    at ``rate``, the rate it was accrued at."""

    transaction_class: TransactionClass
    amount: Decimal
    rate: Decimal
    dimensions: Dimensions = ()


def _tax_per_code(
    lines: Sequence[VoucherLine], rate: Decimal, accounting_currency: Currency
) -> list[VoucherLine]:
    """One line per (account, tax code): transaction amounts summed, converted once."""
    merged: dict[tuple[str, str | None], VoucherLine] = {}
    for line in lines:
        key = (line.account, line.tax_code)
        if key in merged:
            total = merged[key].amount_transaction + line.amount_transaction
            merged[key] = replace(merged[key], amount_transaction=total)
        else:
            merged[key] = replace(line, dimensions=())
    return [
        replace(line, amount_accounting=convert(line.amount_transaction, rate, accounting_currency))
        for line in merged.values()
    ]


def _accrual(
    profile: PostingProfile, r: WipReversal, currency: Currency, accounting_currency: Currency
) -> Voucher:
    """The WIP voucher ``r`` undoes, exactly as the journal posted it."""
    return wip_posting(
        profile, r.transaction_class, r.amount, currency, accounting_currency, r.rate, r.dimensions
    )


def proposal_posting(
    profile: PostingProfile,
    lines: Sequence[InvoicedLine],
    reversals: Sequence[WipReversal],
    currency: Currency,
    accounting_currency: Currency,
    rate: Decimal,
    customer_dimensions: Dimensions = (),
) -> Voucher:
    """The voucher of posting an invoice proposal.

    First the WIP reversals (WIP credited, accrued revenue debited, each at its own
    rate), then per line the invoiced revenue (credit), then sales tax per code
    (credit), last the customer balance (debit: amount plus tax; it takes the rounding
    difference). ``lines`` are never accrued here: their WIP is in ``reversals``.
    Without lines the voucher is the WIP reversals alone (empty when there are none).
    Seed 003: 4 h at 250 GBP accrued at 1.25, invoiced at 1.25 -> 161300 -1,000 /
    -1,250; 420200 1,000 / 1,250; 411100 -1,000 / -1,250; 130100 1,000 / 1,250.
    """
    reversed_wip = [
        line
        for r in reversals
        for line in _accrual(profile, r, currency, accounting_currency).mirrored().lines
    ]
    if not lines:
        # Nothing chargeable billed (say, every hour made complimentary): the WIP it
        # accrued is still reversed, and nobody owes anything. No WIP either: no lines.
        only_wip = Voucher(tuple(reversed_wip))
        only_wip.check_balanced()
        return only_wip
    billed = [replace(line, accrued=False) for line in lines]
    invoice = invoice_posting(
        profile, billed, currency, accounting_currency, rate, customer_dimensions
    )
    revenue = invoice.lines_of(PostingType.INVOICED_REVENUE)
    taxes = _tax_per_code(invoice.lines_of(PostingType.SALES_TAX), rate, accounting_currency)
    body = [*reversed_wip, *revenue, *taxes]
    (customer,) = invoice.lines_of(PostingType.CUSTOMER_BALANCE)
    balancing = ZERO - sum((line.amount_accounting for line in body), ZERO)
    customer = replace(customer, amount_accounting=round_amount(balancing, accounting_currency))
    voucher = Voucher((*body, customer))
    voucher.check_balanced()
    return voucher


@dataclass(frozen=True)
class AccountingTotals:
    """A proposal's amount, tax and total in accounting currency."""

    amount: Decimal
    tax: Decimal

    @property
    def total(self) -> Decimal:
        """Amount plus tax: what the customer balance is debited with."""
        return self.amount + self.tax


def accounting_totals(
    lines: Sequence[InvoicedLine], rate: Decimal, accounting_currency: Currency
) -> AccountingTotals:
    """What posting at ``rate`` would give: each line's amount converted on its own, the
    tax of each code summed and converted once (as :func:`proposal_posting` does)."""
    amount = sum((convert(line.amount, rate, accounting_currency) for line in lines), ZERO)
    per_code: dict[str, Decimal] = {}
    for line in lines:
        for tax_line in line.taxes:
            per_code[tax_line.code] = per_code.get(tax_line.code, ZERO) + tax_line.amount
    tax = sum((convert(value, rate, accounting_currency) for value in per_code.values()), ZERO)
    return AccountingTotals(amount, tax)


def voucher_totals(voucher: Voucher) -> AccountingTotals:
    """The accounting totals a posted proposal voucher shows: invoiced revenue and
    sales tax, as credits (a credit note's come out negative)."""
    revenue = voucher.lines_of(PostingType.INVOICED_REVENUE)
    taxes = voucher.lines_of(PostingType.SALES_TAX)
    return AccountingTotals(
        ZERO - sum((line.amount_accounting for line in revenue), ZERO),
        ZERO - sum((line.amount_accounting for line in taxes), ZERO),
    )
