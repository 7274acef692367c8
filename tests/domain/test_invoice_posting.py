"""Posting an invoice proposal (seed 003): WIP reversed per posted transaction at its
own rate, invoiced revenue per line, sales tax per code, the customer balance taking
the rounding difference; a negative proposal credits, as the exact mirror."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billable.domain.currency import convert
from billable.domain.errors import Invalid
from billable.domain.invoice_posting import (
    AccountingTotals,
    InvoicedLine,
    WipReversal,
    accounting_totals,
    invoice_posting,
    voucher_totals,
)
from billable.domain.money import Currency
from billable.domain.postings import PostingProfile, PostingRule, Voucher, wip_posting
from billable.domain.pricing import TransactionClass
from billable.domain.tax import TaxCode, TaxLine, tax_lines
from tests.domain.seed_003 import (
    CONTOSO,
    EXPENSE,
    GBP,
    PROJECT_DIMENSIONS,
    TIME,
    USD,
    VAT,
    D,
    T,
    seed_rate,
    table,
)
from tests.domain.test_postings import assert_balanced_in_both_currencies, currency_pairs, money


def seed_line(amount: str = "1000.00", *codes: TaxCode) -> InvoicedLine:
    """4 h at 250 GBP (or ``amount``), with the tax of ``codes``."""
    return InvoicedLine(TIME, D(amount), tax_lines(D(amount), codes, GBP))


def seed_accrual(amount: str = "1000.00") -> WipReversal:
    """The WIP the journal accrued for seed 003's sales line, at the fixed 1.25."""
    return WipReversal(TIME, D(amount), seed_rate())


def negated(line: InvoicedLine) -> InvoicedLine:
    """The same line credited: amount and every tax negated."""
    taxes = tuple(TaxLine(t.code, t.rate, -t.base, -t.amount) for t in line.taxes)
    return InvoicedLine(line.transaction_class, -line.amount, taxes, line.dimensions)


def credit(reversals: Sequence[WipReversal]) -> list[WipReversal]:
    """The reversals of a credit note: the same accruals, negated."""
    return [WipReversal(r.transaction_class, -r.amount, r.rate, r.dimensions) for r in reversals]


# --- seed 003 -------------------------------------------------------------------------


def test_seed_003_posting_the_invoice_reverses_wip_and_bills_the_customer() -> None:
    voucher = invoice_posting(CONTOSO, [seed_line()], [seed_accrual()], GBP, USD, seed_rate())
    assert table(voucher) == [
        ("161300", T.WIP_SALES_VALUE, "-1000.00", "-1250.00", "1.25"),
        ("420200", T.ACCRUED_REVENUE, "1000.00", "1250.00", "1.25"),
        ("411100", T.INVOICED_REVENUE, "-1000.00", "-1250.00", "1.25"),
        ("130100", T.CUSTOMER_BALANCE, "1000.00", "1250.00", "1.25"),
    ]
    voucher.check_balanced()


def test_seed_003_with_20_percent_vat_the_customer_owes_tax_and_tax_payable_is_credited() -> None:
    line = seed_line("1000.00", VAT)
    voucher = invoice_posting(CONTOSO, [line], [seed_accrual()], GBP, USD, seed_rate())
    assert table(voucher) == [
        ("161300", T.WIP_SALES_VALUE, "-1000.00", "-1250.00", "1.25"),
        ("420200", T.ACCRUED_REVENUE, "1000.00", "1250.00", "1.25"),
        ("411100", T.INVOICED_REVENUE, "-1000.00", "-1250.00", "1.25"),
        ("222100", T.SALES_TAX, "-200.00", "-250.00", "1.25"),
        ("130100", T.CUSTOMER_BALANCE, "1200.00", "1500.00", "1.25"),
    ]
    assert [ln.tax_code for ln in voucher.lines] == [None, None, None, "VAT20", None]
    assert voucher_totals(voucher) == AccountingTotals(D("1250.00"), D("250.00"))
    assert voucher_totals(voucher).total == D("1500.00")


