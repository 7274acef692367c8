"""Posting an invoice proposal (seed 003): the customer invoice voucher.

One function, :func:`invoice_posting`, for invoices and credit notes alike:

- **WIP is reversed per posted transaction, not per billed line.** What was accrued
  for an unbilled actual is the posted transaction's amount (per dimension part) at
  its own rate; the billed line can differ (a draft edit billing 6 of 8 h leaves 2 h
  as a new unbilled actual that is journaled and accrued again). Each
  :class:`WipReversal` is the exact mirror of the WIP voucher it undoes.
- **Invoiced revenue is one credit line per billed line**, converted on its own, so
  invoiced revenue equals the accrued revenue it replaces.
- **Sales tax is one credit line per tax code** (and account): the per-line tax
  amounts of a code, summed, converted once.
- **The customer balance takes the rounding difference**: its accounting amount is
  minus the sum of all the other lines, so the voucher balances to the minor unit.

A proposal that nets negative (a corrective invoice) posts as a credit: invoiced
revenue and tax debited, customer balance credited. Posting the same figures negated
gives exactly the mirror of the invoice voucher, line by line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from billable.domain.currency import convert
from billable.domain.dimensions import Dimensions
from billable.domain.money import ZERO, Currency, round_amount
from billable.domain.postings import (
    LineMaker,
    PostingProfile,
    PostingType,
    Voucher,
    VoucherLine,
    checked_amount,
    wip_posting,
)
from billable.domain.pricing import TransactionClass
from billable.domain.tax import TaxLine


@dataclass(frozen=True)
class InvoicedLine:
    """One invoice proposal line as posting needs it, in the invoice currency.

    ``taxes`` are its tax lines, already rounded per code
    (:func:`billable.domain.tax.tax_lines`). Its WIP, if any was accrued, is reversed
    by a :class:`WipReversal`, not by the line.
    """

    transaction_class: TransactionClass
    amount: Decimal
    taxes: tuple[TaxLine, ...] = ()
    dimensions: Dimensions = ()


@dataclass(frozen=True)
class WipReversal:
    """WIP sales value and accrued revenue posted for a consumed unbilled sale (one
    dimension part of its posted transaction), to reverse when the invoice is posted,
    at ``rate``, the rate it was accrued at."""

    transaction_class: TransactionClass
    amount: Decimal
    rate: Decimal
    dimensions: Dimensions = ()


def _reversed_wip(
    profile: PostingProfile,
    reversals: Sequence[WipReversal],
    currency: Currency,
    accounting_currency: Currency,
) -> list[VoucherLine]:
    """The WIP vouchers ``reversals`` undo, exactly as the journal posted them, mirrored.

    Built once per distinct reversal: an invoice's hours repeat the same amount, rate
    and dimensions, the voucher is a pure function of them, and its lines are immutable,
    so repeating them is the same voucher computed fewer times. Keyed by the amounts'
    exact texts: equal Decimals of different exponents stay apart."""
    built: dict[tuple[object, ...], tuple[VoucherLine, ...]] = {}
    out: list[VoucherLine] = []
    for r in reversals:
        key = (r.transaction_class, str(r.amount), str(r.rate), r.dimensions)
        lines = built.get(key)
        if lines is None:
            lines = built[key] = (
                wip_posting(
                    profile,
                    r.transaction_class,
                    r.amount,
                    currency,
                    accounting_currency,
                    r.rate,
                    r.dimensions,
                )
                .mirrored()
                .lines
            )
        out.extend(lines)
    return out


def invoice_posting(
    profile: PostingProfile,
    lines: Sequence[InvoicedLine],
    reversals: Sequence[WipReversal],
    currency: Currency,
    accounting_currency: Currency,
    rate: Decimal,
    customer_dimensions: Dimensions = (),
) -> Voucher:
    """The voucher of posting an invoice proposal (or a credit note: negative lines).

    First the WIP reversals (WIP credited, accrued revenue debited, each at its own
    rate), then per line the invoiced revenue (credit), then sales tax per account and
    code (credit, without dimensions), last the customer balance (debit: amount plus
    tax; it takes the rounding difference). Without lines the voucher is the WIP
    reversals alone (empty when there are none). Seed 003: 4 h at 250 GBP accrued at
    1.25, invoiced at 1.25 -> 161300 -1,000 / -1,250; 420200 1,000 / 1,250;
    411100 -1,000 / -1,250; 130100 1,000 / 1,250.
    """
    reversed_wip = _reversed_wip(profile, reversals, currency, accounting_currency)
    if not lines:
        # Nothing chargeable billed (say, every hour made complimentary): the WIP it
        # accrued is still reversed, and nobody owes anything. No WIP either: no lines.
        only_wip = Voucher(tuple(reversed_wip))
        only_wip.check_balanced()
        return only_wip
    make = LineMaker(profile, currency, accounting_currency, rate)
    revenue: list[VoucherLine] = []
    tax_per_code: dict[tuple[str, str], Decimal] = {}
    receivable = ZERO
    for line in lines:
        amount = checked_amount(line.amount, currency)
        cls = line.transaction_class
        revenue.append(make.line(PostingType.INVOICED_REVENUE, cls, -amount, line.dimensions))
        receivable += amount
        for tax in line.taxes:
            tax_amount = checked_amount(tax.amount, currency, "tax")
            key = (profile.account_for(PostingType.SALES_TAX, cls), tax.code)
            tax_per_code[key] = tax_per_code.get(key, ZERO) + tax_amount
            receivable += tax_amount
    taxes = [
        make.on(account, PostingType.SALES_TAX, -total, (), code)
        for (account, code), total in tax_per_code.items()
    ]
    body = [*reversed_wip, *revenue, *taxes]
    balancing = ZERO - sum((line.amount_accounting for line in body), ZERO)
    customer = replace(
        make.line(PostingType.CUSTOMER_BALANCE, None, receivable, customer_dimensions),
        amount_accounting=round_amount(balancing, accounting_currency),
    )
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
    tax of each code summed and converted once (as :func:`invoice_posting` does)."""
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
        -sum((line.amount_accounting for line in revenue), ZERO),
        -sum((line.amount_accounting for line in taxes), ZERO),
    )
