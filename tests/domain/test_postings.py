"""Vouchers of the integration journal (seed 003): costs and WIP in both currencies,
the posting profile that names their accounts, and what a voucher refuses."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billable.domain.currency import convert, effective_rate
from billable.domain.errors import Invalid
from billable.domain.money import Currency, extend
from billable.domain.postings import (
    PostingProfile,
    PostingRule,
    Voucher,
    VoucherLine,
    cost_posting,
    wip_posting,
)
from billable.domain.pricing import TransactionClass
from tests.domain.seed_003 import (
    AUGUST_27,
    CONTOSO,
    EXPENSE,
    GBP,
    GBP_USD,
    JPY,
    KWD,
    PROJECT_DIMENSIONS,
    TIME,
    USD,
    D,
    T,
    seed_rate,
    table,
)

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


# --- other shapes ---------------------------------------------------------------------


def test_an_expense_cost_is_offset_to_the_cost_offset_account_not_payroll() -> None:
    voucher = cost_posting(CONTOSO, EXPENSE, D("75.50"), USD, USD)
    assert [(ln.account, ln.posting_type) for ln in voucher.lines] == [
        ("600400", T.COST_OFFSET),
        ("540900", T.PROJECT_COST),
    ]


def test_a_cost_in_a_foreign_currency_converts_at_the_given_rate() -> None:
    voucher = cost_posting(CONTOSO, EXPENSE, D("100.00"), GBP, USD, D("1.4"))
    assert table(voucher)[1] == ("540900", T.PROJECT_COST, "100.00", "140.00", "1.4")


def test_every_voucher_line_keeps_the_transaction_currency_not_the_accounting_one() -> None:
    for voucher in (
        cost_posting(CONTOSO, EXPENSE, D("100.00"), GBP, USD, D("1.4")),
        wip_posting(CONTOSO, TIME, D("1000.00"), GBP, USD, D("1.25")),
    ):
        assert [line.currency for line in voucher.lines] == [GBP, GBP]


def test_a_rate_is_kept_to_six_decimals_before_it_converts() -> None:
    # 1.2345675 keeps as 1.234568 (half up): 1,000,000.00 GBP is 1,234,568.00, not ...567.50.
    voucher = wip_posting(CONTOSO, TIME, D("1000000.00"), GBP, USD, D("1.2345675"))
    assert {line.exchange_rate for line in voucher.lines} == {D("1.234568")}
    assert voucher.lines[0].amount_accounting == D("1234568.00")


def test_a_class_with_its_own_wip_and_accrual_accounts_posts_to_them() -> None:
    profile = PostingProfile(
        (
            *CONTOSO.rules,
            PostingRule(T.WIP_SALES_VALUE, EXPENSE, "161500"),
            PostingRule(T.ACCRUED_REVENUE, EXPENSE, "420500"),
        )
    )
    expense = wip_posting(profile, EXPENSE, D("10.00"), GBP, USD, D("1.25"))
    time = wip_posting(profile, TIME, D("10.00"), GBP, USD, D("1.25"))
    assert [line.account for line in expense.lines] == ["161500", "420500"]
    assert [line.account for line in time.lines] == ["161300", "420200"]


def test_cost_and_wip_lines_carry_the_dimensions_they_were_given() -> None:
    cost = cost_posting(CONTOSO, TIME, D("480.00"), USD, USD, dimensions=PROJECT_DIMENSIONS)
    wip = wip_posting(CONTOSO, TIME, D("1.00"), GBP, USD, D("1.25"), PROJECT_DIMENSIONS)
    assert [line.dimensions for line in (*cost.lines, *wip.lines)] == [PROJECT_DIMENSIONS] * 4


def test_only_sales_tax_lines_name_a_tax_code() -> None:
    voucher = wip_posting(CONTOSO, TIME, D("1.00"), GBP, USD, D("1.25"))
    assert [line.tax_code for line in voucher.lines] == [None, None]


def test_negating_a_zero_amount_never_writes_minus_zero() -> None:
    voucher = cost_posting(CONTOSO, TIME, D("0.00"), USD, USD)
    for lines in (voucher.lines, voucher.mirrored().lines):
        assert [f"{line.amount_transaction:f}" for line in lines] == ["0.00", "0.00"]
        assert [f"{line.amount_accounting:f}" for line in lines] == ["0.00", "0.00"]


def test_mirroring_a_voucher_negates_both_amounts() -> None:
    seed = cost_posting(CONTOSO, TIME, D("480.00"), USD, USD)
    assert [line.amount_accounting for line in seed.mirrored().lines] == [D(480), D(-480)]


def test_lines_of_a_posting_type_come_in_voucher_order() -> None:
    journal = Voucher(
        (
            *wip_posting(CONTOSO, TIME, D("1.00"), GBP, USD, D("1.25")).lines,
            *wip_posting(CONTOSO, TIME, D("2.00"), GBP, USD, D("1.25")).lines,
        )
    )
    wip = journal.lines_of(T.WIP_SALES_VALUE)
    assert [line.amount_transaction for line in wip] == [D("1.00"), D("2.00")]


# --- refusals -------------------------------------------------------------------------


def test_an_unbalanced_voucher_is_refused_with_the_difference() -> None:
    lines = cost_posting(CONTOSO, TIME, D("480.00"), USD, USD).lines
    stray = VoucherLine("999999", T.PROJECT_COST, USD, D("0.01"), D("0.01"), D(1))
    with pytest.raises(
        Invalid, match=r"voucher: does not balance in accounting currency: off by 0\.01"
    ):
        Voucher((*lines, stray)).check_balanced()


def test_a_profile_of_a_mapping_has_one_rule_per_entry() -> None:
    profile = PostingProfile.of({(T.PROJECT_COST, TIME): "540100", (T.SALES_TAX, None): "222100"})
    assert profile == PostingProfile(
        (PostingRule(T.PROJECT_COST, TIME, "540100"), PostingRule(T.SALES_TAX, None, "222100"))
    )


def test_an_empty_voucher_balances_at_a_decimal_zero() -> None:
    balance = Voucher(()).accounting_balance()
    assert (type(balance), balance) == (Decimal, 0)


def test_the_profile_prefers_the_class_rule_and_falls_back_to_the_rule_for_all() -> None:
    assert CONTOSO.account_for(T.PROJECT_COST, TIME) == "540100"
    assert CONTOSO.account_for(T.PROJECT_COST, TransactionClass.FEE) == "540900"
    assert CONTOSO.account_for(T.PROJECT_COST) == "540900"


def test_a_posting_type_without_an_account_is_refused() -> None:
    profile = PostingProfile((PostingRule(T.PROJECT_COST, TIME, "540100"),))
    with pytest.raises(
        Invalid, match=r"posting_profile: no ledger account for posting type project_cost for fee$"
    ):
        profile.account_for(T.PROJECT_COST, TransactionClass.FEE)
    with pytest.raises(Invalid, match=r"no ledger account for posting type payroll_allocation$"):
        profile.account_for(T.PAYROLL_ALLOCATION)
    with pytest.raises(Invalid, match="payroll_allocation for time"):
        cost_posting(profile, TIME, D("480.00"), USD, USD)


def test_a_profile_with_two_rules_for_the_same_key_is_refused() -> None:
    rules = (
        PostingRule(T.SALES_TAX, None, "1"),
        PostingRule(T.SALES_TAX, None, "2"),
        PostingRule(T.SALES_TAX, TIME, "3"),
        PostingRule(T.SALES_TAX, TIME, "4"),
        PostingRule(T.PROJECT_COST, None, "5"),
    )
    with pytest.raises(
        Invalid, match=r"posting_profile: rules given twice: sales_tax/all, sales_tax/time$"
    ):
        PostingProfile(rules)


def test_an_amount_in_the_accounting_currency_must_convert_at_one() -> None:
    with pytest.raises(Invalid, match=r"exchange_rate: must be 1 within one currency, not 1\.25"):
        cost_posting(CONTOSO, TIME, D("480.00"), USD, USD, D("1.25"))
    # Kept to 6 decimals first: a rate a hair from 1 is 1.
    assert cost_posting(CONTOSO, TIME, D("1.00"), USD, USD, D("1.0000001")).lines


def test_an_amount_finer_than_its_currency_or_a_rate_not_positive_is_refused() -> None:
    with pytest.raises(Invalid, match=r"amount: 1000\.005 has more decimals than GBP allows"):
        wip_posting(CONTOSO, TIME, D("1000.005"), GBP, USD, D("1.25"))
    with pytest.raises(Invalid, match=r"exchange_rate: must be positive, not 0$"):
        wip_posting(CONTOSO, TIME, D("1000.00"), GBP, USD, D("0"))
    # A rate that keeps as zero at 6 decimals is not positive either.
    with pytest.raises(Invalid, match="must be positive, not 4E-7"):
        wip_posting(CONTOSO, TIME, D("1000.00"), GBP, USD, D("0.0000004"))


# --- properties: every journal voucher balances in accounting currency ----------------

CURRENCIES = (USD, JPY, KWD)
rates = st.decimals(min_value=D("0.000001"), max_value=D("5000"), places=6)
classes = st.sampled_from(list(TransactionClass))


def money(currency: Currency) -> st.SearchStrategy[Decimal]:
    """Amounts of ``currency``, whole minor units, either sign."""
    return st.decimals(min_value=-(10**8), max_value=10**8, places=currency.minor_units)


@st.composite
def currency_pairs(draw: st.DrawFn) -> tuple[Currency, Currency, Decimal]:
    """A transaction and an accounting currency, and a rate between them (1 if equal)."""
    currency, accounting = draw(st.sampled_from(CURRENCIES)), draw(st.sampled_from(CURRENCIES))
    return currency, accounting, D(1) if currency == accounting else draw(rates)


def assert_balanced_in_both_currencies(voucher: Voucher) -> None:
    """Zero in accounting currency (checked both ways) and in transaction currency."""
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
