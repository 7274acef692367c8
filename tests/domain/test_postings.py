"""Vouchers of seed 003: the integration journal and the invoice posting, in both currencies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billable.domain.currency import ExchangeRate, FixedRateAgreement, convert, effective_rate
from billable.domain.errors import Invalid
from billable.domain.money import Currency, extend
from billable.domain.postings import (
    InvoicedLine,
    PostingProfile,
    PostingRule,
    PostingType,
    Voucher,
    VoucherLine,
    cost_posting,
    credit_note_posting,
    invoice_posting,
    wip_posting,
)
from billable.domain.pricing import TransactionClass
from billable.domain.tax import TaxCode, tax_lines

D = Decimal
USD = Currency("USD", 2)
GBP = Currency("GBP", 2)
JPY = Currency("JPY", 0)
KWD = Currency("KWD", 3)
T = PostingType
TIME = TransactionClass.TIME

#: Contoso's accounts in seed 003, plus a sales tax payable and catch-all accounts.
CONTOSO = PostingProfile.of(
    {
        (T.PAYROLL_ALLOCATION, None): "600300",
        (T.COST_OFFSET, None): "600400",
        (T.PROJECT_COST, TIME): "540100",
        (T.PROJECT_COST, None): "540900",
        (T.WIP_SALES_VALUE, None): "161300",
        (T.ACCRUED_REVENUE, None): "420200",
        (T.INVOICED_REVENUE, TIME): "411100",
        (T.INVOICED_REVENUE, None): "411900",
        (T.CUSTOMER_BALANCE, None): "130100",
        (T.SALES_TAX, None): "222100",
    }
)
GBP_USD = (
    ExchangeRate("GBP", "USD", D("1.2"), dt.date(2024, 1, 1)),
    ExchangeRate("GBP", "USD", D("1.4"), dt.date(2024, 6, 1)),
)
COHO = FixedRateAgreement("GBP", D("1.25"), "FRA-0001")
AUGUST_27 = dt.date(2024, 8, 27)
VAT = TaxCode("VAT20", D("20"))
PROJECT_DIMENSIONS = (("BusinessUnit", "002"), ("Project", "PRJ-0042"))


def table(voucher: Voucher) -> list[tuple[str, PostingType, str, str, str]]:
    """The voucher as seed 003 prints it: account, posting type, both amounts, rate."""
    return [
        (
            line.account,
            line.posting_type,
            f"{line.amount_transaction:f}",
            f"{line.amount_accounting:f}",
            f"{line.exchange_rate.normalize():f}",
        )
        for line in voucher.lines
    ]


def seed_rate() -> Decimal:
    return effective_rate(GBP_USD, COHO, "GBP", "USD", AUGUST_27)


# --- seed 003, step by step -----------------------------------------------------------


def test_seed_003_the_journal_has_480_usd_cost_and_1000_gbp_sales_at_125_per_100() -> None:
    assert extend(D(4), D(120), USD) == D("480.00")
    assert extend(D(4), D(250), GBP) == D("1000.00")
    assert effective_rate(GBP_USD, None, "USD", "USD", AUGUST_27) * 100 == 100
    assert seed_rate() * 100 == 125  # not the 1.4 in force on August 27


def test_seed_003_posting_the_cost_line_allocates_payroll_to_project_cost() -> None:
    voucher = cost_posting(CONTOSO, TIME, D("480.00"), USD, USD)
    assert table(voucher) == [
        ("600300", T.PAYROLL_ALLOCATION, "-480.00", "-480.00", "1"),
        ("540100", T.PROJECT_COST, "480.00", "480.00", "1"),
    ]
    voucher.check_balanced()


def test_seed_003_posting_the_sales_line_accrues_wip_at_the_fixed_rate() -> None:
    voucher = wip_posting(CONTOSO, TIME, D("1000.00"), GBP, USD, seed_rate())
    assert table(voucher) == [
        ("161300", T.WIP_SALES_VALUE, "1000.00", "1250.00", "1.25"),
        ("420200", T.ACCRUED_REVENUE, "-1000.00", "-1250.00", "1.25"),
    ]
    voucher.check_balanced()


def test_seed_003_the_journal_posts_the_four_lines_of_the_seed_table() -> None:
    journal = [
        *cost_posting(CONTOSO, TIME, D("480.00"), USD, USD).lines,
        *wip_posting(CONTOSO, TIME, D("1000.00"), GBP, USD, seed_rate()).lines,
    ]
    assert [(ln.account, ln.amount_transaction, ln.amount_accounting) for ln in journal] == [
        ("600300", D(-480), D(-480)),
        ("540100", D(480), D(480)),
        ("161300", D(1000), D(1250)),
        ("420200", D(-1000), D(-1250)),
    ]
    assert sum(ln.amount_accounting for ln in journal) == 0


def test_seed_003_posting_the_invoice_reverses_wip_and_bills_the_customer() -> None:
    voucher = invoice_posting(CONTOSO, [InvoicedLine(TIME, D("1000.00"))], GBP, USD, seed_rate())
    assert table(voucher) == [
        ("161300", T.WIP_SALES_VALUE, "-1000.00", "-1250.00", "1.25"),
        ("420200", T.ACCRUED_REVENUE, "1000.00", "1250.00", "1.25"),
        ("411100", T.INVOICED_REVENUE, "-1000.00", "-1250.00", "1.25"),
        ("130100", T.CUSTOMER_BALANCE, "1000.00", "1250.00", "1.25"),
    ]
    voucher.check_balanced()


def test_seed_003_with_20_percent_vat_the_customer_owes_tax_and_tax_payable_is_credited() -> None:
    line = InvoicedLine(TIME, D("1000.00"), tax_lines(D("1000.00"), (VAT,), GBP))
    voucher = invoice_posting(CONTOSO, [line], GBP, USD, seed_rate())
    assert table(voucher) == [
        ("161300", T.WIP_SALES_VALUE, "-1000.00", "-1250.00", "1.25"),
        ("420200", T.ACCRUED_REVENUE, "1000.00", "1250.00", "1.25"),
        ("411100", T.INVOICED_REVENUE, "-1000.00", "-1250.00", "1.25"),
        ("222100", T.SALES_TAX, "-200.00", "-250.00", "1.25"),
        ("130100", T.CUSTOMER_BALANCE, "1200.00", "1500.00", "1.25"),
    ]
    assert voucher.lines_of(T.SALES_TAX)[0].tax_code == "VAT20"
    voucher.check_balanced()


def test_seed_003_a_full_credit_note_mirrors_the_invoice_posting() -> None:
    line = InvoicedLine(TIME, D("1000.00"), tax_lines(D("1000.00"), (VAT,), GBP))
    credit = credit_note_posting(CONTOSO, [line], GBP, USD, seed_rate())
    assert table(credit) == [
        ("161300", T.WIP_SALES_VALUE, "1000.00", "1250.00", "1.25"),
        ("420200", T.ACCRUED_REVENUE, "-1000.00", "-1250.00", "1.25"),
        ("411100", T.INVOICED_REVENUE, "1000.00", "1250.00", "1.25"),
        ("222100", T.SALES_TAX, "200.00", "250.00", "1.25"),
        ("130100", T.CUSTOMER_BALANCE, "-1200.00", "-1500.00", "1.25"),
    ]
    credit.check_balanced()


def test_invoice_then_credit_note_leaves_every_account_where_it_was() -> None:
    lines = [InvoicedLine(TIME, D("333.33"), tax_lines(D("333.33"), (VAT,), GBP))]
    invoice = invoice_posting(CONTOSO, lines, GBP, USD, D("1.234567"))
    credit = credit_note_posting(CONTOSO, lines, GBP, USD, D("1.234567"))
    net: dict[str, Decimal] = {}
    for line in (*invoice.lines, *credit.lines):
        net[line.account] = net.get(line.account, D(0)) + line.amount_accounting
    assert set(net.values()) == {0}


# --- other shapes ---------------------------------------------------------------------


def test_a_milestone_that_never_accrued_posts_revenue_and_customer_balance_only() -> None:
    line = InvoicedLine(TransactionClass.MILESTONE, D("5000.00"), accrued=False)
    voucher = invoice_posting(CONTOSO, [line], GBP, USD, seed_rate())
    assert table(voucher) == [
        ("411900", T.INVOICED_REVENUE, "-5000.00", "-6250.00", "1.25"),
        ("130100", T.CUSTOMER_BALANCE, "5000.00", "6250.00", "1.25"),
    ]


def test_an_expense_cost_is_offset_to_the_cost_offset_account_not_payroll() -> None:
    voucher = cost_posting(CONTOSO, TransactionClass.EXPENSE, D("75.50"), USD, USD)
    assert [(ln.account, ln.posting_type) for ln in voucher.lines] == [
        ("600400", T.COST_OFFSET),
        ("540900", T.PROJECT_COST),
    ]


def test_a_cost_in_a_foreign_currency_converts_at_the_given_rate() -> None:
    voucher = cost_posting(CONTOSO, TransactionClass.EXPENSE, D("100.00"), GBP, USD, D("1.4"))
    assert table(voucher)[1] == ("540900", T.PROJECT_COST, "100.00", "140.00", "1.4")


def test_under_floating_rates_the_invoice_reverses_wip_at_the_rate_it_was_posted_at() -> None:
    wip = wip_posting(CONTOSO, TIME, D("1000.00"), GBP, USD, D("1.2"))
    line = InvoicedLine(TIME, D("1000.00"), accrued_rate=D("1.2"))
    invoice = invoice_posting(CONTOSO, [line], GBP, USD, D("1.3"))
    assert invoice.lines[:2] == wip.mirrored().lines
    assert table(invoice)[2:] == [
        ("411100", T.INVOICED_REVENUE, "-1000.00", "-1300.00", "1.3"),
        ("130100", T.CUSTOMER_BALANCE, "1000.00", "1300.00", "1.3"),
    ]
    invoice.check_balanced()


def test_the_lines_carry_their_dimensions_and_the_customer_line_the_customers() -> None:
    taxes = tax_lines(D("10.00"), (VAT,), GBP)
    line = InvoicedLine(TIME, D("10.00"), taxes, dimensions=PROJECT_DIMENSIONS)
    customer = (("CustomerGroup", "UK"),)
    voucher = invoice_posting(CONTOSO, [line], GBP, USD, D("1.25"), customer)
    assert [ln.dimensions for ln in voucher.lines] == [PROJECT_DIMENSIONS] * 4 + [customer]


def test_the_customer_balance_takes_the_rounding_difference_of_several_lines() -> None:
    # Each 0.01 GBP at 1.5 is 0.015 -> 0.02 USD; the customer's 0.03 GBP would be 0.045 -> 0.05.
    lines = [InvoicedLine(TIME, D("0.01"), accrued=False) for _ in range(3)]
    voucher = invoice_posting(CONTOSO, lines, GBP, USD, D("1.5"))
    assert [ln.amount_accounting for ln in voucher.lines_of(T.INVOICED_REVENUE)] == [D("-0.02")] * 3
    (customer,) = voucher.lines_of(T.CUSTOMER_BALANCE)
    assert customer.amount_transaction == D("0.03")
    assert customer.amount_accounting == D("0.06")
    voucher.check_balanced()


# --- refusals -------------------------------------------------------------------------


def test_an_unbalanced_voucher_is_refused_with_the_difference() -> None:
    lines = cost_posting(CONTOSO, TIME, D("480.00"), USD, USD).lines
    stray = VoucherLine("999999", T.PROJECT_COST, USD, D("0.01"), D("0.01"), D(1))
    with pytest.raises(Invalid, match=r"off by 0\.01"):
        Voucher((*lines, stray)).check_balanced()


def test_the_profile_prefers_the_class_rule_and_falls_back_to_the_rule_for_all() -> None:
    assert CONTOSO.account_for(T.PROJECT_COST, TIME) == "540100"
    assert CONTOSO.account_for(T.PROJECT_COST, TransactionClass.FEE) == "540900"
    assert CONTOSO.account_for(T.PROJECT_COST) == "540900"


def test_a_posting_type_without_an_account_is_refused() -> None:
    profile = PostingProfile((PostingRule(T.PROJECT_COST, TIME, "540100"),))
    with pytest.raises(Invalid, match="no ledger account for posting type project_cost for fee"):
        profile.account_for(T.PROJECT_COST, TransactionClass.FEE)
    with pytest.raises(Invalid, match="payroll_allocation"):
        cost_posting(profile, TIME, D("480.00"), USD, USD)


def test_a_profile_with_two_rules_for_the_same_key_is_refused() -> None:
    rules = (PostingRule(T.SALES_TAX, None, "1"), PostingRule(T.SALES_TAX, None, "2"))
    with pytest.raises(Invalid, match="rules given twice: sales_tax/all"):
        PostingProfile(rules)


def test_an_amount_in_the_accounting_currency_must_convert_at_one() -> None:
    with pytest.raises(Invalid, match="must be 1 within one currency"):
        cost_posting(CONTOSO, TIME, D("480.00"), USD, USD, D("1.25"))


def test_an_amount_finer_than_its_currency_or_a_rate_not_positive_is_refused() -> None:
    with pytest.raises(Invalid, match="more decimals than GBP"):
        wip_posting(CONTOSO, TIME, D("1000.005"), GBP, USD, D("1.25"))
    with pytest.raises(Invalid, match="exchange_rate: must be positive"):
        wip_posting(CONTOSO, TIME, D("1000.00"), GBP, USD, D("0"))


def test_an_invoice_posting_needs_a_line() -> None:
    with pytest.raises(Invalid, match="at least one line"):
        invoice_posting(CONTOSO, [], GBP, USD, D("1.25"))


# --- properties: every voucher balances in accounting currency ------------------------

CURRENCIES = (USD, JPY, KWD)
rates = st.decimals(min_value=D("0.000001"), max_value=D("5000"), places=6)
classes = st.sampled_from(list(TransactionClass))


def money(currency: Currency) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=-(10**8), max_value=10**8, places=currency.minor_units)


@st.composite
def currency_pairs(draw: st.DrawFn) -> tuple[Currency, Currency, Decimal]:
    """A transaction and an accounting currency, and a rate between them (1 if equal)."""
    currency, accounting = draw(st.sampled_from(CURRENCIES)), draw(st.sampled_from(CURRENCIES))
    return currency, accounting, D(1) if currency == accounting else draw(rates)


@st.composite
def invoiced_lines(draw: st.DrawFn, currency: Currency, accounting: Currency) -> InvoicedLine:
    """A line with up to three tax codes, accrued or not, at the invoice's or another rate."""
    amount = draw(money(currency))
    tax_codes = st.builds(TaxCode, st.sampled_from("ABC"), st.decimals(0, 30, places=2))
    codes = draw(st.lists(tax_codes, max_size=3, unique_by=lambda c: c.code))
    accrued_rate = None if currency == accounting else draw(st.none() | rates)
    taxes = tax_lines(amount, codes, currency)
    return InvoicedLine(draw(classes), amount, taxes, draw(st.booleans()), accrued_rate)