def test_seed_003_a_full_credit_note_mirrors_the_invoice_posting() -> None:
    line = seed_line("1000.00", VAT)
    note = invoice_posting(
        CONTOSO, [negated(line)], credit([seed_accrual()]), GBP, USD, seed_rate()
    )
    assert table(note) == [
        ("161300", T.WIP_SALES_VALUE, "1000.00", "1250.00", "1.25"),
        ("420200", T.ACCRUED_REVENUE, "-1000.00", "-1250.00", "1.25"),
        ("411100", T.INVOICED_REVENUE, "1000.00", "1250.00", "1.25"),
        ("222100", T.SALES_TAX, "200.00", "250.00", "1.25"),
        ("130100", T.CUSTOMER_BALANCE, "-1200.00", "-1500.00", "1.25"),
    ]
    assert (
        note == invoice_posting(CONTOSO, [line], [seed_accrual()], GBP, USD, seed_rate()).mirrored()
    )
    assert voucher_totals(note).total == D("-1500.00")


def test_invoice_then_credit_note_leaves_every_account_where_it_was() -> None:
    lines = [seed_line("333.33", VAT)]
    invoice = invoice_posting(CONTOSO, lines, [], GBP, USD, D("1.234567"))
    note = invoice_posting(CONTOSO, [negated(lines[0])], [], GBP, USD, D("1.234567"))
    net: dict[str, Decimal] = {}
    for line in (*invoice.lines, *note.lines):
        net[line.account] = net.get(line.account, D(0)) + line.amount_accounting
    assert set(net.values()) == {0}


# --- WIP reversals --------------------------------------------------------------------


def test_the_wip_reversal_is_the_exact_mirror_of_the_accrual_whatever_the_billed_amount() -> None:
    accrued = wip_posting(CONTOSO, TIME, D("2000.00"), GBP, USD, D("1.3"))
    reversal = WipReversal(TIME, D("2000.00"), D("1.3"))
    voucher = invoice_posting(CONTOSO, [seed_line("1500.00")], [reversal], GBP, USD, D("1.25"))
    assert voucher.lines[:2] == accrued.mirrored().lines
    assert table(voucher)[2:] == [
        ("411100", T.INVOICED_REVENUE, "-1500.00", "-1875.00", "1.25"),
        ("130100", T.CUSTOMER_BALANCE, "1500.00", "1875.00", "1.25"),
    ]


def test_under_floating_rates_the_invoice_reverses_wip_at_the_rate_it_was_posted_at() -> None:
    wip = wip_posting(CONTOSO, TIME, D("1000.00"), GBP, USD, D("1.2"))
    reversal = WipReversal(TIME, D("1000.00"), D("1.2"))
    invoice = invoice_posting(CONTOSO, [seed_line()], [reversal], GBP, USD, D("1.3"))
    assert invoice.lines[:2] == wip.mirrored().lines
    assert table(invoice)[2:] == [
        ("411100", T.INVOICED_REVENUE, "-1000.00", "-1300.00", "1.3"),
        ("130100", T.CUSTOMER_BALANCE, "1000.00", "1300.00", "1.3"),
    ]
    invoice.check_balanced()


def test_a_milestone_that_never_accrued_posts_revenue_and_customer_balance_only() -> None:
    line = InvoicedLine(TransactionClass.MILESTONE, D("5000.00"))
    voucher = invoice_posting(CONTOSO, [line], [], GBP, USD, seed_rate())
    assert table(voucher) == [
        ("411900", T.INVOICED_REVENUE, "-5000.00", "-6250.00", "1.25"),
        ("130100", T.CUSTOMER_BALANCE, "5000.00", "6250.00", "1.25"),
    ]


def test_with_nothing_billed_the_accrued_wip_is_still_reversed_and_nobody_owes() -> None:
    voucher = invoice_posting(CONTOSO, [], [seed_accrual()], GBP, USD, seed_rate())
    assert table(voucher) == [
        ("161300", T.WIP_SALES_VALUE, "-1000.00", "-1250.00", "1.25"),
        ("420200", T.ACCRUED_REVENUE, "1000.00", "1250.00", "1.25"),
    ]
    assert voucher_totals(voucher) == AccountingTotals(D(0), D(0))


