"""Posting an invoice proposal: WIP reversed per posted transaction at its own rate,
invoiced revenue per line, sales tax per code, the customer balance taking the
rounding difference; negative proposals credit."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from billable.domain.postings import InvoicedLine, wip_posting
from billable.domain.proposal_posting import (
    WipReversal,
    accounting_totals,
    proposal_posting,
    voucher_totals,
)
from billable.domain.tax import TaxCode, tax_lines
from tests.domain.test_postings import CONTOSO, GBP, TIME, USD, VAT, T, table

D = Decimal
EXPENSE = TIME.__class__("expense")


def test_seed_003_the_proposal_of_1000_gbp_posts_four_lines_at_1_25() -> None:
    voucher = proposal_posting(
        CONTOSO,
        [InvoicedLine(TIME, D("1000.00"))],
        [WipReversal(TIME, D("1000.00"), D("1.25"))],
        GBP,
        USD,
        D("1.25"),
    )
    assert table(voucher) == [
        ("161300", T.WIP_SALES_VALUE, "-1000.00", "-1250.00", "1.25"),
        ("420200", T.ACCRUED_REVENUE, "1000.00", "1250.00", "1.25"),
        ("411100", T.INVOICED_REVENUE, "-1000.00", "-1250.00", "1.25"),
        ("130100", T.CUSTOMER_BALANCE, "1000.00", "1250.00", "1.25"),
    ]


def test_the_wip_reversal_is_the_exact_mirror_of_the_accrual_whatever_the_billed_amount() -> None:
    accrued = wip_posting(CONTOSO, TIME, D("2000.00"), GBP, USD, D("1.3"))
    voucher = proposal_posting(
        CONTOSO,
        [InvoicedLine(TIME, D("1500.00"))],
        [WipReversal(TIME, D("2000.00"), D("1.3"))],
        GBP,
        USD,
        D("1.25"),
    )
    assert voucher.lines[:2] == accrued.mirrored().lines
    assert table(voucher)[2:] == [
        ("411100", T.INVOICED_REVENUE, "-1500.00", "-1875.00", "1.25"),
        ("130100", T.CUSTOMER_BALANCE, "1500.00", "1875.00", "1.25"),
    ]


def test_tax_is_one_line_per_code_summed_over_lines_and_converted_once() -> None:
    lines = [
        InvoicedLine(TIME, D("333.33"), tax_lines(D("333.33"), (VAT,), GBP)),
        InvoicedLine(TIME, D("333.33"), tax_lines(D("333.33"), (VAT,), GBP)),
        InvoicedLine(EXPENSE, D("10.01"), tax_lines(D("10.01"), (VAT,), GBP)),
    ]
    voucher = proposal_posting(CONTOSO, lines, [], GBP, USD, D("1.333333"))
    [tax] = voucher.lines_of(T.SALES_TAX)
    assert (tax.tax_code, tax.amount_transaction) == ("VAT20", D("-135.34"))
    assert tax.amount_accounting == D("-180.45")  # 135.34 x 1.333333, rounded once
    assert accounting_totals(lines, D("1.333333"), USD) == voucher_totals(voucher)
    assert voucher.accounting_balance() == 0


def test_a_negative_proposal_credits_revenue_tax_and_the_customer() -> None:
    lines = [
        InvoicedLine(TIME, D("-1000.00"), tax_lines(D("-1000.00"), (VAT,), GBP)),
        InvoicedLine(TIME, D("250.00"), tax_lines(D("250.00"), (VAT,), GBP)),
    ]
    voucher = proposal_posting(CONTOSO, lines, [], GBP, USD, D("1.25"))
    assert table(voucher) == [
        ("411100", T.INVOICED_REVENUE, "1000.00", "1250.00", "1.25"),
        ("411100", T.INVOICED_REVENUE, "-250.00", "-312.50", "1.25"),
        ("222100", T.SALES_TAX, "150.00", "187.50", "1.25"),
        ("130100", T.CUSTOMER_BALANCE, "-900.00", "-1125.00", "1.25"),
    ]
    assert voucher_totals(voucher).total == D("-1125.00")


amounts = st.decimals(D("-99999.99"), D("99999.99"), places=2)
rates = st.decimals(D("0.000001"), D("1000"), places=6)


@given(
    st.lists(st.tuples(amounts, st.decimals(0, 30, places=2)), min_size=1, max_size=6),
    st.lists(st.tuples(amounts, rates), max_size=4),
    rates,
)
def test_every_proposal_voucher_balances_and_shows_its_totals(
    billed: list[tuple[Decimal, Decimal]],
    accrued: list[tuple[Decimal, Decimal]],
    rate: Decimal,
) -> None:
    lines = [
        InvoicedLine(TIME, amount, tax_lines(amount, (TaxCode("A", percent),), GBP))
        for amount, percent in billed
    ]
    reversals = [WipReversal(TIME, amount, at) for amount, at in accrued]
    voucher = proposal_posting(CONTOSO, lines, reversals, GBP, USD, rate)
    assert voucher.accounting_balance() == 0
    totals = voucher_totals(voucher)
    assert totals == accounting_totals(lines, rate, USD)
    [customer] = voucher.lines_of(T.CUSTOMER_BALANCE)
    assert customer.amount_accounting == totals.total
    assert len(voucher.lines_of(T.SALES_TAX)) <= 1