def assert_balanced_in_both_currencies(voucher: Voucher) -> None:
    voucher.check_balanced()
    assert voucher.accounting_balance() == 0
    assert sum((line.amount_transaction for line in voucher.lines), D(0)) == 0


@given(data=st.data(), pair=currency_pairs(), cls=classes)
def test_every_cost_and_wip_voucher_balances(
    data: st.DataObject, pair: tuple[Currency, Currency, Decimal], cls: TransactionClass
) -> None:
    currency, accounting, rate = pair
    amount = data.draw(money(currency))
    for build in (cost_posting, wip_posting):
        voucher = build(CONTOSO, cls, amount, currency, accounting, rate)
        assert_balanced_in_both_currencies(voucher)
        first = voucher.lines[0]
        assert first.amount_accounting == convert(first.amount_transaction, rate, accounting)


@given(data=st.data(), pair=currency_pairs())
def test_every_invoice_and_credit_note_voucher_balances(
    data: st.DataObject, pair: tuple[Currency, Currency, Decimal]
) -> None:
    currency, accounting, rate = pair
    lines = data.draw(st.lists(invoiced_lines(currency, accounting), min_size=1, max_size=5))
    invoice = invoice_posting(CONTOSO, lines, currency, accounting, rate)
    credit = credit_note_posting(CONTOSO, lines, currency, accounting, rate)
    assert_balanced_in_both_currencies(invoice)
    assert_balanced_in_both_currencies(credit)
    assert credit == invoice.mirrored()
    # Every line but the customer's is its own conversion; the customer's differs from
    # converting its total by at most half a minor unit per other line, plus its own half.
    (customer,) = invoice.lines_of(T.CUSTOMER_BALANCE)
    others = [line for line in invoice.lines if line is not customer]
    for line in others:
        expected = convert(line.amount_transaction, line.exchange_rate, accounting)
        assert line.amount_accounting == expected
    unit = D(1).scaleb(-accounting.minor_units)
    drift = abs(customer.amount_accounting - convert(customer.amount_transaction, rate, accounting))
    assert drift <= unit * (len(others) + 1) / 2