def test_with_nothing_billed_and_nothing_accrued_the_voucher_has_no_lines() -> None:
    assert invoice_posting(CONTOSO, [], [], GBP, USD, seed_rate()) == Voucher(())


# --- accounts, dimensions, currencies -------------------------------------------------


def test_a_class_with_its_own_accounts_posts_its_reversal_revenue_and_tax_to_them() -> None:
    profile = PostingProfile(
        (
            *CONTOSO.rules,
            PostingRule(T.WIP_SALES_VALUE, EXPENSE, "161500"),
            PostingRule(T.ACCRUED_REVENUE, EXPENSE, "420500"),
            PostingRule(T.SALES_TAX, EXPENSE, "222500"),
        )
    )
    lines = [
        InvoicedLine(EXPENSE, D("10.00"), tax_lines(D("10.00"), (VAT,), GBP)),
        seed_line("10.00", VAT),
    ]
    reversals = [WipReversal(EXPENSE, D("10.00"), D("1.25"))]
    voucher = invoice_posting(profile, lines, reversals, GBP, USD, D("1.25"))
    assert [(ln.account, ln.amount_transaction) for ln in voucher.lines] == [
        ("161500", D("-10.00")),
        ("420500", D("10.00")),
        ("411900", D("-10.00")),
        ("411100", D("-10.00")),
        ("222500", D("-2.00")),  # the expense's tax, on its own account
        ("222100", D("-2.00")),
        ("130100", D("24.00")),
    ]


def test_the_lines_carry_their_dimensions_tax_none_and_the_customer_line_the_customers() -> None:
    line = InvoicedLine(TIME, D("10.00"), tax_lines(D("10.00"), (VAT,), GBP), PROJECT_DIMENSIONS)
    reversal = WipReversal(TIME, D("10.00"), D("1.25"), PROJECT_DIMENSIONS)
    customer = (("CustomerGroup", "UK"),)
    voucher = invoice_posting(CONTOSO, [line], [reversal], GBP, USD, D("1.25"), customer)
    assert [ln.dimensions for ln in voucher.lines] == [
        *[PROJECT_DIMENSIONS] * 3,
        (),  # sales tax is one line per code, across lines of any dimensions
        customer,
    ]


def test_a_credit_note_keeps_the_dimensions_of_what_it_credits() -> None:
    line = InvoicedLine(TIME, D("-10.00"), dimensions=PROJECT_DIMENSIONS)
    reversal = WipReversal(TIME, D("-10.00"), D("1.25"), PROJECT_DIMENSIONS)
    voucher = invoice_posting(CONTOSO, [line], [reversal], GBP, USD, D("1.25"))
    assert [ln.dimensions for ln in voucher.lines] == [PROJECT_DIMENSIONS] * 3 + [()]


def test_every_line_is_in_the_transaction_currency_at_the_rate_kept_to_six_decimals() -> None:
    reversal = WipReversal(TIME, D("1000.00"), D("1.2000004"))
    voucher = invoice_posting(
        CONTOSO, [seed_line("1000.00", VAT)], [reversal], GBP, USD, D("1.2345675")
    )
    assert {ln.currency for ln in voucher.lines} == {GBP}
    assert [ln.exchange_rate for ln in voucher.lines] == [D("1.2")] * 2 + [D("1.234568")] * 3
    assert voucher.lines_of(T.INVOICED_REVENUE)[0].amount_accounting == D("-1234.57")


def test_the_customer_balance_takes_the_rounding_difference_of_several_lines() -> None:
    # Each 0.01 GBP at 1.5 is 0.015 -> 0.02 USD; the customer's 0.03 GBP would be 0.045 -> 0.05.
    lines = [InvoicedLine(TIME, D("0.01")) for _ in range(3)]
    voucher = invoice_posting(CONTOSO, lines, [], GBP, USD, D("1.5"))
    assert [ln.amount_accounting for ln in voucher.lines_of(T.INVOICED_REVENUE)] == [D("-0.02")] * 3
    (customer,) = voucher.lines_of(T.CUSTOMER_BALANCE)
    assert customer.amount_transaction == D("0.03")
    assert customer.amount_accounting == D("0.06")
    voucher.check_balanced()


# --- sales tax per code ---------------------------------------------------------------


def test_tax_is_one_line_per_code_summed_over_lines_and_converted_once() -> None:
    lines = [
        seed_line("333.33", VAT),
        seed_line("333.33", VAT),
        InvoicedLine(EXPENSE, D("10.01"), tax_lines(D("10.01"), (VAT,), GBP)),
    ]
    voucher = invoice_posting(CONTOSO, lines, [], GBP, USD, D("1.333333"))
    [tax] = voucher.lines_of(T.SALES_TAX)
    assert (tax.tax_code, tax.amount_transaction) == ("VAT20", D("-135.34"))
    assert tax.amount_accounting == D("-180.45")  # 135.34 x 1.333333, rounded once
    assert accounting_totals(lines, D("1.333333"), USD) == voucher_totals(voucher)
    assert voucher.accounting_balance() == 0


def test_two_tax_codes_give_two_lines_in_the_order_they_first_appear() -> None:
    reduced = TaxCode("VAT5", D("5"))
    lines = [seed_line("100.00", reduced), seed_line("100.00", VAT, reduced)]
    voucher = invoice_posting(CONTOSO, lines, [], GBP, USD, D("1.25"))
    taxes = voucher.lines_of(T.SALES_TAX)
    assert [(ln.tax_code, ln.amount_transaction) for ln in taxes] == [
        ("VAT5", D("-10.00")),
        ("VAT20", D("-20.00")),
    ]
    assert accounting_totals(lines, D("1.25"), USD) == AccountingTotals(D("250.00"), D("37.50"))


def test_a_negative_proposal_credits_revenue_tax_and_the_customer() -> None:
    lines = [seed_line("-1000.00", VAT), seed_line("250.00", VAT)]
    voucher = invoice_posting(CONTOSO, lines, [], GBP, USD, D("1.25"))
    assert table(voucher) == [
        ("411100", T.INVOICED_REVENUE, "1000.00", "1250.00", "1.25"),
        ("411100", T.INVOICED_REVENUE, "-250.00", "-312.50", "1.25"),
        ("222100", T.SALES_TAX, "150.00", "187.50", "1.25"),
        ("130100", T.CUSTOMER_BALANCE, "-900.00", "-1125.00", "1.25"),
    ]
    assert voucher_totals(voucher).total == D("-1125.00")


def test_a_proposal_without_lines_or_tax_totals_decimal_zeros() -> None:
    for totals in (
        accounting_totals([], D("1.25"), USD),
        accounting_totals([seed_line()], D("1.25"), USD),
    ):
        assert type(totals.amount) is type(totals.tax) is Decimal
    assert accounting_totals([], D("1.25"), USD) == AccountingTotals(D(0), D(0))
    shown = voucher_totals(Voucher(()))
    assert (type(shown.amount), type(shown.tax)) == (Decimal, Decimal)


# --- refusals -------------------------------------------------------------------------


def test_an_amount_or_tax_finer_than_the_currency_is_refused_by_field() -> None:
    with pytest.raises(Invalid, match=r"amount: 10\.001 has more decimals than GBP allows"):
        invoice_posting(CONTOSO, [InvoicedLine(TIME, D("10.001"))], [], GBP, USD, D("1.25"))
    fine_tax = (TaxLine("VAT20", D("20"), D("10.00"), D("2.005")),)
    with pytest.raises(Invalid, match=r"tax: 2\.005 has more decimals than GBP allows"):
        invoice_posting(CONTOSO, [InvoicedLine(TIME, D("10.00"), fine_tax)], [], GBP, USD, D(1))


def test_a_line_without_tax_needs_no_sales_tax_account() -> None:
    profile = PostingProfile(tuple(r for r in CONTOSO.rules if r.posting_type is not T.SALES_TAX))
    voucher = invoice_posting(profile, [seed_line()], [], GBP, USD, D("1.25"))
    assert voucher.lines_of(T.SALES_TAX) == ()
    with pytest.raises(Invalid, match="no ledger account for posting type sales_tax for time"):
        invoice_posting(profile, [seed_line("10.00", VAT)], [], GBP, USD, D("1.25"))


# --- properties -----------------------------------------------------------------------

tax_codes = st.builds(TaxCode, st.sampled_from("ABC"), st.decimals(0, 30, places=2))
classes = st.sampled_from(list(TransactionClass))


@st.composite
def invoiced_lines(draw: st.DrawFn, currency: Currency) -> InvoicedLine:
    """A line of any class with up to three tax codes."""
    amount = draw(money(currency))
    codes = draw(st.lists(tax_codes, max_size=3, unique_by=lambda c: c.code))
    return InvoicedLine(draw(classes), amount, tax_lines(amount, codes, currency))


@st.composite
def reversals(draw: st.DrawFn, currency: Currency, accounting: Currency) -> WipReversal:
    """An accrual at the invoice's rate or any other (1 within one currency)."""
    rate = D(1) if currency == accounting else draw(st.decimals(D("0.000001"), 5000, places=6))
    return WipReversal(draw(classes), draw(money(currency)), rate)


@given(data=st.data(), pair=currency_pairs())
def test_every_invoice_voucher_balances_and_its_credit_note_is_its_mirror(
    data: st.DataObject, pair: tuple[Currency, Currency, Decimal]
) -> None:
    currency, accounting, rate = pair
    lines = data.draw(st.lists(invoiced_lines(currency), max_size=5))
    accrued = data.draw(st.lists(reversals(currency, accounting), max_size=3))
    invoice = invoice_posting(CONTOSO, lines, accrued, currency, accounting, rate)
    note = invoice_posting(
        CONTOSO, [negated(line) for line in lines], credit(accrued), currency, accounting, rate
    )
    assert_balanced_in_both_currencies(invoice)
    assert note == invoice.mirrored()
    assert voucher_totals(invoice) == accounting_totals(lines, rate, accounting)
    if not lines:
        return
    # Every line but the customer's is its own conversion; the customer's differs from
    # converting its total by at most half a minor unit per other line, plus its own half.
    (customer,) = invoice.lines_of(T.CUSTOMER_BALANCE)
    assert customer.amount_accounting == -sum(
        (ln.amount_accounting for ln in invoice.lines if ln is not customer), D(0)
    )
    others = [line for line in invoice.lines if line is not customer]
    for line in others:
        assert line.amount_accounting == convert(
            line.amount_transaction, line.exchange_rate, accounting
        )
    unit = D(1).scaleb(-accounting.minor_units)
    drift = abs(customer.amount_accounting - convert(customer.amount_transaction, rate, accounting))
    assert drift <= unit * (len(others) + 1) / 2


amounts = st.decimals(D("-99999.99"), D("99999.99"), places=2)
gbp_rates = st.decimals(D("0.000001"), D("1000"), places=6)


@given(
    st.lists(st.tuples(amounts, st.decimals(0, 30, places=2)), min_size=1, max_size=6),
    st.lists(st.tuples(amounts, gbp_rates), max_size=4),
    gbp_rates,
)
def test_every_proposal_voucher_shows_the_totals_it_was_shown_with_before_posting(
    billed: list[tuple[Decimal, Decimal]],
    accrued: list[tuple[Decimal, Decimal]],
    rate: Decimal,
) -> None:
    lines = [seed_line(f"{amount}", TaxCode("A", percent)) for amount, percent in billed]
    wip = [WipReversal(TIME, amount, at) for amount, at in accrued]
    voucher = invoice_posting(CONTOSO, lines, wip, GBP, USD, rate)
    assert voucher.accounting_balance() == 0
    totals = voucher_totals(voucher)
    assert totals == accounting_totals(lines, rate, USD)
    [customer] = voucher.lines_of(T.CUSTOMER_BALANCE)
    assert customer.amount_accounting == totals.total
    assert len(voucher.lines_of(T.SALES_TAX)) <= 1
